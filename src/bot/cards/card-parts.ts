/**
 * Block Kit pieces the cards and messages of every feature share: buttons (the contact's Call back / Send SMS,
 * Retry, Check status), who a party is, dates, context lines, the status emoji and notes of a send. Pure: data in,
 * blocks out; everything from outside is escaped by the caller or here where marked.
 */
import type { types } from '@slack/bolt';
import { formatMoney, formatPhoneNumber, type Money } from '../../hoiio/index.js';
import { ACTION } from '../ids.js';
import { escapeMrkdwn, inlineCode, truncateText } from '../slack-text.js';

/** A button; `value` is what the action handler gets. */
export function button(text: string, actionId: string, value?: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    ...(value !== undefined ? { value } : {}),
    ...(style ? { style } : {}),
  };
}

/** A mrkdwn section. */
export function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** A context line (small grey mrkdwn). */
export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Call back (or `callText`) and Send SMS for an E.164 number (the buttons' value is the number). */
export function contactButtons(number: string, { callText = 'Call back' }: { callText?: string } = {}): types.Button[] {
  return [button(callText, ACTION.contactCallBack, number), button('Send SMS', ACTION.contactSendSms, number)];
}

/** Retry on a failed send's card (value = its transaction id). */
export function retryButton(actionId: string, transactionId: number): types.Button {
  return button('Retry', actionId, String(transactionId), 'primary');
}

/** Check status on a card whose outcome is unknown (value = its transaction id). */
export function checkStatusButton(transactionId: number): types.Button {
  return button('Check status', ACTION.txnCheckStatus, String(transactionId));
}

/** A party as plain text: `Acme (+65 6123 4567)`, or the formatted number. Not escaped. */
export function partyName(number: string, contactName?: string): string {
  const formatted = formatPhoneNumber(number);
  return contactName ? `${contactName} (${formatted})` : formatted;
}

/** A party for mrkdwn: the contact's name cut to `nameMax` and escaped, then the formatted number. */
export function partyMrkdwn(number: string, contactName: string | undefined, nameMax = 200): string {
  return escapeMrkdwn(partyName(number, contactName ? truncateText(contactName, nameMax) : undefined));
}

/** Slack's date token: shown in the reader's time zone, with a UTC fallback. */
export function slackDate(at: Date): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${at.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
}

/** `ref `AB-C-123`` (a Hoiio txn_ref, safe inside mrkdwn). */
export function refText(txnRef: string): string {
  return `ref ${inlineCode(txnRef)}`;
}

/** `cost SGD 0.050`. */
export function costText(amount: Money, currency: string): string {
  return `cost ${formatMoney(amount, currency)}`;
}

/** The emoji of an outbound send's status word (SMS, fax; calls add their own). */
export const SEND_STATUS_EMOJI = {
  queued: ':hourglass_flowing_sand:',
  sent: ':outbox_tray:',
  delivered: ':white_check_mark:',
  failed: ':x:',
  unknown: ':grey_question:',
  canceled: ':no_entry_sign:',
} as const;

/** The note of a send waiting out the undo window (its card shows Cancel). */
export const UNDO_WINDOW_NOTE = ':hourglass_flowing_sand: Waiting out the undo window: *Cancel* stops it.';

/** The note of a send canceled in the undo window. */
export const CANCELED_NOTE = ':no_entry_sign: Canceled before it was sent.';

/** The options of a modal's one-line or multiline text field. */
export interface PlainTextInputOptions {
  readonly optional?: boolean;
  readonly hint?: string;
  readonly placeholder?: string;
  /** Prefilled text; left out when undefined. */
  readonly initial?: string | undefined;
  readonly maxLength?: number;
  /** Set (true or false) only when given. */
  readonly multiline?: boolean;
  /** Sends a block action on every character typed (to refresh the form as the user types). */
  readonly dispatchOnType?: boolean;
}

/** A modal's text input; `id` is both its block id and its action id. */
export function plainTextInput(id: string, label: string, o: PlainTextInputOptions = {}): types.InputBlock {
  return {
    type: 'input',
    block_id: id,
    ...(o.dispatchOnType ? { dispatch_action: true } : {}),
    ...(o.optional ? { optional: true } : {}),
    label: { type: 'plain_text', text: label },
    ...(o.hint !== undefined ? { hint: { type: 'plain_text', text: o.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: id,
      ...(o.multiline !== undefined ? { multiline: o.multiline } : {}),
      ...(o.maxLength !== undefined ? { max_length: o.maxLength } : {}),
      ...(o.placeholder !== undefined ? { placeholder: { type: 'plain_text', text: o.placeholder } } : {}),
      ...(o.dispatchOnType ? { dispatch_action_config: { trigger_actions_on: ['on_character_entered'] } } : {}),
      ...(o.initial !== undefined ? { initial_value: o.initial } : {}),
    },
  };
}

/** A modal's whole-number input between `min` and `max`; `id` is both its block id and its action id. */
export function numberInput(
  id: string,
  label: string,
  { min, max, initial, hint }: { min: number; max: number; initial: number; hint?: string },
): types.InputBlock {
  return {
    type: 'input',
    block_id: id,
    label: { type: 'plain_text', text: label },
    ...(hint !== undefined ? { hint: { type: 'plain_text', text: hint } } : {}),
    element: {
      type: 'number_input',
      action_id: id,
      is_decimal_allowed: false,
      min_value: String(min),
      max_value: String(max),
      initial_value: String(initial),
    },
  };
}
