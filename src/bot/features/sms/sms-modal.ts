import type { types } from '@slack/bolt';
import { countSmsSegments, formatMoney, HOIIO_MAX_SMS_SEGMENTS, multiplyMoney, toE164 } from '../../../hoiio/index.js';
import { context, plainTextInput } from '../../cards/card-parts.js';
import { SMS_BLOCK, SMS_FIELD, VIEW } from '../../ids.js';
import type { SmsRate } from './sms-rate-cache.js';

/** Where the card of a send from this modal goes; kept in the view's `private_metadata`. */
export interface SmsModalMeta {
  readonly channel: string;
  readonly threadTs?: string | undefined;
}

/** What the modal shows. */
export interface SmsModalInput {
  readonly meta: SmsModalMeta;
  /** The number as it should appear in the To field. */
  readonly to?: string | undefined;
  readonly text?: string | undefined;
  /** Adds the "send anyway" checkbox: the number replied STOP. */
  readonly optedOut?: boolean | undefined;
  /** The estimate line (see {@link smsEstimateText}). */
  readonly estimate: string;
  /** A note above the form, e.g. "no number found in that message". */
  readonly hint?: string | undefined;
  /** Shown in red-ish words above the checkbox after a submit that needs it. */
  readonly optOutWarning?: boolean | undefined;
}

/** The values the user entered. */
export interface SmsFormValues {
  readonly to: string;
  readonly text: string;
  readonly senderName: string;
  readonly confirmOptOut: boolean;
}

const OVERRIDE_VALUE = 'send_anyway';
const SENDER_NAME = /^(?=.*[A-Za-z0-9])[A-Za-z0-9 ]{3,11}$/;

/** The "Send SMS" modal: To, Message (both refresh the estimate as the user types), optional sender name. */
export function sendSmsModal(input: SmsModalInput): types.ModalView {
  const blocks: types.KnownBlock[] = [];
  if (input.hint) blocks.push(context(input.hint));
  blocks.push(
    plainTextInput(SMS_FIELD.to, 'To', {
      dispatchOnType: true,
      hint: 'A mobile number, e.g. +65 9123 4567',
      maxLength: 64,
      placeholder: '+65 9123 4567',
      initial: input.to || undefined,
    }),
    plainTextInput(SMS_FIELD.message, 'Message', {
      dispatchOnType: true,
      multiline: true,
      maxLength: 3000,
      initial: input.text || undefined,
    }),
    { type: 'context', block_id: SMS_BLOCK.estimate, elements: [{ type: 'mrkdwn', text: input.estimate }] },
    plainTextInput(SMS_FIELD.senderName, 'Sender name', {
      optional: true,
      hint: '3–11 letters or digits shown instead of our number, where the network allows it (needs sender names enabled on the Hoiio account).',
      maxLength: 11,
    }),
  );
  if (input.optedOut) {
    blocks.push({
      type: 'input',
      block_id: SMS_FIELD.confirmOptOut,
      optional: true,
      label: { type: 'plain_text', text: 'This number opted out' },
      hint: {
        type: 'plain_text',
        text: input.optOutWarning
          ? 'Tick the box to send anyway, or Cancel.'
          : 'It replied STOP to an earlier SMS. Only send if they asked you to.',
      },
      element: {
        type: 'checkboxes',
        action_id: SMS_FIELD.confirmOptOut,
        options: [
          { text: { type: 'plain_text', text: 'The recipient replied STOP; send anyway' }, value: OVERRIDE_VALUE },
        ],
      },
    });
  }
  return {
    type: 'modal',
    callback_id: VIEW.smsSend,
    title: { type: 'plain_text', text: 'Send SMS' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(input.meta),
    blocks,
  };
}

/** The card destination kept in a view's `private_metadata`; undefined when it is not ours. */
export function readSmsModalMeta(privateMetadata: string | undefined): SmsModalMeta | undefined {
  try {
    const parsed: unknown = JSON.parse(privateMetadata ?? '');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { channel, threadTs } = parsed as { channel?: unknown; threadTs?: unknown };
    if (typeof channel !== 'string' || !/^[CDGUW][A-Z0-9]+$/.test(channel)) return undefined;
    return typeof threadTs === 'string' ? { channel, threadTs } : { channel };
  } catch {
    return undefined;
  }
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_options?: { value: string }[] }>>;

/** The values of a submitted (or changing) SMS modal. */
export function readSmsForm(values: StateValues | undefined): SmsFormValues {
  const text = (block: string) => values?.[block]?.[block]?.value ?? '';
  const confirm = values?.[SMS_FIELD.confirmOptOut]?.[SMS_FIELD.confirmOptOut]?.selected_options ?? [];
  return {
    to: text(SMS_FIELD.to).trim(),
    text: text(SMS_FIELD.message),
    senderName: text(SMS_FIELD.senderName).trim(),
    confirmOptOut: confirm.some((o) => o.value === OVERRIDE_VALUE),
  };
}

/** A valid form, or the field errors to answer with (`response_action: 'errors'`), keyed by block id. */
export type SmsFormResult =
  | { readonly ok: true; readonly to: string; readonly text: string; readonly senderName: string | undefined }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** Checks number, message and sender name; the opt-out confirmation is checked by the caller (it needs the db). */
export function validateSmsForm(form: SmsFormValues, defaultCountry: string): SmsFormResult {
  const errors: Record<string, string> = {};
  const to = toE164(form.to, defaultCountry);
  if (!to.ok) errors[SMS_FIELD.to] = to.problem;
  const text = form.text.trim();
  if (text === '') errors[SMS_FIELD.message] = 'Write the message to send.';
  else {
    const count = countSmsSegments(text);
    if (count.segments > HOIIO_MAX_SMS_SEGMENTS) {
      const max = count.encoding === 'GSM-7' ? 459 : 201;
      errors[SMS_FIELD.message] =
        `That is ${count.segments} SMS parts; Hoiio sends at most ${HOIIO_MAX_SMS_SEGMENTS} ` +
        `(${max} ${count.encoding === 'GSM-7' ? 'plain characters' : 'characters with emoji or non-Latin letters'}). ` +
        `Shorten it by about ${count.units - max}.`;
    }
  }
  const senderName = form.senderName === '' ? undefined : form.senderName;
  if (senderName !== undefined && !SENDER_NAME.test(senderName)) {
    errors[SMS_FIELD.senderName] = 'Use 3 to 11 letters, digits or spaces, or leave it empty.';
  }
  if (!to.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, to: to.e164, text, senderName };
}

/**
 * The estimate line: encoding, parts, room left, and the cost from `rate` (`'loading'` while it is being fetched,
 * undefined when Hoiio could not tell us).
 */
export function smsEstimateText(text: string, rate: SmsRate | 'loading' | 'no-number' | undefined): string {
  const body = text.trim();
  if (body === '') return ':memo: Type a message to see its length and cost.';
  const c = countSmsSegments(body);
  const encoding = c.encoding === 'GSM-7' ? 'GSM-7' : 'Unicode (UCS-2: emoji or non-Latin letters)';
  const parts =
    c.segments > HOIIO_MAX_SMS_SEGMENTS
      ? `*${c.segments} parts — too long (max ${HOIIO_MAX_SMS_SEGMENTS})*`
      : `${c.segments} part${c.segments > 1 ? 's' : ''} · ${c.remainingInSegment} characters left in this part`;
  let cost: string;
  if (rate === 'loading') cost = 'cost: checking…';
  else if (rate === 'no-number') cost = 'cost: enter a valid number';
  else if (rate === undefined) cost = 'cost unavailable';
  else cost = `≈ ${formatMoney(multiplyMoney(rate.rate, Math.min(c.segments, HOIIO_MAX_SMS_SEGMENTS)), rate.currency)}`;
  return `:memo: ${encoding} · ${parts} · ${cost}`;
}
