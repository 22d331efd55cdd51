/**
 * Pure Block Kit builders of the inbound feature: the incoming SMS card, the incoming fax card (received or
 * failed) and the Reply modal. Data in, blocks out. Everything that came from outside (SMS text, contact names,
 * fax text, route labels) is escaped here.
 */
import type { types } from '@slack/bolt';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import { button, contactButtons, context, plainTextInput, slackDate } from '../../cards/card-parts.js';
import type { RenderedCard } from '../../cards/card-registry.js';
import { ACTION, INBOUND_FIELD, VIEW } from '../../ids.js';
import { escapeMrkdwn, quoteMrkdwn, truncateText } from '../../slack-text.js';

/** A card: the notification text (plain status word included) and its blocks. */
export type Card = RenderedCard;

/** The outside party as a card shows it. */
export interface ContactView {
  /** E.164. */
  readonly number: string;
  readonly name?: string | undefined;
}

/** Which of our numbers received it. */
export interface OurNumberView {
  readonly number: string;
  /** The route's label (`Support line`). */
  readonly label?: string | undefined;
}

const SECTION_MAX = 2900;
const FALLBACK_TEXT_MAX = 150;

/** `*Alice* (+65 9123 4567)` or `+65 9123 4567`, escaped. */
export function contactLabel(contact: ContactView): string {
  const number = formatPhoneNumber(contact.number);
  const name = contact.name?.trim();
  return name ? `*${escapeMrkdwn(name)}* (${number})` : `*${number}*`;
}

/** The contact in plain words for notification text: `Alice (+65 9123 4567)`. */
function contactPlain(contact: ContactView): string {
  const number = formatPhoneNumber(contact.number);
  const name = contact.name?.trim();
  return name ? `${escapeMrkdwn(name)} (${number})` : number;
}

function ourNumberLabel(our: OurNumberView): string {
  const label = our.label?.trim();
  return `${formatPhoneNumber(our.number)}${label ? ` (${escapeMrkdwn(label)})` : ''}`;
}

/** Everything an incoming SMS card shows. */
export interface IncomingSmsCardInput {
  readonly transactionId: number;
  readonly contact: ContactView;
  readonly ourNumber: OurNumberView;
  /** The whole message (parts joined). */
  readonly text: string;
  /** How many notifications it arrived in. */
  readonly parts: number;
  readonly receivedAt: Date;
  /** The message was STOP/UNSUBSCRIBE (`out`) or START (`in`). */
  readonly optChange?: 'out' | 'in' | undefined;
}

/** The card of an incoming SMS: who, the text (quoted, escaped), to which number, Reply and Call back. */
export function incomingSmsCard(input: IncomingSmsCardInput): Card {
  const { contact } = input;
  const body = input.text.length > 0 ? quoteMrkdwn(truncateText(input.text, SECTION_MAX)) : '_(empty message)_';
  const details = [
    `to ${ourNumberLabel(input.ourNumber)}`,
    'received',
    ...(input.parts > 1 ? [`${input.parts} parts`] : []),
    slackDate(input.receivedAt),
  ];
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      // Escaping lengthens the text: cut again to Slack's 3000.
      text: { type: 'mrkdwn', text: truncateText(`:speech_balloon: SMS from ${contactLabel(contact)}\n${body}`, 3000) },
    },
    context(details.join(' · ')),
  ];
  if (input.optChange !== undefined) {
    blocks.push(context(optNote(contact, input.optChange)));
  }
  blocks.push({
    type: 'actions',
    elements: [
      button('Reply', ACTION.inboundSmsReply, String(input.transactionId), 'primary'),
      button('Call back', ACTION.contactCallBack, contact.number),
    ],
  });
  const preview = escapeMrkdwn(truncateText(input.text.replace(/\s+/g, ' ').trim(), FALLBACK_TEXT_MAX));
  return { text: `SMS received from ${contactPlain(contact)}: ${preview}`, blocks };
}

/** The note an opt-out keyword adds to its card. */
export function optNote(contact: ContactView, change: 'out' | 'in'): string {
  const who = formatPhoneNumber(contact.number);
  return change === 'out'
    ? `:no_entry_sign: ${who} opted out of SMS. Sending to this number now needs an explicit confirmation; they can reply START to opt back in.`
    : `:white_check_mark: ${who} opted back in to SMS (replied START).`;
}

/** Everything an incoming fax card shows. */
export interface IncomingFaxCardInput {
  readonly contact: ContactView;
  readonly ourNumber: OurNumberView;
  readonly receivedAt: Date;
  /** `received`, or `failed` when the fax did not arrive. */
  readonly status: 'received' | 'failed';
  /** Pages counted in the PDF (else Hoiio's count); undefined until known. */
  readonly pages?: number | undefined;
  /** The first lines of the fax's text, when it has any. */
  readonly text?: string | undefined;
  /** Why it failed, in words (explainFaxError). */
  readonly failure?: string | undefined;
  /** The PDF is attached in the thread (`attached`), still on its way (`pending`) or could not be fetched. */
  readonly file: 'attached' | 'pending' | { readonly problem: string };
}

/** The card of an incoming fax: sender, which number, pages, first lines; Call back, Send SMS, Reply by fax. */
export function incomingFaxCard(input: IncomingFaxCardInput): Card {
  const { contact } = input;
  const buttons = contactButtons(contact.number);
  const details = [`to ${ourNumberLabel(input.ourNumber)}`, input.status, slackDate(input.receivedAt)];
  if (input.status === 'failed') {
    const why = escapeMrkdwn(input.failure ?? 'The fax did not arrive.');
    return {
      text: `Fax from ${contactPlain(contact)} failed: ${why}`,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `:warning: Fax from ${contactLabel(contact)} failed\n${why}` },
        },
        context(details.join(' · ')),
        { type: 'actions', elements: buttons },
      ],
    };
  }
  const pages = input.pages === undefined ? 'counting…' : String(input.pages);
  const file =
    input.file === 'attached'
      ? 'PDF attached below'
      : input.file === 'pending'
        ? 'PDF on its way'
        : `The PDF could not be fetched: ${escapeMrkdwn(input.file.problem)}`;
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:fax: Fax from ${contactLabel(contact)}` },
      fields: [
        { type: 'mrkdwn', text: `*Pages*\n${pages}` },
        { type: 'mrkdwn', text: `*To*\n${ourNumberLabel(input.ourNumber)}` },
      ],
    },
  ];
  const firstLines = input.text?.trim();
  if (firstLines) {
    blocks.push({
      type: 'section',
      // Escaping may grow the text fivefold (`&` → `&amp;`): cut again to Slack's 3000.
      text: {
        type: 'mrkdwn',
        text: truncateText(`*First lines*\n${quoteMrkdwn(truncateText(firstLines, 600))}`, 3000),
      },
    });
  }
  blocks.push(context([...details, file].join(' · ')), {
    type: 'actions',
    elements: [...buttons, button('Reply by fax', ACTION.faxReply, contact.number)],
  });
  const pageWord = input.pages === undefined ? '' : ` (${input.pages} page${input.pages === 1 ? '' : 's'})`;
  return { text: `Fax received from ${contactPlain(contact)}${pageWord}`, blocks };
}

/** One message of the conversation shown in the Reply modal. */
export interface ConversationItem {
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly at: Date;
  /** Who sent it from Slack (outbound). */
  readonly userId?: string | null | undefined;
  readonly status: string;
}

/** Everything the Reply modal shows. */
export interface ReplyModalInput {
  readonly contact: ContactView;
  /** Oldest first. */
  readonly conversation: readonly ConversationItem[];
  /** The contact replied STOP: sending needs the confirmation checkbox. */
  readonly optedOut: boolean;
  /** Opaque to Slack: what the submission needs (see reply-modal.ts). */
  readonly privateMetadata: string;
}

const MODAL_ITEM_MAX = 500;

/** The Reply modal: the last messages of the conversation, a message input, and the opt-out confirmation. */
export function replyModal(input: ReplyModalInput): types.View {
  const number = formatPhoneNumber(input.contact.number);
  const name = input.contact.name?.trim();
  const blocks: types.KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Conversation with ${name ? `*${escapeMrkdwn(name)}* (${number})` : `*${number}*`}, last ${input.conversation.length} message${input.conversation.length === 1 ? '' : 's'}:`,
        },
      ],
    },
  ];
  for (const item of input.conversation) {
    const who =
      item.direction === 'in' ? (name ? escapeMrkdwn(name) : number) : item.userId ? `<@${item.userId}>` : 'us';
    const status = item.direction === 'out' ? ` · ${item.status}` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${item.direction === 'in' ? ':arrow_lower_left:' : ':arrow_upper_right:'} *${who}* · ${slackDate(item.at)}${status}\n${quoteMrkdwn(truncateText(item.text, MODAL_ITEM_MAX) || ' ')}`,
      },
    });
  }
  if (input.conversation.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_No messages yet._' } });
  }
  blocks.push({ type: 'divider' });
  if (input.optedOut) {
    blocks.push(
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:no_entry_sign: ${number} replied STOP and opted out of SMS. Send only if they asked you to.`,
        },
      },
      {
        type: 'input',
        block_id: INBOUND_FIELD.confirmOptOut,
        optional: true,
        label: { type: 'plain_text', text: 'Opt-out' },
        element: {
          type: 'checkboxes',
          action_id: INBOUND_FIELD.confirmOptOut,
          options: [
            { text: { type: 'plain_text', text: 'The recipient replied STOP; send anyway' }, value: 'confirm' },
          ],
        },
      },
    );
  }
  blocks.push(
    plainTextInput(INBOUND_FIELD.message, 'Your reply', {
      hint: 'Sent as an SMS from our number; up to 3 parts (459 characters).',
      multiline: true,
      maxLength: 1000,
      placeholder: 'Type your reply',
    }),
  );
  return {
    type: 'modal',
    callback_id: VIEW.inboundSmsReply,
    private_metadata: input.privateMetadata,
    title: { type: 'plain_text', text: 'Reply by SMS' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
