import { HOIIO_MAX_SMS_SEGMENTS, smsTooLong, toE164 } from '../../../hoiio/index.js';
import { slackTextToPlain } from '../../slack-text.js';

/**
 * What `/hoiio sms …` asks for:
 * - `send`: a number and a text, sent at once;
 * - `modal`: no text (or nothing at all), so the form opens, prefilled with the number when one was given;
 * - `invalid`: something we can explain in one sentence.
 */
export type SmsArgs =
  | { readonly kind: 'send'; readonly to: string; readonly text: string }
  | { readonly kind: 'modal'; readonly to?: string; readonly typed?: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/** A token people type inside a phone number: digits with `+ - . / ( )` around them. */
const NUMBER_LIKE = /^[+(]?[\d\-./()]*\d[\d\-./()]*$/;
const TOKEN = /\S+/g;
/** No number in the world needs more tokens than this ("+1 (650) 253 - 0000" is 5). */
const MAX_NUMBER_TOKENS = 6;

/**
 * Parses the text after `/hoiio sms`. The number may contain spaces (`+65 9123 4567 Your parcel is ready`): the
 * longest leading run of number-like tokens that is a valid number (read with `defaultCountry` when it has no `+`)
 * is the destination, the rest (spacing and line breaks kept) is the message. Never throws.
 */
export function parseSmsArgs(rawText: string, defaultCountry: string): SmsArgs {
  const input = slackTextToPlain(rawText);
  const tokens = [...input.matchAll(TOKEN)].map((m) => ({ text: m[0], end: (m.index ?? 0) + m[0].length }));
  if (tokens.length === 0) return { kind: 'modal' };
  let run = 0;
  while (run < tokens.length && run < MAX_NUMBER_TOKENS && NUMBER_LIKE.test(tokens[run]?.text ?? '')) run += 1;
  if (run === 0) {
    return {
      kind: 'invalid',
      problem: `Start with the phone number, then the message, e.g. \`/hoiio sms +65 9123 4567 Your parcel is ready\`.`,
    };
  }
  for (let n = run; n > 0; n -= 1) {
    const candidate = tokens
      .slice(0, n)
      .map((t) => t.text)
      .join(' ');
    const parsed = toE164(candidate, defaultCountry);
    if (!parsed.ok) continue;
    const text = input.slice(tokens[n - 1]?.end ?? 0).trim();
    if (text === '') return { kind: 'modal', to: parsed.e164 };
    if (smsTooLong(text)) {
      return {
        kind: 'invalid',
        problem: `That message is longer than ${HOIIO_MAX_SMS_SEGMENTS} SMS parts (459 plain characters, or 201 with emoji or non-Latin letters). Shorten it, or use \`/hoiio sms\` to write it in the form, which counts as you type.`,
      };
    }
    return { kind: 'send', to: parsed.e164, text };
  }
  const typed = tokens
    .slice(0, run)
    .map((t) => t.text)
    .join(' ');
  const problem = toE164(typed, defaultCountry);
  return { kind: 'invalid', problem: problem.ok ? 'That is not a phone number I can send to.' : problem.problem };
}
