import { describe, expect, test } from 'vitest';
import {
  parseAmount,
  parseBalanceArgs,
  parseContactArgs,
  parseExportArgs,
  parseHistoryArgs,
  parseRouteArgs,
  parseUndoSeconds,
} from '../../../src/bot/features/admin/admin-args.js';

describe('admin arguments', () => {
  test('contact: add with a spaced number, the implicit add, list, remove, and problems', () => {
    expect(parseContactArgs('add +65 9123 4567 Acme Logistics', 'SG')).toEqual({
      op: 'add',
      number: '+6591234567',
      name: 'Acme Logistics',
    });
    expect(parseContactArgs('9123 4567   Bob\u0007 the\u202e builder', 'SG')).toEqual({
      op: 'add',
      number: '+6591234567',
      name: 'Bob the builder',
    });
    expect(parseContactArgs('', 'SG')).toEqual({ op: 'list' });
    expect(parseContactArgs('LIST', 'SG')).toEqual({ op: 'list' });
    expect(parseContactArgs('remove <tel:+6591234567|+65 9123 4567>', 'SG')).toEqual({
      op: 'remove',
      number: '+6591234567',
    });
    expect(parseContactArgs('add +65 9123 4567', 'SG')).toMatchObject({
      op: 'invalid',
      problem: /name after the number/,
    });
    expect(parseContactArgs(`add +6591234567 ${'x'.repeat(81)}`, 'SG')).toMatchObject({
      op: 'invalid',
      problem: /too long/,
    });
    expect(parseContactArgs('Acme +6591234567', 'SG')).toMatchObject({
      op: 'invalid',
      problem: /Start with the phone number/,
    });
  });

  test('history: kind and number in any combination', () => {
    expect(parseHistoryArgs('', 'SG')).toEqual({ ok: true });
    expect(parseHistoryArgs('calls', 'SG')).toEqual({ ok: true, kind: 'call' });
    expect(parseHistoryArgs('sms +65 9123 4567', 'SG')).toEqual({ ok: true, kind: 'sms', number: '+6591234567' });
    expect(parseHistoryArgs('6123 4567', 'SG')).toEqual({ ok: true, number: '+6561234567' });
    expect(parseHistoryArgs('fax +65 9123 4567 extra', 'SG')).toMatchObject({ ok: false });
    expect(parseHistoryArgs('pizza', 'SG')).toMatchObject({ ok: false, problem: /Usage/ });
  });

  test('export days: default 30, 1..366', () => {
    expect(parseExportArgs('')).toEqual({ ok: true, days: 30 });
    expect(parseExportArgs('7')).toEqual({ ok: true, days: 7 });
    expect(parseExportArgs('90 days')).toEqual({ ok: true, days: 90 });
    expect(parseExportArgs('0')).toMatchObject({ ok: false });
    expect(parseExportArgs('367')).toMatchObject({ ok: false });
    expect(parseExportArgs('2025-01')).toMatchObject({ ok: false });
  });

  test('balance: show, cap, undo', () => {
    expect(parseBalanceArgs('')).toEqual({ op: 'show' });
    expect(parseBalanceArgs('cap 50')).toEqual({ op: 'cap', amount: '50' });
    expect(parseBalanceArgs('cap SGD 12.5')).toEqual({ op: 'cap', amount: '12.5' });
    expect(parseBalanceArgs('cap off')).toEqual({ op: 'cap', amount: null });
    expect(parseBalanceArgs('cap -5')).toMatchObject({ op: 'invalid' });
    expect(parseBalanceArgs('undo 10s')).toEqual({ op: 'undo', seconds: 10 });
    expect(parseBalanceArgs('undo off')).toEqual({ op: 'undo', seconds: 0 });
    expect(parseBalanceArgs('undo 301')).toMatchObject({ op: 'invalid' });
    expect(parseBalanceArgs('topup')).toMatchObject({ op: 'invalid', problem: /Usage/ });
    expect(parseAmount('1e3')).toBeUndefined();
    expect(parseAmount('0.00')).toBeUndefined();
    expect(parseAmount('1.2345')).toBeUndefined();
    expect(parseUndoSeconds('abc')).toBeUndefined();
  });

  test('route: list, modal, quick route with a channel reference, remove', () => {
    expect(parseRouteArgs('', 'SG')).toEqual({ op: 'list' });
    expect(parseRouteArgs('add', 'SG')).toEqual({ op: 'modal' });
    expect(parseRouteArgs('edit +65 3158 0001', 'SG')).toEqual({ op: 'modal', number: '+6531580001' });
    expect(parseRouteArgs('+65 3158 0001 <#C0SUPPORT|support-line>', 'SG')).toEqual({
      op: 'quick',
      number: '+6531580001',
      channelId: 'C0SUPPORT',
    });
    expect(parseRouteArgs('remove 3158 0001', 'SG')).toEqual({ op: 'remove', number: '+6531580001' });
    expect(parseRouteArgs('+65 3158 0001 #support', 'SG')).toMatchObject({
      op: 'invalid',
      problem: /Pick the channel/,
    });
    expect(parseRouteArgs('support', 'SG')).toMatchObject({ op: 'invalid' });
  });
});
