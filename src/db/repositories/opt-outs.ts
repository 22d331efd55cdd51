import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { OptOutRow } from '../tables/opt-outs.js';

/** Records that `number` opted out. Returns false when it already had (the first record is kept). */
export async function recordOptOut(
  db: Kysely<Database>,
  number: string,
  details: { keyword?: string | null; sourceTxnRef?: string | null } = {},
): Promise<boolean> {
  const row = await db
    .insertInto('opt_outs')
    .values({ number, keyword: details.keyword ?? null, source_txn_ref: details.sourceTxnRef ?? null })
    .onConflict((oc) => oc.column('number').doNothing())
    .returning('number')
    .executeTakeFirst();
  return row !== undefined;
}

/** Clears an opt-out (START). Returns whether there was one. */
export async function clearOptOut(db: Kysely<Database>, number: string): Promise<boolean> {
  const r = await db.deleteFrom('opt_outs').where('number', '=', number).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function findOptOut(db: Kysely<Database>, number: string): Promise<OptOutRow | undefined> {
  return db.selectFrom('opt_outs').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function isOptedOut(db: Kysely<Database>, number: string): Promise<boolean> {
  return (await findOptOut(db, number)) !== undefined;
}

/** Opt-outs, newest first. */
export async function listOptOuts(db: Kysely<Database>, options: { limit?: number } = {}): Promise<OptOutRow[]> {
  return db
    .selectFrom('opt_outs')
    .selectAll()
    .orderBy('at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
}
