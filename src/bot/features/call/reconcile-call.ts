/**
 * Check status of a click-to-call whose outcome is unknown (the `txn.reconcile` job dispatches `call` here):
 * voice/query_status by txn_ref, or the call history searched for our tag. Found and ended → its real outcome;
 * found and live → `ringing`; not found after a grace period → failed "Hoiio has no record of it" (Call again).
 * Never places the call.
 */
import { RetryAfterError } from '../../../db/job-errors.js';
import {
  mergeTransactionMeta,
  type TransactionStatusChange,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import { findHistoryEntryByTag, HoiioInvalidRequestError, type VoiceCallRecord } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { BotDeps } from '../../deps.js';
import { callOutcome } from './call-status.js';

/** How long after the attempt Hoiio's history may still lack the call; after that, "not found" means not placed. */
const NOT_FOUND_GRACE_MS = 2 * 60 * 1000;
const RECHECK_MS = 20_000;

type Leg = 'answered' | 'unanswered' | 'busy' | 'failed';
const leg = (v: string | undefined): Leg | undefined =>
  v === 'answered' || v === 'unanswered' || v === 'busy' || v === 'failed' ? v : undefined;

export async function reconcileCall(
  deps: Pick<BotDeps, 'db' | 'hoiio' | 'logger' | 'clock'>,
  txn: TransactionRow,
  signal: AbortSignal,
): Promise<void> {
  if (txn.status !== 'unknown') return finish(deps, txn, undefined, {});
  const record = await lookUp(deps, txn, signal);
  if (record === undefined) {
    const age = deps.clock.now().getTime() - txn.created_at.getTime();
    if (age < NOT_FOUND_GRACE_MS) throw new RetryAfterError(RECHECK_MS, 'call not in Hoiio history yet');
    return finish(
      deps,
      txn,
      { status: 'failed', error_code: 'not_found' },
      { reason: 'Hoiio has no record of this call: it was not placed.' },
    );
  }
  const leg1 = leg(record.callStatusDest1);
  const txnRef = record.txnRef ?? txn.txn_ref ?? undefined;
  if (leg1 === undefined) {
    return finish(deps, txn, { status: 'ringing', ...(txnRef ? { txn_ref: txnRef } : {}) }, {});
  }
  const outcome = callOutcome(leg1, leg(record.callStatusDest2), {
    ownPhone: txn.from_number ?? undefined,
    to: txn.to_number ?? txn.contact_number ?? '',
  });
  return finish(
    deps,
    txn,
    {
      status: outcome.status,
      ...(txnRef ? { txn_ref: txnRef } : {}),
      provider_date: record.date ?? null,
      currency: record.currency ?? null,
      rate: record.rate ?? null,
      debit: record.debit ?? null,
      duration: record.duration !== undefined ? record.duration * 60 : null,
    },
    { reason: outcome.reason ?? null, ...(record.duration !== undefined ? { minutes: record.duration } : {}) },
  );
}

async function lookUp(
  deps: Pick<BotDeps, 'hoiio'>,
  txn: TransactionRow,
  signal: AbortSignal,
): Promise<VoiceCallRecord | undefined> {
  if (txn.txn_ref !== null) {
    try {
      return await deps.hoiio.voice.queryStatus({ txnRef: txn.txn_ref }, { signal });
    } catch (error) {
      if (!(error instanceof HoiioInvalidRequestError)) throw error;
    }
  }
  if (txn.tag === null) return undefined;
  return findHistoryEntryByTag((p) => deps.hoiio.voice.getHistory(p, { signal }), txn.tag, txn.created_at);
}

async function finish(
  deps: Pick<BotDeps, 'db'>,
  txn: TransactionRow,
  change: TransactionStatusChange | undefined,
  meta: Record<string, string | number | null>,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const changed = change !== undefined && (await updateTransactionStatus(trx, { id: txn.id }, change));
    const row = await mergeTransactionMeta(trx, txn.id, { checking: false, ...(changed ? meta : {}) });
    if (row) await enqueueCardSync(trx, row);
  });
}
