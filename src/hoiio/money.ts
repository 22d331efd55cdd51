/**
 * Money as decimal strings, never floats. Hoiio sends amounts as strings such as `"0.038"`;
 * arithmetic is done on scaled bigints so `0.1 + 0.2` is exactly `0.3`.
 */

/** A decimal amount as a string: optional minus, digits, optional fraction (`"12.500"`). */
export type Money = string;

const DECIMAL = /^-?\d+(\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/** Whether `value` is a plain decimal string (no exponent, no thousands separators). */
export function isMoney(value: string): boolean {
  return DECIMAL.test(value);
}

function scaled(value: Money): Scaled {
  if (!DECIMAL.test(value)) throw new RangeError(`Not a decimal amount: ${JSON.stringify(value)}`);
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const units = BigInt(whole + fraction) * (negative ? -1n : 1n);
  return { units, scale: fraction.length };
}

function rescale(v: Scaled, scale: number): bigint {
  return v.units * 10n ** BigInt(scale - v.scale);
}

function render(units: bigint, scale: number): Money {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  const text = scale > 0 ? `${whole}.${fraction}` : whole;
  return negative && units !== 0n ? `-${text}` : text;
}

/** `a + b`, exact; the result keeps the larger number of decimals. */
export function addMoney(a: Money, b: Money): Money {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  return render(rescale(x, scale) + rescale(y, scale), scale);
}

/** `a - b`, exact. */
export function subtractMoney(a: Money, b: Money): Money {
  return addMoney(a, negateMoney(b));
}

/** `-a`. */
export function negateMoney(a: Money): Money {
  const x = scaled(a);
  return render(-x.units, x.scale);
}

/** `a × factor` for a whole-number factor (segments, minutes, pages) or another decimal, exact. */
export function multiplyMoney(a: Money, factor: number | Money): Money {
  const x = scaled(a);
  if (typeof factor === 'number') {
    if (!Number.isSafeInteger(factor)) throw new RangeError(`Factor must be a whole number: ${factor}`);
    return render(x.units * BigInt(factor), x.scale);
  }
  const y = scaled(factor);
  return render(x.units * y.units, x.scale + y.scale);
}

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Rounds half away from zero to `decimals` places (default 3, as Hoiio prints amounts). */
export function roundMoney(a: Money, decimals = 3): Money {
  const x = scaled(a);
  if (x.scale <= decimals) return render(rescale(x, decimals), decimals);
  const divisor = 10n ** BigInt(x.scale - decimals);
  const negative = x.units < 0n;
  const abs = negative ? -x.units : x.units;
  let q = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) q += 1n;
  return render(negative ? -q : q, decimals);
}

/** `"SGD 1.230"`-style display text; the amount is rounded to 3 decimals. */
export function formatMoney(amount: Money, currency: string): string {
  return `${currency} ${roundMoney(amount, 3)}`;
}
