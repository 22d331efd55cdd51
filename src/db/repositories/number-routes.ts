import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, json } from '../json.js';
import type { NumberRouteRow } from '../tables/number-routes.js';

/** A route to save; unset optional fields take the column defaults on insert and are kept on update. */
export interface NumberRouteInput {
  number: string;
  channel_id: string;
  label?: string | null;
  greeting?: string | null;
  ring_user_ids?: string[];
  ring_timeout?: number;
  voicemail?: boolean;
  voicemail_max_seconds?: number;
  menu?: JsonObject | null;
  created_by?: string | null;
}

function columns(route: NumberRouteInput) {
  const { menu, ...rest } = route;
  return { ...rest, ...(menu === undefined ? {} : { menu: menu === null ? null : json(menu) }) };
}

/** Inserts or updates the route of `route.number`. */
export async function upsertNumberRoute(db: Kysely<Database>, route: NumberRouteInput): Promise<NumberRouteRow> {
  const values = columns(route);
  const { number: _number, created_by: _createdBy, ...update } = values;
  return db
    .insertInto('number_routes')
    .values(values)
    .onConflict((oc) => oc.column('number').doUpdateSet({ ...update, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findNumberRoute(db: Kysely<Database>, number: string): Promise<NumberRouteRow | undefined> {
  return db.selectFrom('number_routes').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Every route, by number. */
export async function listNumberRoutes(db: Kysely<Database>): Promise<NumberRouteRow[]> {
  return db.selectFrom('number_routes').selectAll().orderBy('number').execute();
}

/** The routes that post to `channelId` (e.g. the caller id for click-to-call from that channel). */
export async function listNumberRoutesByChannel(db: Kysely<Database>, channelId: string): Promise<NumberRouteRow[]> {
  return db.selectFrom('number_routes').selectAll().where('channel_id', '=', channelId).orderBy('number').execute();
}

/** Removes a route. Returns whether it existed. */
export async function deleteNumberRoute(db: Kysely<Database>, number: string): Promise<boolean> {
  const r = await db.deleteFrom('number_routes').where('number', '=', number).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Records what happened when the number's Hoiio forwarding was pointed at us. */
export async function setNumberRouteForwardingStatus(
  db: Kysely<Database>,
  number: string,
  status: string,
): Promise<boolean> {
  const r = await db
    .updateTable('number_routes')
    .set({ forwarding_status: status, updated_at: sql<Date>`now()` })
    .where('number', '=', number)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
