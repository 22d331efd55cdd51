/**
 * Confirming a user's own phone with an SMS code: the pending verification kept in `user_profiles.prefs` (the
 * code's hash, never the code), the rules on asking for codes and typing them, and the text of the SMS. Pure.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { JsonObject } from '../../../db/json.js';

/** The limits of phone verification. */
export const VERIFY = {
  /** A code is valid this long. */
  codeTtlMs: 10 * 60_000,
  /** Least time between two codes for one user. */
  resendAfterMs: 60_000,
  /** At most this many codes per user per {@link VERIFY.windowMs}. */
  maxCodes: 5,
  windowMs: 24 * 60 * 60_000,
  /** Wrong codes allowed before the verification ends. */
  maxTries: 5,
  /** How long Slack accepts posts to a command's `response_url`. */
  responseUrlTtlMs: 30 * 60_000,
} as const;

/** The `prefs` keys: the pending verification, and when the last codes were asked for (ISO strings). */
export const VERIFY_PREF = { pending: 'phone_verification', requests: 'phone_verification_requests' } as const;

/** `meta.purpose` of the `transactions` row of a code's SMS. */
export const VERIFICATION_PURPOSE = 'phone_verification';

const PendingSchema = z.object({
  /** E.164, the phone being confirmed. */
  phone: z.string(),
  /** sha-256 (hex) of nonce + code. */
  code_hash: z.string().regex(/^[0-9a-f]{64}$/),
  nonce: z.string().min(1),
  expires_at: z.iso.datetime(),
  /** Wrong codes typed so far. */
  attempts: z.number().int().nonnegative(),
  requested_at: z.iso.datetime(),
  /** The slash command that asked for it (a replay of that request asks for nothing new). */
  trigger_id: z.string().optional(),
});

/** A verification waiting for its code. */
export type PendingVerification = z.infer<typeof PendingSchema>;

/** The pending verification in `prefs`, if there is a well-formed one. */
export function pendingVerification(prefs: JsonObject): PendingVerification | undefined {
  const parsed = PendingSchema.safeParse(prefs[VERIFY_PREF.pending]);
  return parsed.success ? parsed.data : undefined;
}

/** The pending verification as stored in `prefs`. */
export function pendingPref({ trigger_id, ...rest }: PendingVerification): JsonObject {
  return trigger_id === undefined ? { ...rest } : { ...rest, trigger_id };
}

/** When codes were asked for within the window before `now`, oldest first. */
export function recentRequests(prefs: JsonObject, now: Date): Date[] {
  const raw = prefs[VERIFY_PREF.requests];
  if (!Array.isArray(raw)) return [];
  return raw
    .flatMap((v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? [new Date(v)] : []))
    .filter((d) => d.getTime() > now.getTime() - VERIFY.windowMs)
    .sort((a, b) => a.getTime() - b.getTime());
}

/** Whether another code may be sent now, given the recent requests; if not, why (with when to try again). */
export function mayRequestCode(
  requests: readonly Date[],
  now: Date,
): { readonly ok: true } | { readonly ok: false; readonly problem: string } {
  const last = requests.at(-1);
  if (last !== undefined && now.getTime() - last.getTime() < VERIFY.resendAfterMs) {
    const wait = Math.max(1, Math.ceil((last.getTime() + VERIFY.resendAfterMs - now.getTime()) / 1000));
    return { ok: false, problem: `A code was sent less than a minute ago. Wait ${wait} s before asking for another.` };
  }
  if (requests.length >= VERIFY.maxCodes) {
    const oldest = requests[requests.length - VERIFY.maxCodes] ?? now;
    const hours = Math.max(1, Math.ceil((oldest.getTime() + VERIFY.windowMs - now.getTime()) / 3_600_000));
    return {
      ok: false,
      problem: `You have asked for ${VERIFY.maxCodes} codes in the last 24 hours, the most allowed. Try again in about ${hours} h.`,
    };
  }
  return { ok: true };
}

/** A fresh random 6-digit code. */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** A fresh random nonce (URL-safe). */
export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** sha-256 (hex) of nonce + code. */
export function hashCode(nonce: string, code: string): string {
  return createHash('sha256').update(`${nonce}${code}`).digest('hex');
}

/** Whether `code` is the pending one, compared in constant time. */
export function codeMatches(pending: PendingVerification, code: string): boolean {
  const typed = Buffer.from(hashCode(pending.nonce, code), 'hex');
  const expected = Buffer.from(pending.code_hash, 'hex');
  return typed.length === expected.length && timingSafeEqual(typed, expected);
}

/** The 6 digits of a typed code (`123456`, `123 456`, `123-456`), or undefined. */
export function normalizeCode(text: string): string | undefined {
  const digits = text.replace(/[\s\-–]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/** Whether the pending verification has expired at `now`. */
export function isExpired(pending: PendingVerification, now: Date): boolean {
  return now.getTime() >= Date.parse(pending.expires_at);
}

/** The tag of a code's SMS (unique per verification; also its transaction's dedupe key). */
export function verificationTag(userId: string, nonce: string): string {
  return `verify:${userId}:${nonce}`;
}

/** The dedupe key of a verification's `phone.verify` job. */
export function verifyJobKey(userId: string, nonce: string): string {
  return `phone.verify:${userId}:${nonce}`;
}

/**
 * The payload of a `phone.verify` job. `code` is there only until the SMS is sent or given up (the job removes it);
 * `responseUrl` is the command's, for telling the user how the send went.
 */
export interface VerifyPhonePayload {
  readonly userId: string;
  readonly nonce: string;
  /** E.164. */
  readonly phone: string;
  readonly code?: string;
  readonly responseUrl: string;
  readonly requestedAt: string;
}

/** The SMS that carries the code. */
export function verificationSms(code: string): string {
  return `Your hoiio-slack code is ${code}. It confirms this phone for calls placed from Slack. If you did not ask for it, ignore this message.`;
}

/** The same SMS with the code hidden: what the `transactions` row keeps. */
export const HIDDEN_VERIFICATION_SMS = verificationSms('••••••');
