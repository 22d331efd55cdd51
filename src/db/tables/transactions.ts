import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonObject, JsonValue } from '../json.js';

/** What a transaction is. An `ivr` row is one inbound call driven by our IVR. */
export const TXN_KINDS = ['sms', 'fax', 'call', 'ivr'] as const;
export type TxnKind = (typeof TXN_KINDS)[number];

export const TXN_DIRECTIONS = ['in', 'out'] as const;
export type TxnDirection = (typeof TXN_DIRECTIONS)[number];

/**
 * Every status a transaction may have (a CHECK constraint enforces the list).
 * - outbound SMS / fax: `queued` → `sending` → `sent` → `delivered` | `failed`; `unknown` when a send's
 *   outcome is not known (reconciled later, never re-sent); `canceled` before it went (undo window).
 * - inbound SMS / fax: `received` (a fax that failed to arrive: `failed`).
 * - outbound two-way call: `queued` → `sending` → `ringing`/`ongoing` → `answered` | `unanswered` | `busy` |
 *   `failed` (| `ended`).
 * - inbound call (`ivr`): `ringing` → `answered` | `voicemail` | `missed` (| `ended`).
 * Updates are monotonic; see `updateTransactionStatus`.
 */
export const TXN_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'unknown',
  'canceled',
  'received',
  'ringing',
  'ongoing',
  'answered',
  'voicemail',
  'missed',
  'unanswered',
  'busy',
  'ended',
] as const;
export type TxnStatus = (typeof TXN_STATUSES)[number];

/**
 * `transactions`: every SMS, fax, call and IVR session, in and out. Numbers are E.164 (`+6591234567`,
 * CHECKed). `contact_number` is always the outside party (history and threads key on it);
 * `our_number` is the Hoiio number involved (the one called, or the caller id / sender).
 * Money columns (`rate`, `debit`) are `numeric`, read as decimal strings.
 */
export interface TransactionTable {
  id: Generated<number>;
  kind: TxnKind;
  direction: TxnDirection;
  status: TxnStatus;
  /** Hoiio's reference; unique when known. */
  txn_ref: string | null;
  /** Our own reference sent to Hoiio (`tag`); unique when set; the dedupe key of a send. */
  tag: string | null;
  from_number: string | null;
  to_number: string | null;
  contact_number: string | null;
  our_number: string | null;
  sender_name: string | null;
  error_code: string | null;
  currency: string | null;
  rate: string | null;
  debit: string | null;
  /** Seconds. */
  duration: number | null;
  pages: number | null;
  segments: number | null;
  text: string | null;
  slack_team_id: string | null;
  slack_user_id: string | null;
  slack_channel_id: string | null;
  slack_message_ts: string | null;
  slack_thread_ts: string | null;
  /** The transaction this one retries. */
  parent_id: number | null;
  /** The provider's date of the status last applied (resolves `failed` vs `delivered`). */
  provider_date: Date | null;
  /** The last raw notification. */
  raw: Json<JsonValue> | null;
  /** Feature-specific extras (uploaded file ids, digits pressed, who handled it…). */
  meta: ColumnType<JsonObject, string | undefined, string>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type TransactionRow = Selectable<TransactionTable>;
export type NewTransactionRow = Insertable<TransactionTable>;
export type TransactionRowUpdate = Updateable<TransactionTable>;
