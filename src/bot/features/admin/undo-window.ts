import type { types } from '@slack/bolt';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/database.js';
import { insertAuditLog } from '../../../db/repositories/audit-log.js';
import { getSetting, SETTING, setSetting } from '../../../db/repositories/settings.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { button } from '../../cards/card-parts.js';
import { ACTION } from '../../ids.js';

/** The longest undo window admins may set. */
export const MAX_UNDO_WINDOW_SECONDS = 300;

/** The undo window in seconds (0 = off, the default). */
export async function getUndoWindowSeconds(db: Kysely<Database>): Promise<number> {
  const value = await getSetting(db, SETTING.undoWindowSeconds);
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? Math.min(value, MAX_UNDO_WINDOW_SECONDS)
    : 0;
}

/** Sets the undo window (0 turns it off) and writes the audit entry, in the caller's transaction. */
export async function setUndoWindowSeconds(db: Kysely<Database>, seconds: number, actorUserId: string): Promise<void> {
  await setSetting(db, SETTING.undoWindowSeconds, seconds);
  await insertAuditLog(db, {
    actorUserId,
    action: 'setting.set',
    subject: SETTING.undoWindowSeconds,
    details: { value: seconds },
  });
}

/**
 * When a send queued now should go: `now + window` when the undo window is on, else undefined (at once). Send
 * features pass it as the send job's `runAt` and store it as `meta.undo_until` (ISO) so the card shows Cancel.
 */
export async function undoRunAt(db: Kysely<Database>, now: Date): Promise<Date | undefined> {
  const seconds = await getUndoWindowSeconds(db);
  return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;
}

/** Whether a card should still offer Cancel: queued, with `meta.undo_until` in the future. */
export function inUndoWindow(txn: Pick<TransactionRow, 'status' | 'meta'>, now: Date): boolean {
  const until = txn.meta['undo_until'];
  return txn.status === 'queued' && typeof until === 'string' && Date.parse(until) > now.getTime();
}

/** The Cancel button of a send waiting out the undo window (value = the transaction id). */
export function cancelSendButton(transactionId: number): types.Button {
  return button('Cancel', ACTION.txnCancel, String(transactionId), 'danger');
}

/**
 * Cancels a send that has not gone yet: `queued` → `canceled` (never from `sending` or later). The send job must
 * skip a canceled transaction. Returns the row when this call canceled it.
 */
export async function cancelQueuedSend(db: Kysely<Database>, id: number): Promise<TransactionRow | undefined> {
  return db
    .updateTable('transactions')
    .set({ status: 'canceled', updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('direction', '=', 'out')
    .returningAll()
    .executeTakeFirst();
}
