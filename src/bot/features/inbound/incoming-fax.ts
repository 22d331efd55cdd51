/**
 * The `fax.incoming` relay handler: verify through fax/query_status (which also gives the PDF's URL and page
 * count: the notification's own `fax_url` is never used), route, then in ONE db transaction record the fax, queue
 * its card (in the contact's thread) and, for a received fax, the upload of its PDF by the poster's media op.
 */
import { json } from '../../../db/json.js';
import {
  findTransactionByTxnRef,
  insertTransaction,
  mergeTransactionMeta,
  updateTransaction,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { FaxRecord, IncomingFaxNotification } from '../../../hoiio/index.js';
import { enqueueCardSync, enqueueMediaUpload } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import type { InboundContext, InboundOutcome } from '../../inbound/inbound-registry.js';
import { inspectPdf, PdfError } from '../../media/index.js';
import { E164_PATTERN } from './incoming-sms.js';
import { routeInbound } from './routing.js';
import { isUnknownTxnRef, recordMismatch } from './verify.js';

/** Relays one incoming fax notification (see the module comment). Idempotent (txn_ref is unique). */
export async function relayIncomingFax(n: IncomingFaxNotification, context: InboundContext): Promise<InboundOutcome> {
  const { deps, signal } = context;
  const { db, hoiio, config, clock } = deps;
  if (!E164_PATTERN.test(n.from) || !E164_PATTERN.test(n.to)) {
    return { state: 'ignored', reason: 'the sender or our number is not an E.164 number' };
  }
  const done = await findTransactionByTxnRef(db, n.txnRef);
  if (done) return { state: 'processed', transactionId: done.id };

  let record: FaxRecord;
  try {
    record = await hoiio.fax.queryStatus({ txnRef: n.txnRef }, { signal });
  } catch (error) {
    if (isUnknownTxnRef(error)) return { state: 'unverified', reason: 'Hoiio does not know this fax (txn_ref)' };
    throw error;
  }
  const mismatch = recordMismatch({ src: n.from, dest: n.to }, { src: record.src, dest: record.dest });
  if (mismatch.length > 0) {
    return { state: 'unverified', reason: `Hoiio's record differs from the notification (${mismatch.join(', ')})` };
  }
  if (record.faxStatus === 'ongoing') throw new Error('the fax is still being received'); // retried with backoff

  const route = await routeInbound(db, n.to, config.defaultChannel);
  if (!route) return { state: 'unrouted', reason: `no route for ${n.to} and no DEFAULT_CHANNEL` };

  const failed = (record.faxStatus ?? n.faxStatus) !== 'answered';
  const at = record.date ?? n.date ?? clock.now();
  const errorCode = record.faxErrorCode ?? n.faxErrorCode ?? null;
  const mediaUrl = failed ? undefined : record.faxUrl;
  const meta = {
    thread: 'contact',
    ...(mediaUrl !== undefined ? { media_url: mediaUrl } : {}),
    ...(!failed && mediaUrl === undefined ? { media_error: 'no_url' } : {}),
  };
  const txn = await db.transaction().execute(async (trx) => {
    const inserted = await insertTransaction(trx, {
      kind: 'fax',
      direction: 'in',
      status: failed ? 'failed' : 'received',
      txn_ref: n.txnRef,
      from_number: n.from,
      to_number: n.to,
      contact_number: n.from,
      our_number: n.to,
      error_code: failed ? (errorCode ?? 'unknown') : null,
      pages: failed ? null : (record.faxPages ?? n.faxPages ?? null),
      duration: record.duration ?? n.duration ?? null,
      currency: record.currency ?? n.currency ?? null,
      rate: record.rate ?? n.rate ?? null,
      debit: record.debit ?? n.debit ?? null,
      provider_date: at,
      slack_channel_id: route.channelId,
      raw: json(n.raw),
      meta: json(meta),
    });
    if (!inserted) return findTransactionByTxnRef(trx, n.txnRef);
    await enqueueCardSync(trx, inserted);
    if (mediaUrl !== undefined) await enqueueMediaUpload(trx, inserted);
    return inserted;
  });
  deps.jobWake.wake();
  return txn ? { state: 'processed', transactionId: txn.id } : { state: 'processed' };
}

/** A fresh PDF link for an incoming fax whose stored one expired (the poster's media op asks). */
export async function refreshFaxUrl(txn: TransactionRow, deps: BotDeps): Promise<string | undefined> {
  if (!txn.txn_ref) return undefined;
  return (await deps.hoiio.fax.queryStatus({ txnRef: txn.txn_ref })).faxUrl;
}

/**
 * The fax PDF's page count and first lines, from the fetched bytes (the poster's media op, before the upload):
 * the card shows these rather than Hoiio's page count. A PDF that cannot be read is still uploaded.
 */
export async function inspectFaxPdf(txn: TransactionRow, bytes: Uint8Array, deps: BotDeps): Promise<void> {
  try {
    const summary = await inspectPdf(bytes);
    await deps.db.transaction().execute(async (trx) => {
      await updateTransaction(trx, txn.id, { pages: summary.pages });
      await mergeTransactionMeta(trx, txn.id, { pdf_text: summary.text });
    });
  } catch (error) {
    if (!(error instanceof PdfError)) throw error;
    deps.logger.warn({ transactionId: txn.id, code: error.code }, 'fax PDF not readable; uploaded as it is');
    await mergeTransactionMeta(deps.db, txn.id, { pdf_error: error.userMessage });
  }
}
