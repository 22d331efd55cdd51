/** Typed reads of the call feature's fields in `transactions.meta` (written by its handlers and jobs). */
import type { JsonObject } from '../../../db/json.js';

/** A string field, if it is one. */
export function metaString(meta: JsonObject, key: string): string | undefined {
  const value = meta[key];
  return typeof value === 'string' ? value : undefined;
}

/** A finite number field, if it is one. */
export function metaNumber(meta: JsonObject, key: string): number | undefined {
  const value = meta[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether a boolean field is `true`. */
export function metaFlag(meta: JsonObject, key: string): boolean {
  return meta[key] === true;
}

/** A date stored as an ISO string, if it is one. */
export function metaDate(meta: JsonObject, key: string): Date | undefined {
  const value = metaString(meta, key);
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
