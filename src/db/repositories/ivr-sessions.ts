import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, json } from '../json.js';
import type { IvrSessionRow } from '../tables/ivr-sessions.js';

export interface NewIvrSession {
  session: string;
  txn_ref?: string | null;
  transaction_id?: number | null;
  from_number?: string | null;
  to_number?: string | null;
  state?: string;
  route?: JsonObject | null;
  data?: JsonObject;
  /** Stamps `ended_at` (a session known only from its end). */
  ended?: boolean;
}

/** Starts a session. Returns `null` when it already exists (a duplicate `answer` notification). */
export async function insertIvrSession(db: Kysely<Database>, session: NewIvrSession): Promise<IvrSessionRow | null> {
  const { route, data, ended, ...rest } = session;
  const row = await db
    .insertInto('ivr_sessions')
    .values({
      ...rest,
      ...(ended ? { ended_at: sql<Date>`now()` } : {}),
      ...(route === undefined ? {} : { route: route === null ? null : json(route) }),
      ...(data === undefined ? {} : { data: json(data) }),
    })
    .onConflict((oc) => oc.column('session').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function findIvrSession(db: Kysely<Database>, session: string): Promise<IvrSessionRow | undefined> {
  return db.selectFrom('ivr_sessions').selectAll().where('session', '=', session).executeTakeFirst();
}

export interface IvrSessionChange {
  state?: string;
  step?: number;
  txn_ref?: string | null;
  transaction_id?: number | null;
  /** Replaces `data` entirely. */
  data?: JsonObject;
  card_channel_id?: string | null;
  card_ts?: string | null;
  /** Stamps `ended_at`. */
  ended?: boolean;
}

/**
 * Optimistic update: applies `change` only if the row is still at `expectedVersion`, and bumps the
 * version. Returns the new row, or `undefined` when someone else updated it first (re-read, decide
 * again).
 */
export async function updateIvrSession(
  db: Kysely<Database>,
  session: string,
  expectedVersion: number,
  change: IvrSessionChange,
): Promise<IvrSessionRow | undefined> {
  const { data, ended, ...rest } = change;
  return db
    .updateTable('ivr_sessions')
    .set({
      ...rest,
      ...(data === undefined ? {} : { data: json(data) }),
      ...(ended ? { ended_at: sql<Date>`coalesce(ended_at, now())` } : {}),
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('session', '=', session)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Sessions not ended, oldest first (resume after a restart; sweep stale ones). */
export async function listLiveIvrSessions(db: Kysely<Database>): Promise<IvrSessionRow[]> {
  return db.selectFrom('ivr_sessions').selectAll().where('ended_at', 'is', null).orderBy('created_at').execute();
}
