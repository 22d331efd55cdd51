/**
 * IVR sessions (hoiio-api.md §3.3, §4): ringing → ongoing → ended. A block runs for a simulated
 * moment; the session is ready for the next block once its notification is sent. While a block
 * runs the session answers `error_session_not_ready`; after an End block `error_session_ended`;
 * while on hold everything but Unhold is refused. An incoming call plays the caller's script
 * against whatever blocks the application sends.
 */
import { addMoney, type Money, multiplyMoney } from '../money.js';
import { MIN_PATIENCE_MS, type SandboxContext, SIM_SECONDS, STEP_MS } from './context.js';
import { amount, billedMinutes, type EndpointResult, hoiioDate } from './endpoint.js';
import { silentMp3 } from './mp3.js';
import type { NotificationParams } from './notifier.js';
import { legOutcome } from './open-voice.js';
import { callRate, INCOMING_RATES, SANDBOX_CURRENCY } from './rates.js';
import type { Cancel } from './scheduler.js';
import type { CallStatus, CallTxn } from './state.js';
import { fail } from './validation.js';

/** What the caller of a simulated incoming call does. */
export type CallerOutcome = 'hangup' | 'voicemail' | 'answer';

/** The caller's script: the outcome, the keys pressed at each Gather, the seconds recorded or talked. */
export interface CallerScript {
  outcome: CallerOutcome;
  /** One entry per Gather, in order; a Gather past the end gets no digits (timeout). */
  digits: string[];
  /** Voicemail length (outcome `voicemail`) or talk time after a transfer is answered (`answer`). */
  seconds: number;
}

/** One block the application sent, for the outbox. */
export interface IvrBlockRecord {
  block: string;
  date: string;
  params: Record<string, string>;
}

/** Parameters of a block request, already validated. */
export interface BlockParams {
  notifyUrl?: string | undefined;
  tag?: string | undefined;
  msg?: string | undefined;
  maxDigits?: number | undefined;
  maxDuration?: number | undefined;
  dest?: string | undefined;
  onFailure?: 'hangup' | 'continue';
  monitorNotifyUrl?: string | undefined;
  force?: boolean;
}

/** One IVR call: its state (`ringing` → `ongoing` → `ended`), the caller's script and the blocks sent. */
export interface IvrSession {
  session: string;
  seq: number;
  txn: CallTxn;
  direction: 'incoming' | 'outgoing';
  from?: string;
  to?: string;
  dest?: string;
  state: 'ringing' | 'ongoing' | 'ended';
  busy: boolean;
  held: boolean;
  answered: boolean;
  script: CallerScript;
  blocks: IvrBlockRecord[];
  simSeconds: number;
  gathers: number;
  recordings: number;
  baseRate: Money;
  transferRate?: Money;
  monitor?: { url: string | undefined; startSeconds: number };
  /** The running block's notification, for a hangup that interrupts it. */
  current?: { block: string; url: string | undefined; tag: string | undefined; extra: NotificationParams };
  cancelStep: Cancel;
  cancelPatience: Cancel;
}

const NOOP: Cancel = () => {};
const DEFAULT_RECORD_MAX = 120;

interface EndNotice {
  url: string | undefined;
  block: string;
  tag: string | undefined;
  extra?: NotificationParams;
}

/** Runs every IVR session of a sandbox: incoming calls, dials and the blocks applications send. */
export class IvrEngine {
  readonly sessions = new Map<string, IvrSession>();

  constructor(private readonly ctx: SandboxContext) {}

  /** Forgets every session (timers are cancelled by the scheduler). */
  reset(): void {
    this.sessions.clear();
  }

  #create(direction: 'incoming' | 'outgoing', txn: CallTxn, script: CallerScript, baseRate: Money): IvrSession {
    const s: IvrSession = {
      session: `S${this.ctx.state.nextId()}`,
      seq: txn.seq,
      txn,
      direction,
      state: 'ringing',
      busy: false,
      held: false,
      answered: false,
      script,
      blocks: [],
      simSeconds: 0,
      gathers: 0,
      recordings: 0,
      baseRate,
      cancelStep: NOOP,
      cancelPatience: NOOP,
    };
    txn.session = s.session;
    txn.hangup = () => this.#end(s, s.current ? { ...s.current } : undefined);
    this.sessions.set(s.session, s);
    return s;
  }

  /** An incoming call to `to`: the answer notification goes to the number's voice forwarding URL. */
  incoming(from: string, to: string, script: CallerScript): IvrSession {
    const txn = this.ctx.state.add<CallTxn>({
      kind: 'call',
      seq: this.ctx.state.nextSeq(),
      type: 'ivr',
      direction: 'incoming',
      txn_ref: `AA-C-${this.ctx.state.nextId()}`,
      dest1: from,
      number: to,
      call_status_dest1: 'ongoing',
      date: this.ctx.now(),
      rate: INCOMING_RATES.call,
      live: true,
    });
    const s = this.#create('incoming', txn, script, INCOMING_RATES.call);
    s.from = from;
    s.to = to;
    const url = this.ctx.state.numbers.get(to)?.forward_to ?? '';
    if (!url) {
      // Nobody to answer: the call rings out.
      s.cancelStep = this.ctx.scheduler.after(STEP_MS.ring, () => this.#end(s, undefined));
      return s;
    }
    this.ctx.notifier.send(url, { ...this.#base(s, 'answer', undefined), call_state: 'ringing' }, s.session);
    this.#wait(s, url);
    return s;
  }

  /** An outbound IVR call (ivr/start/dial). */
  dial(
    dest: string,
    opts: { msg?: string | undefined; tag?: string | undefined; notifyUrl?: string | undefined },
    sent: Record<string, string>,
  ): IvrSession {
    const txn = this.ctx.state.add<CallTxn>({
      kind: 'call',
      seq: this.ctx.state.nextSeq(),
      type: 'ivr',
      direction: 'outgoing',
      txn_ref: `AA-C-${this.ctx.state.nextId()}`,
      dest1: dest,
      call_status_dest1: 'ongoing',
      date: this.ctx.now(),
      rate: callRate(dest),
      live: true,
    });
    if (opts.tag !== undefined) txn.tag = opts.tag;
    const s = this.#create(
      'outgoing',
      txn,
      { outcome: 'answer', digits: [], seconds: SIM_SECONDS.talk },
      callRate(dest),
    );
    s.dest = dest;
    s.busy = true;
    this.#record(s, 'dial', sent);
    s.current = { block: 'dial', url: opts.notifyUrl, tag: opts.tag, extra: {} };
    s.cancelStep = this.ctx.scheduler.after(STEP_MS.ring, () => {
      const { status } = legOutcome(dest);
      txn.call_status_dest1 = status;
      if (status !== 'answered') {
        this.#end(s, { url: opts.notifyUrl, block: 'dial', tag: opts.tag, extra: { dial_status: status } });
        return;
      }
      s.answered = true;
      s.state = 'ongoing';
      if (opts.msg !== undefined) s.simSeconds += SIM_SECONDS.play;
      this.#complete(s, 'dial', opts.notifyUrl, opts.tag, { dial_status: 'answered' });
    });
    this.ctx.sessionTouched(s.session);
    return s;
  }

  /** The session a block request names, if the block may run now; otherwise answers the session error. */
  check(id: string, block: string, force = false): IvrSession {
    const s = this.sessions.get(id);
    if (!s) fail('error_invalid_session');
    if (s.state === 'ended') fail('error_session_ended');
    if (block === 'hangup' && force) return s;
    if (block === 'unhold') {
      if (!s.held) fail('error_session_not_on_hold');
      return s;
    }
    if (s.held || s.busy) fail('error_session_not_ready');
    if (block === 'monitor' && s.monitor) fail('error_monitor_in_progress');
    return s;
  }

  /** Runs a checked block; answers the success fields (a transfer into a room answers `room`). */
  run(s: IvrSession, block: string, p: BlockParams, sent: Record<string, string>): EndpointResult {
    s.cancelPatience();
    this.#record(s, block, sent);
    if (s.state === 'ringing' && block !== 'hangup') {
      s.state = 'ongoing';
      s.answered = true;
    }
    const callerLeaves =
      s.script.outcome === 'hangup' && s.direction === 'incoming' && block !== 'hangup' && block !== 'unhold';
    if (callerLeaves) {
      s.busy = true;
      const extra: NotificationParams =
        block === 'record'
          ? { record_status: 'failed' }
          : block === 'transfer'
            ? { transfer_status: 'unanswered' }
            : block === 'gather'
              ? { digits: '' }
              : {};
      s.cancelStep = this.ctx.scheduler.after(STEP_MS.block, () => {
        s.simSeconds += 3;
        this.#end(s, { url: p.notifyUrl, block, tag: p.tag, extra });
      });
      return {};
    }
    switch (block) {
      case 'play':
        return this.#step(s, block, p, SIM_SECONDS.play, () => ({}));
      case 'gather':
        return this.#step(s, block, p, SIM_SECONDS.gather, () => ({ digits: this.#digits(s, p.maxDigits ?? 0) }));
      case 'record':
        return this.#recordBlock(s, p);
      case 'monitor':
        s.monitor = { url: p.monitorNotifyUrl ?? p.notifyUrl, startSeconds: s.simSeconds };
        return this.#step(s, block, p, 1, () => ({}));
      case 'hold':
        s.held = true;
        this.ctx.sessionTouched(s.session);
        return {};
      case 'unhold':
        s.held = false;
        if (p.notifyUrl) return this.#step(s, block, p, 1, () => ({}));
        this.ctx.sessionTouched(s.session);
        return {};
      case 'transfer':
        return this.#transfer(s, p);
      case 'hangup':
        return this.#hangup(s, p);
      default:
        return fail('error_internal_server_error');
    }
  }

  #record(s: IvrSession, block: string, params: Record<string, unknown>): void {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') clean[k] = v;
    s.blocks.push({ block, date: hoiioDate(this.ctx.now()), params: clean });
    this.ctx.sessionTouched(s.session);
  }

  /** A middle block: busy for a moment, then complete. */
  #step(
    s: IvrSession,
    block: string,
    p: BlockParams,
    seconds: number,
    result: () => NotificationParams,
  ): EndpointResult {
    s.busy = true;
    s.current = { block, url: p.notifyUrl, tag: p.tag, extra: {} };
    s.cancelStep = this.ctx.scheduler.after(STEP_MS.block, () => {
      s.simSeconds += seconds;
      this.#complete(s, block, p.notifyUrl, p.tag, result());
    });
    return {};
  }

  #digits(s: IvrSession, maxDigits: number): string {
    const typed = s.script.digits[s.gathers] ?? '';
    s.gathers += 1;
    const upToHash = typed.split('#')[0] ?? '';
    return maxDigits > 0 ? upToHash.slice(0, maxDigits) : upToHash;
  }

  #recordBlock(s: IvrSession, p: BlockParams): EndpointResult {
    const seconds = Math.max(1, Math.min(s.script.seconds, p.maxDuration ?? DEFAULT_RECORD_MAX));
    const hangsUpAfter = s.script.outcome === 'voicemail';
    s.busy = true;
    s.current = { block: 'record', url: p.notifyUrl, tag: p.tag, extra: { record_status: 'failed' } };
    s.cancelStep = this.ctx.scheduler.after(STEP_MS.block, () => {
      s.recordings += 1;
      const id = this.ctx.media.put(
        'recordings',
        `rec-${s.txn.txn_ref}-${s.recordings}.mp3`,
        'audio/mpeg',
        silentMp3(seconds),
      );
      s.simSeconds += seconds;
      const extra: NotificationParams = {
        record_status: 'success',
        record_url: this.ctx.media.url(id),
        record_duration: String(seconds),
      };
      if (hangsUpAfter) this.#end(s, { url: p.notifyUrl, block: 'record', tag: p.tag, extra });
      else this.#complete(s, 'record', p.notifyUrl, p.tag, extra);
    });
    return {};
  }

  #transfer(s: IvrSession, p: BlockParams): EndpointResult {
    const dest = p.dest as string;
    const isRoom = dest.startsWith('room:');
    const room = isRoom ? dest.slice(5) || `R${this.ctx.state.nextId()}` : undefined;
    let status: CallStatus = 'answered';
    let long = false;
    if (!isRoom) {
      const leg = legOutcome(dest);
      status = s.script.outcome === 'voicemail' && leg.status === 'answered' ? 'unanswered' : leg.status;
      long = leg.long;
    }
    s.busy = true;
    s.txn.dest2 = isRoom ? `room:${room}` : dest;
    s.txn.call_status_dest2 = 'ongoing';
    if (room !== undefined) s.txn.room = room;
    const extra: NotificationParams = { transfer_status: status, room };
    s.current = { block: 'transfer', url: p.notifyUrl, tag: p.tag, extra };
    this.ctx.sessionTouched(s.session);
    s.cancelStep = this.ctx.scheduler.after(STEP_MS.transfer, () => {
      s.simSeconds += status === 'answered' ? 5 : SIM_SECONDS.transferRing;
      s.txn.call_status_dest2 = status;
      if (status !== 'answered') {
        if (p.onFailure === 'continue') this.#complete(s, 'transfer', p.notifyUrl, p.tag, extra);
        else this.#end(s, { url: p.notifyUrl, block: 'transfer', tag: p.tag, extra });
        return;
      }
      s.transferRate = isRoom ? INCOMING_RATES.call : callRate(dest);
      this.ctx.sessionTouched(s.session);
      if (long) return; // on the line until voice/hangup
      s.cancelStep = this.ctx.scheduler.after(STEP_MS.talk, () => {
        s.simSeconds += s.script.outcome === 'answer' ? s.script.seconds : SIM_SECONDS.talk;
        this.#end(s, { url: p.notifyUrl, block: 'transfer', tag: p.tag, extra });
      });
    });
    return room !== undefined ? { room } : {};
  }

  #hangup(s: IvrSession, p: BlockParams): EndpointResult {
    if (p.force || p.msg === undefined) {
      s.cancelStep();
      this.#end(s, { url: p.notifyUrl, block: 'hangup', tag: p.tag });
      return {};
    }
    s.busy = true;
    s.current = { block: 'hangup', url: p.notifyUrl, tag: p.tag, extra: {} };
    s.cancelStep = this.ctx.scheduler.after(STEP_MS.block, () => {
      s.simSeconds += SIM_SECONDS.play;
      this.#end(s, { url: p.notifyUrl, block: 'hangup', tag: p.tag });
    });
    return {};
  }

  #base(s: IvrSession, block: string, tag: string | undefined): NotificationParams {
    return {
      ivr_block: block,
      session: s.session,
      txn_ref: s.txn.txn_ref,
      tag,
      from: s.from,
      to: s.to,
      dest: s.dest,
    };
  }

  /** The block finished with the caller still there: ready for the next block. */
  #complete(s: IvrSession, block: string, url: string | undefined, tag: string | undefined, extra: NotificationParams) {
    delete s.current;
    if (!url && block !== 'unhold') {
      // Without a notify_url Hoiio hangs up once the block is done, and tells no one.
      this.#end(s, undefined);
      return;
    }
    s.busy = false;
    s.state = 'ongoing';
    this.ctx.sessionTouched(s.session);
    if (url) {
      this.ctx.notifier.send(url, { ...this.#base(s, block, tag), call_state: 'ongoing', ...extra }, s.session);
      this.#wait(s, url);
    }
  }

  /** The caller waits for the next block, then gives up and hangs up. */
  #wait(s: IvrSession, url: string): void {
    s.cancelPatience();
    s.cancelPatience = this.ctx.scheduler.after(
      STEP_MS.callerPatience,
      () => {
        if (s.state !== 'ended' && !s.busy) this.#end(s, { url, block: 'hangup', tag: undefined });
      },
      MIN_PATIENCE_MS,
    );
  }

  #end(s: IvrSession, notice: EndNotice | undefined): void {
    if (s.state === 'ended') return;
    s.cancelStep();
    s.cancelPatience();
    s.state = 'ended';
    s.busy = false;
    s.held = false;
    delete s.current;
    const txn = s.txn;
    txn.live = false;
    delete txn.hangup;
    if (txn.call_status_dest1 === 'ongoing') txn.call_status_dest1 = s.answered ? 'answered' : 'unanswered';
    if (txn.call_status_dest2 === 'ongoing') txn.call_status_dest2 = 'unanswered';
    const minutes = s.answered ? Math.max(1, billedMinutes(s.simSeconds)) : 0;
    txn.rate = s.transferRate ? addMoney(s.baseRate, s.transferRate) : s.baseRate;
    txn.duration = minutes;
    txn.debit = amount(multiplyMoney(txn.rate, minutes));
    this.ctx.state.debit(txn.debit);
    this.ctx.touched(txn);
    this.ctx.sessionTouched(s.session);
    const billing: NotificationParams = {
      call_state: 'ended',
      date: hoiioDate(txn.date),
      duration: String(minutes),
      currency: SANDBOX_CURRENCY,
      rate: txn.rate,
      debit: txn.debit,
    };
    if (notice?.url) {
      this.ctx.notifier.send(
        notice.url,
        { ...this.#base(s, notice.block, notice.tag), ...notice.extra, ...billing },
        s.session,
      );
    }
    if (s.monitor?.url) {
      const id = this.ctx.media.put(
        'monitor',
        `mon-${txn.txn_ref}.mp3`,
        'audio/mpeg',
        silentMp3(Math.max(1, s.simSeconds - s.monitor.startSeconds)),
      );
      this.ctx.notifier.send(
        s.monitor.url,
        { ...this.#base(s, 'monitor', undefined), monitor_url: this.ctx.media.url(id), ...billing },
        s.session,
      );
    }
  }
}
