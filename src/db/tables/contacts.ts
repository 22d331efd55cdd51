import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** `contacts`: a name for an outside number (E.164, the key). */
export interface ContactTable {
  number: string;
  name: string;
  note: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ContactRow = Selectable<ContactTable>;
export type NewContactRow = Insertable<ContactTable>;
export type ContactRowUpdate = Updateable<ContactTable>;
