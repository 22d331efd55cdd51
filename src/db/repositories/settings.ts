import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonValue, json } from '../json.js';

/** Well-known setting keys. */
export const SETTING = {
  /** The generated HOIIO_WEBHOOK_TOKEN (a string). */
  webhookToken: 'hoiio.webhook_token',
  /** Monthly spend cap: `{ amount: "50.00", currency: "SGD" }` or absent. */
  spendCap: 'spend.cap',
  /** The month (`YYYY-MM`) admins were last warned at 80 % of the cap. */
  spendCapWarnedMonth: 'spend.cap_warned_month',
  /** Undo window in seconds (0 = off). */
  undoWindowSeconds: 'send.undo_window_seconds',
} as const;

/** A setting's value, or `undefined` when unset. */
export async function getSetting(db: Kysely<Database>, key: string): Promise<JsonValue | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Sets (inserts or replaces) a setting. */
export async function setSetting(db: Kysely<Database>, key: string, value: JsonValue): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: json(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json(value), updated_at: sql<Date>`now()` }))
    .execute();
}

/** Removes a setting. Returns whether it existed. */
export async function deleteSetting(db: Kysely<Database>, key: string): Promise<boolean> {
  const r = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * The webhook token kept in the database, generating it on first use. Race-safe: when several
 * instances start together, every one gets the same token (insert-if-absent, then read).
 */
export async function getOrCreateWebhookToken(db: Kysely<Database>, generate: () => string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key: SETTING.webhookToken, value: json(generate()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const value = await getSetting(db, SETTING.webhookToken);
  if (typeof value !== 'string') {
    throw Object.assign(new Error('The stored webhook token is not a string'), { code: 'webhook_token_invalid' });
  }
  return value;
}
