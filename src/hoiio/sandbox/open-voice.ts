/**
 * `voice/*` and `conference/*`: two-way callbacks (leg 1 rings, then leg 2, then the call status
 * notification), conferences (one leg per participant), hangup, moderation, history, rates, status.
 */
import { addMoney, type Money, multiplyMoney } from '../money.js';
import { type SandboxContext, SIM_SECONDS, STEP_MS } from './context.js';
import {
  amount,
  billedMinutes,
  type EndpointResult,
  type EndpointSpec,
  hoiioDate,
  MAX_CONCURRENT,
  requireCredit,
  requireLine,
  requireTrialAllows,
} from './endpoint.js';
import { magicBehaviour } from './magic-numbers.js';
import { callbackRate, callRate, SANDBOX_CURRENCY } from './rates.js';
import type { CallStatus, CallTxn } from './state.js';
import {
  checkCallerId,
  checkHistoryFilter,
  checkInt,
  checkNotifyUrl,
  checkNumber,
  checkTag,
  fail,
  historyPage,
  type Params,
} from './validation.js';

const ROOM = /^[A-Za-z0-9._]{1,32}$/;

/** How a dialled leg ends up, from the magic numbers: answered unless the number says otherwise. */
export function legOutcome(number: string): { status: CallStatus; long: boolean } {
  const b = magicBehaviour(number, 'call');
  if (b === 'busy' || b === 'unanswered' || b === 'failed') return { status: b, long: false };
  return { status: 'answered', long: b === 'long_call' };
}

/** A call as query_status, get_history and notifications describe it. */
export type CallWire = {
  txn_ref: string;
  tag?: string;
  dest1: string;
  dest2?: string;
  number?: string;
  call_status_dest1: string;
  call_status_dest2?: string;
  room?: string;
  session?: string;
  date: string;
  duration?: string;
  currency: string;
  rate: string;
  debit?: string;
};

/** Fields of a call in query_status, get_history and notifications (duration and debit once ended). */
export function callFields(txn: CallTxn): CallWire {
  return {
    txn_ref: txn.txn_ref,
    ...(txn.tag !== undefined ? { tag: txn.tag } : {}),
    dest1: txn.dest1,
    ...(txn.dest2 !== undefined ? { dest2: txn.dest2 } : {}),
    ...(txn.number !== undefined ? { number: txn.number } : {}),
    call_status_dest1: txn.call_status_dest1,
    ...(txn.call_status_dest2 !== undefined ? { call_status_dest2: txn.call_status_dest2 } : {}),
    ...(txn.room !== undefined ? { room: txn.room } : {}),
    ...(txn.session !== undefined ? { session: txn.session } : {}),
    date: hoiioDate(txn.date),
    ...(txn.duration !== undefined && !txn.live ? { duration: String(txn.duration) } : {}),
    currency: SANDBOX_CURRENCY,
    rate: txn.rate,
    ...(txn.debit !== undefined && !txn.live ? { debit: amount(txn.debit) } : {}),
  };
}

/** Ends a callback or conference leg: bills it, frees the line, notifies. */
function finishCall(ctx: SandboxContext, txn: CallTxn, talkSeconds: number, notifyUrl: string | undefined): void {
  if (!txn.live) return;
  txn.live = false;
  delete txn.hangup;
  if (txn.call_status_dest1 === 'ongoing') txn.call_status_dest1 = 'unanswered';
  if (txn.call_status_dest2 === 'ongoing') txn.call_status_dest2 = 'unanswered';
  const minutes = billedMinutes(talkSeconds);
  txn.duration = minutes;
  txn.debit = amount(multiplyMoney(txn.rate, minutes));
  ctx.state.debit(txn.debit);
  ctx.touched(txn);
  if (notifyUrl) {
    const f = callFields(txn);
    ctx.notifier.send(
      notifyUrl,
      {
        txn_ref: f.txn_ref,
        tag: txn.tag ?? '',
        dest1: f.dest1,
        dest2: f.dest2,
        call_status_dest1: f.call_status_dest1,
        call_status_dest2: f.call_status_dest2,
        room: f.room,
        date: f.date,
        duration: f.duration,
        currency: f.currency,
        rate: f.rate,
        debit: f.debit,
      },
      txn.txn_ref,
    );
  }
}

/** Rings one leg then (for callbacks) the other, talks, and ends. */
function runCall(
  ctx: SandboxContext,
  txn: CallTxn,
  legs: ('dest1' | 'dest2')[],
  maxSeconds: number | undefined,
  notifyUrl: string | undefined,
): void {
  let cancel = (): void => {};
  let answeredAt: Date | undefined;
  const talkSeconds = Math.min(SIM_SECONDS.talk, maxSeconds ?? Number.POSITIVE_INFINITY);
  txn.hangup = () => {
    cancel();
    const elapsed = answeredAt ? Math.max(1, (ctx.now().getTime() - answeredAt.getTime()) / 1000) : 0;
    finishCall(ctx, txn, Math.min(elapsed, maxSeconds ?? elapsed), notifyUrl);
  };
  const ring = (i: number): void => {
    cancel = ctx.scheduler.after(STEP_MS.ring, () => {
      const leg = legs[i] as 'dest1' | 'dest2';
      const number = (leg === 'dest1' ? txn.dest1 : txn.dest2) as string;
      const { status, long } = legOutcome(number);
      txn[leg === 'dest1' ? 'call_status_dest1' : 'call_status_dest2'] = status;
      ctx.touched(txn);
      if (status !== 'answered') return finishCall(ctx, txn, 0, notifyUrl);
      if (i + 1 < legs.length) return ring(i + 1);
      answeredAt = ctx.now();
      const longCall = long || legs.some((l) => legOutcome((l === 'dest1' ? txn.dest1 : txn.dest2) ?? '').long);
      if (!longCall) cancel = ctx.scheduler.after(STEP_MS.talk, () => finishCall(ctx, txn, talkSeconds, notifyUrl));
    });
  };
  ring(0);
}

function call(ctx: SandboxContext, p: Params): EndpointResult {
  const [dest2] = p.require('dest2') as [string];
  const dest1 = p.get('dest1') ?? ctx.state.account.mobileNumber;
  checkNumber(dest1, 'error_dest1_invalid');
  checkNumber(dest2, 'error_dest2_invalid');
  if (magicBehaviour(dest1, 'call') === 'not_supported') fail('error_dest1_not_supported');
  if (magicBehaviour(dest2, 'call') === 'not_supported') fail('error_dest2_not_supported');
  if (dest1 === dest2) fail('error_same_dest1_dest2');
  const callerId = checkCallerId(p, ctx.state.callerIds());
  const maxDuration = checkInt(p.get('max_duration'), 1, 86_400, 'error_max_duration_invalid');
  const tag = checkTag(p);
  const notifyUrl = checkNotifyUrl(p);
  requireTrialAllows(ctx, dest1, dest2);
  const rate = callbackRate(dest1, dest2);
  requireCredit(ctx, rate);
  requireLine(ctx);
  const txn = ctx.state.add<CallTxn>({
    kind: 'call',
    seq: ctx.state.nextSeq(),
    type: 'callback',
    direction: 'outgoing',
    txn_ref: `AA-C-${ctx.state.nextId()}`,
    dest1,
    dest2,
    call_status_dest1: 'ongoing',
    call_status_dest2: 'ongoing',
    date: ctx.now(),
    rate,
    live: true,
  });
  if (tag !== undefined) txn.tag = tag;
  if (callerId !== undefined) txn.caller_id = callerId;
  ctx.touched(txn);
  runCall(ctx, txn, ['dest1', 'dest2'], maxDuration, notifyUrl);
  return { txn_ref: txn.txn_ref };
}

function conference(arrayRefs: boolean) {
  return (ctx: SandboxContext, p: Params): EndpointResult => {
    const [destList] = p.require('dest') as [string];
    const dests = destList.split(',').map((d) => d.trim());
    for (const d of dests) checkNumber(d, 'error_dest_invalid');
    if (dests.length > MAX_CONCURRENT) fail('error_dest_too_many');
    for (const d of dests) if (magicBehaviour(d, 'conference') === 'not_supported') fail('error_dest_not_supported');
    const roomParam = p.get('room');
    if (roomParam !== undefined && !ROOM.test(roomParam)) fail('error_invalid_room');
    const callerId = checkCallerId(p, ctx.state.callerIds());
    const tag = checkTag(p);
    const notifyUrl = checkNotifyUrl(p);
    requireTrialAllows(ctx, ...dests);
    const room = roomParam ?? `R${ctx.state.nextId()}`;
    const inRoom = [...ctx.state.txns.values()].filter((t) => t.kind === 'call' && t.room === room && t.live).length;
    if (inRoom + dests.length > MAX_CONCURRENT) fail('error_dest_too_many');
    requireCredit(
      ctx,
      dests.reduce<Money>((sum, d) => addMoney(sum, callRate(d)), '0'),
    );
    requireLine(ctx, dests.length);
    const refs = dests.map((dest) => {
      const txn = ctx.state.add<CallTxn>({
        kind: 'call',
        seq: ctx.state.nextSeq(),
        type: 'conference',
        direction: 'outgoing',
        txn_ref: `AA-C-${ctx.state.nextId()}`,
        dest1: callerId ?? ctx.state.account.mobileNumber,
        dest2: dest,
        call_status_dest1: 'answered',
        call_status_dest2: 'ongoing',
        date: ctx.now(),
        rate: callRate(dest),
        room,
        live: true,
      });
      if (tag !== undefined) txn.tag = tag;
      ctx.touched(txn);
      runCall(ctx, txn, ['dest2'], undefined, notifyUrl);
      return txn.txn_ref;
    });
    return { txn_refs: arrayRefs ? refs : refs.join(','), room };
  };
}

function findCall(ctx: SandboxContext, ref: string): CallTxn {
  const txn = ctx.state.txns.get(ref);
  if (txn?.kind !== 'call') fail('error_invalid_txn_ref');
  return txn;
}

function hangup(ctx: SandboxContext, p: Params): EndpointResult {
  const [ref] = p.require('txn_ref') as [string];
  const txn = findCall(ctx, ref);
  if (txn.live) txn.hangup?.();
  return {};
}

function moderate(ctx: SandboxContext, p: Params): EndpointResult {
  const [ref, action] = p.require('txn_ref', 'action') as [string, string];
  if (action !== 'kick' && action !== 'mute' && action !== 'unmute') fail('error_invalid_action');
  const txn = findCall(ctx, ref);
  if (txn.type !== 'conference') fail('error_invalid_txn_ref');
  if (!txn.live) return {};
  if (action === 'kick') txn.hangup?.();
  else {
    txn.muted = action === 'mute';
    ctx.touched(txn);
  }
  return {};
}

function history(ctx: SandboxContext, p: Params): EndpointResult {
  const filter = checkHistoryFilter(p);
  const items = [...ctx.state.txns.values()].filter((t): t is CallTxn => t.kind === 'call');
  return historyPage(items, filter, callFields);
}

function rate(ctx: SandboxContext, p: Params): EndpointResult {
  const [dest2] = p.require('dest2') as [string];
  const dest1 = p.get('dest1') ?? ctx.state.account.mobileNumber;
  checkNumber(dest1, 'error_dest1_invalid');
  checkNumber(dest2, 'error_dest2_invalid');
  if (magicBehaviour(dest1, 'call') === 'not_supported') fail('error_dest1_not_supported');
  if (magicBehaviour(dest2, 'call') === 'not_supported') fail('error_dest2_not_supported');
  const r = callbackRate(dest1, dest2);
  const cents = (m: Money): bigint => BigInt(amount(m).replace('.', '').replace('-', ''));
  const balance = amount(ctx.state.balance());
  const talktime = balance.startsWith('-') ? 0n : cents(balance) / cents(r);
  return { currency: SANDBOX_CURRENCY, rate: r, talktime: talktime.toString() };
}

function queryStatus(ctx: SandboxContext, p: Params): EndpointResult {
  const [ref] = p.require('txn_ref') as [string];
  return callFields(findCall(ctx, ref));
}

/** The `voice/*` and `conference/*` endpoints. */
export const VOICE_ENDPOINTS: Record<string, EndpointSpec> = {
  'voice/call': { handler: call },
  'voice/conference': { handler: conference(false) },
  'conference/call': { handler: conference(true) },
  'conference/moderate': { handler: moderate, query: true },
  'voice/hangup': { handler: hangup, query: true },
  'voice/get_history': { handler: history, query: true },
  'voice/get_rate': { handler: rate, query: true },
  'voice/query_status': { handler: queryStatus, query: true },
};
