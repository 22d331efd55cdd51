/**
 * `/hoiio me [number | confirm <code>]`: shows the user's own phone (leg 1 of click-to-call); a number asks for an
 * SMS code to that phone (the saved phone changes only once the code is typed back); `confirm <code>` checks it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { enqueueJob } from '../../../db/job-queue.js';
import {
  findUserProfile,
  lockUserProfile,
  mergeUserPrefs,
  removeUserPrefs,
  setUserPhone,
} from '../../../db/repositories/user-profiles.js';
import type { UserProfileRow } from '../../../db/tables/user-profiles.js';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { COMMAND, QUEUE } from '../../ids.js';
import { checkSpendCap } from '../admin/spend-cap.js';
import { ASK_NEW_CODE, codeOnItsWayText, type MePhoneState, meUsageText } from './blocks.js';
import { parseNumberArg } from './call-args.js';
import {
  codeMatches,
  hashCode,
  isExpired,
  mayRequestCode,
  newCode,
  newNonce,
  normalizeCode,
  type PendingVerification,
  pendingPref,
  pendingVerification,
  recentRequests,
  VERIFY,
  VERIFY_PREF,
  type VerifyPhonePayload,
  verifyJobKey,
} from './phone-verification.js';

type MeDeps = Pick<BotDeps, 'db' | 'config' | 'clock' | 'jobWake' | 'webhookUrls'>;

/** `/hoiio me [number | confirm <code>]`. */
export function handleMeCommand(deps: MeDeps): SubcommandHandler {
  return async ({ args, command, ack }) => {
    const text = args.trim();
    const user = command.user_id;
    const confirm = /^confirm\b([\s\S]*)$/i.exec(text);
    let answer: string;
    if (text === '') {
      answer = meUsageText(await phoneState(deps, user));
    } else if (confirm !== null) {
      answer = await confirmCode(deps, user, confirm[1] ?? '');
    } else {
      const parsed = parseNumberArg(text, deps.config.defaultCountry);
      if (!parsed.ok) {
        answer = meUsageText(await phoneState(deps, user), parsed.problem);
      } else {
        const requested = await requestCode(deps, {
          user,
          phone: parsed.e164,
          triggerId: command.trigger_id,
          responseUrl: command.response_url,
        });
        if (requested.queued) deps.jobWake.wake();
        answer = requested.text;
      }
    }
    await ack({ response_type: 'ephemeral', text: answer });
  };
}

/** The saved phone, whether it is verified, and a pending code that has not expired. */
async function phoneState(deps: Pick<BotDeps, 'db' | 'clock'>, user: string): Promise<MePhoneState> {
  const profile = await findUserProfile(deps.db, user);
  if (profile === undefined) return {};
  const now = deps.clock.now();
  const pending = pendingVerification(profile.prefs);
  const live = pending !== undefined && !isExpired(pending, now) ? pending : undefined;
  return {
    phone: profile.phone ?? undefined,
    verified: profile.phone !== null && profile.phone_verified_at !== null,
    pending:
      live === undefined
        ? undefined
        : {
            phone: live.phone,
            minutesLeft: Math.max(1, Math.ceil((Date.parse(live.expires_at) - now.getTime()) / 60_000)),
          },
  };
}

/**
 * Asks for a code to `phone`: the pending verification (in `prefs`) and the `phone.verify` job in one db
 * transaction, after the limits (one code a minute, five a day) and the spend cap. A replayed request (same
 * trigger) asks for nothing new.
 */
async function requestCode(
  deps: Pick<BotDeps, 'db' | 'config' | 'clock' | 'webhookUrls'>,
  input: { user: string; phone: string; triggerId: string; responseUrl: string },
): Promise<{ queued: boolean; text: string }> {
  const now = deps.clock.now();
  const sandbox = deps.config.sandboxMode ? `${deps.webhookUrls.publicUrl}/sandbox` : undefined;
  return deps.db.transaction().execute(async (trx) => {
    const profile = await lockUserProfile(trx, input.user);
    const current = profile.phone ?? undefined;
    const pending = pendingVerification(profile.prefs);
    if (pending !== undefined && pending.trigger_id === input.triggerId) {
      return { queued: false, text: codeOnItsWayText({ phone: pending.phone, current, sandbox }) };
    }
    if (profile.phone === input.phone && profile.phone_verified_at !== null) {
      return {
        queued: false,
        text: `:white_check_mark: ${formatPhoneNumber(input.phone)} is already your verified phone: calls you place from Slack ring it first.`,
      };
    }
    const requests = recentRequests(profile.prefs, now);
    const allowed = mayRequestCode(requests, now);
    if (!allowed.ok) return { queued: false, text: `:hourglass: ${allowed.problem}` };
    // The price of one SMS is not known here: the cap refuses once it is reached (with the figures).
    const cap = await checkSpendCap(trx, { estimate: '0', now });
    if (!cap.ok) return { queued: false, text: `:no_entry: ${cap.message}` };

    const code = newCode();
    const nonce = newNonce();
    const next: PendingVerification = {
      phone: input.phone,
      code_hash: hashCode(nonce, code),
      nonce,
      expires_at: new Date(now.getTime() + VERIFY.codeTtlMs).toISOString(),
      attempts: 0,
      requested_at: now.toISOString(),
      trigger_id: input.triggerId,
    };
    await mergeUserPrefs(trx, input.user, {
      [VERIFY_PREF.pending]: pendingPref(next),
      [VERIFY_PREF.requests]: [...requests, now].map((d) => d.toISOString()),
    });
    const payload: VerifyPhonePayload = {
      userId: input.user,
      nonce,
      phone: input.phone,
      code,
      responseUrl: input.responseUrl,
      requestedAt: now.toISOString(),
    };
    await enqueueJob(trx, {
      queue: QUEUE.phoneVerify,
      payload: { ...payload },
      dedupeKey: verifyJobKey(input.user, nonce),
    });
    return { queued: true, text: codeOnItsWayText({ phone: input.phone, current, sandbox }) };
  });
}

/** `/hoiio me confirm <code>`: right → the phone is saved verified; wrong → tries left; expired or none → says so. */
async function confirmCode(deps: Pick<BotDeps, 'db' | 'clock'>, user: string, typed: string): Promise<string> {
  const code = normalizeCode(typed);
  if (code === undefined) {
    return `Type the 6-digit code from the SMS: \`${COMMAND.hoiio} me confirm 123456\`.`;
  }
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const profile = await lockUserProfile(trx, user);
    const pending = pendingVerification(profile.prefs);
    if (pending === undefined) return `No code is waiting to be confirmed. ${ASK_NEW_CODE}`;
    if (isExpired(pending, now)) {
      await endVerification(trx, user);
      return `That code has expired (codes last 10 minutes). ${ASK_NEW_CODE}`;
    }
    if (codeMatches(pending, code)) {
      await setUserPhone(trx, user, pending.phone, { verified: true });
      await endVerification(trx, user);
      return `:white_check_mark: Confirmed: calls you place from Slack ring ${formatPhoneNumber(pending.phone)} first.`;
    }
    return wrongCode(trx, profile, pending);
  });
}

async function wrongCode(trx: Kysely<Database>, profile: UserProfileRow, pending: PendingVerification) {
  const attempts = pending.attempts + 1;
  const left = VERIFY.maxTries - attempts;
  if (left <= 0) {
    await endVerification(trx, profile.user_id);
    return `:x: That code is not right, and that was the last try. ${ASK_NEW_CODE}`;
  }
  await mergeUserPrefs(trx, profile.user_id, { [VERIFY_PREF.pending]: pendingPref({ ...pending, attempts }) });
  return `:x: That code is not right: ${left} ${left === 1 ? 'try' : 'tries'} left.`;
}

/** Clears the pending verification (the request log stays: it limits codes per day). */
function endVerification(db: Kysely<Database>, user: string): Promise<void> {
  return removeUserPrefs(db, user, [VERIFY_PREF.pending]);
}
