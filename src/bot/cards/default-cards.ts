import type { types } from '@slack/bolt';
import type { TransactionRow } from '../../db/tables/transactions.js';
import { ACTION } from '../ids.js';
import { escapeMrkdwn, quoteMrkdwn, truncateText } from '../slack-text.js';
import type { ContactHeaderInput, RenderedCard } from './card-registry.js';

const KIND_LABEL: Record<TransactionRow['kind'], string> = { sms: 'SMS', fax: 'Fax', call: 'Call', ivr: 'Call' };

/**
 * The plain card of a transaction kind no feature renders yet: kind, direction, the other party, the status word,
 * the text if any. Never fails.
 */
export function defaultCard(txn: TransactionRow): RenderedCard {
  const party = txn.contact_number ?? (txn.direction === 'in' ? txn.from_number : txn.to_number) ?? 'unknown number';
  const label = `${KIND_LABEL[txn.kind]} ${txn.direction === 'in' ? 'from' : 'to'} ${party}`;
  const text = `${label}: ${txn.status}`;
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(label)}* · ${escapeMrkdwn(txn.status)}` } },
  ];
  if (txn.text) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quoteMrkdwn(truncateText(txn.text, 2900)) } });
  }
  return { text, blocks };
}

/** Call back / Send SMS buttons for an E.164 number (the value is the number). */
export function contactButtons(number: string): types.ActionsBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION.contactCallBack,
        text: { type: 'plain_text', text: 'Call back' },
        value: number,
      },
      {
        type: 'button',
        action_id: ACTION.contactSendSms,
        text: { type: 'plain_text', text: 'Send SMS' },
        value: number,
      },
    ],
  };
}

/** The first message of a contact's thread: who it is and how to reach them. */
export function contactHeaderCard({ number, name }: ContactHeaderInput): RenderedCard {
  // Escaped in the fallback text too: it is mrkdwn and notifies.
  const who = escapeMrkdwn(name ? `${truncateText(name, 200)} (${number})` : number);
  return {
    text: `Conversation with ${who}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:telephone_receiver: *Conversation with ${who}*` },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Messages, calls and faxes with this number are collected in this thread.' },
        ],
      },
      contactButtons(number),
    ],
  };
}
