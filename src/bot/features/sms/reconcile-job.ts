import { PermanentJobError, RetryAfterError } from '../../../db/job-errors.js';
import {
  findTransactionById,
  mergeTransactionMeta,
  type TransactionStatusChange,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { type HoiioClient, HoiioInvalidRequestError, type SmsRecord } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { reconcileCall } from '../call/reconcile-call.js';
import { reconcileFax } from '../fax/reconcile-fax.js';
import type { JobContext, JobHandler, QueuedJob } from '../index.js';
import { findSmsByTag } from './find-sms-by-tag.js';
import { transactionIdOf } from './send-sms-job.js';
import { SMS_ERROR } from './sms-errors.js';
import { smsStatusChange } from './sms-status-change.js';

/** The payload of a `txn.reconcile` job (the Check status button). */
export interface ReconcilePayload {
  readonly transactionId: number;
}

/** How long after the send Hoiio's history may still lack it; after that, "not found" means not sent. */
const NOT_FOUND_GRACE_MS = 2 * 60 * 1000;
const RECHECK_MS = 20_000;

/**
 * `txn.reconcile` (Check status): asks Hoiio what became of a transaction whose outcome we do not know, and applies
 * the answer. Dispatches by kind; SMS is handled here — other kinds add their branch (fax: fax.queryStatus).
 */
export function runReconcileTransaction(deps: Pick<BotDeps, 'db' | 'hoiio' | 'logger' | 'clock'>): JobHandler {
  return async (job: QueuedJob, ctx: JobContext) => {
    const id = transactionIdOf(job.payload);
    const txn = await findTransactionById(deps.db, id);
    if (txn === undefined) throw new PermanentJobError(`txn.reconcile: transaction ${id} does not exist`);
    switch (txn.kind) {
      case 'sms':
        return reconcileSms(deps, txn, ctx.signal);
      case 'fax':
        return reconcileFax(deps, txn, ctx.signal);
      case 'call':
        return reconcileCall(deps, txn, ctx.signal);
      default:
        await finishCheck(deps, txn, undefined);
        throw new PermanentJobError(`txn.reconcile: no reconciliation for ${txn.kind} transactions`);
    }
  };
}

/**
 * An outbound SMS: query_status by txn_ref when we have one, else a search of the SMS history for our tag.
 * Found → its real status; not found (and the send is older than a couple of minutes) → failed "Hoiio has no
 * record of it", which offers Retry.
 */
export async function reconcileSms(
  deps: Pick<BotDeps, 'db' | 'hoiio' | 'logger' | 'clock'>,
  txn: TransactionRow,
  signal: AbortSignal,
): Promise<void> {
  if (txn.status !== 'unknown') {
    await finishCheck(deps, txn, undefined); // settled meanwhile (a late notification)
    return;
  }
  const record = await lookUp(deps.hoiio, txn, signal);
  if (record !== undefined) {
    await finishCheck(deps, txn, smsStatusChange(record) ?? { status: 'sent', txn_ref: record.txnRef });
    return;
  }
  const age = deps.clock.now().getTime() - txn.created_at.getTime();
  if (age < NOT_FOUND_GRACE_MS) throw new RetryAfterError(RECHECK_MS, 'not in Hoiio history yet; checking again');
  deps.logger.info({ transactionId: txn.id }, 'Hoiio has no record of an SMS whose outcome was unknown');
  await finishCheck(deps, txn, { status: 'failed', error_code: SMS_ERROR.notFound });
}

async function lookUp(hoiio: HoiioClient, txn: TransactionRow, signal: AbortSignal): Promise<SmsRecord | undefined> {
  if (txn.txn_ref !== null) {
    try {
      return await hoiio.sms.queryStatus({ txnRef: txn.txn_ref }, { signal });
    } catch (error) {
      if (!(error instanceof HoiioInvalidRequestError)) throw error;
      // Hoiio does not know that txn_ref: fall back to our tag
    }
  }
  return txn.tag === null ? undefined : findSmsByTag(hoiio, txn.tag, txn.created_at, signal);
}

/** Applies the outcome (if any), clears `meta.checking` and syncs the card, in one db transaction. */
async function finishCheck(
  deps: Pick<BotDeps, 'db'>,
  txn: TransactionRow,
  change: TransactionStatusChange | undefined,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (change !== undefined) await updateTransactionStatus(trx, { id: txn.id }, change);
    await mergeTransactionMeta(trx, txn.id, { checking: false });
    await enqueueCardSync(trx, txn);
  });
}
