/** Parsing what admins and users type after `/hoiio contact|history|export|balance|route`. Pure; never throws. */
import { isMoney, toE164 } from '../../../hoiio/index.js';
import { channelIdFromMention, slackTextToPlain } from '../../slack-text.js';
import { MAX_UNDO_WINDOW_SECONDS } from './undo-window.js';

const NUMBER_LIKE = /^[+(]?[\d\-./()]*\d[\d\-./()]*$/;
const MAX_NUMBER_TOKENS = 6;
/** Control characters (C0, DEL, C1) and bidi overrides do not belong in a name. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export const CONTACT_NAME_MAX = 80;

type NumberSplit = { ok: true; e164: string; rest: string } | { ok: false; problem: string };

/** A leading phone number (it may contain spaces) and the rest of the text. */
export function splitLeadingNumber(text: string, defaultCountry: string): NumberSplit {
  const tokens = [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], end: (m.index ?? 0) + m[0].length }));
  let run = 0;
  while (run < tokens.length && run < MAX_NUMBER_TOKENS && NUMBER_LIKE.test(tokens[run]?.text ?? '')) run += 1;
  if (run === 0) return { ok: false, problem: 'Start with the phone number, e.g. `+65 9123 4567`.' };
  for (let n = run; n > 0; n -= 1) {
    const candidate = tokens
      .slice(0, n)
      .map((t) => t.text)
      .join(' ');
    const parsed = toE164(candidate, defaultCountry);
    if (parsed.ok) return { ok: true, e164: parsed.e164, rest: text.slice(tokens[n - 1]?.end ?? 0).trim() };
  }
  const typed = tokens
    .slice(0, run)
    .map((t) => t.text)
    .join(' ');
  const problem = toE164(typed, defaultCountry);
  return { ok: false, problem: problem.ok ? 'That is not a phone number.' : problem.problem };
}

function words(text: string): { first: string; rest: string } {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return { first: (m?.[1] ?? '').toLowerCase(), rest: m?.[2] ?? '' };
}

export type ContactArgs =
  | { readonly op: 'list' }
  | { readonly op: 'add'; readonly number: string; readonly name: string }
  | { readonly op: 'remove'; readonly number: string }
  | { readonly op: 'invalid'; readonly problem: string };

/** `list` (or nothing), `add <number> <name>`, `<number> <name>`, `remove <number>`. */
export function parseContactArgs(raw: string, defaultCountry: string): ContactArgs {
  const text = slackTextToPlain(raw).trim();
  const { first, rest } = words(text);
  if (first === '' || first === 'list') return { op: 'list' };
  if (first === 'remove' || first === 'rm' || first === 'delete') {
    const n = splitLeadingNumber(rest, defaultCountry);
    if (!n.ok) return { op: 'invalid', problem: `${n.problem} Usage: \`/hoiio contact remove <number>\`.` };
    return { op: 'remove', number: n.e164 };
  }
  const n = splitLeadingNumber(first === 'add' ? rest : text, defaultCountry);
  if (!n.ok) return { op: 'invalid', problem: `${n.problem} Usage: \`/hoiio contact add <number> <name>\`.` };
  const name = n.rest.replace(UNPRINTABLE, '').replace(/\s+/g, ' ').trim();
  if (name === '')
    return {
      op: 'invalid',
      problem: 'Add the name after the number, e.g. `/hoiio contact add +65 9123 4567 Acme Logistics`.',
    };
  if (Array.from(name).length > CONTACT_NAME_MAX) {
    return { op: 'invalid', problem: `That name is too long: at most ${CONTACT_NAME_MAX} characters.` };
  }
  return { op: 'add', number: n.e164, name };
}

export type HistoryKind = 'sms' | 'fax' | 'call';

export type HistoryArgs =
  | { readonly ok: true; readonly kind?: HistoryKind; readonly number?: string }
  | { readonly ok: false; readonly problem: string };

const KIND_WORDS: Readonly<Record<string, HistoryKind>> = {
  sms: 'sms',
  fax: 'fax',
  faxes: 'fax',
  call: 'call',
  calls: 'call',
};

/** `[sms|fax|call] [number]`. */
export function parseHistoryArgs(raw: string, defaultCountry: string): HistoryArgs {
  const text = slackTextToPlain(raw).trim();
  const { first, rest } = words(text);
  const kind = Object.hasOwn(KIND_WORDS, first) ? KIND_WORDS[first] : undefined;
  const numberText = kind === undefined ? text : rest.trim();
  if (numberText === '') return { ok: true, ...(kind ? { kind } : {}) };
  const n = splitLeadingNumber(numberText, defaultCountry);
  if (!n.ok || n.rest !== '') {
    return {
      ok: false,
      problem: `${n.ok ? 'I could not read that.' : n.problem} Usage: \`/hoiio history [sms|fax|call] [number]\`.`,
    };
  }
  return { ok: true, ...(kind ? { kind } : {}), number: n.e164 };
}

export const EXPORT_DEFAULT_DAYS = 30;
export const EXPORT_MAX_DAYS = 366;

/** `[days]`, default 30, 1..366. */
export function parseExportArgs(raw: string): { ok: true; days: number } | { ok: false; problem: string } {
  const text = raw.trim();
  if (text === '') return { ok: true, days: EXPORT_DEFAULT_DAYS };
  const m = /^(\d{1,4})(?:\s*d(?:ays?)?)?$/i.exec(text);
  const days = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > EXPORT_MAX_DAYS) {
    return {
      ok: false,
      problem: `Give a number of days from 1 to ${EXPORT_MAX_DAYS}, e.g. \`/hoiio export 7\` (default ${EXPORT_DEFAULT_DAYS}).`,
    };
  }
  return { ok: true, days };
}

export type BalanceArgs =
  | { readonly op: 'show' }
  | { readonly op: 'cap'; readonly amount: string | null }
  | { readonly op: 'undo'; readonly seconds: number }
  | { readonly op: 'invalid'; readonly problem: string };

const OFF = new Set(['off', 'none', '0', 'clear', 'remove']);

/** Nothing, `cap <amount|off>`, or `undo <seconds|off>`. */
export function parseBalanceArgs(raw: string): BalanceArgs {
  const { first, rest } = words(raw);
  const value = rest.trim().toLowerCase();
  if (first === '') return { op: 'show' };
  if (first === 'cap') {
    if (OFF.has(value)) return { op: 'cap', amount: null };
    const amount = parseAmount(value);
    if (amount === undefined) {
      return { op: 'invalid', problem: 'Give the monthly cap as an amount, e.g. `/hoiio balance cap 50` (or `off`).' };
    }
    return { op: 'cap', amount };
  }
  if (first === 'undo') {
    if (OFF.has(value)) return { op: 'undo', seconds: 0 };
    const seconds = parseUndoSeconds(value);
    if (seconds === undefined) {
      return {
        op: 'invalid',
        problem: `Give the undo window in seconds, 1 to ${MAX_UNDO_WINDOW_SECONDS}, e.g. \`/hoiio balance undo 10\` (or \`off\`).`,
      };
    }
    return { op: 'undo', seconds };
  }
  return {
    op: 'invalid',
    problem: 'Usage: `/hoiio balance`, `/hoiio balance cap <amount|off>` or `/hoiio balance undo <seconds|off>`.',
  };
}

/** A positive amount with at most 3 decimals (`50`, `12.5`), normalised; undefined otherwise. */
export function parseAmount(text: string): string | undefined {
  const t = text.trim().replace(/^[a-z]{3}\s*/i, '');
  if (!isMoney(t) || t.startsWith('-') || !/^\d{1,9}(\.\d{1,3})?$/.test(t)) return undefined;
  if (/^0+(\.0*)?$/.test(t)) return undefined;
  return t;
}

/** Whole seconds 0..MAX (0 = off); undefined otherwise. */
export function parseUndoSeconds(text: string): number | undefined {
  const t = text.trim().replace(/\s*s(ec(ond)?s?)?$/i, '');
  if (!/^\d{1,4}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= MAX_UNDO_WINDOW_SECONDS ? n : undefined;
}

export type RouteArgs =
  | { readonly op: 'list' }
  | { readonly op: 'modal'; readonly number?: string }
  | { readonly op: 'quick'; readonly number: string; readonly channelId: string }
  | { readonly op: 'remove'; readonly number: string }
  | { readonly op: 'invalid'; readonly problem: string };

/** `list` (or nothing), `add`, `edit <number>`, `<number>`, `<number> #channel`, `remove <number>`. */
export function parseRouteArgs(raw: string, defaultCountry: string): RouteArgs {
  const { first, rest } = words(raw);
  if (first === '' || first === 'list') return { op: 'list' };
  if (first === 'add' && rest.trim() === '') return { op: 'modal' };
  if (first === 'remove' || first === 'rm' || first === 'delete') {
    const n = splitLeadingNumber(slackTextToPlain(rest), defaultCountry);
    if (!n.ok) return { op: 'invalid', problem: `${n.problem} Usage: \`/hoiio route remove <hoiio number>\`.` };
    return { op: 'remove', number: n.e164 };
  }
  const body = first === 'edit' || first === 'add' ? rest : raw;
  // The channel stays a Slack reference (<#C123|name>) until split off; the number is read as plain text.
  const mention = /<#[CG][A-Z0-9]+(?:\|[^>]*)?>\s*$/.exec(body);
  const numberPart = mention ? body.slice(0, mention.index) : body;
  const n = splitLeadingNumber(slackTextToPlain(numberPart), defaultCountry);
  if (!n.ok) {
    return {
      op: 'invalid',
      problem: `${n.problem} Usage: \`/hoiio route [add|edit|remove] <hoiio number> [#channel]\`.`,
    };
  }
  if (mention) {
    const channelId = channelIdFromMention(mention[0]);
    if (channelId && n.rest === '') return { op: 'quick', number: n.e164, channelId };
  }
  if (n.rest !== '') {
    return {
      op: 'invalid',
      problem: 'Pick the channel from the list as you type `#` (e.g. `/hoiio route +65 3158 0000 #support-line`).',
    };
  }
  return { op: 'modal', number: n.e164 };
}
