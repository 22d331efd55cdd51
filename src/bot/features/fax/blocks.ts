/** Pure Block Kit builders of the fax feature: the send modal, the outbound fax card, user notices. */
import type { types } from '@slack/bolt';
import { formatMoney, type Money } from '../../../hoiio/index.js';
import {
  button,
  CANCELED_NOTE,
  checkStatusButton,
  context,
  partyName,
  plainTextInput,
  retryButton,
  SEND_STATUS_EMOJI,
  section,
  UNDO_WINDOW_NOTE,
} from '../../cards/card-parts.js';
import { ACTION, FAX_FIELD, VIEW } from '../../ids.js';
import { escapeMrkdwn, inlineCode, truncateText } from '../../slack-text.js';
import { cancelSendButton } from '../admin/undo-window.js';
import { encodeFaxModalMetadata, type FaxModalMetadata } from './fax-metadata.js';

/** Hoiio's fax file limit (hoiio-api.md §3.4), also applied to the PDF with its cover page. */
export const FAX_MAX_BYTES = 2 * 1024 * 1024;
/** Longest cover note accepted (it must fit on one A4 page). */
export const COVER_NOTE_MAX_CHARS = 1500;

export interface FaxModalInput {
  /** Prefilled destination, as typed or E.164. */
  readonly number?: string | undefined;
  /** A line above the form (e.g. "That message has no PDF"). */
  readonly hint?: string | undefined;
  readonly metadata: FaxModalMetadata;
}

/** The "Send a fax" modal: destination, PDF (file input, or the file of a message), optional cover note. */
export function faxModal({ number, hint, metadata }: FaxModalInput): types.ModalView {
  const blocks: types.KnownBlock[] = [];
  if (hint !== undefined) blocks.push(context(hint));
  blocks.push(
    plainTextInput(FAX_FIELD.to, 'Fax number', {
      hint: 'With the country code, e.g. +65 6123 4567',
      placeholder: '+65 6123 4567',
      initial: number || undefined,
    }),
  );
  if (metadata.fileId !== undefined) {
    const name = metadata.fileName ?? 'the PDF';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:page_facing_up: *PDF:* ${escapeMrkdwn(truncateText(name, 200))} (from the message)`,
      },
    });
  }
  blocks.push({
    type: 'input',
    block_id: FAX_FIELD.file,
    optional: metadata.fileId !== undefined,
    label: { type: 'plain_text', text: metadata.fileId !== undefined ? 'Or upload another PDF' : 'PDF to fax' },
    hint: { type: 'plain_text', text: 'One PDF, A4 or Letter pages, at most 2 MB' },
    element: { type: 'file_input', action_id: FAX_FIELD.file, filetypes: ['pdf'], max_files: 1 },
  });
  blocks.push(
    plainTextInput(FAX_FIELD.cover, 'Cover note', {
      optional: true,
      hint: 'Printed on a cover page in front of your PDF, with your name and the date',
      multiline: true,
      maxLength: COVER_NOTE_MAX_CHARS,
    }),
  );
  return {
    type: 'modal',
    callback_id: VIEW.faxSend,
    title: { type: 'plain_text', text: 'Send a fax' },
    submit: { type: 'plain_text', text: 'Send fax' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: encodeFaxModalMetadata(metadata),
    blocks,
  };
}

/** The status words a fax card shows (design.md §6). */
export type FaxCardStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown' | 'canceled';

/** What an outbound fax card shows; built from the transaction row by the renderer. */
export interface FaxCardInput {
  readonly id: number;
  readonly status: FaxCardStatus;
  /** E.164. */
  readonly to: string;
  readonly contactName?: string | undefined;
  readonly userId?: string | undefined;
  readonly fileName?: string | undefined;
  readonly pages?: number | undefined;
  readonly hasCover?: boolean | undefined;
  readonly estimate?: { readonly amount: Money; readonly rate: Money; readonly currency: string } | undefined;
  readonly debit?: { readonly amount: Money; readonly currency: string } | undefined;
  readonly txnRef?: string | undefined;
  /** Why it failed, in words (already explained, not a code). */
  readonly error?: string | undefined;
  /** Whether a Retry may help (a fax that reached Hoiio and failed there; not a bad file). */
  readonly retryable?: boolean | undefined;
  /** The id of the retry, once one was made. */
  readonly retriedBy?: number | undefined;
  /** Id of the transaction this one retries. */
  readonly retryOf?: number | undefined;
  /** A Check status is under way. */
  readonly checking?: boolean | undefined;
  /** Still waiting out the undo window: the card offers Cancel. */
  readonly cancelable?: boolean | undefined;
}

const STATUS_EMOJI: Readonly<Record<FaxCardStatus, string>> = SEND_STATUS_EMOJI;

/** The outbound fax card: a living record of one send. `text` carries the plain status word. */
export function faxCard(fax: FaxCardInput): { text: string; blocks: types.KnownBlock[] } {
  const recipient = partyName(fax.to, fax.contactName);
  const headline =
    `${STATUS_EMOJI[fax.status]} *Fax to ${escapeMrkdwn(truncateText(recipient, 200))}* · *${fax.status}*` +
    (fax.retryOf !== undefined ? ' _(retry)_' : '');
  const fields: types.MrkdwnElement[] = [];
  if (fax.userId !== undefined) fields.push(field('From', `<@${fax.userId}>`));
  if (fax.fileName !== undefined) fields.push(field('File', escapeMrkdwn(truncateText(fax.fileName, 200))));
  if (fax.pages !== undefined) {
    fields.push(field('Pages', `${fax.pages}${fax.hasCover ? ' (incl. cover page)' : ''}`));
  } else if (fax.hasCover) {
    fields.push(field('Cover page', 'yes'));
  }
  if (fax.debit !== undefined) {
    fields.push(field('Cost', formatMoney(fax.debit.amount, fax.debit.currency)));
  } else if (fax.estimate !== undefined) {
    const { amount, rate, currency } = fax.estimate;
    fields.push(field('Estimated cost', `≈ ${formatMoney(amount, currency)} (${formatMoney(rate, currency)}/min)`));
  }
  if (fax.txnRef !== undefined) fields.push(field('Hoiio ref', inlineCode(truncateText(fax.txnRef, 100))));

  const blocks: types.KnownBlock[] = [section(headline)];
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  const note = statusNote(fax);
  if (note !== undefined) blocks.push(context(note));
  const buttons = cardButtons(fax);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });

  const reason = fax.status === 'failed' && fax.error !== undefined ? ` — ${truncateText(fax.error, 300)}` : '';
  // The fallback text is mrkdwn too (and notifies): escape the outside parts.
  return { text: `Fax to ${escapeMrkdwn(truncateText(recipient, 200))}: ${fax.status}${escapeMrkdwn(reason)}`, blocks };
}

function statusNote(fax: FaxCardInput): string | undefined {
  switch (fax.status) {
    case 'queued':
      return fax.cancelable ? UNDO_WINDOW_NOTE : 'Preparing the PDF and handing it to Hoiio…';
    case 'canceled':
      return CANCELED_NOTE;
    case 'sent':
      return 'Hoiio is transmitting the fax.';
    case 'delivered':
      return 'The receiving fax machine answered and took the fax.';
    case 'failed': {
      const reason = escapeMrkdwn(fax.error ?? 'The fax could not be sent.');
      return fax.retriedBy !== undefined ? `${reason}\nRetried: see the new card.` : reason;
    }
    case 'unknown':
      if (fax.checking) return ':mag: Checking with Hoiio…';
      return 'The connection to Hoiio broke while sending, so it is not known whether the fax went out. It will not be re-sent blindly: use Check status.';
  }
}

function cardButtons(fax: FaxCardInput): types.Button[] {
  if (fax.status === 'queued' && fax.cancelable) return [cancelSendButton(fax.id)];
  if (fax.status === 'failed' && fax.retryable && fax.retriedBy === undefined) {
    return [retryButton(ACTION.faxRetry, fax.id)];
  }
  if (fax.status === 'unknown' && !fax.checking) return [checkStatusButton(fax.id)];
  return [];
}

function field(label: string, value: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text: `*${label}*\n${value}` };
}

/** The "Reply by fax" button for inbound fax cards (the inbound feature adds it); `number` is E.164. */
export function faxReplyButton(number: string): types.Button {
  return button('Reply by fax', ACTION.faxReply, number);
}

/** The DM (mrkdwn, escaped) to the sender when a fax could not be sent because of its file. */
export function faxFileProblemNotice(input: {
  to: string;
  contactName?: string | undefined;
  fileName?: string | undefined;
  reason: string;
}): string {
  const file = input.fileName ? ` (${escapeMrkdwn(truncateText(input.fileName, 200))})` : '';
  const recipient = escapeMrkdwn(partyName(input.to, input.contactName));
  return (
    `Your fax to ${recipient} was not sent: ${escapeMrkdwn(input.reason)}` +
    `\nNothing was faxed${file}. Fix the file and send it again with /hoiio fax.`
  );
}
