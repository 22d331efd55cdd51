import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import type { ContactRow } from '../tables/contacts.js';

/** Adds or renames a contact. */
export async function upsertContact(
  db: Kysely<Database>,
  contact: { number: string; name: string; note?: string | null; created_by?: string | null },
): Promise<ContactRow> {
  return db
    .insertInto('contacts')
    .values(contact)
    .onConflict((oc) =>
      oc.column('number').doUpdateSet({
        name: contact.name,
        ...(contact.note === undefined ? {} : { note: contact.note }),
        updated_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findContact(db: Kysely<Database>, number: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Names for many numbers at once (cards, history): number → name, for those that have one. */
export async function findContactNames(db: Kysely<Database>, numbers: readonly string[]): Promise<Map<string, string>> {
  if (numbers.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select(['number', 'name'])
    .where('number', 'in', [...new Set(numbers)])
    .execute();
  return new Map(rows.map((r) => [r.number, r.name]));
}

/** Contacts by name. */
export async function listContacts(
  db: Kysely<Database>,
  options: { limit?: number; offset?: number } = {},
): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .orderBy('name')
    .orderBy('number')
    .limit(options.limit ?? 100)
    .offset(options.offset ?? 0)
    .execute();
}

/** Removes a contact. Returns whether it existed. */
export async function deleteContact(db: Kysely<Database>, number: string): Promise<boolean> {
  const r = await db.deleteFrom('contacts').where('number', '=', number).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
