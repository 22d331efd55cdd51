import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { enqueueJob } from '../../../db/job-queue.js';
import { insertAuditLog } from '../../../db/repositories/audit-log.js';
import { deleteSetting, getSetting, SETTING, setSetting } from '../../../db/repositories/settings.js';
import { spendSince } from '../../../db/repositories/transactions.js';
import { addMoney, compareMoney, formatMoney, isMoney, type Money, multiplyMoney } from '../../../hoiio/index.js';
import { QUEUE } from '../../ids.js';
import { spendMonthLabel, spendMonthStart } from './spend-month.js';

/** The monthly spend cap admins set (settings `spend.cap`). */
export interface SpendCap {
  readonly amount: Money;
  readonly currency: string;
}

/** The outcome of {@link checkSpendCap}: go ahead, or refuse with a sentence that shows the figures. */
export type SpendCapCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly refused: true; readonly message: string };

/** Thrown by a send path (inside its db transaction, so nothing is written) when the cap refuses the send. */
export class SpendCapRefusedError extends Error {
  readonly code = 'spend_cap_refused';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpendCapRefusedError';
  }
}

/** Payload of the `admin.spend_warning` job (once per month: dedupe key `spend.warning:<YYYY-MM>`). */
export interface SpendWarningPayload {
  readonly month: string;
  readonly spend: Money;
  readonly cap: Money;
  readonly currency: string;
}

/** Warn admins once spend (with the send being checked) reaches this share of the cap. */
const WARN_AT = '0.8';

/** The cap, or undefined when none is set (or the stored value is unusable). */
export async function getSpendCap(db: Kysely<Database>): Promise<SpendCap | undefined> {
  const value = await getSetting(db, SETTING.spendCap);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { amount, currency } = value;
  if (typeof amount !== 'string' || !isMoney(amount) || typeof currency !== 'string') return undefined;
  return { amount, currency };
}

/** Sets (or with `null` removes) the cap and writes the audit entry, in the caller's transaction. */
export async function setSpendCap(db: Kysely<Database>, cap: SpendCap | null, actorUserId: string): Promise<void> {
  if (cap === null) await deleteSetting(db, SETTING.spendCap);
  else await setSetting(db, SETTING.spendCap, { amount: cap.amount, currency: cap.currency });
  await insertAuditLog(db, {
    actorUserId,
    action: 'setting.set',
    subject: SETTING.spendCap,
    details: cap === null ? { value: null } : { amount: cap.amount, currency: cap.currency },
  });
}

/** Debits of this spend month so far (decimal string). */
export function spendThisMonth(db: Kysely<Database>, now: Date = new Date()): Promise<Money> {
  return spendSince(db, spendMonthStart(now));
}

/**
 * Checks a send against the monthly spend cap: refused when this month's spend plus `estimate` would pass it,
 * with a message that shows the figures. No cap, or a cap in another currency than the estimate: ok. Without a
 * `currency` (the rate is not known yet) the estimate is taken to be in the cap's currency; pass `'0'` then, and
 * the send is refused only once the cap is already reached. When the
 * send brings spend to 80 % of the cap or more, queues (in `db`, so pass the send's transaction) the admins'
 * warning, at most once per month.
 */
export async function checkSpendCap(
  db: Kysely<Database>,
  { estimate, currency: given, now = new Date() }: { estimate: Money; currency?: string | undefined; now?: Date },
): Promise<SpendCapCheck> {
  const cap = await getSpendCap(db);
  const currency = given ?? cap?.currency;
  if (cap === undefined || cap.currency !== currency) return { ok: true };
  const spent = await spendSince(db, spendMonthStart(now));
  const send = isMoney(estimate) ? estimate : '0';
  const projected = addMoney(spent, send);
  // Reaching the cap exactly is allowed; a send when spend is already at the cap is refused.
  if (compareMoney(projected, cap.amount) > 0 || compareMoney(spent, cap.amount) >= 0) {
    const c = cap.currency;
    const thisSend = compareMoney(send, '0') > 0 ? `this send: about ${formatMoney(send, c)}; ` : '';
    return {
      ok: false,
      refused: true,
      message:
        `Not sent: this would pass the monthly spend cap. Spent this month: ${formatMoney(spent, c)}; ` +
        `${thisSend}cap: ${formatMoney(cap.amount, c)}. An admin can raise it with \`/hoiio balance cap <amount>\`.`,
    };
  }
  if (compareMoney(projected, multiplyMoney(cap.amount, WARN_AT)) >= 0) {
    const month = spendMonthLabel(now);
    const payload: SpendWarningPayload = { month, spend: projected, cap: cap.amount, currency: cap.currency };
    await enqueueJob(db, {
      queue: QUEUE.spendCapWarning,
      payload: { ...payload },
      dedupeKey: `spend.warning:${month}`,
    });
  }
  return { ok: true };
}
