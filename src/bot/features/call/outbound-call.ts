/**
 * Making a click-to-call durable: the transaction (call, out, queued), its `call.start` job and its card sync in
 * the caller's db transaction, before Slack is acked. Exactly one call per Slack request (the unique `tag`), and
 * at most one live call per user and number at a time (a double click, or the same number from two surfaces).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/database.js';
import { enqueueJob } from '../../../db/job-queue.js';
import { json } from '../../../db/json.js';
import { listNumberRoutesByChannel } from '../../../db/repositories/number-routes.js';
import { findTransactionByTag, insertTransaction } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import { QUEUE } from '../../ids.js';
import { checkSpendCap, SpendCapRefusedError } from '../admin/spend-cap.js';
import { undoRunAt } from '../admin/undo-window.js';

/** Where a click-to-call started. */
export type CallSource = 'command' | 'view' | 'button' | 'shortcut';

/** How long a call that has not ended blocks another call by the same user to the same number. */
export const LIVE_CALL_WINDOW_MS = 2 * 60 * 1000;

/** The tag of a call (also sent to Hoiio): unique per Slack request. */
export function callTag(source: CallSource, id: string): string {
  const prefix = { command: 'hs-c-', view: 'hs-v-', button: 'hs-b-', shortcut: 'hs-s-' }[source];
  return `${prefix}${id}`;
}

/** A call to place, and where its card goes. */
export interface OutboundCallInput {
  /** The number to call (leg 2), E.164. */
  readonly to: string;
  /** The user's own phone (leg 1), E.164; undefined: look it up in their Slack profile in the job. */
  readonly ownPhone: string | undefined;
  readonly user: string;
  readonly team?: string | undefined;
  readonly channel: string;
  /** Reply in this thread; else the card goes to the channel. */
  readonly threadTs?: string | undefined;
  readonly tag: string;
  readonly source: CallSource;
}

/** The payload of a `call.start` job. */
export interface StartCallPayload {
  readonly transactionId: number;
}

export type OutboundCallResult =
  | { readonly kind: 'created'; readonly txn: TransactionRow }
  /** The same request again (replay): nothing new. */
  | { readonly kind: 'duplicate'; readonly txn: TransactionRow | undefined }
  /** This user is already calling this number. */
  | { readonly kind: 'live'; readonly txn: TransactionRow }
  /** Leg 1 and leg 2 would be the same phone. */
  | { readonly kind: 'own_number' };

const LIVE_STATUSES = ['queued', 'sending', 'sent', 'ringing', 'ongoing'] as const;

/**
 * Inserts the call (kind call, out, queued; `from_number` = the user's phone, `our_number` = the caller id: the
 * number routed to the channel, if any), its `call.start` job and its card sync, in `trx`. Serialises on the user
 * (a transaction-scoped advisory lock) so two concurrent clicks cannot both pass the live-call check. With the undo
 * window on, the job waits that long (`meta.undo_until`: the card offers Cancel).
 */
export async function createOutboundCall(trx: Kysely<Database>, input: OutboundCallInput): Promise<OutboundCallResult> {
  if (input.ownPhone === input.to) return { kind: 'own_number' };
  // A call's cost depends on its length: refused once the monthly spend cap is reached (nothing written).
  const cap = await checkSpendCap(trx, { estimate: '0' });
  if (!cap.ok) throw new SpendCapRefusedError(cap.message);
  await sql`select pg_advisory_xact_lock(hashtext(${`hoiio-call:${input.user}`}))`.execute(trx);
  const replay = await findTransactionByTag(trx, input.tag);
  if (replay !== undefined) return { kind: 'duplicate', txn: replay };
  const live = await trx
    .selectFrom('transactions')
    .selectAll()
    .where('kind', '=', 'call')
    .where('direction', '=', 'out')
    .where('slack_user_id', '=', input.user)
    .where('contact_number', '=', input.to)
    .where('status', 'in', LIVE_STATUSES)
    .where('created_at', '>', sql<Date>`now() - ${LIVE_CALL_WINDOW_MS} * interval '1 millisecond'`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (live !== undefined) return { kind: 'live', txn: live };
  const [route] = await listNumberRoutesByChannel(trx, input.channel);
  const runAt = await undoRunAt(trx, new Date());
  const txn = await insertTransaction(trx, {
    kind: 'call',
    direction: 'out',
    status: 'queued',
    tag: input.tag,
    from_number: input.ownPhone ?? null,
    to_number: input.to,
    contact_number: input.to,
    our_number: route?.number ?? null,
    slack_team_id: input.team ?? null,
    slack_user_id: input.user,
    slack_channel_id: input.channel,
    slack_thread_ts: input.threadTs ?? null,
    meta: json({
      source: input.source,
      phone_source: input.ownPhone !== undefined ? 'saved' : 'pending',
      ...(runAt ? { undo_until: runAt.toISOString() } : {}),
    }),
  });
  if (txn === null) return { kind: 'duplicate', txn: await findTransactionByTag(trx, input.tag) };
  await enqueueStartCall(trx, txn.id, 'first', runAt);
  await enqueueCardSync(trx, txn);
  return { kind: 'created', txn };
}

/**
 * Queues the `call.start` job of a call; `attempt` keeps each reason for (re)starting it to one job. `runAt`: not
 * before then (the end of the undo window).
 */
export async function enqueueStartCall(
  trx: Kysely<Database>,
  transactionId: number,
  attempt: string,
  runAt?: Date,
): Promise<void> {
  const payload: StartCallPayload = { transactionId };
  await enqueueJob(trx, {
    queue: QUEUE.callStart,
    payload: { ...payload },
    dedupeKey: `call.start:${transactionId}:${attempt}`,
    ...(runAt ? { runAt } : {}),
  });
}
