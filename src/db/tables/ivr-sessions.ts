import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonObject } from '../json.js';

/**
 * `ivr_sessions`: the state of each live inbound call, keyed by Hoiio's `session`. `state` is any
 * lower_snake word (the call feature owns the state machine); `version` enables optimistic updates
 * (see `updateIvrSession`).
 */
export interface IvrSessionTable {
  session: string;
  txn_ref: string | null;
  transaction_id: number | null;
  from_number: string | null;
  to_number: string | null;
  state: ColumnType<string, string | undefined, string>;
  step: ColumnType<number, number | undefined, number>;
  /** The route as it was when the call came in. */
  route: Json<JsonObject> | null;
  data: ColumnType<JsonObject, string | undefined, string>;
  card_channel_id: string | null;
  card_ts: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  ended_at: Date | null;
}

export type IvrSessionRow = Selectable<IvrSessionTable>;
export type NewIvrSessionRow = Insertable<IvrSessionTable>;
export type IvrSessionRowUpdate = Updateable<IvrSessionTable>;
