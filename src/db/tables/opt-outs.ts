import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** `opt_outs`: numbers that sent STOP (or similar); sends to them need an explicit override. */
export interface OptOutTable {
  number: string;
  at: ColumnType<Date, Date | undefined, Date>;
  /** The word that opted out (`STOP`, `UNSUBSCRIBE`…). */
  keyword: string | null;
  source_txn_ref: string | null;
}

export type OptOutRow = Selectable<OptOutTable>;
export type NewOptOutRow = Insertable<OptOutTable>;
export type OptOutRowUpdate = Updateable<OptOutTable>;
