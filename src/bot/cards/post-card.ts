import { createHash } from 'node:crypto';
import { PermanentJobError, RetryAfterError } from '../../db/job-errors.js';
import { claimContactThread, setContactThreadTs } from '../../db/repositories/contact-threads.js';
import { findTransactionById, mergeTransactionMeta, updateTransaction } from '../../db/repositories/transactions.js';
import type { TransactionRow } from '../../db/tables/transactions.js';
import type { RenderedCard } from './card-registry.js';
import { moveCardFromUnavailableChannel } from './channel-fallback.js';
import { attemptKey, cardMetadata, findEarlierPost } from './find-earlier-post.js';
import {
  ChannelUnavailableError,
  cardContext,
  isChannelId,
  type PosterContext,
  writeToChannel,
} from './poster-context.js';
import { SlackPlatformError } from './slack-gate.js';

interface PostResult {
  ok?: boolean;
  ts?: string;
  channel?: string;
}

/**
 * The `card` op: renders the transaction's card from its current row and posts it (first time, in its contact
 * thread when `meta.thread` is `contact`) or updates it in place. An unchanged card is not updated again.
 */
export async function syncCard(ctx: PosterContext, transactionId: number): Promise<void> {
  const { deps } = ctx;
  const txn = await findTransactionById(deps.db, transactionId);
  if (!txn?.slack_channel_id) return;
  const channel = txn.slack_channel_id;
  const card = await deps.cards.render(txn, cardContext(deps));
  const hash = cardHash(card);
  try {
    if (txn.slack_message_ts) {
      if (txn.meta['card_hash'] === hash) return;
      if (await updateCard(ctx, channel, txn.slack_message_ts, card)) {
        await mergeTransactionMeta(deps.db, txn.id, { card_hash: hash });
        return;
      }
      // The card was deleted in Slack: post it again.
    }
    const threadTs = txn.slack_thread_ts ?? (await contactThread(ctx, txn, channel));
    const saveTs = (ts: string, postedChannel: string, hashOfShown: string | null) =>
      deps.db.transaction().execute(async (trx) => {
        await updateTransaction(trx, txn.id, {
          slack_message_ts: ts,
          // A DM posted to a user id answers with the DM's channel id, which updates need.
          slack_channel_id: postedChannel,
          slack_thread_ts: threadTs ?? null,
        });
        await mergeTransactionMeta(trx, txn.id, { card_hash: hashOfShown, post_attempt: null });
      });
    // An attempt recorded but no ts (or a ts whose message is gone): the earlier post may have happened.
    const attempt = postAttempt(txn);
    if (attempt) {
      const payload = { transaction_id: txn.id, attempt: attempt.key };
      const earlier = await findEarlierPost(ctx, channel, threadTs, attempt.at, payload);
      if (earlier !== undefined && earlier !== txn.slack_message_ts) {
        deps.logger.info({ transactionId: txn.id, channel }, 'card found posted by an earlier attempt; updating it');
        await saveTs(earlier, channel, null);
        if (await updateCard(ctx, channel, earlier, card)) {
          await mergeTransactionMeta(deps.db, txn.id, { card_hash: hash });
          return;
        }
      }
    }
    // Recorded (committed) before the post, so a retry knows to look for it first.
    const key = attemptKey();
    await mergeTransactionMeta(deps.db, txn.id, { post_attempt: { at: new Date().toISOString(), key } });
    const posted = await writeToChannel<PostResult>(ctx, channel, 'chat.postMessage', {
      channel,
      text: card.text,
      blocks: card.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      metadata: cardMetadata({ transaction_id: txn.id, attempt: key }),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!posted.ts) throw new PermanentJobError('chat.postMessage answered without a ts');
    await saveTs(posted.ts, posted.channel ?? channel, hash);
  } catch (error) {
    if (error instanceof ChannelUnavailableError) {
      await moveCardFromUnavailableChannel(deps, txn, channel, error.slackError);
      return;
    }
    throw permanentIfPlatform(error);
  }
}

/** `meta.post_attempt`: a card post was attempted at `at` with metadata key `key` (cleared once its ts is saved). */
function postAttempt(txn: TransactionRow): { at: Date; key: string } | undefined {
  const value = txn.meta['post_attempt'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { at, key } = value;
  return typeof at === 'string' && typeof key === 'string' ? { at: new Date(at), key } : undefined;
}

/** Returns false when the message is gone (deleted in Slack). */
async function updateCard(ctx: PosterContext, channel: string, ts: string, card: RenderedCard): Promise<boolean> {
  try {
    await writeToChannel(ctx, channel, 'chat.update', { channel, ts, text: card.text, blocks: card.blocks });
    return true;
  } catch (error) {
    if (error instanceof SlackPlatformError && error.slackError === 'message_not_found') return false;
    throw error;
  }
}

/**
 * The contact's thread in this channel for a card with `meta.thread: 'contact'`; posts the header card first when
 * the thread does not exist yet. The channel's serial order means no other post to it runs meanwhile; across
 * instances the claim in `contact_threads` decides.
 */
async function contactThread(ctx: PosterContext, txn: TransactionRow, channel: string): Promise<string | undefined> {
  const number = txn.contact_number;
  if (txn.meta['thread'] !== 'contact' || !number || !isChannelId(channel)) return undefined;
  const { deps } = ctx;
  const claim = await claimContactThread(deps.db, channel, number, `card:${txn.id}`);
  if (claim.role === 'existing') return claim.thread.thread_ts;
  if (claim.role === 'wait') throw new RetryAfterError(2000, 'contact thread header being posted elsewhere');
  const payload = { channel_id: channel, number, thread_id: claim.thread.id };
  // The claim row is written (committed) before the header is posted. A claim taken over (updated after it was
  // created: its holder crashed, or this job retries) may have posted the header already: look for it first.
  if (claim.thread.updated_at.getTime() !== claim.thread.created_at.getTime()) {
    const earlier = await findEarlierPost(ctx, channel, undefined, claim.thread.created_at, payload);
    if (earlier !== undefined) {
      deps.logger.info({ channel, transactionId: txn.id }, 'contact thread header found posted by an earlier attempt');
      await setContactThreadTs(deps.db, claim.thread.id, earlier);
      return earlier;
    }
  }
  const context = cardContext(deps);
  const header = await deps.cards.renderContactHeader(
    { channelId: channel, number, name: await context.contactName(number) },
    context,
  );
  const posted = await writeToChannel<PostResult>(ctx, channel, 'chat.postMessage', {
    channel,
    text: header.text,
    blocks: header.blocks,
    metadata: cardMetadata(payload),
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!posted.ts) throw new PermanentJobError('chat.postMessage answered without a ts');
  await setContactThreadTs(deps.db, claim.thread.id, posted.ts);
  return posted.ts;
}

/** Slack refusing the card itself (`invalid_blocks`, `msg_too_long`…) will not change on retry. */
export function permanentIfPlatform(error: unknown): unknown {
  if (error instanceof SlackPlatformError && !AUTH_ERRORS.has(error.slackError)) {
    return new PermanentJobError(error.message, { cause: error });
  }
  return error;
}

// A bad or revoked token may be fixed by an admin: keep retrying until the job's max age.
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

function cardHash(card: RenderedCard): string {
  return createHash('sha256')
    .update(JSON.stringify([card.text, card.blocks]))
    .digest('base64url');
}
