import { expect, test } from 'vitest';
import { SMS_ERROR } from '../../../src/bot/features/sms/sms-errors.js';
import { smsStatusChange } from '../../../src/bot/features/sms/sms-status-change.js';

test('Hoiio sms_status → our status, with billing facts', () => {
  const date = new Date('2026-01-01T00:00:00Z');
  expect(smsStatusChange({ txnRef: 'AA-S-1', smsStatus: 'queued' })).toEqual({ txn_ref: 'AA-S-1', status: 'sent' });
  expect(
    smsStatusChange({
      txnRef: 'AA-S-1',
      smsStatus: 'delivered',
      date,
      splitCount: 2,
      currency: 'SGD',
      rate: '0.038',
      debit: '0.076',
    }),
  ).toEqual({
    txn_ref: 'AA-S-1',
    status: 'delivered',
    error_code: null,
    provider_date: date,
    segments: 2,
    currency: 'SGD',
    rate: '0.038',
    debit: '0.076',
  });
  expect(smsStatusChange({ txnRef: 'x', smsStatus: 'failed' })).toMatchObject({
    status: 'failed',
    error_code: SMS_ERROR.deliveryFailed,
  });
  expect(smsStatusChange({ txnRef: 'x', smsStatus: 'error' })).toMatchObject({
    status: 'failed',
    error_code: SMS_ERROR.deliveryError,
  });
  expect(smsStatusChange({ txnRef: 'x', smsStatus: 'weird' })).toBeUndefined();
});
