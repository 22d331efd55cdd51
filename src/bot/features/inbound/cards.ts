/**
 * Card renderers of incoming SMS and faxes: the transaction's CURRENT row (plus the contact's name and the route's
 * label) → the pure builders in blocks.ts.
 */
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { explainFaxError } from '../../../hoiio/index.js';
import type { CardContext, RenderedCard } from '../../cards/card-registry.js';
import { incomingFaxCard, incomingSmsCard } from './blocks.js';
import { readMeta } from './incoming-sms.js';
import { ourNumberLabel } from './routing.js';

async function parties(txn: TransactionRow, context: CardContext) {
  const number = txn.contact_number ?? txn.from_number ?? '';
  const [name, label] = await Promise.all([
    number === '' ? undefined : context.contactName(number),
    ourNumberLabel(context.db, txn.our_number),
  ]);
  return {
    contact: { number, name },
    ourNumber: { number: txn.our_number ?? txn.to_number ?? '', label },
    receivedAt: txn.provider_date ?? txn.created_at,
  };
}

/** The card of an incoming SMS transaction. */
export async function renderIncomingSms(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const meta = readMeta(txn);
  return incomingSmsCard({
    ...(await parties(txn, context)),
    transactionId: txn.id,
    text: txn.text ?? '',
    parts: meta.parts.length,
    optChange: meta.opt,
  });
}

/** The card of an incoming fax transaction (received or failed). */
export async function renderIncomingFax(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const meta = txn.meta;
  const mediaError = typeof meta['media_error'] === 'string' ? meta['media_error'] : undefined;
  const pdfText = typeof meta['pdf_text'] === 'string' ? meta['pdf_text'] : undefined;
  const file =
    typeof meta['file_id'] === 'string'
      ? ('attached' as const)
      : mediaError !== undefined
        ? { problem: mediaError }
        : ('pending' as const);
  const failed = txn.status === 'failed';
  return incomingFaxCard({
    ...(await parties(txn, context)),
    status: failed ? 'failed' : 'received',
    pages: txn.pages ?? undefined,
    text: pdfText,
    failure: failed ? explainFaxError(txn.error_code ?? undefined) : undefined,
    file,
  });
}
