/**
 * `phone.verify`: texts the code of a pending phone verification, exactly once, and tells the user (ephemerally,
 * through the command's `response_url`) that it went or why it did not.
 * - The SMS is a `transactions` row (sms, out, no channel, `meta.purpose`, the text with the code hidden), created
 *   `sending` (committed) before Hoiio is called. A run that finds it `sending` (the process died mid-call) or
 *   `unknown` (a timeout or reset) first looks for its tag in Hoiio's history: found → recorded, never sent again.
 * - Hoiio refusing it (bad number, no credit, …) ends the verification; nothing reaching Hoiio is retried while the
 *   code is still valid.
 * - The code leaves the job's payload once the SMS is sent or given up; it is never logged nor stored elsewhere.
 */
import { z } from 'zod';
import { PermanentJobError, RetryAfterError } from '../../../db/job-errors.js';
import { removeJobPayloadKeys } from '../../../db/job-queue.js';
import { json } from '../../../db/json.js';
import {
  findTransactionById,
  findTransactionByTag,
  insertTransaction,
  mergeTransactionMeta,
  type TransactionStatusChange,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import { findUserProfile, lockUserProfile, removeUserPrefs } from '../../../db/repositories/user-profiles.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { countSmsSegments, formatPhoneNumber, HoiioApiError, isOutcomeUnknown } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { isSlackResponseUrl, postEphemeral } from '../../response-url.js';
import type { JobContext, JobHandler, QueuedJob } from '../index.js';
import { findSmsByTag } from '../sms/find-sms-by-tag.js';
import { requeueSms } from '../sms/outbound-sms.js';
import { explainSmsError, SMS_ERROR } from '../sms/sms-errors.js';
import { smsStatusChange } from '../sms/sms-status-change.js';
import { ASK_NEW_CODE } from './blocks.js';
import {
  HIDDEN_VERIFICATION_SMS,
  isExpired,
  pendingVerification,
  VERIFICATION_PURPOSE,
  VERIFY,
  VERIFY_PREF,
  verificationSms,
  verificationTag,
  verifyJobKey,
} from './phone-verification.js';

/** Attempts at reaching Hoiio before the code is given up (the code's validity ends it sooner). */
const MAX_ATTEMPTS = 10;
/** After an unknown outcome: when to look in Hoiio's history, and how long it may still lack the SMS. */
const RECHECK_MS = 3000;
const NOT_FOUND_GRACE_MS = 2 * 60_000;

/** A {@link import('./phone-verification.js').VerifyPhonePayload}, checked. */
const Payload = z.object({
  userId: z.string().min(1),
  nonce: z.string().min(1),
  phone: z.string().min(1),
  code: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  responseUrl: z.string(),
  requestedAt: z.iso.datetime(),
});

/** What the job needs besides the deps: the notify URL of our status webhook (delivery and debit come there). */
export interface VerifyPhoneDeps extends Pick<BotDeps, 'db' | 'hoiio' | 'logger' | 'clock' | 'config'> {
  statusUrl(): string;
}

export function runVerifyPhone(deps: VerifyPhoneDeps): JobHandler {
  const log = deps.logger.child({ component: 'phone-verify' });
  return async (job: QueuedJob, ctx: JobContext) => {
    const parsed = Payload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('phone.verify: malformed payload');
    const p = parsed.data;
    const tag = verificationTag(p.userId, p.nonce);
    const now = deps.clock.now();
    let txn = await findTransactionByTag(deps.db, tag);

    if (txn === undefined) {
      const pending = pendingVerification((await findUserProfile(deps.db, p.userId))?.prefs ?? {});
      if (p.code === undefined || pending?.nonce !== p.nonce) {
        log.info({ userId: p.userId }, 'the verification was replaced or ended before its code went; not sending');
        await removeJobPayloadKeys(deps.db, verifyJobKey(p.userId, p.nonce), ['code']);
        return;
      }
      if (isExpired(pending, now)) {
        await endVerification(deps, p);
        await removeJobPayloadKeys(deps.db, verifyJobKey(p.userId, p.nonce), ['code']);
        await tell(
          deps,
          p,
          `:x: The code for ${formatPhoneNumber(p.phone)} could not be sent in time. ${ASK_NEW_CODE}`,
        );
        return;
      }
      txn =
        (await insertTransaction(deps.db, {
          kind: 'sms',
          direction: 'out',
          status: 'sending',
          tag,
          to_number: p.phone,
          contact_number: p.phone,
          text: HIDDEN_VERIFICATION_SMS,
          segments: countSmsSegments(verificationSms(p.code)).segments,
          slack_user_id: p.userId,
          meta: json({ purpose: VERIFICATION_PURPOSE }),
        })) ?? undefined;
      if (txn === undefined) return; // another run of this job got there first
    } else if (txn.status === 'sending' || txn.status === 'unknown') {
      const found = await findSmsByTag(deps.hoiio, tag, txn.created_at, ctx.signal);
      if (found !== undefined) {
        log.info({ transactionId: txn.id }, 'an earlier attempt had reached Hoiio; not sending again');
        txn = await settle(deps, txn, smsStatusChange(found) ?? { status: 'sent', txn_ref: found.txnRef });
      } else if (txn.status === 'unknown' && now.getTime() - txn.updated_at.getTime() < NOT_FOUND_GRACE_MS) {
        throw new RetryAfterError(RECHECK_MS, 'not in Hoiio history yet; checking again');
      } else {
        txn = await resend(deps, p, txn, now);
      }
    } else if (txn.status === 'queued') {
      txn = await resend(deps, p, txn, now);
    }

    if (txn.status === 'sending') txn = await send(deps, p, txn, job, ctx, log);
    await finish(deps, p, txn);
  };
}

/** Sends the SMS of a `sending` row; returns the settled row, or throws for the job to try again. */
async function send(
  deps: VerifyPhoneDeps,
  p: z.infer<typeof Payload>,
  txn: TransactionRow,
  job: QueuedJob,
  ctx: JobContext,
  log: VerifyPhoneDeps['logger'],
): Promise<TransactionRow> {
  const expired = deps.clock.now().getTime() >= Date.parse(p.requestedAt) + VERIFY.codeTtlMs;
  try {
    const { txnRef } = await deps.hoiio.sms.send(
      { dest: p.phone, msg: verificationSms(p.code ?? ''), tag: txn.tag ?? '', notifyUrl: deps.statusUrl() },
      { signal: ctx.signal },
    );
    return await settle(deps, txn, { status: 'sent', txn_ref: txnRef });
  } catch (error) {
    if (error instanceof HoiioApiError) {
      if (error.retryable && job.attempts < MAX_ATTEMPTS && !expired) {
        await requeueSms(deps.db, txn.id);
        throw new RetryAfterError(Math.min(30_000, 2000 * 2 ** job.attempts), 'Hoiio asked us to wait', {
          cause: error,
        });
      }
      log.warn({ transactionId: txn.id, status: error.status }, 'Hoiio refused the verification SMS');
      return settle(deps, txn, { status: 'failed', error_code: error.status });
    }
    if (isOutcomeUnknown(error)) {
      log.warn({ transactionId: txn.id, err: error }, 'the outcome of a verification SMS is unknown; checking history');
      await updateTransactionStatus(deps.db, { id: txn.id }, { status: 'unknown' });
      throw new RetryAfterError(RECHECK_MS, 'outcome unknown; looking for the SMS in Hoiio history', { cause: error });
    }
    await requeueSms(deps.db, txn.id);
    if (job.attempts >= MAX_ATTEMPTS || expired) {
      return settle(deps, { ...txn, status: 'queued' }, { status: 'failed', error_code: SMS_ERROR.unreachable });
    }
    throw error; // nothing reached Hoiio: the job backs off and tries again
  }
}

/**
 * A row whose earlier attempt did not reach Hoiio (or left no trace there): back to `sending` when the code can
 * still go (it is still in the payload, the verification still waits for it and has not expired), else failed.
 */
async function resend(
  deps: VerifyPhoneDeps,
  p: z.infer<typeof Payload>,
  txn: TransactionRow,
  now: Date,
): Promise<TransactionRow> {
  const pending = pendingVerification((await findUserProfile(deps.db, p.userId))?.prefs ?? {});
  const canSend = p.code !== undefined && pending?.nonce === p.nonce && !isExpired(pending, now);
  if (!canSend) {
    const code = txn.status === 'queued' ? SMS_ERROR.unreachable : SMS_ERROR.notFound;
    return settle(deps, txn, { status: 'failed', error_code: code });
  }
  if (txn.status === 'queued') {
    await updateTransactionStatus(deps.db, { id: txn.id }, { status: 'sending' });
  } else {
    // `unknown` (or a stale `sending`) that Hoiio has no record of: it never went.
    await deps.db.updateTable('transactions').set({ status: 'sending' }).where('id', '=', txn.id).execute();
  }
  return { ...txn, status: 'sending' };
}

/** Applies a status change (monotonic) and returns the row as it now is. */
async function settle(
  deps: Pick<BotDeps, 'db'>,
  txn: TransactionRow,
  change: TransactionStatusChange,
): Promise<TransactionRow> {
  await updateTransactionStatus(deps.db, { id: txn.id }, change);
  return (await findTransactionById(deps.db, txn.id)) ?? txn;
}

/**
 * The SMS is settled: the code leaves the payload, a failed send ends the verification, and the user is told once
 * (`meta.told`). A response_url Slack does not take makes the job try again (that part only).
 */
async function finish(deps: VerifyPhoneDeps, p: z.infer<typeof Payload>, txn: TransactionRow): Promise<void> {
  const settled = txn.status === 'sent' || txn.status === 'delivered' || txn.status === 'failed';
  if (!settled) return;
  await removeJobPayloadKeys(deps.db, verifyJobKey(p.userId, p.nonce), ['code']);
  if (txn.status === 'failed') await endVerification(deps, p);
  if (txn.meta['told'] === true) return;
  const number = formatPhoneNumber(p.phone);
  const minutesLeft = Math.ceil((Date.parse(p.requestedAt) + VERIFY.codeTtlMs - deps.clock.now().getTime()) / 60_000);
  const text =
    txn.status === 'failed'
      ? `:x: I could not send a code to ${number}. ${whyNotSent(txn.error_code, p.phone)} Your phone for calls is unchanged. ${ASK_NEW_CODE}`
      : `:incoming_envelope: Code sent to ${number}. Type \`/hoiio me confirm <code>\` within ${Math.max(1, minutesLeft)} min.`;
  if (await tell(deps, p, text)) await mergeTransactionMeta(deps.db, txn.id, { told: true });
}

function whyNotSent(code: string | null, phone: string): string {
  switch (code) {
    case SMS_ERROR.unreachable:
      return 'Hoiio could not be reached, so nothing was sent.';
    case 'error_insufficient_credit':
      return 'The Hoiio account is out of credit, so nothing was sent. Ask an admin to top it up.';
    case 'error_rate_limit_exceeded':
      return 'Hoiio is limiting how fast we send right now, so nothing was sent. Wait a minute.';
    default:
      return explainSmsError(code, phone);
  }
}

/** Clears the pending verification if it is still this one. */
async function endVerification(deps: Pick<BotDeps, 'db'>, p: z.infer<typeof Payload>): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const profile = await lockUserProfile(trx, p.userId);
    if (pendingVerification(profile.prefs)?.nonce === p.nonce) {
      await removeUserPrefs(trx, p.userId, [VERIFY_PREF.pending]);
    }
  });
}

/**
 * Tells the user through the command's response_url. False when it can no longer be used (past Slack's 30
 * minutes, or not Slack's): nothing to retry. Throws when Slack did not take it (the job retries).
 */
async function tell(deps: VerifyPhoneDeps, p: z.infer<typeof Payload>, text: string): Promise<boolean> {
  const expired = deps.clock.now().getTime() > Date.parse(p.requestedAt) + VERIFY.responseUrlTtlMs;
  if (expired || !isSlackResponseUrl(p.responseUrl, deps.config)) {
    deps.logger.info({ userId: p.userId, expired }, 'cannot tell the user how their code went: no usable response_url');
    return false;
  }
  await postEphemeral(deps.config, p.responseUrl, text);
  return true;
}
