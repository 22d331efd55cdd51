import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonObject } from '../json.js';

/** `number_routes`: a Hoiio number (E.164, the key) → the Slack channel and call handling. */
export interface NumberRouteTable {
  number: string;
  channel_id: string;
  label: string | null;
  greeting: string | null;
  /** Slack user ids whose phones ring for an inbound call. */
  ring_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** Seconds, 5..120 (default 30). */
  ring_timeout: ColumnType<number, number | undefined, number>;
  voicemail: ColumnType<boolean, boolean | undefined, boolean>;
  /** Seconds, 5..600 (default 120). */
  voicemail_max_seconds: ColumnType<number, number | undefined, number>;
  /** Optional IVR menu (an object; its shape belongs to the call feature). */
  menu: Json<JsonObject> | null;
  /** What happened when forwarding was last pointed at us (free text, e.g. `ok` or an error status). */
  forwarding_status: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type NumberRouteRow = Selectable<NumberRouteTable>;
export type NewNumberRouteRow = Insertable<NumberRouteTable>;
export type NumberRouteRowUpdate = Updateable<NumberRouteTable>;
