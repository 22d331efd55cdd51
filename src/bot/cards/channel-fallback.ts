import { mergeTransactionMeta, updateTransaction } from '../../db/repositories/transactions.js';
import type { TransactionRow } from '../../db/tables/transactions.js';
import type { BotDeps } from '../deps.js';
import { enqueueCardSync, enqueueSlackMessage } from './enqueue-card-sync.js';

/**
 * A card's channel will not take our posts (private and we are not in it, archived). Moves the card to
 * DEFAULT_CHANNEL with a note there, or, without one, to the requesting user's DM; tells the requesting user how
 * to invite the bot. Without either, the card stays unposted (`meta.slack_error`) and the event is still in the
 * database. All in one db transaction.
 */
export async function moveCardFromUnavailableChannel(
  deps: BotDeps,
  txn: TransactionRow,
  channel: string,
  slackError: string,
): Promise<void> {
  const { defaultChannel } = deps.config;
  const user = txn.slack_user_id ?? undefined;
  const target = defaultChannel !== undefined && defaultChannel !== channel ? defaultChannel : user;
  deps.logger.warn({ channel, slackError, transactionId: txn.id, target }, 'cannot post in channel: moving the card');
  await deps.db.transaction().execute(async (trx) => {
    await mergeTransactionMeta(trx, txn.id, { unposted_channel: channel, slack_error: slackError });
    if (target === undefined) return;
    await updateTransaction(trx, txn.id, { slack_channel_id: target, slack_thread_ts: null, slack_message_ts: null });
    if (target === defaultChannel) {
      await enqueueSlackMessage(trx, {
        channel: target,
        text: `This was meant for <#${channel}>, but I am not a member there. Invite me there with \`/invite @Hoiio\`.`,
        dedupeKey: `note:unposted:${txn.id}:${channel}`,
      });
    }
    if (user !== undefined) {
      const where = target === defaultChannel ? ` It is in <#${target}> instead.` : ' Here it is:';
      await enqueueSlackMessage(trx, {
        channel: user,
        text:
          `I could not post your ${txn.kind.toUpperCase()} card in <#${channel}> because I am not a member of ` +
          `that channel.${where} To fix it, type \`/invite @Hoiio\` in <#${channel}>.`,
        dedupeKey: `note:invite:${txn.id}:${channel}`,
      });
    }
    // After the notes: in a DM the note reads "Here it is." and the card follows.
    await enqueueCardSync(trx, { id: txn.id, slack_channel_id: target });
  });
}
