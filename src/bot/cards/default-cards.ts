import type { types } from '@slack/bolt';
import type { TransactionRow } from '../../db/tables/transactions.js';
import { escapeMrkdwn, quoteMrkdwn, truncateText } from '../slack-text.js';
import { contactButtons, context, partyMrkdwn, section } from './card-parts.js';
import type { ContactHeaderInput, RenderedCard } from './card-registry.js';

const KIND_LABEL: Record<TransactionRow['kind'], string> = { sms: 'SMS', fax: 'Fax', call: 'Call', ivr: 'Call' };

/**
 * The plain card of a transaction kind no feature renders yet: kind, direction, the other party, the status word,
 * the text if any. Never fails.
 */
export function defaultCard(txn: TransactionRow): RenderedCard {
  const number = txn.contact_number ?? (txn.direction === 'in' ? txn.from_number : txn.to_number);
  const party = number ? partyMrkdwn(number, undefined) : 'unknown number';
  const label = `${KIND_LABEL[txn.kind]} ${txn.direction === 'in' ? 'from' : 'to'} ${party}`;
  const blocks: types.KnownBlock[] = [section(`*${label}* · ${escapeMrkdwn(txn.status)}`)];
  if (txn.text) blocks.push(section(quoteMrkdwn(truncateText(txn.text, 2900))));
  return { text: `${label}: ${txn.status}`, blocks };
}

/** The first message of a contact's thread: who it is (name escaped, number formatted as on every card). */
export function contactHeaderCard({ number, name }: ContactHeaderInput): RenderedCard {
  // Escaped in the fallback text too: it is mrkdwn and notifies.
  const who = partyMrkdwn(number, name);
  return {
    text: `Conversation with ${who}`,
    blocks: [
      section(`:telephone_receiver: *Conversation with ${who}*`),
      context('Messages, calls and faxes with this number are collected in this thread.'),
      { type: 'actions', elements: contactButtons(number) },
    ],
  };
}
