/**
 * The `ivr` relay handler: drives inbound calls. A caller is waiting, so the next block is requested as soon as
 * the notification's state change is committed (one short db transaction), and the card is synced afterwards.
 *
 * Per notification: (1) in one db transaction, read the session (ivr_sessions), let the pure driver decide, store
 * the new state with the block to send as `pending` (optimistic version check; a conflict re-reads and decides
 * again); (2) send the block; (3) mark it sent and mirror the session onto the call's transaction (status, who is
 * ringing, digits, voicemail) with a card sync. A retry of the same event re-sends a pending block that was not
 * sent; a duplicate or late notification is ignored by the driver (step numbers). All state is in the database, so
 * another instance (or a restarted one) can take the next notification.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { RetryAfterError } from '../../../db/job-errors.js';
import { type JsonObject, json } from '../../../db/json.js';
import { findIvrSession, insertIvrSession, updateIvrSession } from '../../../db/repositories/ivr-sessions.js';
import { findTransactionByTxnRef, insertTransaction } from '../../../db/repositories/transactions.js';
import type { IvrSessionRow } from '../../../db/tables/ivr-sessions.js';
import {
  HoiioApiError,
  HoiioInvalidRequestError,
  HoiioSessionError,
  type IvrNotification,
  isE164,
  isOutcomeUnknown,
} from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { InboundContext, InboundOutcome } from '../../inbound/inbound-registry.js';
import { decideIvr, type IvrBlockRequest, type IvrRoute, type IvrState } from './ivr-driver.js';
import { type Billing, ivrStatus, mirrorSession } from './ivr-mirror.js';
import { loadIvrRoute } from './ivr-route.js';
import { sendIvrBlock } from './ivr-send.js';
import { enqueueIvrSweep } from './ivr-sweep.js';

/** What `ivr_sessions.data` holds: the driver's state and the block being sent. */
export interface StoredIvr {
  readonly state: IvrState;
  /** The block decided for `eventId`, until it is known to be sent. */
  readonly pending?:
    | { readonly request: IvrBlockRequest; readonly eventId: number; readonly sent: boolean }
    | undefined;
  /** Hoiio accepted a block for this session: the call is real (a forged answer never gets this far). */
  readonly verified?: boolean | undefined;
  /** Hoiio refused the session itself (unknown or another account's). */
  readonly rejected?: boolean | undefined;
}

/** How long to wait before asking again when Hoiio says the session is not ready. */
export const NOT_READY_RETRY_MS = 250;
/** Blocks Hoiio refused (bad greeting text, bad ring-list number) are skipped at most this many times per event. */
const MAX_FALLBACKS = 4;

type Notification = Parameters<typeof decideIvr>[2];

/** Reads the stored session (written by this module only). */
export function readStoredIvr(row: IvrSessionRow): { stored: StoredIvr; route: IvrRoute } {
  return { stored: row.data as unknown as StoredIvr, route: row.route as unknown as IvrRoute };
}

function asJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** The `step` our notify URLs carry (Hoiio passes query parameters back). */
export function parseStep(value: string | undefined): number | undefined {
  return value !== undefined && /^[0-9]{1,6}$/.test(value) ? Number(value) : undefined;
}

function billingOf(n: IvrNotification): Billing | undefined {
  if (n.callState !== 'ended') return undefined;
  return { minutes: n.duration, currency: n.currency, rate: n.rate, debit: n.debit, date: n.date };
}

function recordSeconds(n: IvrNotification): number | undefined {
  const raw = n.extra['record_duration'];
  return raw !== undefined && /^[0-9]{1,6}$/.test(raw) ? Number(raw) : undefined;
}

type Plan =
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'done'; readonly row: IvrSessionRow }
  | { readonly kind: 'send'; readonly row: IvrSessionRow; readonly request: IvrBlockRequest };

/** The relay handler of `ivr` notifications. */
export async function relayIvr(n: IvrNotification, context: InboundContext): Promise<InboundOutcome> {
  const { deps } = context;
  const note: Notification = { ...n, recordSeconds: recordSeconds(n) };
  const step = parseStep(n.extra['step']);
  if (n.block !== 'answer' && n.callState === 'ended') {
    const unseen = await relayUnseenCall(n, context);
    if (unseen !== undefined) return unseen;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const plan = await deps.db.transaction().execute((trx) => planStep(trx, deps, n, note, step, context.event.id));
    if (plan.kind === 'conflict') continue;
    if (plan.kind === 'ignore') return { state: 'ignored', reason: plan.reason };
    const row = plan.kind === 'send' ? await sendAndSettle(deps, plan.row, plan.request, context) : plan.row;
    const { stored, route } = readStoredIvr(row);
    if (stored.rejected) return { state: 'unverified', reason: 'Hoiio does not know this call session' };
    return callOutcome(row, route);
  }
  throw Object.assign(new Error(`IVR session ${n.session} kept changing`), { code: 'ivr_session_conflict' });
}

/**
 * The end of a call whose answer notification never reached us (the app was down or restarting when it rang, and
 * Hoiio does not retry): without this the caller would vanish. Once voice/query_status confirms the call, it
 * becomes a missed call with Hoiio's billing and a card in the caller's thread. Undefined: the session is known (the
 * driver takes the notification).
 */
async function relayUnseenCall(n: IvrNotification, context: InboundContext): Promise<InboundOutcome | undefined> {
  const { deps } = context;
  if ((await findIvrSession(deps.db, n.session)) !== undefined) return undefined;
  try {
    await deps.hoiio.voice.queryStatus({ txnRef: n.txnRef }, { signal: context.signal });
  } catch (error) {
    if (error instanceof HoiioInvalidRequestError)
      return { state: 'unverified', reason: 'Hoiio does not know this call' };
    throw error; // Hoiio unreachable: the job retries
  }
  const row = await deps.db.transaction().execute(async (trx) => {
    const route = await callRoute(trx, deps, n);
    const state: IvrState = { phase: 'ended', step: 0, ring: route.ring, ringIndex: 0, outcome: 'missed' };
    const inserted = await insertCall(trx, n, route, { state, verified: true }, { unseen: true });
    if (inserted === null) return undefined; // its answer notification arrived meanwhile
    await mirrorSession(trx, inserted, billingOf(n));
    return { row: inserted, route };
  });
  if (row === undefined) return undefined;
  deps.logger.info({ session: n.session }, 'a call ended whose answer notification never came: a missed call');
  return callOutcome(row.row, row.route);
}

/** What the relay reports for a call it handled: where its card went, and its transaction. */
function callOutcome(row: IvrSessionRow, route: IvrRoute): InboundOutcome {
  const outcome: InboundOutcome = {
    state: route.channelId === null ? 'unrouted' : 'processed',
    ...(row.transaction_id !== null ? { transactionId: row.transaction_id } : {}),
  };
  return route.channelId === null ? { ...outcome, reason: 'no route for the number and no DEFAULT_CHANNEL' } : outcome;
}

async function planStep(
  trx: Kysely<Database>,
  deps: BotDeps,
  n: IvrNotification,
  note: Notification,
  step: number | undefined,
  eventId: number,
): Promise<Plan> {
  const row = await findIvrSession(trx, n.session);
  if (row === undefined) {
    if (n.block !== 'answer') return { kind: 'ignore', reason: 'no such call session' };
    return startSession(trx, deps, n, eventId);
  }
  const { stored, route } = readStoredIvr(row);
  const pending = stored.pending;
  if (pending !== undefined && !pending.sent && pending.eventId === eventId && stored.state.phase !== 'ended') {
    return { kind: 'send', row, request: pending.request }; // this event's block, not sent yet (a retry)
  }
  const decision = decideIvr(stored.state, route, note, step);
  if (decision.kind === 'ignore') return { kind: 'ignore', reason: `${n.block} notification: ${decision.reason}` };
  const next: StoredIvr = {
    ...stored,
    state: decision.state,
    pending: decision.block !== undefined ? { request: decision.block, eventId, sent: false } : undefined,
    // A notification for a later block proves Hoiio ran ours: the session is real.
    verified: stored.verified === true || !stored.rejected,
  };
  const updated = await saveSession(trx, row, next);
  if (updated === undefined) return { kind: 'conflict' };
  if (decision.block !== undefined) return { kind: 'send', row: updated, request: decision.block };
  await mirrorSession(trx, updated, billingOf(n));
  return { kind: 'done', row: updated };
}

async function startSession(trx: Kysely<Database>, deps: BotDeps, n: IvrNotification, eventId: number): Promise<Plan> {
  const route = await callRoute(trx, deps, n);
  const decision = decideIvr(undefined, route, n, undefined);
  if (decision.kind === 'ignore' || decision.block === undefined) return { kind: 'ignore', reason: 'not an answer' };
  const stored: StoredIvr = { state: decision.state, pending: { request: decision.block, eventId, sent: false } };
  const row = await insertCall(trx, n, route, stored);
  if (row === null) return { kind: 'ignore', reason: 'answer notification: duplicate' };
  return { kind: 'send', row, request: decision.block };
}

/** The route of the number `n` called (or the default channel's). */
function callRoute(trx: Kysely<Database>, deps: BotDeps, n: IvrNotification): Promise<IvrRoute> {
  return loadIvrRoute(trx, e164(n.to), deps.config.defaultChannel, e164(n.from));
}

function e164(number: string | undefined): string | undefined {
  return number !== undefined && isE164(number) ? number : undefined;
}

/**
 * Inserts the call's transaction (status from `stored`) and its session; null when the session exists already
 * (another notification of the call created it first).
 */
async function insertCall(
  trx: Kysely<Database>,
  n: IvrNotification,
  route: IvrRoute,
  stored: StoredIvr,
  meta: JsonObject = {},
): Promise<IvrSessionRow | null> {
  const from = e164(n.from) ?? null;
  const to = e164(n.to) ?? null;
  const txn =
    (await insertTransaction(trx, {
      kind: 'ivr',
      direction: 'in',
      status: ivrStatus(stored.state),
      txn_ref: n.txnRef,
      from_number: from,
      to_number: to,
      contact_number: from,
      our_number: to,
      slack_channel_id: route.channelId,
      raw: json(n.raw),
      meta: json({ thread: 'contact', session: n.session, unrouted: !route.routed, ...meta }),
    })) ?? (await findTransactionByTxnRef(trx, n.txnRef));
  return insertIvrSession(trx, {
    session: n.session,
    txn_ref: n.txnRef,
    transaction_id: txn?.id ?? null,
    from_number: from,
    to_number: to,
    state: stored.state.phase,
    route: asJson(route),
    data: asJson(stored),
    ended: stored.state.phase === 'ended',
  });
}

function saveSession(trx: Kysely<Database>, row: IvrSessionRow, next: StoredIvr): Promise<IvrSessionRow | undefined> {
  return updateIvrSession(trx, row.session, row.version, {
    state: next.state.phase,
    step: next.state.step,
    data: asJson(next),
    ended: next.state.phase === 'ended',
  });
}

/**
 * Sends the block, then records the result. A block Hoiio refuses for its content is skipped (the driver moves on
 * as if it had failed); a session that ended meanwhile ends the call; "not ready" retries shortly.
 */
async function sendAndSettle(
  deps: BotDeps,
  planned: IvrSessionRow,
  first: IvrBlockRequest,
  context: InboundContext,
): Promise<IvrSessionRow> {
  let row = planned;
  let request = first;
  for (let fallback = 0; ; fallback++) {
    const result = await sendIvrBlock(deps, row.session, request, context.signal).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (result.ok) {
      const first = !readStoredIvr(row).stored.verified;
      return settle(deps, row, (s) => ({ ...s, verified: true, pending: sentPending(s) }), first);
    }
    const { error } = result;
    if (error instanceof HoiioSessionError) {
      if (error.kind === 'not_ready')
        throw new RetryAfterError(NOT_READY_RETRY_MS, 'IVR session not ready', { cause: error });
      const { stored } = readStoredIvr(row);
      const unknownSession = (error.kind === 'invalid' || error.kind === 'access_denied') && !stored.verified;
      deps.logger.info({ session: row.session, kind: error.kind }, 'IVR session over');
      return settle(deps, row, (s) => ({
        ...s,
        state: { ...s.state, phase: 'ended', outcome: s.state.outcome ?? 'missed' },
        pending: undefined,
        ...(unknownSession ? { rejected: true } : { verified: true }),
      }));
    }
    if (error instanceof HoiioApiError && fallback < MAX_FALLBACKS) {
      deps.logger.warn(
        { session: row.session, block: request.block, status: error.status },
        'IVR block refused; skipping it',
      );
      const skipped = await skipRefusedBlock(deps, row, request, context.event.id);
      if (skipped === undefined) return row;
      if (skipped.request === undefined) return skipped.row;
      row = skipped.row;
      request = skipped.request;
      continue;
    }
    if (isOutcomeUnknown(error)) {
      // It may have reached Hoiio: never send it twice. If it did not, the caller's hang-up ends the session.
      deps.logger.warn({ err: error, session: row.session }, 'IVR block outcome unknown; treated as sent');
      return settle(deps, row, (s) => ({ ...s, pending: sentPending(s) }));
    }
    throw error; // nothing reached Hoiio: the job retries and re-sends the pending block
  }
}

function sentPending(s: StoredIvr): StoredIvr['pending'] {
  return s.pending !== undefined ? { ...s.pending, sent: true } : undefined;
}

/** As if the refused block had run and failed: the driver picks what comes next. */
async function skipRefusedBlock(
  deps: BotDeps,
  row: IvrSessionRow,
  request: IvrBlockRequest,
  eventId: number,
): Promise<{ row: IvrSessionRow; request: IvrBlockRequest | undefined } | undefined> {
  const failed: Notification =
    request.block === 'transfer'
      ? { block: 'transfer', callState: 'ongoing', transferStatus: 'failed' }
      : request.block === 'record'
        ? { block: 'record', callState: 'ongoing', recordStatus: 'failed' }
        : request.block === 'gather'
          ? { block: 'gather', callState: 'ongoing', digits: '' }
          : request.block === 'play'
            ? { block: 'play', callState: 'ongoing' }
            : { block: 'hangup', callState: 'ended' };
  return deps.db.transaction().execute(async (trx) => {
    const current = await findIvrSession(trx, row.session);
    if (current === undefined || current.version !== row.version) return undefined; // moved on meanwhile
    const { stored, route } = readStoredIvr(current);
    const decision = decideIvr(stored.state, route, failed, request.step);
    if (decision.kind === 'ignore') return undefined;
    const next: StoredIvr = {
      ...stored,
      state: decision.state,
      pending: decision.block !== undefined ? { request: decision.block, eventId, sent: false } : undefined,
    };
    const updated = await saveSession(trx, current, next);
    if (updated === undefined) return undefined;
    if (decision.block === undefined) await mirrorSession(trx, updated, undefined);
    return { row: updated, request: decision.block };
  });
}

/**
 * Applies `change` to the session unless it moved on meanwhile, then mirrors the latest state onto the card.
 * `sweep`: Hoiio just accepted the call's first block: queue its sweep.
 */
async function settle(
  deps: BotDeps,
  row: IvrSessionRow,
  change: (stored: StoredIvr) => StoredIvr,
  sweep = false,
): Promise<IvrSessionRow> {
  return deps.db.transaction().execute(async (trx) => {
    const current = await findIvrSession(trx, row.session);
    if (current === undefined) return row;
    let latest = current;
    if (current.version === row.version) {
      latest = (await saveSession(trx, current, change(readStoredIvr(current).stored))) ?? current;
    }
    await mirrorSession(trx, latest, undefined);
    if (sweep) await enqueueIvrSweep(trx, row.session, deps.clock.now());
    return latest;
  });
}
