import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * `contact_threads`: the one thread per (channel, outside number). A row with `thread_ts` null has
 * its header card being posted by `claim_owner` until `claim_expires_at`; see `claimContactThread`.
 */
export interface ContactThreadTable {
  id: Generated<number>;
  channel_id: string;
  number: string;
  thread_ts: string | null;
  claim_owner: string | null;
  claim_expires_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ContactThreadRow = Selectable<ContactThreadTable>;
export type NewContactThreadRow = Insertable<ContactThreadTable>;
export type ContactThreadRowUpdate = Updateable<ContactThreadTable>;
