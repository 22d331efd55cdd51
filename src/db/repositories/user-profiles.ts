import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, json } from '../json.js';
import type { UserProfileRow } from '../tables/user-profiles.js';

export async function findUserProfile(db: Kysely<Database>, userId: string): Promise<UserProfileRow | undefined> {
  return db.selectFrom('user_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Sets (or clears, with `null`) a user's own phone, E.164; `verified` stamps `phone_verified_at`. */
export async function setUserPhone(
  db: Kysely<Database>,
  userId: string,
  phone: string | null,
  options: { verified?: boolean } = {},
): Promise<UserProfileRow> {
  const verifiedAt = options.verified ? sql<Date>`now()` : null;
  return db
    .insertInto('user_profiles')
    .values({ user_id: userId, phone, phone_verified_at: verifiedAt })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        phone,
        phone_verified_at: verifiedAt,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Merges `prefs` into the user's preferences (shallow; keys in `prefs` win). */
export async function mergeUserPrefs(db: Kysely<Database>, userId: string, prefs: JsonObject): Promise<UserProfileRow> {
  return db
    .insertInto('user_profiles')
    .values({ user_id: userId, prefs: json(prefs) })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        prefs: sql<string>`user_profiles.prefs || excluded.prefs`,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Locks the user's profile row until the caller's transaction ends (creating an empty one first), so read-then-write
 * rules on it (codes asked for, tries left) hold under concurrent requests. Use inside `db.transaction()`.
 */
export async function lockUserProfile(trx: Kysely<Database>, userId: string): Promise<UserProfileRow> {
  await trx
    .insertInto('user_profiles')
    .values({ user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return trx
    .selectFrom('user_profiles')
    .selectAll()
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Removes `keys` from the user's preferences (no row, or keys absent: nothing happens). */
export async function removeUserPrefs(db: Kysely<Database>, userId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('user_profiles')
    .set({ prefs: sql<string>`prefs - ${[...keys]}::text[]`, updated_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .execute();
}

/** Phones of several users at once (the ring list): user id → phone, for those who have one. */
export async function findUserPhones(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('user_profiles')
    .select(['user_id', 'phone'])
    .where('user_id', 'in', [...new Set(userIds)])
    .where('phone', 'is not', null)
    .execute();
  return new Map(rows.flatMap((r) => (r.phone ? [[r.user_id, r.phone] as const] : [])));
}
