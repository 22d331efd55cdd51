import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonValue } from '../json.js';

/** `settings`: key → JSON value (webhook token, spend cap, defaults). */
export interface SettingTable {
  key: string;
  value: Json<JsonValue>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type SettingRow = Selectable<SettingTable>;
export type NewSettingRow = Insertable<SettingTable>;
export type SettingRowUpdate = Updateable<SettingTable>;
