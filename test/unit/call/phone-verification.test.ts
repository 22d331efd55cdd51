import { describe, expect, test } from 'vitest';
import { meUsageText } from '../../../src/bot/features/call/blocks.js';
import {
  codeMatches,
  hashCode,
  mayRequestCode,
  newCode,
  normalizeCode,
  type PendingVerification,
  recentRequests,
  VERIFY_PREF,
} from '../../../src/bot/features/call/phone-verification.js';

const NOW = new Date('2025-12-01T10:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 3_600_000;

function pending(code: string): PendingVerification {
  return {
    phone: '+6598765432',
    code_hash: hashCode('nonce-1', code),
    nonce: 'nonce-1',
    expires_at: NOW.toISOString(),
    attempts: 0,
    requested_at: NOW.toISOString(),
  };
}

describe('phone verification', () => {
  test('codes are 6 digits; typed codes may carry spaces or a dash, nothing else', () => {
    for (let i = 0; i < 200; i++) expect(newCode()).toMatch(/^\d{6}$/);
    expect(normalizeCode('012345')).toBe('012345');
    expect(normalizeCode(' 012 345 ')).toBe('012345');
    expect(normalizeCode('012-345')).toBe('012345');
    expect(normalizeCode('12345')).toBeUndefined();
    expect(normalizeCode('1234567')).toBeUndefined();
    expect(normalizeCode('12345a')).toBeUndefined();
  });

  test('only the code whose hash (with its nonce) is stored matches', () => {
    const p = pending('012345');
    expect(p.code_hash).not.toContain('012345');
    expect(codeMatches(p, '012345')).toBe(true);
    expect(codeMatches(p, '012346')).toBe(false);
    expect(codeMatches({ ...p, nonce: 'nonce-2' }, '012345')).toBe(false);
  });

  test('one code a minute, five per 24 hours', () => {
    expect(mayRequestCode([], NOW)).toEqual({ ok: true });
    expect(mayRequestCode([ago(59_000)], NOW)).toEqual({
      ok: false,
      problem: 'A code was sent less than a minute ago. Wait 1 s before asking for another.',
    });
    expect(mayRequestCode([ago(60_000)], NOW)).toEqual({ ok: true });
    const four = [ago(20 * HOUR), ago(10 * HOUR), ago(5 * HOUR), ago(HOUR)];
    expect(mayRequestCode(four, NOW)).toEqual({ ok: true });
    expect(mayRequestCode([...four, ago(2 * 60_000)], NOW)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/5 codes in the last 24 hours.*about 4 h/),
    });
  });

  test('requests older than 24 hours, or not dates, are forgotten', () => {
    const prefs = {
      [VERIFY_PREF.requests]: [
        ago(25 * HOUR).toISOString(),
        'soon',
        7,
        ago(HOUR).toISOString(),
        ago(2 * HOUR).toISOString(),
      ],
    };
    expect(recentRequests(prefs, NOW)).toEqual([ago(2 * HOUR), ago(HOUR)]);
    expect(recentRequests({}, NOW)).toEqual([]);
  });

  test('/hoiio me says whether the phone is verified and what is pending', () => {
    expect(meUsageText({})).toMatch(/^You have not set your phone for calls yet\.\nSet or change it/);
    expect(meUsageText({ phone: '+6598765432', verified: false })).toMatch(/\+65 9876 5432 \(not verified\)/);
    expect(
      meUsageText({ phone: '+6598765432', verified: true, pending: { phone: '+6591112222', minutesLeft: 1 } }),
    ).toMatch(/\(verified\)\.\nA code sent to \+65 9111 2222 is waiting: .* within 1 minute\./);
  });
});
