import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, json } from '../json.js';
import type { AuditLogRow } from '../tables/audit-log.js';

/** Appends an audit entry (who did what to which subject). Write it in the same transaction as the change. */
export async function insertAuditLog(
  db: Kysely<Database>,
  entry: { actorUserId: string; action: string; subject?: string | null; details?: JsonObject },
): Promise<AuditLogRow> {
  return db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actorUserId,
      action: entry.action,
      subject: entry.subject ?? null,
      details: json(entry.details ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Audit entries, newest first. */
export async function listAuditLog(
  db: Kysely<Database>,
  options: { action?: string; limit?: number } = {},
): Promise<AuditLogRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (options.action) q = q.where('action', '=', options.action);
  return q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
}
