import { findTransactionByTag, findTransactionByTxnRef } from '../../../db/repositories/transactions.js';
import type { InboundHandler } from '../../inbound/inbound-registry.js';
import { applyFaxResult } from './apply-fax-result.js';

/**
 * Relay of `fax.outgoing` notifications (our status URL): finds the fax by txn_ref, else by our tag (the result
 * may beat the send job's own commit of the txn_ref), and applies it monotonically with a card sync. A
 * notification about a fax we did not send is ignored.
 */
export const relayOutgoingFax: InboundHandler<'fax.outgoing'> = async (n, { deps }) => {
  const { db } = deps;
  let txn = await findTransactionByTxnRef(db, n.txnRef);
  if (txn === undefined && n.tag !== undefined && n.tag !== '') txn = await findTransactionByTag(db, n.tag);
  if (txn === undefined || txn.kind !== 'fax' || txn.direction !== 'out') {
    return { state: 'ignored', reason: 'no outbound fax of ours has this txn_ref or tag' };
  }
  if (txn.txn_ref !== null && txn.txn_ref !== n.txnRef) {
    return { state: 'ignored', reason: 'the tag belongs to a fax with another txn_ref' };
  }
  const found = txn;
  await db.transaction().execute((trx) =>
    applyFaxResult(trx, found, {
      txnRef: n.txnRef,
      faxStatus: n.faxStatus,
      faxErrorCode: n.faxErrorCode,
      faxPages: n.faxPages,
      date: n.date,
      duration: n.duration,
      currency: n.currency,
      rate: n.rate,
      debit: n.debit,
      raw: n.raw,
    }),
  );
  return { state: 'processed', transactionId: found.id };
};
