import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * `contact_threads`: the one thread per (channel, outside number). A row with `thread_ts` null is
 * claimed (its header card is being posted) but not posted yet; see `claimContactThread`.
 */
export interface ContactThreadTable {
  id: Generated<number>;
  channel_id: string;
  number: string;
  thread_ts: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ContactThreadRow = Selectable<ContactThreadTable>;
export type NewContactThreadRow = Insertable<ContactThreadTable>;
export type ContactThreadRowUpdate = Updateable<ContactThreadTable>;
