/**
 * Phone numbers as Hoiio wants them: E.164 (`+6591234567`). Parsing, validation, display and
 * search in free text use libphonenumber-js with its full ("max") metadata.
 */
import {
  type CountryCode,
  findPhoneNumbersInText,
  getExampleNumber,
  isSupportedCountry,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';

/** The outcome of {@link toE164}: the E.164 number, or a sentence that can be shown to a user. */
export type PhoneResult = { ok: true; e164: string } | { ok: false; problem: string };

const E164 = /^\+[1-9]\d{6,14}$/;
/** What people type around digits: spaces, dashes, dots, slashes, brackets and a leading `+`. */
const ALLOWED = /^\+?[\d\s\-./()\u00a0]+$/;
const MAX_INPUT = 64;
const ECHO_MAX = 24;
const MARKUP_LOOKALIKE: Record<string, string> = { '<': '‹', '>': '›', '&': '＆', '@': '＠' };
/** The example shown for Singapore (the default country), as used across the product. */
const PREFERRED_EXAMPLES: Partial<Record<CountryCode, string>> = { SG: '+65 9123 4567', US: '+1 650 253 0000' };

function country(code: string): CountryCode | undefined {
  const upper = code.trim().toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

function exampleFor(region: CountryCode | undefined): string {
  const fallback = PREFERRED_EXAMPLES.SG as string;
  if (!region) return fallback;
  const preferred = PREFERRED_EXAMPLES[region];
  if (preferred) return preferred;
  return getExampleNumber(region, examples)?.formatInternational() ?? fallback;
}

/**
 * The user's input, shortened, without control characters and without markup characters (`<`, `>`, `&`, `@` become
 * look-alikes), for quoting in a message: the sentence may be shown as Slack mrkdwn, where a quoted `<!channel>` or
 * `<https://…|…>` would otherwise become a mention or a link.
 */
function echo(input: string): string {
  const clean = input
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters from echoed input
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[<>&@]/g, (c) => MARKUP_LOOKALIKE[c] ?? c)
    .trim();
  const chars = Array.from(clean);
  return chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX).join('')}…` : clean;
}

function validNumber(text: string, region: CountryCode | undefined): PhoneNumber | undefined {
  const parsed = region ? parsePhoneNumberFromString(text, region) : parsePhoneNumberFromString(text);
  return parsed?.isValid() && !parsed.ext && E164.test(parsed.number) ? parsed : undefined;
}

function parse(text: string, region: CountryCode | undefined): PhoneNumber | undefined {
  const direct = validNumber(text, region);
  if (direct) return direct;
  // "0065 9123 4567": the common "00" international prefix, even where the country's own differs.
  const compact = text.replace(/[\s\-./()\u00a0]/g, '');
  if (/^00[1-9]/.test(compact)) return validNumber(`+${compact.slice(2)}`, undefined);
  return undefined;
}

/**
 * Parses a number as a person would type it (`"+65 9123 4567"`, `"9123 4567"`, `"(650) 253-0000"`,
 * `"0065 9123 4567"`) into E.164. Numbers without an international prefix are read as numbers of
 * `defaultCountry` (ISO 3166-1 alpha-2, e.g. `"SG"`). Letters, extensions and numbers that are not
 * valid for their country are refused with a sentence fit for the user; the input quoted in it is
 * truncated. Never throws.
 */
export function toE164(input: string, defaultCountry: string): PhoneResult {
  const region = country(String(defaultCountry ?? ''));
  const text = String(input ?? '')
    .normalize('NFKC')
    .trim();
  const example = exampleFor(region);
  if (text === '') return { ok: false, problem: `Enter a phone number, e.g. ${example}.` };
  if (text.length > MAX_INPUT) {
    return { ok: false, problem: `“${echo(text)}” is too long for a phone number. Use e.g. ${example}.` };
  }
  if (!ALLOWED.test(text)) {
    return {
      ok: false,
      problem: `“${echo(text)}” is not a phone number: use digits only, e.g. ${example}.`,
    };
  }
  let parsed: PhoneNumber | undefined;
  try {
    parsed = parse(text, region);
  } catch {
    parsed = undefined; // libphonenumber does not throw for strings; this keeps the promise regardless
  }
  if (parsed) return { ok: true, e164: parsed.number };
  if (text.startsWith('+') || text.startsWith('00') || !region) {
    return {
      ok: false,
      problem: `“${echo(text)}” is not a valid phone number. Check the country code and the number, e.g. ${example}.`,
    };
  }
  return {
    ok: false,
    problem: `“${echo(text)}” is not a valid phone number for ${region}. Use the international format, e.g. ${example}.`,
  };
}

/** Whether `value` is already a valid E.164 number (`^\+[1-9]\d{6,14}$` and valid for its country). */
export function isE164(value: string): boolean {
  if (typeof value !== 'string' || !E164.test(value)) return false;
  const parsed = parsePhoneNumberFromString(value);
  return parsed?.isValid() === true && parsed.number === value;
}

/** International display format (`"+65 9123 4567"`); returns the input unchanged when it cannot be parsed. */
export function formatPhoneNumber(e164: string): string {
  try {
    const parsed = parsePhoneNumberFromString(e164);
    return parsed ? parsed.formatInternational() : e164;
  } catch {
    return e164;
  }
}

/**
 * The distinct valid phone numbers in free text (a Slack message), as E.164, in order of first
 * appearance. Numbers without an international prefix are read as numbers of `defaultCountry`;
 * digit runs that are not valid numbers (dates, amounts, order ids) are ignored.
 */
export function findPhoneNumbers(text: string, defaultCountry: string): string[] {
  const region = country(String(defaultCountry ?? ''));
  const found = region ? findPhoneNumbersInText(String(text), region) : findPhoneNumbersInText(String(text));
  const seen = new Set<string>();
  for (const match of found) {
    const n = match.number;
    if (n.isValid() && E164.test(n.number)) seen.add(n.number);
  }
  return [...seen];
}

/** The country code and the last 4 digits, for logs and partial display: `"+65 ••••4567"`. */
export function maskPhoneNumber(e164: string): string {
  const value = String(e164);
  const parsed = parsePhoneNumberFromString(value);
  if (parsed) {
    const national = parsed.nationalNumber;
    const tail = national.length > 4 ? national.slice(-4) : '';
    return `+${parsed.countryCallingCode} ••••${tail}`;
  }
  const digits = value.replace(/\D/g, '');
  return digits.length > 6 ? `••••${digits.slice(-4)}` : '••••';
}
