import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findContactNames } from '../../../db/repositories/contacts.js';
import { listTransactions } from '../../../db/repositories/transactions.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { parseHistoryArgs } from './admin-args.js';
import { HISTORY_PAGE_SIZE, type HistoryQuery, historyMessage, type Message, readHistoryQuery } from './blocks.js';

/** One page of history: the channel's transactions (optionally of a kind, with a number), newest first. */
export async function historyPage(deps: Pick<BotDeps, 'db'>, query: HistoryQuery): Promise<Message> {
  const rows = await listTransactions(deps.db, {
    channelId: query.channel,
    ...(query.kind ? { kind: query.kind === 'call' ? ['call', 'ivr'] : query.kind } : {}),
    ...(query.number ? { number: query.number } : {}),
    limit: HISTORY_PAGE_SIZE + 1,
    offset: query.offset,
  });
  const numbers = rows.flatMap((r) => (r.contact_number ? [r.contact_number] : []));
  if (query.number) numbers.push(query.number);
  return historyMessage(query, rows, await findContactNames(deps.db, numbers));
}

/**
 * `/hoiio history [sms|fax|call] [number]`: the recent transactions whose cards are in this channel, paged,
 * ephemeral. Scoped to the channel so nobody reads another (private) channel's log through it.
 */
export function handleHistoryCommand(deps: Pick<BotDeps, 'db' | 'config'>): SubcommandHandler {
  return async ({ args, command, ack }) => {
    const parsed = parseHistoryArgs(args, deps.config.defaultCountry);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.problem });
      return;
    }
    const query: HistoryQuery = { channel: command.channel_id, offset: 0, kind: parsed.kind, number: parsed.number };
    await ack({ response_type: 'ephemeral', ...(await historyPage(deps, query)) });
  };
}

/** Next / Previous: replaces the ephemeral page. */
export function handleHistoryPage(
  deps: Pick<BotDeps, 'db'>,
): (args: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => Promise<void> {
  return async ({ ack, action, body, respond }) => {
    await ack();
    const query = readHistoryQuery(action.value);
    // The page must be of the channel the button is in (the value is ours, but keep it honest).
    const channel = body.channel?.id;
    if (query === undefined || (channel !== undefined && channel !== query.channel)) return;
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await historyPage(deps, query)) });
  };
}
