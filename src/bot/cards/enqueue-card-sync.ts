import type { types } from '@slack/bolt';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { enqueueJob } from '../../db/job-queue.js';
import type { JsonValue } from '../../db/json.js';
import type { TransactionRow } from '../../db/tables/transactions.js';
import { QUEUE } from '../ids.js';

/** What a `slack.post` job does. Every op runs in its channel's serial order (`serialKey` `channel:<id>`). */
export type SlackPostJob =
  /** Render the transaction's card from its current row; post it (first time) or update it in place. */
  | { readonly op: 'card'; readonly transactionId: number }
  /** Fetch the transaction's media (`meta.media_url`) and upload it next to its card, once. */
  | { readonly op: 'media'; readonly transactionId: number }
  /** A one-off message (a note, a DM to a user). `channel` may be a user id: a DM from the app. */
  | {
      readonly op: 'message';
      readonly channel: string;
      readonly text: string;
      readonly blocks?: types.KnownBlock[];
      readonly threadTs?: string;
    };

/** The serial key of a channel's Slack writes. */
export function channelSerialKey(channel: string): string {
  return `channel:${channel}`;
}

/**
 * Queues a sync of the transaction's card, in the caller's db transaction (the same one as the state change).
 * The poster renders whatever the row holds when it runs, so several syncs in a row are harmless (an unchanged
 * card is not updated again). No channel on the row: nothing to do.
 */
export async function enqueueCardSync(
  db: Kysely<Database>,
  txn: Pick<TransactionRow, 'id' | 'slack_channel_id'>,
): Promise<void> {
  if (!txn.slack_channel_id) return;
  const payload: SlackPostJob = { op: 'card', transactionId: txn.id };
  await enqueueJob(db, { queue: QUEUE.slackPost, payload, serialKey: channelSerialKey(txn.slack_channel_id) });
}

/**
 * Queues the upload of the transaction's media (`meta.media_url`: a fax PDF or a voicemail MP3), after its card
 * in the channel's order. At most once per transaction (dedupe key `media:<id>`).
 */
export async function enqueueMediaUpload(
  db: Kysely<Database>,
  txn: Pick<TransactionRow, 'id' | 'slack_channel_id'>,
): Promise<void> {
  if (!txn.slack_channel_id) return;
  const payload: SlackPostJob = { op: 'media', transactionId: txn.id };
  await enqueueJob(db, {
    queue: QUEUE.slackPost,
    payload,
    dedupeKey: `media:${txn.id}`,
    serialKey: channelSerialKey(txn.slack_channel_id),
  });
}

/**
 * Queues a one-off message to a channel (or a user id: a DM), in order with that channel's cards.
 * `dedupeKey` makes it at most once (e.g. `note:<txn id>:not_in_channel`).
 */
export async function enqueueSlackMessage(
  db: Kysely<Database>,
  message: { channel: string; text: string; blocks?: types.KnownBlock[]; threadTs?: string; dedupeKey?: string },
): Promise<void> {
  const { dedupeKey, ...rest } = message;
  const payload: SlackPostJob = { op: 'message', ...rest };
  await enqueueJob(db, {
    queue: QUEUE.slackPost,
    payload: asJson(payload),
    ...(dedupeKey !== undefined ? { dedupeKey } : {}),
    serialKey: channelSerialKey(message.channel),
  });
}

// Block Kit types are JSON but their optional fields do not type as JsonValue.
function asJson(payload: SlackPostJob): JsonValue {
  return payload as unknown as JsonValue;
}
