import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import type { ContactThreadRow } from '../tables/contact-threads.js';

/**
 * The outcome of {@link claimContactThread}:
 * - `existing`: the thread exists; reply in `thread.thread_ts`.
 * - `post-header`: you hold the claim: post the header card, then `setContactThreadTs`.
 * - `wait`: someone else is posting the header right now; retry shortly (e.g. `RetryAfterError`).
 */
export type ContactThreadClaim =
  | { role: 'existing'; thread: ContactThreadRow & { thread_ts: string } }
  | { role: 'post-header' | 'wait'; thread: ContactThreadRow };

/**
 * Finds or claims the one thread of (channel, number). Race-safe: of concurrent first messages,
 * exactly one gets `post-header`. A claim whose holder crashed expires after `claimMs` (default
 * 60 s) and is handed to the next caller; the same `owner` (e.g. the job id, on retry) gets it back.
 */
export async function claimContactThread(
  db: Kysely<Database>,
  channelId: string,
  number: string,
  owner: string,
  claimMs = 60_000,
): Promise<ContactThreadClaim> {
  const expires = sql<Date>`now() + ${claimMs} * interval '1 millisecond'`;
  const inserted = await db
    .insertInto('contact_threads')
    .values({ channel_id: channelId, number, claim_owner: owner, claim_expires_at: expires })
    .onConflict((oc) => oc.columns(['channel_id', 'number']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { role: 'post-header', thread: inserted };
  const taken = await db
    .updateTable('contact_threads')
    .set({ claim_owner: owner, claim_expires_at: expires, updated_at: sql<Date>`now()` })
    .where('channel_id', '=', channelId)
    .where('number', '=', number)
    .where('thread_ts', 'is', null)
    .where((eb) => eb.or([eb('claim_owner', '=', owner), eb('claim_expires_at', '<=', sql<Date>`now()`)]))
    .returningAll()
    .executeTakeFirst();
  if (taken) return { role: 'post-header', thread: taken };
  const thread = await findContactThread(db, channelId, number);
  if (!thread) return claimContactThread(db, channelId, number, owner, claimMs); // removed meanwhile
  if (thread.thread_ts !== null) return { role: 'existing', thread: { ...thread, thread_ts: thread.thread_ts } };
  return { role: 'wait', thread };
}

/** Records the posted header's ts (and ends the claim). Returns false if the thread is gone. */
export async function setContactThreadTs(db: Kysely<Database>, id: number, threadTs: string): Promise<boolean> {
  const r = await db
    .updateTable('contact_threads')
    .set({
      thread_ts: threadTs,
      claim_owner: null,
      claim_expires_at: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function findContactThread(
  db: Kysely<Database>,
  channelId: string,
  number: string,
): Promise<ContactThreadRow | undefined> {
  return db
    .selectFrom('contact_threads')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** Forgets a thread (e.g. its header was deleted in Slack) so the next message starts a new one. */
export async function deleteContactThread(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('contact_threads').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
