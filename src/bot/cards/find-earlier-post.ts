import { randomBytes } from 'node:crypto';
import type { JsonValue } from '../../db/json.js';
import { isConversationId, type PosterContext } from './poster-context.js';
import { SlackPlatformError } from './slack-gate.js';

/**
 * Slack has no idempotency key: a process killed (or a database write lost) between chat.postMessage's answer and
 * the commit of its ts cannot know the post happened. So every card post carries message metadata naming what it
 * is, and the attempt is recorded before the post; a retry that finds an attempt but no ts first looks for the
 * earlier post in the channel (or thread) by that metadata.
 */
export const CARD_EVENT_TYPE = 'hoiio_card';

/** Slack's clock against ours, and a post answered late: how far before the recorded attempt to look. */
const CLOCK_MARGIN_MS = 5 * 60_000;
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

/** The `metadata` argument of chat.postMessage for a post described by `payload`. */
export function cardMetadata(payload: Record<string, string | number>) {
  return { event_type: CARD_EVENT_TYPE, event_payload: payload };
}

/** A fresh key for one post attempt (carried in its metadata, so an earlier install's post never matches). */
export function attemptKey(): string {
  return randomBytes(9).toString('base64url');
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, JsonValue> };
}

interface HistoryPage {
  messages?: HistoryMessage[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/**
 * The ts of our earlier post in `channel` (in the thread `threadTs` when given) whose metadata matches `payload`
 * (every key equal), posted since `since` (less a margin for clock skew); undefined when there is none. Reading
 * history needs channels:history / groups:history / im:history (the app's own DMs): without them it answers
 * undefined and logs why, so the caller posts as before. Slack down or rate limited throws (retry later).
 */
export async function findEarlierPost(
  ctx: PosterContext,
  channel: string,
  threadTs: string | undefined,
  since: Date,
  payload: Record<string, string | number>,
): Promise<string | undefined> {
  if (!isConversationId(channel) || Number.isNaN(since.getTime())) return undefined;
  const method = threadTs ? 'conversations.replies' : 'conversations.history';
  const oldest = ((since.getTime() - CLOCK_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await ctx.gate.call<HistoryPage>(
        method,
        {
          channel,
          ...(threadTs ? { ts: threadTs } : {}),
          oldest,
          limit: PAGE_SIZE,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        },
        { signal: ctx.signal },
      );
      const found = answer.messages?.find((m) => m.ts !== undefined && matches(m, payload));
      if (found?.ts) return found.ts;
      cursor = answer.response_metadata?.next_cursor;
      if (!answer.has_more || !cursor) return undefined;
    }
    ctx.deps.logger.warn({ channel, method }, 'earlier post not found in the pages read; posting again');
    return undefined;
  } catch (error) {
    if (!(error instanceof SlackPlatformError)) throw error;
    // missing_scope (an app installed before channels:history), not_in_channel, thread_not_found…
    ctx.deps.logger.warn(
      { channel, method, slackError: error.slackError },
      'cannot look for an earlier post; posting again',
    );
    return undefined;
  }
}

function matches(message: HistoryMessage, payload: Record<string, string | number>): boolean {
  const { metadata } = message;
  if (metadata?.event_type !== CARD_EVENT_TYPE || !metadata.event_payload) return false;
  const got = metadata.event_payload;
  return Object.entries(payload).every(([key, value]) => String(got[key]) === String(value));
}
