/**
 * Mirrors an IVR session onto its call transaction, which is what the card renders: the status word (ringing →
 * answered / voicemail / missed), who is ringing, who answered, the digits pressed, the voicemail (its URL for the
 * poster's media op) and, once the call ended, what Hoiio billed. Queues the card sync (and the voicemail upload),
 * but only once Hoiio accepted a block of the session: a forged answer notification never becomes a card.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import {
  mergeTransactionMeta,
  updateTransaction,
  updateTransactionStatus,
} from '../../../db/repositories/transactions.js';
import type { IvrSessionRow } from '../../../db/tables/ivr-sessions.js';
import type { TxnStatus } from '../../../db/tables/transactions.js';
import type { Money } from '../../../hoiio/index.js';
import { enqueueCardSync, enqueueMediaUpload } from '../../cards/enqueue-card-sync.js';
import { currentlyRinging, type IvrState } from './ivr-driver.js';
import type { StoredIvr } from './ivr-handler.js';

/** What Hoiio billed, from the notification that ended the call. */
export interface Billing {
  readonly minutes?: number | undefined;
  readonly currency?: string | undefined;
  readonly rate?: Money | undefined;
  readonly debit?: Money | undefined;
  readonly date?: Date | undefined;
}

/** The transaction status of a session's state. */
export function ivrStatus(state: IvrState): TxnStatus {
  if (state.phase === 'ended') return state.outcome ?? 'missed';
  return state.outcome ?? 'ringing';
}

/** See the module comment. `billing` only with the notification that ended the call. */
export async function mirrorSession(
  trx: Kysely<Database>,
  row: IvrSessionRow,
  billing: Billing | undefined,
): Promise<void> {
  const id = row.transaction_id;
  if (id === null) return;
  const stored = row.data as unknown as StoredIvr;
  const { state } = stored;
  if (stored.rejected) {
    await updateTransactionStatus(trx, { id }, { status: 'ended', error_code: 'error_invalid_session' });
    return;
  }
  await updateTransactionStatus(trx, { id }, { status: ivrStatus(state) });
  if (billing !== undefined) {
    await updateTransaction(trx, id, {
      ...(billing.minutes !== undefined ? { duration: billing.minutes * 60 } : {}),
      ...(billing.currency !== undefined ? { currency: billing.currency } : {}),
      ...(billing.rate !== undefined ? { rate: billing.rate } : {}),
      ...(billing.debit !== undefined ? { debit: billing.debit } : {}),
      ...(billing.date !== undefined ? { provider_date: billing.date } : {}),
    });
  }
  const voicemail = state.outcome === 'voicemail' && state.recordUrl !== undefined;
  const txn = await mergeTransactionMeta(trx, id, {
    ringing_user: currentlyRinging(state)?.userId ?? null,
    answered_by: state.answeredBy ?? null,
    digits: state.digits ?? null,
    menu_choice: state.menuChoice ?? null,
    voicemail_seconds: state.recordSeconds ?? null,
    ...(voicemail ? { media_url: state.recordUrl ?? null } : {}),
    ...(billing?.minutes !== undefined ? { minutes: billing.minutes } : {}),
  });
  if (txn === undefined || !stored.verified) return;
  await enqueueCardSync(trx, txn);
  if (voicemail) await enqueueMediaUpload(trx, txn);
}
