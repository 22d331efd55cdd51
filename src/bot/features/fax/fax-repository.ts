/** The fax feature's writes: a new outbound fax with its job and card, and its meta fields. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../../db/database.js';
import { enqueueJob } from '../../../db/job-queue.js';
import { type JsonObject, json } from '../../../db/json.js';
import { insertTransaction } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import { QUEUE } from '../../ids.js';
import { checkSpendCap, SpendCapRefusedError } from '../admin/spend-cap.js';
import { undoRunAt } from '../admin/undo-window.js';

/** What `transactions.meta` holds for an outbound fax (snake_case JSON). */
export interface FaxMeta {
  /** The Slack file to fax. */
  readonly file_id?: string;
  readonly file_name?: string;
  readonly cover_note?: string;
  /** Pages × per-minute rate, before sending. */
  readonly estimate?: { amount: string; rate: string; currency: string };
  /** Why it failed, in words for the card. */
  readonly error?: string;
  /** Whether Retry is offered (false for a bad file: retrying cannot help). */
  readonly retryable?: boolean;
  /** The transaction that retried this one. */
  readonly retried_by?: number;
  /** When the undo window ends (ISO): until then the card offers Cancel and the send job waits. */
  readonly undo_until?: string;
}

const metaSchema = z.object({
  file_id: z.string().optional().catch(undefined),
  file_name: z.string().optional().catch(undefined),
  cover_note: z.string().optional().catch(undefined),
  estimate: z.object({ amount: z.string(), rate: z.string(), currency: z.string() }).optional().catch(undefined),
  error: z.string().optional().catch(undefined),
  retryable: z.boolean().optional().catch(undefined),
  retried_by: z.number().optional().catch(undefined),
  undo_until: z.string().optional().catch(undefined),
});

/** The fax fields of a row's meta; a malformed field reads as absent. */
export function readFaxMeta(meta: JsonObject): FaxMeta {
  const parsed = metaSchema.parse(meta);
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as FaxMeta;
}

/** A new outbound fax as a Slack request asked for it. */
export interface NewOutboundFax {
  /** E.164. */
  readonly to: string;
  readonly fileId: string;
  readonly fileName?: string | undefined;
  readonly coverNote?: string | undefined;
  /** Our unique `tag` (`hs-v-<view id>`, `hs-r-<parent id>`): the dedupe key of the send. */
  readonly tag: string;
  readonly userId: string;
  readonly teamId?: string | undefined;
  readonly channelId: string;
  readonly threadTs?: string | undefined;
  readonly parentId?: number | undefined;
}

/**
 * Inserts the fax (kind fax, out, queued), its `fax.send` job and its card sync, in the caller's db transaction.
 * With the undo window on, the job waits that long (`meta.undo_until`: the card offers Cancel). Returns null
 * when the tag exists already (a replayed submission or a double click): nothing was written.
 * Throws SpendCapRefusedError (nothing written) when the monthly spend cap is already reached.
 */
export async function createOutboundFax(db: Kysely<Database>, fax: NewOutboundFax): Promise<TransactionRow | null> {
  // The pages, and so the cost, are known only in the job (which checks the cap again with its estimate): here a
  // fax is refused once the cap is reached.
  const cap = await checkSpendCap(db, { estimate: '0' });
  if (!cap.ok) throw new SpendCapRefusedError(cap.message);
  const runAt = await undoRunAt(db, new Date());
  const meta: FaxMeta = {
    file_id: fax.fileId,
    ...(fax.fileName !== undefined ? { file_name: fax.fileName } : {}),
    ...(fax.coverNote !== undefined ? { cover_note: fax.coverNote } : {}),
    ...(runAt ? { undo_until: runAt.toISOString() } : {}),
  };
  const txn = await insertTransaction(db, {
    kind: 'fax',
    direction: 'out',
    status: 'queued',
    tag: fax.tag,
    to_number: fax.to,
    contact_number: fax.to,
    slack_user_id: fax.userId,
    slack_team_id: fax.teamId ?? null,
    slack_channel_id: fax.channelId,
    slack_thread_ts: fax.threadTs ?? null,
    parent_id: fax.parentId ?? null,
    meta: json(meta),
  });
  if (txn === null) return null;
  await enqueueJob(db, {
    queue: QUEUE.faxSend,
    payload: { transactionId: txn.id },
    dedupeKey: `fax.send:${txn.id}`,
    ...(runAt ? { runAt } : {}),
  });
  await enqueueCardSync(db, txn);
  return txn;
}

/**
 * Puts a fax that was about to be sent (`sending`) back to `queued`: nothing reached Hoiio (connection refused),
 * so the job may try again. Returns whether it was still `sending`.
 */
export async function returnFaxToQueue(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db
    .updateTable('transactions')
    .set({ status: 'queued', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
