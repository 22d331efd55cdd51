import { PermanentJobError, RetryAfterError } from '../../../db/job-errors.js';
import {
  findTransactionById,
  type TransactionStatusChange,
  updateTransaction,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { HoiioApiError, isOutcomeUnknown } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { JobContext, JobHandler, QueuedJob } from '../index.js';
import { findSmsByTag } from './find-sms-by-tag.js';
import { requeueSms } from './outbound-sms.js';
import { SMS_ERROR } from './sms-errors.js';
import { smsStatusChange } from './sms-status-change.js';

/** Attempts at reaching Hoiio (refused connections, rate limits, outages) before the SMS is marked failed. */
const MAX_ATTEMPTS = 10;

/** What the send job needs: the notify URL of our status webhook. */
export interface SendSmsDeps extends Pick<BotDeps, 'db' | 'hoiio' | 'logger'> {
  statusUrl(): string;
}

/**
 * `sms.send`: sends one queued SMS through Hoiio, exactly once.
 * - The row goes `queued` → `sending` (committed) before Hoiio is called. A job that finds its row `sending`
 *   (the process died mid-call) first looks for the tag in Hoiio's history: found → that is the outcome, never a
 *   second send; not found → nothing reached Hoiio, so it sends.
 * - Success → `sent` with the txn_ref; a Hoiio error status → `failed` with the status as error code (retryable
 *   ones — rate limit, outage — are retried a few times first); an unknown outcome (timeout, reset) → `unknown`,
 *   reconciled by Check status, never re-sent; nothing reached Hoiio (refused) → back to `queued`, retried.
 */
export function runSendSms(deps: SendSmsDeps): JobHandler {
  const log = deps.logger.child({ component: 'sms-send' });
  return async (job: QueuedJob, ctx: JobContext) => {
    const id = transactionIdOf(job.payload);
    let txn = await findTransactionById(deps.db, id);
    if (txn === undefined) throw new PermanentJobError(`sms.send: transaction ${id} does not exist`);
    if (txn.kind !== 'sms' || txn.direction !== 'out' || !txn.tag || !txn.to_number || txn.text === null) {
      throw new PermanentJobError(`sms.send: transaction ${id} is not an outbound SMS`);
    }
    if (txn.status === 'sending') {
      const found = await findSmsByTag(deps.hoiio, txn.tag, txn.created_at, ctx.signal);
      if (found !== undefined) {
        log.info({ transactionId: id }, 'an earlier attempt had reached Hoiio; not sending again');
        await applyChange(deps, txn, smsStatusChange(found) ?? { status: 'sent', txn_ref: found.txnRef });
        return;
      }
    } else if (txn.status === 'queued') {
      if (!(await updateTransactionStatus(deps.db, { id }, { status: 'sending' }))) return;
    } else {
      return; // already sent, failed or unknown: a duplicate run
    }
    txn = { ...txn, status: 'sending' };

    try {
      const { txnRef } = await deps.hoiio.sms.send(
        {
          dest: txn.to_number ?? '',
          msg: txn.text ?? '',
          senderName: txn.sender_name ?? undefined,
          tag: txn.tag ?? '',
          notifyUrl: deps.statusUrl(),
        },
        { signal: ctx.signal },
      );
      await applyChange(deps, txn, { status: 'sent', txn_ref: txnRef });
    } catch (error) {
      if (error instanceof HoiioApiError) {
        if (error.retryable && job.attempts < MAX_ATTEMPTS) {
          await requeueSms(deps.db, id);
          throw new RetryAfterError(Math.min(60_000, 2000 * 2 ** job.attempts), 'Hoiio asked us to wait', {
            cause: error,
          });
        }
        log.warn({ transactionId: id, status: error.status }, 'Hoiio refused the SMS');
        await applyChange(deps, txn, { status: 'failed', error_code: error.status });
        return;
      }
      if (isOutcomeUnknown(error)) {
        log.warn({ transactionId: id, err: error }, 'the outcome of an SMS send is unknown; it will not be re-sent');
        await applyChange(deps, txn, { status: 'unknown' });
        return;
      }
      await requeueSms(deps.db, id);
      if (job.attempts >= MAX_ATTEMPTS) {
        await applyChange(deps, { ...txn, status: 'queued' }, { status: 'failed', error_code: SMS_ERROR.unreachable });
        return;
      }
      throw error; // nothing reached Hoiio: the job backs off and tries again
    }
  };
}

/** Applies a status change and syncs the card, in one db transaction; keeps the txn_ref even if the status lost. */
async function applyChange(deps: Pick<BotDeps, 'db'>, txn: TransactionRow, change: TransactionStatusChange) {
  await deps.db.transaction().execute(async (trx) => {
    const changed = await updateTransactionStatus(trx, { id: txn.id }, change);
    if (!changed && change.txn_ref !== undefined && txn.txn_ref === null) {
      await updateTransaction(trx, txn.id, { txn_ref: change.txn_ref });
    }
    await enqueueCardSync(trx, txn);
  });
}

/** The transaction id of an `sms.send` or `txn.reconcile` payload. */
export function transactionIdOf(payload: unknown): number {
  const id = (payload as { transactionId?: unknown } | null)?.transactionId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new PermanentJobError('the job payload has no transactionId');
  }
  return id;
}
