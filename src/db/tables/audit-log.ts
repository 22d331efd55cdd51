import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { JsonObject } from '../json.js';

/** `audit_log`: who changed routes or settings, or redrove jobs, and when. Append-only. */
export interface AuditLogTable {
  id: Generated<number>;
  actor_user_id: string;
  /** e.g. `route.save`, `route.remove`, `setting.set`, `job.redrive`. */
  action: string;
  subject: string | null;
  details: ColumnType<JsonObject, string | undefined, never>;
  at: ColumnType<Date, Date | undefined, never>;
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
