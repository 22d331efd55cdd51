import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { JsonObject } from '../json.js';

/** `user_profiles`: a Slack user's own phone (leg 1 of click-to-call) and preferences. */
export interface UserProfileTable {
  user_id: string;
  phone: string | null;
  phone_verified_at: Date | null;
  prefs: ColumnType<JsonObject, string | undefined, string>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type UserProfileRow = Selectable<UserProfileTable>;
export type NewUserProfileRow = Insertable<UserProfileTable>;
export type UserProfileRowUpdate = Updateable<UserProfileTable>;
