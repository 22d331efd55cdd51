/**
 * The `call.status` relay handler: the end of a click-to-call (voice/call notify_url). Verified through
 * voice/query_status; the leg statuses decide the card's word (answered / unanswered / busy / failed), with the
 * billed minutes and cost. Monotonic: a late or repeated notification changes nothing.
 */
import {
  findTransactionByTag,
  findTransactionByTxnRef,
  mergeTransactionMeta,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import {
  type CallStatusNotification,
  formatPhoneNumber,
  maskPhoneNumber,
  type VoiceQueryStatusResult,
} from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { InboundContext, InboundOutcome } from '../../inbound/inbound-registry.js';
import { isUnknownTxnRef } from '../inbound/verify.js';

type Leg = 'answered' | 'unanswered' | 'busy' | 'failed';

/** The card's status and the reason in words, from both legs (leg 1 is the user's own phone). */
export function callOutcome(
  leg1: Leg,
  leg2: Leg | undefined,
  numbers: { ownPhone?: string | undefined; to: string },
): { status: Leg; reason?: string } {
  const own = numbers.ownPhone !== undefined ? ` (${maskPhoneNumber(numbers.ownPhone)})` : '';
  if (leg1 !== 'answered') {
    const reason = {
      unanswered: `You did not pick up your phone${own}, so the call was not connected.`,
      busy: `Your phone${own} was busy.`,
      failed: `Your phone${own} could not be reached.`,
    }[leg1];
    return { status: leg1, reason };
  }
  const to = formatPhoneNumber(numbers.to);
  const status = leg2 ?? 'failed';
  if (status === 'answered') return { status };
  const reason = {
    unanswered: `${to} did not answer.`,
    busy: `${to} was busy.`,
    failed: `The call to ${to} could not be connected.`,
  }[status];
  return { status, reason };
}

function leg(value: string | undefined): Leg | undefined {
  return value === 'answered' || value === 'unanswered' || value === 'busy' || value === 'failed' ? value : undefined;
}

/** Relays one call status notification (see the module comment). Idempotent. */
export async function relayCallStatus(n: CallStatusNotification, context: InboundContext): Promise<InboundOutcome> {
  const { deps, signal } = context;
  const txn =
    (await findTransactionByTxnRef(deps.db, n.txnRef)) ??
    (n.tag ? await findTransactionByTag(deps.db, n.tag) : undefined);
  if (txn === undefined || txn.kind !== 'call' || txn.direction !== 'out') {
    return { state: 'ignored', reason: 'not a call placed from Slack' };
  }
  if (txn.txn_ref !== null && txn.txn_ref !== n.txnRef) {
    return { state: 'unverified', reason: 'the txn_ref differs from the call with this tag' };
  }
  let record: VoiceQueryStatusResult;
  try {
    record = await deps.hoiio.voice.queryStatus({ txnRef: n.txnRef }, { signal });
  } catch (error) {
    if (isUnknownTxnRef(error)) return { state: 'unverified', reason: 'Hoiio does not know this call (txn_ref)' };
    throw error;
  }
  if (txn.tag !== null && record.tag !== undefined && record.tag !== '' && record.tag !== txn.tag) {
    return { state: 'unverified', reason: "Hoiio's record has another tag" };
  }
  const leg1 = leg(record.callStatusDest1) ?? leg(n.callStatusDest1);
  const leg2 = leg(record.callStatusDest2) ?? leg(n.callStatusDest2);
  if (leg1 === undefined) return { state: 'ignored', reason: 'the call is still in progress', transactionId: txn.id };
  const outcome = callOutcome(leg1, leg2, {
    ownPhone: txn.from_number ?? undefined,
    to: txn.to_number ?? txn.contact_number ?? n.dest2 ?? '',
  });
  const minutes = record.duration ?? n.duration;
  await deps.db.transaction().execute(async (trx) => {
    const changed = await updateTransactionStatus(
      trx,
      { id: txn.id },
      {
        status: outcome.status,
        txn_ref: n.txnRef,
        provider_date: record.date ?? n.date ?? null,
        currency: record.currency ?? n.currency ?? null,
        rate: record.rate ?? n.rate ?? null,
        debit: record.debit ?? n.debit ?? null,
        duration: minutes !== undefined ? minutes * 60 : null,
        raw: n.raw,
      },
    );
    if (!changed) return;
    const row = await mergeTransactionMeta(trx, txn.id, {
      leg1,
      leg2: leg2 ?? null,
      reason: outcome.reason ?? null,
      ...(minutes !== undefined ? { minutes } : {}),
    });
    if (row) await enqueueCardSync(trx, row);
  });
  return { state: 'processed', transactionId: txn.id };
}
