import { describe, expect, test } from 'vitest';
import { mediaProblem } from '../../../src/bot/features/inbound/cards.js';
import { replyProblems } from '../../../src/bot/features/inbound/reply-modal.js';
import { isUnknownTxnRef, recordMismatch } from '../../../src/bot/features/inbound/verify.js';
import { INBOUND_FIELD } from '../../../src/bot/ids.js';
import { errorFromStatus, HoiioNetworkError } from '../../../src/hoiio/index.js';

describe('replyProblems', () => {
  test('a normal reply is fine', () => {
    expect(replyProblems('See you at 5', false, false)).toEqual({});
  });
  test('empty and over-long replies are field errors', () => {
    expect(replyProblems('   ', false, false)).toHaveProperty(INBOUND_FIELD.message);
    expect(replyProblems('x'.repeat(460), false, false)[INBOUND_FIELD.message]).toMatch(/4 SMS parts/);
  });
  test('an opted-out contact needs the confirmation', () => {
    expect(replyProblems('hi', true, false)).toHaveProperty(INBOUND_FIELD.confirmOptOut);
    expect(replyProblems('hi', true, true)).toEqual({});
  });
});

describe('verification helpers', () => {
  test('unknown or foreign txn_refs are forgeries; network errors are not', () => {
    expect(isUnknownTxnRef(errorFromStatus('error_invalid_txn_ref', 'sms/query_status'))).toBe(true);
    expect(isUnknownTxnRef(errorFromStatus('error_txn_ref_access_denied', 'fax/query_status'))).toBe(true);
    expect(isUnknownTxnRef(errorFromStatus('error_internal_server_error', 'sms/query_status'))).toBe(false);
    expect(isUnknownTxnRef(new HoiioNetworkError('sms/query_status'))).toBe(false);
  });
  test('recordMismatch compares only fields both sides have', () => {
    expect(recordMismatch({ src: '+6591234567', dest: '+6531580001' }, { src: '+6591234567' })).toEqual([]);
    expect(
      recordMismatch({ src: '+6591234567', dest: '+6531580001' }, { src: '+6590000000', dest: '+6531580001' }),
    ).toEqual(['src']);
  });
  test('media problems read as words', () => {
    expect(mediaProblem('too_large')).toMatch(/25 MiB/);
    expect(mediaProblem('something_new')).toBe('the download failed.');
  });
});
