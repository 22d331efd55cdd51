import type { TransactionStatusChange } from '../../../db/repositories/transactions.js';
import type { Money } from '../../../hoiio/index.js';
import { SMS_ERROR } from './sms-errors.js';

/** What Hoiio says about one of our SMS: a delivery notification, a query_status answer or a history entry. */
export interface SmsFacts {
  readonly txnRef: string;
  /** Hoiio's `sms_status`, verbatim. */
  readonly smsStatus?: string | undefined;
  readonly date?: Date | undefined;
  readonly splitCount?: number | undefined;
  readonly currency?: string | undefined;
  readonly rate?: Money | undefined;
  readonly debit?: Money | undefined;
}

/**
 * The status change Hoiio's facts mean for our row: `queued` at Hoiio is `sent` to us (Hoiio has it),
 * `delivered` is delivered, `failed`/`error` are failed with our error code. Billing facts ride along. Undefined
 * for a status we do not know (nothing to apply).
 */
export function smsStatusChange(facts: SmsFacts, raw?: Record<string, string>): TransactionStatusChange | undefined {
  const base: Omit<TransactionStatusChange, 'status'> = {
    txn_ref: facts.txnRef,
    ...(facts.date !== undefined ? { provider_date: facts.date } : {}),
    ...(facts.splitCount !== undefined ? { segments: facts.splitCount } : {}),
    ...(facts.currency !== undefined ? { currency: facts.currency } : {}),
    ...(facts.rate !== undefined ? { rate: facts.rate } : {}),
    ...(facts.debit !== undefined ? { debit: facts.debit } : {}),
    ...(raw !== undefined ? { raw } : {}),
  };
  switch (facts.smsStatus) {
    case 'queued':
      return { ...base, status: 'sent' };
    case 'delivered':
      return { ...base, status: 'delivered', error_code: null };
    case 'failed':
      return { ...base, status: 'failed', error_code: SMS_ERROR.deliveryFailed };
    case 'error':
      return { ...base, status: 'failed', error_code: SMS_ERROR.deliveryError };
    default:
      return undefined;
  }
}
