import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonObject } from '../json.js';

/** Which webhook path the event came in on. */
export const INBOUND_EVENT_KINDS = ['sms', 'voice', 'fax', 'status'] as const;
export type InboundEventKind = (typeof INBOUND_EVENT_KINDS)[number];

/**
 * `received` (stored, job queued), `processed`, `rejected` (can never be processed; answered 400),
 * `unverified` (query_status did not confirm it), `unrouted` (no channel to post to), `ignored`, `failed`.
 */
export const INBOUND_EVENT_STATES = [
  'received',
  'processed',
  'rejected',
  'unverified',
  'unrouted',
  'ignored',
  'failed',
] as const;
export type InboundEventState = (typeof INBOUND_EVENT_STATES)[number];

/** `inbound_events`: every webhook as received, deduplicated by `dedupe_key`. */
export interface InboundEventTable {
  id: Generated<number>;
  kind: InboundEventKind;
  dedupe_key: string;
  /** The raw parameters (query and body merged). */
  params: Json<JsonObject>;
  state: ColumnType<InboundEventState, InboundEventState | undefined, InboundEventState>;
  error: string | null;
  txn_ref: string | null;
  transaction_id: number | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  processed_at: Date | null;
}

export type InboundEventRow = Selectable<InboundEventTable>;
export type NewInboundEventRow = Insertable<InboundEventTable>;
export type InboundEventRowUpdate = Updateable<InboundEventTable>;
