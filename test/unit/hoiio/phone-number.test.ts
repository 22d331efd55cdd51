import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  findPhoneNumbers,
  formatPhoneNumber,
  isE164,
  maskPhoneNumber,
  toE164,
} from '../../../src/hoiio/phone-number.js';

describe('toE164', () => {
  test.each([
    ['+65 9123 4567', 'SG', '+6591234567'],
    ['9123 4567', 'SG', '+6591234567'],
    ['6123-4567', 'SG', '+6561234567'],
    ['0065 9123 4567', 'SG', '+6591234567'],
    ['001 65 9123 4567', 'SG', '+6591234567'],
    ['(650) 253-0000', 'US', '+16502530000'],
    ['650.253.0000', 'US', '+16502530000'],
    ['+1 650 253 0000', 'SG', '+16502530000'],
    ['011 65 9123 4567', 'US', '+6591234567'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+44 20 7946 0958', 'SG', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['012-345 6789', 'MY', '+60123456789'],
    ['+60 12-345 6789', 'SG', '+60123456789'],
    ['9123 4567', 'sg', '+6591234567'],
    ['＋６５ ９１２３ ４５６７', 'SG', '+6591234567'],
  ])('%j (%s) -> %s', (input, country, e164) => {
    expect(toE164(input, country)).toEqual({ ok: true, e164 });
  });

  test('a number that is not valid for the default country explains itself', () => {
    expect(toE164('123', 'SG')).toEqual({
      ok: false,
      problem: '“123” is not a valid phone number for SG. Use the international format, e.g. +65 9123 4567.',
    });
  });

  test.each([
    ['', /Enter a phone number/],
    ['   ', /Enter a phone number/],
    ['abc', /“abc” is not a phone number/],
    ['9123 4567x', /not a phone number/],
    ['+65 9123 4567 ext 12', /not a phone number/],
    ['+999 1234 5678', /not a valid phone number\. Check the country code/],
    ['+65 9123 4567 8901 2345', /not a valid phone number/],
    ['12/05/2024', /not a valid phone number for SG/],
    ['1'.repeat(200), /too long/],
  ])('refuses %j', (input, problem) => {
    const r = toE164(input, 'SG');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  test('does not echo unbounded input', () => {
    const r = toE164(`call me maybe ${'x'.repeat(10_000)}`, 'SG');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.length).toBeLessThan(160);
    const digits = toE164('9'.repeat(50), 'SG');
    if (!digits.ok) expect(digits.problem.length).toBeLessThan(160);
  });

  test('strips control characters from the echoed input', () => {
    const r = toE164('12\n\u0007<@U123>', 'SG');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).not.toContain('\n');
      expect(r.problem).not.toContain('\u0007');
    }
  });

  test('an unknown default country still accepts international numbers', () => {
    expect(toE164('+65 9123 4567', 'XX')).toEqual({ ok: true, e164: '+6591234567' });
    const r = toE164('9123 4567', 'XX');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/Check the country code/);
  });

  test('property: never throws, and any success is E.164', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constantFrom('SG', 'US', 'GB', 'MY', 'XX', ''),
        (s, c) => {
          const r = toE164(s, c);
          if (r.ok) expect(isE164(r.e164)).toBe(true);
          else expect(r.problem.length).toBeLessThan(200);
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[\d ()-]{0,25}$/), (s) => {
        const r = toE164(s, 'SG');
        if (r.ok) expect(r.e164).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});

describe('isE164', () => {
  test.each([
    ['+6591234567', true],
    ['+16502530000', true],
    ['+442079460958', true],
    ['6591234567', false],
    ['+65 9123 4567', false],
    ['+6512345', false],
    ['+0123456789', false],
    ['+659123456789012345', false],
    ['', false],
  ])('%j -> %s', (value, expected) => {
    expect(isE164(value)).toBe(expected);
  });
});

describe('formatPhoneNumber', () => {
  test('formats for display, falls back to the input', () => {
    expect(formatPhoneNumber('+6591234567')).toBe('+65 9123 4567');
    expect(formatPhoneNumber('+16502530000')).toBe('+1 650 253 0000');
    expect(formatPhoneNumber('not a number')).toBe('not a number');
  });
});

describe('maskPhoneNumber', () => {
  test('keeps the country code and the last four digits', () => {
    expect(maskPhoneNumber('+6591234567')).toBe('+65 ••••4567');
    expect(maskPhoneNumber('+16502530000')).toBe('+1 ••••0000');
    expect(maskPhoneNumber('+442079460958')).toBe('+44 ••••0958');
    expect(maskPhoneNumber('garbage')).toBe('••••');
    expect(maskPhoneNumber('+6591234567')).not.toContain('9123');
  });
});

describe('findPhoneNumbers', () => {
  test('finds distinct numbers in order, reading local ones with the default country', () => {
    const text = 'Call +1 650 253 0000 or 9123 4567 (mobile). Office: 6123-4567. Again: +65 9123 4567.';
    expect(findPhoneNumbers(text, 'SG')).toEqual(['+16502530000', '+6591234567', '+6561234567']);
  });

  test('ignores dates, amounts and ids that are not phone numbers', () => {
    const text = 'Invoice 2024-01-15 for $1,234.56, order #123456, ref 12/05/2024 10:30.';
    expect(findPhoneNumbers(text, 'SG')).toEqual([]);
  });

  test('empty text, unknown country', () => {
    expect(findPhoneNumbers('', 'SG')).toEqual([]);
    expect(findPhoneNumbers('ring +44 20 7946 0958', 'XX')).toEqual(['+442079460958']);
  });
});
