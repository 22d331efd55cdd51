/**
 * The `sms.incoming` relay handler: verify through sms/query_status, route, then in ONE db transaction record the
 * SMS (or join it to the previous part of a long message), apply STOP/START and queue the card sync. The card goes
 * in the contact's thread (`meta.thread = 'contact'`); the poster starts the thread with the header card.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/database.js';
import { json } from '../../../db/json.js';
import { clearOptOut, recordOptOut } from '../../../db/repositories/opt-outs.js';
import { insertTransaction, updateTransaction } from '../../../db/repositories/transactions.js';
import type { TransactionRow } from '../../../db/tables/transactions.js';
import type { IncomingSmsNotification, SmsRecord } from '../../../hoiio/index.js';
import { enqueueCardSync } from '../../cards/enqueue-card-sync.js';
import type { InboundContext, InboundOutcome } from '../../inbound/inbound-registry.js';
import { optChange } from './opt-out.js';
import { routeInbound } from './routing.js';
import { continuesMessage, joinParts, type SmsPart } from './sms-parts.js';
import { isUnknownTxnRef, recordMismatch } from './verify.js';

/** The same pattern the database CHECKs numbers against. */
export const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

/** Meta of an incoming SMS transaction. */
interface IncomingSmsMeta {
  thread: 'contact';
  /** The parts it arrived in (one for most messages). */
  parts: { txn_ref: string; text: string; at: string }[];
  /** STOP/UNSUBSCRIBE (`out`) or START (`in`). */
  opt?: 'out' | 'in';
}

/** Relays one incoming SMS notification (see the module comment). Idempotent. */
export async function relayIncomingSms(n: IncomingSmsNotification, context: InboundContext): Promise<InboundOutcome> {
  const { deps, signal } = context;
  const { db, hoiio, config, clock } = deps;
  if (!E164_PATTERN.test(n.from) || !E164_PATTERN.test(n.to)) {
    return { state: 'ignored', reason: 'the sender or our number is not an E.164 number' };
  }
  const done = await findIncomingSmsByPart(db, n.from, n.txnRef);
  if (done) return { state: 'processed', transactionId: done.id };

  let record: SmsRecord;
  try {
    record = await hoiio.sms.queryStatus({ txnRef: n.txnRef }, { signal });
  } catch (error) {
    if (isUnknownTxnRef(error)) return { state: 'unverified', reason: 'Hoiio does not know this SMS (txn_ref)' };
    throw error; // network, rate limit, service: the job retries
  }
  const mismatch = recordMismatch({ src: n.from, dest: n.to }, { src: record.src, dest: record.dest });
  if (mismatch.length > 0) {
    return { state: 'unverified', reason: `Hoiio's record differs from the notification (${mismatch.join(', ')})` };
  }

  const route = await routeInbound(db, n.to, config.defaultChannel);
  if (!route) return { state: 'unrouted', reason: `no route for ${n.to} and no DEFAULT_CHANNEL` };

  const text = record.msg ?? n.msg;
  const at = (record.date ?? n.date ?? clock.now()).toISOString();
  const part: SmsPart = { txnRef: n.txnRef, text, at };
  const opt = optChange(text);

  const txn = await db.transaction().execute(async (trx) => {
    // One contact's messages in one channel are handled one at a time, so parts of a long SMS see each other.
    await sql`select pg_advisory_xact_lock(hashtext(${`inbound-sms:${route.channelId}:${n.from}`}))`.execute(trx);
    const again = await findIncomingSmsByPart(trx, n.from, n.txnRef);
    if (again) return again;

    const latest = await latestSms(trx, route.channelId, n.from);
    if (latest && opt === undefined) {
      const meta = readMeta(latest);
      const parts = meta.parts.map((p) => ({ txnRef: p.txn_ref, text: p.text, at: p.at }));
      if (
        latest.direction === 'in' &&
        latest.our_number === n.to &&
        meta.opt === undefined &&
        continuesMessage(parts, part)
      ) {
        const all = [...parts, part];
        const joined = await updateTransaction(trx, latest.id, {
          text: joinParts(all),
          meta: json({ ...meta, parts: all.map((p) => ({ txn_ref: p.txnRef, text: p.text, at: p.at })) }),
        });
        if (joined) await enqueueCardSync(trx, joined);
        return joined ?? latest;
      }
    }

    const meta: IncomingSmsMeta = {
      thread: 'contact',
      parts: [{ txn_ref: n.txnRef, text, at }],
      ...(opt ? { opt: opt.kind } : {}),
    };
    const inserted = await insertTransaction(trx, {
      kind: 'sms',
      direction: 'in',
      status: 'received',
      txn_ref: n.txnRef,
      from_number: n.from,
      to_number: n.to,
      contact_number: n.from,
      our_number: n.to,
      text,
      currency: record.currency ?? n.currency ?? null,
      debit: record.debit ?? n.debit ?? null,
      provider_date: new Date(at),
      slack_channel_id: route.channelId,
      raw: json(n.raw),
      meta: json(meta),
    });
    if (!inserted) return undefined; // a concurrent run recorded it: nothing more to do
    if (opt?.kind === 'out') await recordOptOut(trx, n.from, { keyword: opt.keyword, sourceTxnRef: n.txnRef });
    if (opt?.kind === 'in') await clearOptOut(trx, n.from);
    await enqueueCardSync(trx, inserted);
    return inserted;
  });
  deps.jobWake.wake();
  return txn ? { state: 'processed', transactionId: txn.id } : { state: 'processed' };
}

/** The incoming SMS transaction that holds the part `txnRef` (its own txn_ref, or joined into it). */
async function findIncomingSmsByPart(
  db: Kysely<Database>,
  from: string,
  txnRef: string,
): Promise<TransactionRow | undefined> {
  const containment = json({ parts: [{ txn_ref: txnRef }] });
  return db
    .selectFrom('transactions')
    .selectAll()
    .where('kind', '=', 'sms')
    .where('direction', '=', 'in')
    .where('contact_number', '=', from)
    .where((eb) => eb.or([eb('txn_ref', '=', txnRef), sql<boolean>`meta @> ${containment}::jsonb`]))
    .executeTakeFirst();
}

/** The contact's latest SMS (in or out) in the channel: a long message's parts are consecutive. */
async function latestSms(db: Kysely<Database>, channelId: string, number: string): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('transactions')
    .selectAll()
    .where('contact_number', '=', number)
    .where('slack_channel_id', '=', channelId)
    .where('kind', '=', 'sms')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The incoming SMS meta of a row, tolerating rows written before a field existed. */
export function readMeta(txn: Pick<TransactionRow, 'meta' | 'txn_ref' | 'text' | 'created_at'>): IncomingSmsMeta {
  const meta = txn.meta as Partial<IncomingSmsMeta>;
  const parts = Array.isArray(meta.parts)
    ? meta.parts
    : [{ txn_ref: txn.txn_ref ?? '', text: txn.text ?? '', at: txn.created_at.toISOString() }];
  return {
    thread: 'contact',
    parts,
    ...(meta.opt === 'out' || meta.opt === 'in' ? { opt: meta.opt } : {}),
  };
}
