import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/database.js';
import { enqueueJob } from '../../../db/job-queue.js';
import { json } from '../../../db/json.js';
import { insertTransaction } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { countSmsSegments, type Money, multiplyMoney } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import { QUEUE } from '../../ids.js';
import { checkSpendCap, SpendCapRefusedError } from '../admin/spend-cap.js';
import { undoRunAt } from '../admin/undo-window.js';

/** An SMS to send, and where its card goes. */
export interface OutboundSmsInput {
  /** E.164. */
  readonly to: string;
  readonly text: string;
  readonly senderName?: string | undefined;
  /**
   * The dedupe key of the send, unique per Slack request and also sent to Hoiio: `hs-c-<trigger_id>`,
   * `hs-v-<view.id>`, `hs-r-<parent id>` (see {@link smsTag}).
   */
  readonly tag: string;
  /** The Slack user who sends it. */
  readonly user: string;
  readonly channel: string;
  readonly threadTs?: string | undefined;
  readonly team?: string | undefined;
  /** The failed transaction this one retries. */
  readonly parentId?: number | undefined;
  /** The sender confirmed sending to a number that replied STOP. */
  readonly optOutConfirmed?: boolean | undefined;
  /** The price of one part, when known, for the spend cap check (unknown: only a reached cap refuses). */
  readonly rate?: { readonly currency: string; readonly rate: Money } | undefined;
}

/** The payload of an `sms.send` job. */
export interface SendSmsPayload {
  readonly transactionId: number;
}

/** The tag of a send started by a slash command, a modal submission or a Retry button. */
export function smsTag(source: 'command' | 'view' | 'retry', id: string | number): string {
  const prefix = source === 'command' ? 'hs-c-' : source === 'view' ? 'hs-v-' : 'hs-r-';
  return `${prefix}${id}`;
}

/**
 * Makes an outbound SMS durable, inside the caller's db transaction: the transaction row (sms, out, queued, its
 * segments, `contact_number` = to), the `sms.send` job (deduped by tag) and the card sync. The caller acks Slack
 * after its transaction commits, and wakes the job worker. With the undo window on, the send job waits that long
 * (`meta.undo_until`, the card offers Cancel).
 * @returns the new row, or null when the tag already exists (a replayed request: nothing was written).
 * @throws SpendCapRefusedError when the send would pass the monthly spend cap (say its message to the user).
 */
export async function createOutboundSms(
  trx: Kysely<Database>,
  input: OutboundSmsInput,
): Promise<TransactionRow | null> {
  const segments = countSmsSegments(input.text).segments;
  const estimate = input.rate ? multiplyMoney(input.rate.rate, segments) : '0';
  const cap = await checkSpendCap(trx, { estimate, currency: input.rate?.currency });
  if (!cap.ok) throw new SpendCapRefusedError(cap.message);
  const runAt = await undoRunAt(trx, new Date());
  const meta = {
    ...(input.optOutConfirmed ? { opt_out_confirmed: true } : {}),
    ...(runAt ? { undo_until: runAt.toISOString() } : {}),
  };
  const txn = await insertTransaction(trx, {
    kind: 'sms',
    direction: 'out',
    status: 'queued',
    tag: input.tag,
    to_number: input.to,
    contact_number: input.to,
    sender_name: input.senderName ?? null,
    text: input.text,
    segments,
    slack_team_id: input.team ?? null,
    slack_user_id: input.user,
    slack_channel_id: input.channel,
    slack_thread_ts: input.threadTs ?? null,
    parent_id: input.parentId ?? null,
    meta: json(meta),
  });
  if (txn === null) return null;
  const payload: SendSmsPayload = { transactionId: txn.id };
  await enqueueJob(trx, {
    queue: QUEUE.smsSend,
    payload: { ...payload },
    dedupeKey: `sms.send:${input.tag}`,
    ...(runAt ? { runAt } : {}),
  });
  await enqueueCardSync(trx, txn);
  return txn;
}

/** Puts a `sending` SMS back to `queued` when nothing reached Hoiio (so the next attempt sends without a check). */
export async function requeueSms(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable('transactions')
    .set({ status: 'queued', updated_at: sql<Date>`now()` as unknown as Date })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * Marks a status check as running (`meta.checking`) unless one already is: returns the row when this caller won
 * (it then enqueues the check), undefined when a check is already under way or the row is not `unknown`.
 */
export async function claimStatusCheck(db: Kysely<Database>, id: number): Promise<TransactionRow | undefined> {
  return db
    .updateTable('transactions')
    .set({
      meta: sql<string>`meta || jsonb_build_object('checking', true, 'checks', coalesce((meta->>'checks')::int, 0) + 1)`,
      updated_at: sql<Date>`now()` as unknown as Date,
    })
    .where('id', '=', id)
    .where('status', '=', 'unknown')
    .where(sql<boolean>`coalesce((meta->>'checking')::boolean, false) = false`)
    .returningAll()
    .executeTakeFirst();
}
