import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { type JsonObject, type JsonValue, json } from '../json.js';
import type {
  NewTransactionRow,
  TransactionRow,
  TransactionRowUpdate,
  TxnDirection,
  TxnKind,
  TxnStatus,
} from '../tables/transactions.js';

/**
 * How far along a status is. A status change applies only forward (higher rank); between two
 * statuses of the same rank (e.g. `delivered` vs `failed`) the one with the later provider date wins.
 */
export const TXN_STATUS_RANK: Readonly<Record<TxnStatus, number>> = {
  queued: 0,
  sending: 1,
  unknown: 2,
  sent: 3,
  ringing: 3,
  ongoing: 4,
  delivered: 5,
  failed: 5,
  canceled: 5,
  received: 5,
  answered: 5,
  voicemail: 5,
  missed: 5,
  unanswered: 5,
  busy: 5,
  ended: 5,
};

/** Statuses after which nothing but a later-dated final status changes a transaction. */
export const FINAL_TXN_STATUSES = (Object.keys(TXN_STATUS_RANK) as TxnStatus[]).filter((s) => TXN_STATUS_RANK[s] === 5);

/** Selects one transaction by id, Hoiio `txn_ref` or our `tag`. */
export type TransactionKey = { id: number } | { txn_ref: string } | { tag: string };

function byKey(key: TransactionKey) {
  if ('id' in key) return sql<boolean>`id = ${key.id}`;
  if ('txn_ref' in key) return sql<boolean>`txn_ref = ${key.txn_ref}`;
  return sql<boolean>`tag = ${key.tag}`;
}

/**
 * Inserts a transaction. Returns `null` when its `tag` or `txn_ref` already exists (a replayed
 * request or notification): nothing was written.
 */
export async function insertTransaction(db: Kysely<Database>, row: NewTransactionRow): Promise<TransactionRow | null> {
  const inserted = await db
    .insertInto('transactions')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? null;
}

export async function findTransactionById(db: Kysely<Database>, id: number): Promise<TransactionRow | undefined> {
  return db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTransactionByTxnRef(
  db: Kysely<Database>,
  txnRef: string,
): Promise<TransactionRow | undefined> {
  return db.selectFrom('transactions').selectAll().where('txn_ref', '=', txnRef).executeTakeFirst();
}

export async function findTransactionByTag(db: Kysely<Database>, tag: string): Promise<TransactionRow | undefined> {
  return db.selectFrom('transactions').selectAll().where('tag', '=', tag).executeTakeFirst();
}

/** A status change and the facts that came with it (applied only together with the status). */
export interface TransactionStatusChange {
  status: TxnStatus;
  /** The provider's date of this status (Hoiio's `date`, converted); breaks ties between final statuses. */
  provider_date?: Date | null;
  txn_ref?: string;
  error_code?: string | null;
  currency?: string | null;
  rate?: string | null;
  debit?: string | null;
  duration?: number | null;
  pages?: number | null;
  segments?: number | null;
  /** The raw notification. */
  raw?: JsonValue;
}

const RANK_SQL = sql.raw(
  `case status ${Object.entries(TXN_STATUS_RANK)
    .map(([s, r]) => `when '${s}' then ${r}`)
    .join(' ')} end`,
);

/**
 * Applies a status change MONOTONICALLY: only to a higher-ranked status (a late `sent` never
 * overwrites `delivered`), or to a different status of the same rank when its `provider_date` is
 * later than the stored one (`failed` vs `delivered`: the latest wins). The same status again is no
 * change. Atomic (one UPDATE), so concurrent notifications cannot interleave.
 * @returns whether the row changed.
 */
export async function updateTransactionStatus(
  db: Kysely<Database>,
  key: TransactionKey,
  change: TransactionStatusChange,
): Promise<boolean> {
  const { status, raw, provider_date: providerDate, ...facts } = change;
  const rank = TXN_STATUS_RANK[status];
  const patch: TransactionRowUpdate = { ...facts, status };
  if (raw !== undefined) patch.raw = json(raw);
  if (providerDate) patch.provider_date = providerDate;
  const laterDate = providerDate
    ? sql<boolean>`(provider_date is null or provider_date < ${providerDate})`
    : sql<boolean>`false`;
  const r = await db
    .updateTable('transactions')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where(byKey(key))
    .where('status', '<>', status)
    .where(sql<boolean>`(${RANK_SQL} < ${rank} or (${RANK_SQL} = ${rank} and ${laterDate}))`)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Sets fields unconditionally (Slack ts, text, links). Use `updateTransactionStatus` for `status`. */
export async function updateTransaction(
  db: Kysely<Database>,
  id: number,
  patch: Omit<TransactionRowUpdate, 'id' | 'status' | 'created_at'>,
): Promise<TransactionRow | undefined> {
  return db
    .updateTable('transactions')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Merges `meta` into the transaction's `meta` object (shallow, keys in `meta` win). */
export async function mergeTransactionMeta(
  db: Kysely<Database>,
  id: number,
  meta: JsonObject,
): Promise<TransactionRow | undefined> {
  return db
    .updateTable('transactions')
    .set({ meta: sql<string>`meta || ${json(meta)}::jsonb`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Filters for {@link listTransactions}; all optional and combined with AND. */
export interface TransactionFilter {
  kind?: TxnKind | readonly TxnKind[];
  direction?: TxnDirection;
  status?: TxnStatus | readonly TxnStatus[];
  /** The outside party (`contact_number`), E.164. */
  number?: string;
  channelId?: string;
  userId?: string;
  since?: Date;
  until?: Date;
  /** Keyset paging: rows strictly older than this one (pass the last row of the previous page). */
  before?: Pick<TransactionRow, 'created_at' | 'id'>;
  /** Default 20, at most 1000. */
  limit?: number;
  offset?: number;
}

/** Transactions, newest first (history, export, App Home). */
export async function listTransactions(
  db: Kysely<Database>,
  filter: TransactionFilter = {},
): Promise<TransactionRow[]> {
  let q = db.selectFrom('transactions').selectAll();
  if (filter.kind !== undefined)
    q = q.where('kind', 'in', typeof filter.kind === 'string' ? [filter.kind] : filter.kind);
  if (filter.status !== undefined)
    q = q.where('status', 'in', typeof filter.status === 'string' ? [filter.status] : filter.status);
  if (filter.direction) q = q.where('direction', '=', filter.direction);
  if (filter.number) q = q.where('contact_number', '=', filter.number);
  if (filter.channelId) q = q.where('slack_channel_id', '=', filter.channelId);
  if (filter.userId) q = q.where('slack_user_id', '=', filter.userId);
  if (filter.since) q = q.where('created_at', '>=', filter.since);
  if (filter.until) q = q.where('created_at', '<', filter.until);
  if (filter.before) {
    const { created_at, id } = filter.before;
    q = q.where(sql<boolean>`(created_at, id) < (${created_at}, ${id})`);
  }
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(1000, Math.max(1, filter.limit ?? 20)))
    .offset(filter.offset ?? 0)
    .execute();
}

/**
 * Total `debit` of transactions created at or after `since` (e.g. the 1st of the month), as a decimal
 * string (`'0'` when none). An account has one currency; the sum does not convert between currencies.
 */
export async function spendSince(db: Kysely<Database>, since: Date): Promise<string> {
  const row = await db
    .selectFrom('transactions')
    .select(sql<string>`coalesce(sum(debit), 0)::text`.as('total'))
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return row.total;
}
