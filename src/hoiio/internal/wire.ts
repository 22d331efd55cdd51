/**
 * Reads Hoiio's loosely typed JSON (numbers as strings, GMT+8 dates, comma lists) into typed
 * values. Each resource maps its `…Wire` shape through a `WireReader` in one place; a required
 * field that is missing or any field that is garbled becomes a `HoiioParseError` naming it.
 */
import { HoiioParseError } from '../errors.js';
import { parseHoiioDate, parseHoiioDateTime } from '../hoiio-time.js';
import { isMoney, type Money } from '../money.js';

type Key<W> = keyof W & string;
type ElementOf<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

/** Drops `undefined` properties so a result fits `exactOptionalPropertyTypes` optional fields. */
export type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Returns a copy of `o` without its `undefined` properties. */
export function compact<T extends object>(o: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Compact<T>;
}

/** A typed reader over one wire object (a response or one of its `entries`). */
export class WireReader<W> {
  constructor(
    private readonly endpoint: string,
    private readonly data: Readonly<Record<string, unknown>>,
  ) {}

  private raw(key: string): unknown {
    const v = Object.hasOwn(this.data, key) ? this.data[key] : undefined;
    return v === null || v === '' ? undefined : v;
  }

  private bad(key: string, what: string, cause?: unknown): HoiioParseError {
    return new HoiioParseError(
      this.endpoint,
      `field ${key} is ${what}`,
      cause === undefined ? { field: key } : { field: key, cause },
    );
  }

  private required<T>(key: string, value: T | undefined): T {
    if (value === undefined) throw this.bad(key, 'missing');
    return value;
  }

  /** A string (numbers and booleans as text); empty or absent → undefined. */
  str(key: Key<W>): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.bad(key, 'not text');
  }

  /** Like `str`, but required. */
  reqStr(key: Key<W>): string {
    return this.required(key, this.str(key));
  }

  /** A whole number from `"7"` or `7`; empty or absent → undefined. */
  int(key: Key<W>): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw this.bad(key, 'not a whole number');
    return n;
  }

  /** Like `int`, but required. */
  reqInt(key: Key<W>): number {
    return this.required(key, this.int(key));
  }

  /** A decimal amount kept as a string (`"0.038"`); empty or absent → undefined. */
  money(key: Key<W>): Money | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!isMoney(s)) throw this.bad(key, 'not a decimal amount');
    return s;
  }

  /** Like `money`, but required. */
  reqMoney(key: Key<W>): Money {
    return this.required(key, this.money(key));
  }

  /** A GMT+8 `YYYY-MM-DD HH:MM:SS[.f]` or `YYYY-MM-DD` string as a Date; empty or absent → undefined. */
  date(key: Key<W>): Date | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    try {
      return /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(v) ? parseHoiioDate(v) : parseHoiioDateTime(v);
    } catch (cause) {
      throw this.bad(key, 'not a Hoiio date', cause);
    }
  }

  /** Like `date`, but required. */
  reqDate(key: Key<W>): Date {
    return this.required(key, this.date(key));
  }

  /** A boolean from `true`/`false` or `"true"`/`"false"`/`"1"`/`"0"`; absent → undefined. */
  bool(key: Key<W>): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
    throw this.bad(key, 'not a boolean');
  }

  /** A list of strings from a JSON array or a comma-separated string; absent → `[]`. */
  list(key: Key<W>): string[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
    if (!items?.every((i): i is string | number => typeof i === 'string' || typeof i === 'number')) {
      throw this.bad(key, 'not a list of strings');
    }
    return items.map((i) => String(i).trim()).filter((i) => i !== '');
  }

  /** The objects of an array field, each as a reader; absent → `[]`. */
  objects<K extends Key<W>>(key: K): WireReader<ElementOf<W[K]>>[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw this.bad(key, 'not a list');
    return v.map((item: unknown) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw this.bad(key, 'not a list of objects');
      return new WireReader<ElementOf<W[K]>>(this.endpoint, item as Record<string, unknown>);
    });
  }

  /** The raw items of an array field (for entries whose shape changed over time); absent → `[]`. */
  items(key: Key<W>): unknown[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw this.bad(key, 'not a list');
    return v;
  }

  /** A reader over another object in the same response (e.g. one array item). */
  child<C>(data: Readonly<Record<string, unknown>>): WireReader<C> {
    return new WireReader<C>(this.endpoint, data);
  }
}
