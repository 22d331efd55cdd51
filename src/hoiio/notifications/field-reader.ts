/**
 * Typed reads of notification parameters. Every read marks the key as known, so what is left at
 * the end is `extra`. An empty value counts as absent (Hoiio sends `tag=` when there is none).
 */
import { parseHoiioDateTime } from '../hoiio-time.js';
import { isMoney, type Money } from '../money.js';
import { HoiioNotificationError } from './notification-error.js';

const TXN_REF = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNT = /^\d{1,9}$/;
const PHONE_MAX = 64;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejects control characters in identifiers
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Reads one notification's parameters and remembers which keys it used. */
export class FieldReader {
  private readonly known = new Set<string>();

  constructor(private readonly params: Readonly<Record<string, string>>) {}

  /** Whether `key` is present with a non-empty value. */
  has(key: string): boolean {
    return this.value(key) !== undefined;
  }

  /** Whether `key` is present at all, even with an empty value. */
  exists(key: string): boolean {
    return Object.hasOwn(this.params, key);
  }

  /** The value (verbatim), or undefined when absent or empty. */
  optional(key: string): string | undefined {
    this.known.add(key);
    return this.value(key);
  }

  /** The value (verbatim), which must be present and non-empty. */
  required(key: string): string {
    const v = this.optional(key);
    if (v === undefined) throw missing(key);
    return v;
  }

  /** The value verbatim even when empty (`msg`, `digits`), or undefined when absent. */
  present(key: string): string | undefined {
    this.known.add(key);
    if (!Object.hasOwn(this.params, key)) return undefined;
    return this.string(key);
  }

  /** A trimmed short identifier without control characters (`session`, `room`, `bulk_txn_ref`). */
  id(key: string, pattern = TXN_REF): string | undefined {
    const v = this.optional(key)?.trim();
    if (v === undefined || v === '') return undefined;
    if (!pattern.test(v)) throw malformed(key, 'is not a valid reference');
    return v;
  }

  requiredId(key: string, pattern = TXN_REF): string {
    const v = this.id(key, pattern);
    if (v === undefined) throw missing(key);
    return v;
  }

  /** A phone number or caller id as Hoiio sent it (E.164, or a withheld-id word); short, no control characters. */
  phone(key: string): string | undefined {
    const v = this.optional(key)?.trim();
    if (v === undefined || v === '') return undefined;
    if (v.length > PHONE_MAX || CONTROL.test(v)) throw malformed(key, 'is not a phone number');
    return v;
  }

  requiredPhone(key: string): string {
    const v = this.phone(key);
    if (v === undefined) throw missing(key);
    return v;
  }

  /** A free-text value such as `tag`, verbatim; absent when empty. */
  text(key: string): string | undefined {
    return this.optional(key);
  }

  /** One of `values`. */
  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.optional(key)?.trim().toLowerCase();
    if (v === undefined || v === '') return undefined;
    if (!(values as readonly string[]).includes(v)) throw malformed(key, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  requiredOneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.oneOf(key, values);
    if (v === undefined) throw missing(key);
    return v;
  }

  /** A whole non-negative number (`duration`, `split_count`, `fax_pages`). */
  count(key: string): number | undefined {
    const v = this.optional(key)?.trim();
    if (v === undefined || v === '') return undefined;
    if (!COUNT.test(v)) throw malformed(key, 'is not a whole number');
    return Number(v);
  }

  /** A decimal amount string (`rate`, `debit`). */
  money(key: string): Money | undefined {
    const v = this.optional(key)?.trim();
    if (v === undefined || v === '') return undefined;
    if (v.length > 32 || !isMoney(v)) throw malformed(key, 'is not a decimal amount');
    return v;
  }

  /** An ISO 4217 currency code. */
  currency(key: string): string | undefined {
    const v = this.optional(key)?.trim().toUpperCase();
    if (v === undefined || v === '') return undefined;
    if (!CURRENCY.test(v)) throw malformed(key, 'is not a currency code');
    return v;
  }

  /** A GMT+8 `YYYY-MM-DD HH:MM:SS` (optionally `.0`) date. */
  date(key: string): Date | undefined {
    const v = this.optional(key);
    if (v === undefined) return undefined;
    try {
      return parseHoiioDateTime(v);
    } catch (error) {
      throw malformed(key, 'is not a Hoiio date (YYYY-MM-DD HH:MM:SS, GMT+8)', error);
    }
  }

  /** An absolute http(s) URL (recordings, faxes). */
  url(key: string): string | undefined {
    const v = this.optional(key)?.trim();
    if (v === undefined || v === '') return undefined;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch (error) {
      throw malformed(key, 'is not a URL', error);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw malformed(key, 'is not an http(s) URL');
    return v;
  }

  /** Every parameter not read so far. */
  extra(): Record<string, string> {
    const rest: [string, string][] = [];
    for (const key of Object.keys(this.params)) {
      if (!this.known.has(key)) rest.push([key, this.string(key)]);
    }
    return Object.fromEntries(rest);
  }

  private value(key: string): string | undefined {
    if (!Object.hasOwn(this.params, key)) return undefined;
    const v = this.string(key);
    return v === '' ? undefined : v;
  }

  private string(key: string): string {
    const v: unknown = this.params[key];
    if (typeof v !== 'string') throw malformed(key, 'is not a string');
    return v;
  }
}

/** A required parameter is absent or empty. */
export function missing(key: string): HoiioNotificationError {
  return new HoiioNotificationError('missing', `required parameter "${key}" is missing`, key);
}

/** A parameter's value is not what Hoiio documents. */
export function malformed(key: string, what: string, cause?: unknown): HoiioNotificationError {
  return new HoiioNotificationError(
    'malformed',
    `parameter "${key}" ${what}`,
    key,
    cause === undefined ? undefined : { cause },
  );
}
