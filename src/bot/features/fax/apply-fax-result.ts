import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import type { JsonValue } from '../../../db/json.js';
import {
  mergeTransactionMeta,
  type TransactionStatusChange,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { Money } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import { faxOutcome } from './fax-status.js';

/** What Hoiio says about an outgoing fax, from a notification or from query_status / history. */
export interface FaxResult {
  readonly txnRef: string;
  readonly faxStatus: string;
  readonly faxErrorCode?: string | undefined;
  readonly faxPages?: number | undefined;
  readonly date?: Date | undefined;
  /** Whole minutes. */
  readonly duration?: number | undefined;
  readonly currency?: string | undefined;
  readonly rate?: Money | undefined;
  readonly debit?: Money | undefined;
  readonly raw?: JsonValue | undefined;
}

/** `file_err` means the PDF itself could not be converted: the same file would fail again. */
const NOT_RETRYABLE_CODES = new Set(['file_err']);

/**
 * Applies Hoiio's word on an outgoing fax to its row MONOTONICALLY (a late `ongoing` never undoes `delivered`),
 * with pages, cost and duration, the failure explained in `meta.error`, and a card sync — in the caller's db
 * transaction. Returns whether the row changed; an unknown `fax_status` changes nothing.
 */
export async function applyFaxResult(db: Kysely<Database>, txn: TransactionRow, result: FaxResult): Promise<boolean> {
  const outcome = faxOutcome(result.faxStatus, result.faxErrorCode);
  if (outcome === undefined) return false;
  const change: TransactionStatusChange = {
    status: outcome.status,
    ...(txn.txn_ref === null ? { txn_ref: result.txnRef } : {}),
    ...(result.date !== undefined ? { provider_date: result.date } : {}),
    ...(outcome.errorCode !== undefined ? { error_code: outcome.errorCode } : {}),
    // Hoiio reports 0 pages for a fax that never went through; keep the count we sent then.
    ...(result.faxPages !== undefined && result.faxPages > 0 ? { pages: result.faxPages } : {}),
    ...(result.duration !== undefined ? { duration: result.duration * 60 } : {}),
    ...(result.currency !== undefined ? { currency: result.currency } : {}),
    ...(result.rate !== undefined ? { rate: result.rate } : {}),
    ...(result.debit !== undefined ? { debit: result.debit } : {}),
    ...(result.raw !== undefined ? { raw: result.raw } : {}),
  };
  const changed = await updateTransactionStatus(db, { id: txn.id }, change);
  if (!changed) return false;
  if (outcome.status === 'failed') {
    await mergeTransactionMeta(db, txn.id, {
      error: outcome.error ?? 'The fax failed.',
      retryable: !NOT_RETRYABLE_CODES.has(outcome.errorCode ?? ''),
    });
  }
  await enqueueCardSync(db, txn);
  return true;
}
