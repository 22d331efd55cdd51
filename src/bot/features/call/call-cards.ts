/**
 * Card renderers of the call feature, from the transaction's CURRENT row (plus the contact's name and the route's
 * label): click-to-call (`call`/`out`) and incoming calls (`ivr`/`in`).
 */
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { CardContext, RenderedCard } from '../../cards/card-registry.js';
import { inUndoWindow } from '../admin/undo-window.js';
import { ourNumberLabel } from '../inbound/routing.js';
import { type InboundCallStatus, inboundCallCard, type OutboundCallStatus, outboundCallCard } from './blocks.js';
import { metaDate, metaFlag, metaNumber, metaString } from './call-meta.js';

function outboundStatus(status: TransactionRow['status']): OutboundCallStatus {
  switch (status) {
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
    case 'ringing':
    case 'ongoing':
      return 'ringing';
    case 'answered':
    case 'unanswered':
    case 'busy':
    case 'failed':
    case 'unknown':
    case 'canceled':
      return status;
    default:
      return 'failed';
  }
}

function debitOf(txn: TransactionRow): { amount: string; currency: string } | undefined {
  return txn.debit !== null && txn.currency !== null ? { amount: txn.debit, currency: txn.currency } : undefined;
}

/** The click-to-call card. */
export async function renderOutboundCall(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const to = txn.contact_number ?? txn.to_number ?? '';
  return outboundCallCard({
    id: txn.id,
    status: outboundStatus(txn.status),
    to,
    contactName: to === '' ? undefined : await context.contactName(to),
    userId: txn.slack_user_id ?? undefined,
    ownPhone: txn.from_number ?? undefined,
    callerId: txn.our_number ?? undefined,
    needsPhone: metaFlag(txn.meta, 'needs_phone'),
    minutes: metaNumber(txn.meta, 'minutes'),
    debit: debitOf(txn),
    txnRef: txn.txn_ref ?? undefined,
    reason: metaString(txn.meta, 'reason'),
    checking: metaFlag(txn.meta, 'checking'),
    cancelable: inUndoWindow(txn, new Date()),
  });
}

function inboundStatus(status: TransactionRow['status']): InboundCallStatus {
  return status === 'answered' || status === 'voicemail' || status === 'missed' ? status : 'ringing';
}

/** The incoming call card. */
export async function renderInboundCall(txn: TransactionRow, context: CardContext): Promise<RenderedCard> {
  const from = txn.contact_number ?? txn.from_number ?? undefined;
  const [contactName, label] = await Promise.all([
    from === undefined ? undefined : context.contactName(from),
    ourNumberLabel(context.db, txn.our_number),
  ]);
  const meta = txn.meta;
  return inboundCallCard({
    id: txn.id,
    status: inboundStatus(txn.status),
    from,
    contactName,
    to: txn.our_number ?? undefined,
    label,
    ringingUserId: metaString(meta, 'ringing_user'),
    answeredBy: metaString(meta, 'answered_by'),
    digits: metaString(meta, 'digits'),
    menuChoice: metaString(meta, 'menu_choice'),
    voicemailSeconds: metaNumber(meta, 'voicemail_seconds') ?? metaNumber(meta, 'media_seconds'),
    voicemailFile: metaString(meta, 'file_id') !== undefined,
    mediaError: metaString(meta, 'media_error'),
    minutes: metaNumber(meta, 'minutes'),
    debit: debitOf(txn),
    handledBy: metaString(meta, 'handled_by'),
    handledAt: metaDate(meta, 'handled_at'),
    unrouted: metaFlag(meta, 'unrouted'),
    unseen: metaFlag(meta, 'unseen'),
  });
}
