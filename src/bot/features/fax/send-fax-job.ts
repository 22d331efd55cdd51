/**
 * The `fax.send` job: the Slack file → checks (size, `%PDF-`, pages) → optional cover page → rate estimate →
 * spend cap → `fax/send`. Never sends twice: the row goes `sending` before the call, and a job that finds it `sending` (the
 * previous attempt died mid-call) marks it `unknown` for Check status instead.
 */
import { findContact } from '../../../db/repositories/contacts.js';
import {
  findTransactionById,
  mergeTransactionMeta,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import {
  HoiioApiError,
  HoiioError,
  HoiioInvalidRequestError,
  isOutcomeUnknown,
  multiplyMoney,
  roundMoney,
} from '../../../hoiio/index.js';
import { partyName } from '../../cards/card-parts.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { checkSpendCap } from '../admin/spend-cap.js';
import type { JobContext, JobHandler, QueuedJob } from '../index.js';
import { applyFaxResult } from './apply-fax-result.js';
import { failFax } from './fail-fax.js';
import { readFaxMeta, returnFaxToQueue } from './fax-repository.js';
import { findFaxByTag } from './find-fax-by-tag.js';
import { FaxFileProblem, prepareFaxFile } from './prepare-fax-file.js';

/** Attempts of a send that Hoiio refused as temporarily unable (concurrent fax limit), before giving up. */
const MAX_BUSY_ATTEMPTS = 5;

/** Hoiio statuses that mean the file itself is the problem: Retry cannot help; tell the sender. */
const FILE_STATUSES = new Set(['error_file_invalid', 'error_file_too_big', 'error_page_size_invalid']);

/** What a `fax.send` job carries. */
export interface SendFaxPayload {
  readonly transactionId: number;
}

function readPayload(payload: unknown): SendFaxPayload | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const id: unknown = Reflect.get(payload, 'transactionId');
  return typeof id === 'number' && Number.isSafeInteger(id) ? { transactionId: id } : undefined;
}

/** The `fax.send` queue handler. */
export function runSendFax(deps: BotDeps): JobHandler {
  return async (job, context) => {
    const payload = readPayload(job.payload);
    if (payload === undefined) {
      deps.logger.warn({ queue: job.queue }, 'fax.send job without a transaction id: dropped');
      return;
    }
    const txn = await findTransactionById(deps.db, payload.transactionId);
    if (txn === undefined || txn.kind !== 'fax' || txn.direction !== 'out') return;
    if (txn.status === 'sending') {
      // The previous attempt stopped while Hoiio was being called: Hoiio's record decides, never a second send.
      const found =
        txn.tag === null ? undefined : await findFaxByTag(deps.hoiio, txn.tag, txn.created_at, context.signal);
      if (found === undefined) {
        await markUnknown(deps, txn, 'the previous attempt stopped while Hoiio was being called');
        return;
      }
      await deps.db.transaction().execute(async (trx) => {
        await updateTransactionStatus(trx, { id: txn.id }, { status: 'sent', txn_ref: found.txnRef });
        await applyFaxResult(trx, txn, { ...found, faxStatus: found.faxStatus ?? 'ongoing' });
        await enqueueCardSync(trx, txn);
      });
      return;
    }
    if (txn.status !== 'queued') return; // done already (a replayed job)
    await sendFax(deps, txn, job, context);
  };
}

async function sendFax(deps: BotDeps, txn: TransactionRow, job: QueuedJob, context: JobContext): Promise<void> {
  const { db, hoiio, logger } = deps;
  const to = txn.to_number ?? txn.contact_number;
  const meta = readFaxMeta(txn.meta);
  if (to === null || meta.file_id === undefined) {
    await failFax(deps, txn, { error: 'The fax request was incomplete (no number or file).', retryable: false });
    return;
  }
  const contactName = (await findContact(db, to))?.name;

  let prepared: Awaited<ReturnType<typeof prepareFaxFile>>;
  try {
    prepared = await prepareFaxFile(deps, {
      fileId: meta.file_id,
      fileName: meta.file_name,
      coverNote: meta.cover_note,
      userId: txn.slack_user_id ?? undefined,
      recipient: partyName(to, contactName),
      date: txn.created_at,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof FaxFileProblem)) throw error; // Slack unreachable and the like: the job retries
    await failFax(deps, txn, {
      error: error.userMessage,
      errorCode: error.code,
      retryable: false,
      notifySender: { to, contactName, fileName: meta.file_name },
    });
    return;
  }

  let estimate: { amount: string; rate: string; currency: string } | undefined;
  try {
    const { rate, currency } = await hoiio.fax.getRate({ dest: to }, { signal: context.signal });
    // Fax is charged per minute; a page takes about a minute, so pages × rate is the estimate the card shows.
    estimate = { amount: roundMoney(multiplyMoney(rate, prepared.pages), 3), rate, currency };
  } catch (error) {
    if (error instanceof HoiioInvalidRequestError || (error instanceof HoiioApiError && /dest/.test(error.status))) {
      await failFax(deps, txn, { error: error.meaning, errorCode: error.status, retryable: false });
      return;
    }
    logger.warn({ err: error, transactionId: txn.id }, 'fax rate unavailable; sending without an estimate');
  }
  if (estimate !== undefined) {
    // At submit the pages were not known; now the estimate is, and the cap refuses a fax that would pass it.
    const cap = await checkSpendCap(db, { estimate: estimate.amount, currency: estimate.currency });
    if (!cap.ok) {
      await failFax(deps, txn, { error: cap.message, errorCode: 'spend_cap', retryable: true });
      return;
    }
  }

  const started = await db.transaction().execute(async (trx) => {
    const changed = await updateTransactionStatus(
      trx,
      { id: txn.id },
      {
        status: 'sending',
        pages: prepared.pages,
        ...(estimate !== undefined ? { rate: estimate.rate, currency: estimate.currency } : {}),
      },
    );
    if (!changed) return false;
    await mergeTransactionMeta(trx, txn.id, {
      file_name: prepared.fileName,
      ...(estimate !== undefined ? { estimate } : {}),
    });
    await enqueueCardSync(trx, txn);
    return true;
  });
  if (!started) return;

  let txnRef: string;
  try {
    // No abort signal: once the request is out, let it finish, or its outcome becomes unknown for nothing.
    ({ txnRef } = await hoiio.fax.send({
      dest: to,
      file: prepared.bytes,
      filename: prepared.fileName,
      tag: txn.tag ?? undefined,
      notifyUrl: deps.webhookUrls.url('status'),
    }));
  } catch (error) {
    await handleSendError(deps, txn, job, error, { to, contactName, fileName: prepared.fileName });
    return;
  }
  await db.transaction().execute(async (trx) => {
    await updateTransactionStatus(trx, { id: txn.id }, { status: 'sent', txn_ref: txnRef });
    // A fast result notification may have moved it on already; the ref is recorded either way.
    await trx
      .updateTable('transactions')
      .set({ txn_ref: txnRef })
      .where('id', '=', txn.id)
      .where('txn_ref', 'is', null)
      .execute();
    await enqueueCardSync(trx, txn);
  });
  logger.info({ transactionId: txn.id, txnRef, pages: prepared.pages }, 'fax sent to Hoiio');
}

async function handleSendError(
  deps: BotDeps,
  txn: TransactionRow,
  job: QueuedJob,
  error: unknown,
  who: { to: string; contactName: string | undefined; fileName: string },
): Promise<void> {
  if (isOutcomeUnknown(error)) {
    deps.logger.warn({ err: error, transactionId: txn.id }, 'fax send outcome unknown');
    await markUnknown(deps, txn, 'the connection to Hoiio broke during the send');
    return;
  }
  if (error instanceof HoiioError && error.retryable && job.attempts < MAX_BUSY_ATTEMPTS) {
    await returnFaxToQueue(deps.db, txn.id); // nothing reached Hoiio (refused, or Hoiio busy): try again later
    throw error;
  }
  if (error instanceof HoiioApiError) {
    const fileProblem = FILE_STATUSES.has(error.status);
    const destProblem = error instanceof HoiioInvalidRequestError && error.param === 'dest';
    await failFax(deps, txn, {
      error: error.meaning,
      errorCode: error.status,
      retryable: !fileProblem && !destProblem,
      ...(fileProblem ? { notifySender: who } : {}),
    });
    return;
  }
  await failFax(deps, txn, {
    error: 'Hoiio could not be reached, so the fax was not sent.',
    errorCode: error instanceof HoiioError ? error.code : 'send_failed',
    retryable: true,
  });
}

async function markUnknown(deps: BotDeps, txn: TransactionRow, why: string): Promise<void> {
  deps.logger.warn({ transactionId: txn.id, why }, 'fax outcome unknown: not re-sent');
  await deps.db.transaction().execute(async (trx) => {
    if (await updateTransactionStatus(trx, { id: txn.id }, { status: 'unknown' })) await enqueueCardSync(trx, txn);
  });
}
