import { describe, expect, test } from 'vitest';
import { parseSmsArgs } from '../../../src/bot/features/sms/parse-sms-args.js';

describe('parseSmsArgs', () => {
  test('a number with spaces, then the message', () => {
    expect(parseSmsArgs('+65 9123 4567 Your parcel is ready', 'SG')).toEqual({
      kind: 'send',
      to: '+6591234567',
      text: 'Your parcel is ready',
    });
  });

  test('a local number is read with the default country', () => {
    expect(parseSmsArgs('9123 4567 hi', 'SG')).toEqual({ kind: 'send', to: '+6591234567', text: 'hi' });
    expect(parseSmsArgs('(650) 253-0000 hello', 'US')).toEqual({ kind: 'send', to: '+16502530000', text: 'hello' });
  });

  test('a message that starts with digits keeps them', () => {
    expect(parseSmsArgs('+65 9123 4567 2 boxes arrive at 10', 'SG')).toEqual({
      kind: 'send',
      to: '+6591234567',
      text: '2 boxes arrive at 10',
    });
  });

  test('line breaks and inner spacing of the message are kept; Slack escapes are decoded', () => {
    expect(parseSmsArgs('+6591234567 Tom &amp; Jerry\n  line 2', 'SG')).toEqual({
      kind: 'send',
      to: '+6591234567',
      text: 'Tom & Jerry\n  line 2',
    });
  });

  test('no arguments, or only a number, opens the modal', () => {
    expect(parseSmsArgs('', 'SG')).toEqual({ kind: 'modal' });
    expect(parseSmsArgs('   ', 'SG')).toEqual({ kind: 'modal' });
    expect(parseSmsArgs('+65 9123 4567', 'SG')).toEqual({ kind: 'modal', to: '+6591234567' });
  });

  test('no number first: explains the order', () => {
    const r = parseSmsArgs('hello +65 9123 4567', 'SG');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.problem).toMatch(/Start with the phone number/);
  });

  test('an invalid number: explains what is wrong with it', () => {
    const r = parseSmsArgs('12345 hello', 'SG');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.problem).toMatch(/not a valid phone number/);
  });

  test('more than 3 parts is refused inline', () => {
    const r = parseSmsArgs(`+65 9123 4567 ${'a'.repeat(460)}`, 'SG');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.problem).toMatch(/longer than 3 SMS parts/);
    expect(parseSmsArgs(`+65 9123 4567 ${'a'.repeat(459)}`, 'SG').kind).toBe('send');
  });
});
