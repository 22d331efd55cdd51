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
        ? { problem: mediaProblem(mediaError) }
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

const MEDIA_PROBLEMS: Readonly<Record<string, string>> = {
  host_not_allowed: 'its link points to a host we do not download from (HOIIO_MEDIA_HOSTS).',
  scheme_not_allowed: 'its link is not https.',
  address_not_allowed: 'its link points to a private network address.',
  redirect: 'its link redirected elsewhere, which is not followed.',
  too_large: 'it is larger than the 25 MiB limit.',
  bad_magic: 'the file is not a PDF.',
  expired: 'its link expired.',
  http_status: 'the download was refused.',
  no_url: 'Hoiio gave no link to it.',
};

/** A media error code (recorded by the poster's media op) in words. */
export function mediaProblem(code: string): string {
  return (Object.hasOwn(MEDIA_PROBLEMS, code) ? MEDIA_PROBLEMS[code] : undefined) ?? 'the download failed.';
}
