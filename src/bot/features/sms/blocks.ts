import type { types } from '@slack/bolt';
import { formatPhoneNumber, type Money } from '../../../hoiio/index.js';
import {
  CANCELED_NOTE,
  checkStatusButton,
  contactButtons,
  context,
  costText,
  partyMrkdwn,
  refText,
  retryButton,
  SEND_STATUS_EMOJI,
  section,
  UNDO_WINDOW_NOTE,
} from '../../cards/card-parts.js';
import { ACTION, SMS_BLOCK } from '../../ids.js';
import { escapeMrkdwn, inlineCode, quoteMrkdwn, truncateText } from '../../slack-text.js';
import { cancelSendButton } from '../admin/undo-window.js';
import { explainSmsError } from './sms-errors.js';

/** The status words of an outbound SMS card (design.md §6); anything else shows verbatim. */
export type SmsCardStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'unknown' | (string & {});

/** What an outbound SMS card shows; built from the transaction row (and its contact's name). */
export interface SmsCardInput {
  readonly id: number;
  readonly status: SmsCardStatus;
  /** E.164. */
  readonly to: string;
  readonly contactName?: string | undefined;
  /** The Slack user who sent it. */
  readonly userId?: string | undefined;
  readonly text: string;
  readonly senderName?: string | undefined;
  readonly txnRef?: string | undefined;
  readonly segments?: number | undefined;
  readonly currency?: string | undefined;
  readonly debit?: Money | undefined;
  readonly errorCode?: string | undefined;
  /** The transaction this one retries. */
  readonly parentId?: number | undefined;
  /** Set once Retry was pressed on this card (one retry per failure). */
  readonly retried?: boolean | undefined;
  /** Set while a Check status is queued. */
  readonly checking?: boolean | undefined;
  /** Still waiting out the undo window: the card offers Cancel. */
  readonly cancelable?: boolean | undefined;
}

const EMOJI: Record<string, string> = { ...SEND_STATUS_EMOJI, sending: SEND_STATUS_EMOJI.queued };

/** The plain status word (design.md §6); `sending` is still `queued` to people. */
export function smsStatusWord(status: SmsCardStatus): string {
  return status === 'sending' ? 'queued' : status;
}

/** Who the SMS goes to: the contact's name (escaped) and the formatted number. */
export function recipientLabel(to: string, contactName: string | undefined): string {
  return partyMrkdwn(to, contactName, 80);
}

/** The living card of an outbound SMS: who, to whom, the text, the status word, txn_ref, cost, and its buttons. */
export function smsCard(sms: SmsCardInput): { text: string; blocks: types.KnownBlock[] } {
  const word = smsStatusWord(sms.status);
  const to = recipientLabel(sms.to, sms.contactName);
  // The fallback text is mrkdwn too (and notifies): the contact's name is escaped like in the blocks.
  const plainTo = sms.contactName ? to : sms.to;
  const headline = `${EMOJI[word] ?? ':speech_balloon:'} *SMS to ${to}* — *${escapeMrkdwn(word)}*`;
  const blocks: types.KnownBlock[] = [
    section(headline),
    // Escaping lengthens the text (`&` → `&amp;`): cut again to Slack's 3000.
    section(truncateText(quoteMrkdwn(truncateText(sms.text, 2800)), 3000)),
  ];
  const details: string[] = [];
  if (sms.userId) details.push(`Sent by <@${sms.userId}>`);
  if (sms.senderName) details.push(`as ${inlineCode(sms.senderName)}`);
  if (sms.txnRef) details.push(refText(sms.txnRef));
  if (sms.segments !== undefined && sms.segments > 0)
    details.push(`${sms.segments} part${sms.segments > 1 ? 's' : ''}`);
  if (sms.debit !== undefined && sms.currency !== undefined) details.push(costText(sms.debit, sms.currency));
  if (sms.parentId !== undefined) details.push('retry of an earlier failed send');
  if (details.length > 0) blocks.push(context(details.join(' · ')));

  let note: string | undefined;
  if (word === 'failed') note = `:warning: ${explainSmsError(sms.errorCode ?? null, sms.to)}`;
  if (word === 'unknown') {
    note = sms.checking
      ? ':mag: Asking Hoiio what happened to it…'
      : ':grey_question: We could not confirm whether Hoiio took this SMS. It will not be sent again on its own; *Check status* asks Hoiio.';
  }
  if (word === 'failed' && sms.retried) note = `${note ?? ''}\n:repeat: Retried — see the new card.`;
  if (word === 'canceled') note = CANCELED_NOTE;
  if (sms.cancelable) note = UNDO_WINDOW_NOTE;
  if (note !== undefined) blocks.push(section(note));

  const buttons: types.Button[] = [];
  if (sms.cancelable) buttons.push(cancelSendButton(sms.id));
  if (word === 'failed' && !sms.retried) buttons.push(retryButton(ACTION.txnRetry, sms.id));
  if (word === 'unknown' && !sms.checking) buttons.push(checkStatusButton(sms.id));
  buttons.push(...contactButtons(sms.to, { callText: 'Call' }));
  blocks.push({ type: 'actions', block_id: SMS_BLOCK.cardActions, elements: buttons });
  return { text: `SMS to ${plainTo}: ${word}`, blocks };
}

/** The ephemeral answer to `/hoiio sms <number> <text>` once the send is queued. */
export function smsQueuedMessage(to: string, contactName?: string): string {
  return `:outbox_tray: Sending your SMS to ${recipientLabel(to, contactName)}. Its card in this channel shows when it is delivered.`;
}

/** The ephemeral answer to a replayed `/hoiio sms` (same request twice): nothing new happens. */
export function smsAlreadyQueuedMessage(): string {
  return ':ok_hand: That SMS was already sent once; I did not send it again.';
}

/** The ephemeral answer to `/hoiio sms` that cannot be understood: the problem and how to do it right. */
export function smsUsageMessage(problem: string): string {
  return `:warning: ${problem}\nUsage: \`/hoiio sms <number> <message>\`, e.g. \`/hoiio sms +65 9123 4567 Your parcel is ready\`. Type just \`/hoiio sms\` to open a form.`;
}

/** The ephemeral answer to an inline send to a number that replied STOP. */
export function smsOptedOutMessage(to: string): string {
  return `:no_entry: ${formatPhoneNumber(to)} replied STOP and opted out of our SMS, so I did not send it. If you must send anyway (the recipient asked you to), use \`/hoiio sms ${formatPhoneNumber(to)}\` to open the form and tick “send anyway”.`;
}
