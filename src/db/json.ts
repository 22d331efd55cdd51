import type { ColumnType } from 'kysely';

/** Any value JSON can hold, as read back from a `jsonb` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, as read back from a `jsonb` column that holds objects. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A `jsonb` column: reads give `T`, writes take JSON text made by {@link json}. Both engines accept
 * JSON text for `jsonb` parameters, whereas `pg` would turn a bare JS array into a PostgreSQL array.
 */
export type Json<T> = ColumnType<T, string, string>;

/** Encodes `value` for a `jsonb` column (see {@link Json}). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
