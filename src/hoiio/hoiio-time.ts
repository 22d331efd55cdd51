/**
 * Hoiio writes every time as `YYYY-MM-DD HH:MM:SS` in GMT+8 (Singapore), sometimes with a
 * fractional suffix such as `.0`; `expiry` dates are plain `YYYY-MM-DD`. These helpers convert
 * at the edge so the rest of the code only sees `Date`s (UTC instants).
 */

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The error thrown for a string that is not a Hoiio date. */
export class HoiioTimeFormatError extends RangeError {
  readonly code = 'hoiio_time_format';
  constructor(readonly value: string) {
    super(`Not a Hoiio date (expected YYYY-MM-DD HH:MM:SS in GMT+8): ${JSON.stringify(value.slice(0, 64))}`);
    this.name = 'HoiioTimeFormatError';
  }
}

function instant(value: string, y: string, mo: string, d: string, h = '0', mi = '0', s = '0', frac = ''): Date {
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms) - OFFSET_MS;
  const date = new Date(t);
  // Reject impossible calendar values (2012-02-31) that Date.UTC would roll over.
  const back = new Date(t + OFFSET_MS);
  if (
    Number.isNaN(t) ||
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    back.getUTCHours() !== Number(h) ||
    back.getUTCMinutes() !== Number(mi) ||
    back.getUTCSeconds() !== Number(s)
  ) {
    throw new HoiioTimeFormatError(value);
  }
  return date;
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` (optionally `.fraction`) in GMT+8.
 * @throws HoiioTimeFormatError when the string is not such a date.
 */
export function parseHoiioDateTime(value: string): Date {
  const m = DATE_TIME.exec(value.trim());
  if (!m) throw new HoiioTimeFormatError(value);
  return instant(value, m[1] as string, m[2] as string, m[3] as string, m[4], m[5], m[6], m[7] ?? '');
}

/**
 * Parses `YYYY-MM-DD` as midnight GMT+8.
 * @throws HoiioTimeFormatError when the string is not such a date.
 */
export function parseHoiioDate(value: string): Date {
  const m = DATE_ONLY.exec(value.trim());
  if (!m) throw new HoiioTimeFormatError(value);
  return instant(value, m[1] as string, m[2] as string, m[3] as string);
}

function parts(date: Date): string[] {
  const g = new Date(date.getTime() + OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return [
    p(g.getUTCFullYear(), 4),
    p(g.getUTCMonth() + 1),
    p(g.getUTCDate()),
    p(g.getUTCHours()),
    p(g.getUTCMinutes()),
    p(g.getUTCSeconds()),
  ];
}

/** Formats an instant as Hoiio does: `YYYY-MM-DD HH:MM:SS` in GMT+8, no fraction. */
export function formatHoiioDateTime(date: Date): string {
  const [y, mo, d, h, mi, s] = parts(date);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** Formats an instant's GMT+8 calendar day as `YYYY-MM-DD`. */
export function formatHoiioDate(date: Date): string {
  const [y, mo, d] = parts(date);
  return `${y}-${mo}-${d}`;
}
