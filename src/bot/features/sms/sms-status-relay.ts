import {
  findTransactionByTag,
  findTransactionByTxnRef,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { InboundContext, InboundOutcome, NotificationOf } from '../../inbound/inbound-registry.js';
import { smsStatusChange } from './sms-status-change.js';

/**
 * The relay handler of `sms.status` (delivery notifications to our status URL): finds our SMS by txn_ref, or by
 * our tag when the notification beats the send job's own update; applies the status monotonically (a late
 * `queued` never undoes `delivered`) with debit, rate, currency and parts; syncs the card when something changed.
 * A notification that names another destination than ours is not applied.
 */
export function relaySmsStatus(deps: Pick<BotDeps, 'db'>) {
  return async (n: NotificationOf<'sms.status'>, _ctx: InboundContext): Promise<InboundOutcome> => {
    let txn = await findTransactionByTxnRef(deps.db, n.txnRef);
    if (txn === undefined && n.tag) txn = await findTransactionByTag(deps.db, n.tag);
    if (txn === undefined || txn.kind !== 'sms' || txn.direction !== 'out') {
      return { state: 'ignored', reason: 'not an SMS this app sent' };
    }
    if ((txn.txn_ref !== null && txn.txn_ref !== n.txnRef) || !sameNumber(n.dest, txn.to_number)) {
      return {
        state: 'unverified',
        reason: 'the txn_ref or destination does not match our SMS',
        transactionId: txn.id,
      };
    }
    const change = smsStatusChange(
      {
        txnRef: n.txnRef,
        smsStatus: n.smsStatus,
        date: n.date,
        splitCount: n.splitCount,
        currency: n.currency,
        rate: n.rate,
        debit: n.debit,
      },
      n.raw,
    );
    if (change === undefined) return { state: 'ignored', reason: `unknown sms_status`, transactionId: txn.id };
    const row = txn;
    await deps.db.transaction().execute(async (trx) => {
      if (await updateTransactionStatus(trx, { id: row.id }, change)) await enqueueCardSync(trx, row);
    });
    return { state: 'processed', transactionId: txn.id };
  };
}

/** Whether a notification's `dest` (when given) is our number, whatever its formatting. */
function sameNumber(dest: string | undefined, ours: string | null): boolean {
  if (!dest || ours === null) return true;
  return dest.replace(/\D/g, '') === ours.replace(/\D/g, '');
}
