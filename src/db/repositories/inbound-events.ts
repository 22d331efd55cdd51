import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, json } from '../json.js';
import type { InboundEventKind, InboundEventRow, InboundEventState } from '../tables/inbound-events.js';

export interface NewInboundEvent {
  kind: InboundEventKind;
  /** e.g. `sms:<txn_ref>:<state>`; a second event with the same key is a duplicate. */
  dedupeKey: string;
  params: JsonObject;
  txnRef?: string | null;
  /** Default `received`; `rejected` for a payload that can never be processed. */
  state?: InboundEventState;
  error?: string | null;
}

/** Stores a webhook as received. Returns `null` when its dedupe key was seen before (nothing written). */
export async function insertInboundEvent(
  db: Kysely<Database>,
  event: NewInboundEvent,
): Promise<InboundEventRow | null> {
  const row = await db
    .insertInto('inbound_events')
    .values({
      kind: event.kind,
      dedupe_key: event.dedupeKey,
      params: json(event.params),
      txn_ref: event.txnRef ?? null,
      state: event.state ?? 'received',
      error: event.error ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Sets an event's state (and error / linked transaction); stamps `processed_at`. Returns whether it exists. */
export async function markInboundEvent(
  db: Kysely<Database>,
  id: number,
  state: InboundEventState,
  details: { error?: string | null; transactionId?: number | null } = {},
): Promise<boolean> {
  const r = await db
    .updateTable('inbound_events')
    .set({
      state,
      processed_at: sql<Date>`now()`,
      ...(details.error === undefined ? {} : { error: details.error }),
      ...(details.transactionId === undefined ? {} : { transaction_id: details.transactionId }),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function findInboundEventById(db: Kysely<Database>, id: number): Promise<InboundEventRow | undefined> {
  return db.selectFrom('inbound_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Events, newest first, optionally by state(s) and kind (App Home: unrouted/unverified). */
export async function listInboundEvents(
  db: Kysely<Database>,
  filter: { states?: readonly InboundEventState[]; kind?: InboundEventKind; limit?: number } = {},
): Promise<InboundEventRow[]> {
  let q = db.selectFrom('inbound_events').selectAll();
  if (filter.states) q = q.where('state', 'in', filter.states);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
}

/** When each kind of webhook last arrived (`/hoiio status`). Kinds never seen are absent. */
export async function lastInboundEventTimes(db: Kysely<Database>): Promise<Partial<Record<InboundEventKind, Date>>> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(['kind', (eb) => eb.fn.max('created_at').as('last')])
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, r.last]));
}
