import { RetryAfterError } from '../../../db/job-errors.js';
import { mergeTransactionMeta, updateTransactionStatus } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { type FaxRecord, type HoiioClient, HoiioInvalidRequestError } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { applyFaxResult } from './apply-fax-result.js';
import { findFaxByTag } from './find-fax-by-tag.js';

/** How long after the send Hoiio's history may still lack it; after that, "not found" means not sent. */
const NOT_FOUND_GRACE_MS = 2 * 60 * 1000;
const RECHECK_MS = 20_000;

/** Error code of a fax whose outcome was unknown and that Hoiio has no record of. */
export const FAX_NOT_FOUND = 'fax_not_found';

/**
 * Check status of an outbound fax whose outcome is unknown (the `txn.reconcile` job's fax branch): query_status
 * by txn_ref when we have one, else a search of the outgoing fax history for our tag. Found → its real status;
 * not found once the send is a couple of minutes old → failed "Hoiio has no record of it", which offers Retry.
 * Clears `meta.checking` and syncs the card. Never sends.
 * @throws RetryAfterError while Hoiio's history may still be catching up; Hoiio errors (the job retries).
 */
export async function reconcileFax(
  deps: Pick<BotDeps, 'db' | 'hoiio' | 'logger' | 'clock'>,
  txn: TransactionRow,
  signal: AbortSignal,
): Promise<void> {
  const record = txn.status === 'unknown' ? await lookUp(deps.hoiio, txn, signal) : undefined;
  if (txn.status === 'unknown' && record === undefined) {
    const age = deps.clock.now().getTime() - txn.created_at.getTime();
    if (age < NOT_FOUND_GRACE_MS) throw new RetryAfterError(RECHECK_MS, 'fax not in Hoiio history yet; checking again');
  }
  await deps.db.transaction().execute(async (trx) => {
    if (record !== undefined) {
      const applied = await applyFaxResult(trx, txn, { ...record, faxStatus: record.faxStatus ?? 'ongoing' });
      // `ongoing` ranks below `unknown`: a fax Hoiio has is at least sent.
      if (!applied) await updateTransactionStatus(trx, { id: txn.id }, { status: 'sent', txn_ref: record.txnRef });
    } else if (txn.status === 'unknown') {
      deps.logger.info({ transactionId: txn.id }, 'Hoiio has no record of a fax whose outcome was unknown');
      await updateTransactionStatus(trx, { id: txn.id }, { status: 'failed', error_code: FAX_NOT_FOUND });
      await mergeTransactionMeta(trx, txn.id, {
        error: 'Hoiio has no record of this fax, so it was not sent.',
        retryable: true,
      });
    }
    await mergeTransactionMeta(trx, txn.id, { checking: false });
    await enqueueCardSync(trx, txn);
  });
}

async function lookUp(hoiio: HoiioClient, txn: TransactionRow, signal: AbortSignal): Promise<FaxRecord | undefined> {
  if (txn.txn_ref !== null) {
    try {
      return await hoiio.fax.queryStatus({ txnRef: txn.txn_ref }, { signal });
    } catch (error) {
      if (!(error instanceof HoiioInvalidRequestError)) throw error;
      // Hoiio does not know that txn_ref: fall back to our tag
    }
  }
  return txn.tag === null ? undefined : findFaxByTag(hoiio, txn.tag, txn.created_at, signal);
}
