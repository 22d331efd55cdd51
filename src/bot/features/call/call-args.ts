/** Parsing what users type for the call feature: `/hoiio call <number>`, `/hoiio me <number>`. */
import { toE164 } from '../../../hoiio/index.js';
import { slackTextToPlain } from '../../slack-text.js';

export type NumberArg = { readonly ok: true; readonly e164: string } | { readonly ok: false; readonly problem: string };

/**
 * One phone number, as typed after the subcommand (`+65 6123 4567`, `6123 4567`, a Slack `<tel:…>` link).
 * Empty → a problem asking for one.
 */
export function parseNumberArg(text: string, defaultCountry: string): NumberArg {
  const plain = slackTextToPlain(text).trim();
  if (plain === '') return { ok: false, problem: 'Which number? Add it after the command.' };
  return toE164(plain, defaultCountry);
}
