import type { TransactionRow } from '../../../db/tables/transactions.js';
import { explainFaxError } from '../../../hoiio/index.js';
import type { CardContext, RenderedCard } from '../../cards/card-registry.js';
import { inUndoWindow } from '../admin/undo-window.js';
import { faxCard } from './blocks.js';
import { readFaxMeta } from './fax-repository.js';
import { faxCardStatus } from './fax-status.js';

/** The card renderer of outbound faxes (`cards.register('fax', 'out', …)`): from the row's current state only. */
export async function renderOutboundFax(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const meta = readFaxMeta(txn.meta);
  const to = txn.to_number ?? txn.contact_number ?? '';
  const status = faxCardStatus(txn.status);
  const contactName = to === '' ? undefined : await context.contactName(to);
  return faxCard({
    id: txn.id,
    status,
    to,
    contactName,
    userId: txn.slack_user_id ?? undefined,
    fileName: meta.file_name,
    pages: txn.pages ?? undefined,
    hasCover: meta.cover_note !== undefined,
    estimate: meta.estimate,
    debit: txn.debit !== null && txn.currency !== null ? { amount: txn.debit, currency: txn.currency } : undefined,
    txnRef: txn.txn_ref ?? undefined,
    error: status === 'failed' ? (meta.error ?? explainFaxError(txn.error_code ?? undefined)) : undefined,
    retryable: meta.retryable ?? true,
    retriedBy: meta.retried_by,
    retryOf: txn.parent_id ?? undefined,
    checking: txn.meta['checking'] === true,
    cancelable: inUndoWindow(txn, new Date()),
  });
}
