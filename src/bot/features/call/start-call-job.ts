/**
 * The `call.start` job: Hoiio's two-way callback (voice/call): leg 1 rings the user's own phone, leg 2 the number.
 * Never placed twice: the transaction is marked `sending` (in flight) before the request, so a crash during it makes
 * the call `unknown` on the next run instead of ringing again; an unknown outcome (timeout, reset) is `unknown` too.
 */

import {
  findTransactionById,
  mergeTransactionMeta,
  updateTransaction,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { HoiioApiError, isOutcomeUnknown, maskPhoneNumber, toE164 } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { JobHandler } from '../index.js';
import { metaString } from './call-meta.js';
import type { StartCallPayload } from './outbound-call.js';

/** After this long without reaching Hoiio, the call is given up (a phone ringing much later would surprise). */
export const START_CALL_DEADLINE_MS = 2 * 60 * 1000;

/** The job handler of `QUEUE.callStart`. */
export function runStartCall(deps: BotDeps): JobHandler {
  return async (job, context) => {
    const { transactionId } = job.payload as StartCallPayload;
    let txn = await findTransactionById(deps.db, transactionId);
    if (txn === undefined || txn.kind !== 'call' || txn.direction !== 'out') return;
    if (txn.status === 'sending' && metaString(txn.meta, 'send_state') === 'in_flight') {
      // The process died while the request was out: Hoiio may have placed the call. Never ring again.
      await settle(deps, txn, 'unknown', { reason: 'The app restarted while placing the call.' });
      return;
    }
    if (txn.status !== 'queued' && txn.status !== 'sending') return;
    if (txn.from_number === null) {
      const phone = await slackProfilePhone(deps, txn.slack_user_id);
      if (phone === undefined) {
        await deps.db.transaction().execute(async (trx) => {
          const waiting = await mergeTransactionMeta(trx, transactionId, { needs_phone: true });
          if (waiting) await enqueueCardSync(trx, waiting);
        });
        return;
      }
      txn = (await updateTransaction(deps.db, transactionId, { from_number: phone })) ?? txn;
      txn = (await mergeTransactionMeta(deps.db, transactionId, { phone_source: 'slack_profile' })) ?? txn;
    }
    const dest1 = txn.from_number ?? '';
    const dest2 = txn.to_number ?? txn.contact_number ?? '';
    if (dest1 === dest2) {
      await settle(deps, txn, 'failed', { reason: 'Your own phone is the number to call: nothing to connect.' });
      return;
    }
    const wasSending = txn.status === 'sending';
    const claimed = await deps.db.transaction().execute(async (trx) => {
      const moved = await updateTransactionStatus(trx, { id: transactionId }, { status: 'sending' });
      // Not moved and not `sending` already: canceled in the undo window (or settled) meanwhile. Never ring then.
      if (!moved && !wasSending) return false;
      await mergeTransactionMeta(trx, transactionId, { send_state: 'in_flight' });
      return true;
    });
    if (!claimed) return;
    try {
      const txnRef = await placeCall(deps, txn, dest1, dest2, context.signal);
      await deps.db.transaction().execute(async (trx) => {
        await updateTransactionStatus(trx, { id: transactionId }, { status: 'ringing', txn_ref: txnRef });
        const row = await mergeTransactionMeta(trx, transactionId, { send_state: 'sent' });
        if (row) await enqueueCardSync(trx, row);
      });
    } catch (error) {
      if (error instanceof HoiioApiError) {
        await settle(deps, txn, 'failed', { reason: error.meaning, errorCode: error.status });
        return;
      }
      if (isOutcomeUnknown(error)) {
        deps.logger.warn({ err: error, transactionId }, 'call outcome unknown; not placed again');
        await settle(deps, txn, 'unknown', {});
        return;
      }
      // Nothing reached Hoiio (connection refused, DNS): safe to try again, for a while.
      await mergeTransactionMeta(deps.db, transactionId, { send_state: 'not_sent' });
      if (deps.clock.now().getTime() - txn.created_at.getTime() > START_CALL_DEADLINE_MS) {
        await settle(deps, txn, 'failed', { reason: 'Hoiio could not be reached, so the call was not placed.' });
        return;
      }
      throw error;
    }
  };
}

/** voice/call; a caller id Hoiio refuses is dropped once (nothing was placed, so asking again is safe). */
async function placeCall(
  deps: BotDeps,
  txn: TransactionRow,
  dest1: string,
  dest2: string,
  signal: AbortSignal,
): Promise<string> {
  const params = {
    dest1,
    dest2,
    tag: txn.tag ?? undefined,
    notifyUrl: deps.webhookUrls.url('status'),
  };
  try {
    return (await deps.hoiio.voice.call({ ...params, callerId: txn.our_number ?? undefined }, { signal })).txnRef;
  } catch (error) {
    if (!(error instanceof HoiioApiError) || error.status !== 'error_caller_id_invalid' || !txn.our_number) throw error;
    deps.logger.warn({ transactionId: txn.id }, 'caller id refused by Hoiio; calling without it');
    await updateTransaction(deps.db, txn.id, { our_number: null });
    return (await deps.hoiio.voice.call(params, { signal })).txnRef;
  }
}

async function settle(
  deps: BotDeps,
  txn: TransactionRow,
  status: 'failed' | 'unknown',
  { reason, errorCode }: { reason?: string; errorCode?: string },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await updateTransactionStatus(trx, { id: txn.id }, { status, ...(errorCode ? { error_code: errorCode } : {}) });
    const row = await mergeTransactionMeta(trx, txn.id, {
      send_state: status === 'unknown' ? 'unknown' : 'not_sent',
      ...(reason !== undefined ? { reason } : {}),
    });
    if (row) await enqueueCardSync(trx, row);
  });
}

/** The phone in the user's Slack profile, as E.164 (DEFAULT_COUNTRY for numbers without a country code). */
async function slackProfilePhone(deps: BotDeps, userId: string | null): Promise<string | undefined> {
  if (userId === null) return undefined;
  const res = await deps.slack.users.info({ user: userId });
  const raw = res.user?.profile?.phone?.trim();
  if (!raw) return undefined;
  const parsed = toE164(raw, deps.config.defaultCountry);
  if (!parsed.ok) {
    deps.logger.info({ userId, phone: maskPhoneNumber(raw) }, 'Slack profile phone is not a valid number');
    return undefined;
  }
  return parsed.e164;
}
