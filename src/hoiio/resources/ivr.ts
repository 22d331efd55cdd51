/**
 * `ivr/…` endpoints: the call-flow blocks. Start (dial) → Middle blocks (play, gather, record,
 * monitor, hold, unhold) → End (transfer, hangup). Send the next block only after the previous
 * block's notification, else `HoiioSessionError` with kind `not_ready`. Never retried by default.
 */
import type { RequestOptions } from '../hoiio-client.js';
import { compact } from '../internal/wire.js';
import { HoiioResource } from './hoiio-resource.js';

/** Fields every block accepts. */
export interface IvrBlockCommon {
  /** Your reference, echoed in the block's notification. */
  tag?: string | undefined;
  /** Receives the block's notification; without it some blocks hang up when done. */
  notifyUrl?: string | undefined;
}

/** Fields of every Middle and End block. */
export interface IvrSessionBlock extends IvrBlockCommon {
  /** The call session, e.g. `S4643`. */
  session: string;
  /** Text to speak (≤ 1000 characters; `<speech>` and `<url>` markup allowed). */
  msg?: string | undefined;
}

/** `ivr/start/dial` parameters. */
export interface IvrDialParams extends IvrBlockCommon {
  dest: string;
  /** Played when answered. */
  msg?: string | undefined;
  callerId?: string | undefined;
  /** Maximum call length in seconds. */
  maxDuration?: number | undefined;
}

/** `ivr/start/dial` result. */
export interface IvrDialResult {
  txnRef: string;
  session: string;
}

/** `ivr/middle/play` parameters. */
export type IvrPlayParams = IvrSessionBlock;

/** `ivr/middle/gather` parameters. */
export interface IvrGatherParams extends IvrSessionBlock {
  /** 0–255; 0 (default) ends input only on `#` or timeout. */
  maxDigits?: number | undefined;
  /** Seconds the caller has to answer. */
  timeout?: number | undefined;
  /** How many times the prompt is tried. */
  attempts?: number | undefined;
  /** Receives the digits. */
  notifyUrl: string;
}

/** `ivr/middle/record` parameters. */
export interface IvrRecordParams extends IvrSessionBlock {
  /** Seconds, 1–86400; Hoiio's default 120. */
  maxDuration?: number | undefined;
  /** Receives the recording's URL. */
  notifyUrl: string;
}

/** `ivr/middle/monitor` parameters. */
export interface IvrMonitorParams extends IvrSessionBlock {
  /** Receives the recording of the whole conversation when the call ends. */
  monitorNotifyUrl?: string | undefined;
}

/** `ivr/middle/hold` parameters. */
export interface IvrHoldParams {
  session: string;
  /** Looped while on hold; default: hold music. */
  msg?: string | undefined;
}

/** `ivr/middle/unhold` parameters. */
export interface IvrUnholdParams extends IvrBlockCommon {
  session: string;
}

/** What a Transfer does when the destination does not answer: end the call, or notify and go on. */
export type IvrTransferOnFailure = 'hangup' | 'continue';

/** `ivr/end/transfer` parameters. */
export interface IvrTransferParams extends IvrSessionBlock {
  /** E.164 number, or `room:R1234` for a conference room (`room:` makes a new room). */
  dest: string;
  callerId?: string | undefined;
  /** Default (Hoiio's) `hangup`. */
  onFailure?: IvrTransferOnFailure | undefined;
}

/** `ivr/end/transfer` result. */
export interface IvrTransferResult {
  /** The conference room, when transferring into one. */
  room?: string;
}

/** `ivr/end/hangup` parameters. */
export interface IvrHangupParams extends IvrSessionBlock {
  /** Hang up at once, even mid-block (sent as `force=enabled`); `msg` must then be omitted. */
  force?: boolean | undefined;
}

interface IvrDialWire {
  txn_ref: string;
  session: string;
}

interface IvrTransferWire {
  room?: string;
}

/** The `ivr/…` block endpoints. */
export class Ivr extends HoiioResource {
  /**
   * Starts an outbound IVR call (`ivr/start/dial`).
   * @throws HoiioInvalidRequestError (`dest`, `caller_id`, `max_duration`), HoiioInsufficientCreditError,
   *   HoiioServiceError (concurrent call limit), HoiioTimeoutError, …
   */
  async dial(params: IvrDialParams, options?: RequestOptions): Promise<IvrDialResult> {
    const w = await this.invoke<IvrDialWire>(
      'ivr/start/dial',
      {
        dest: params.dest,
        msg: params.msg,
        caller_id: params.callerId,
        max_duration: params.maxDuration,
        tag: params.tag,
        notify_url: params.notifyUrl,
      },
      options,
    );
    return { txnRef: w.reqStr('txn_ref'), session: w.reqStr('session') };
  }

  /**
   * Speaks or plays `msg` (`ivr/middle/play`); without `notifyUrl` the call hangs up afterwards.
   * @throws HoiioSessionError, HoiioInvalidRequestError (`msg`), …
   */
  async play(params: IvrPlayParams, options?: RequestOptions): Promise<void> {
    await this.invoke('ivr/middle/play', this.#block(params), options);
  }

  /**
   * Collects keypad digits (`ivr/middle/gather`); they arrive at `notifyUrl`.
   * @throws HoiioSessionError, HoiioInvalidRequestError (`max_digits`, `timeout`, `attempts`), …
   */
  async gather(params: IvrGatherParams, options?: RequestOptions): Promise<void> {
    await this.invoke(
      'ivr/middle/gather',
      { ...this.#block(params), max_digits: params.maxDigits, timeout: params.timeout, attempts: params.attempts },
      options,
    );
  }

  /**
   * Records a voice message (`ivr/middle/record`); its MP3 URL arrives at `notifyUrl`.
   * @throws HoiioSessionError, HoiioInvalidRequestError (`max_duration`), …
   */
  async record(params: IvrRecordParams, options?: RequestOptions): Promise<void> {
    await this.invoke('ivr/middle/record', { ...this.#block(params), max_duration: params.maxDuration }, options);
  }

  /**
   * Records the rest of the conversation (`ivr/middle/monitor`).
   * @throws HoiioSessionError, HoiioApiError (`error_monitor_in_progress`), …
   */
  async monitor(params: IvrMonitorParams, options?: RequestOptions): Promise<void> {
    await this.invoke(
      'ivr/middle/monitor',
      { ...this.#block(params), monitor_notify_url: params.monitorNotifyUrl },
      options,
    );
  }

  /**
   * Puts the call on hold with looping `msg` or music (`ivr/middle/hold`); only `unhold` may follow.
   * @throws HoiioSessionError, …
   */
  async hold(params: IvrHoldParams, options?: RequestOptions): Promise<void> {
    await this.invoke('ivr/middle/hold', { session: params.session, msg: params.msg }, options);
  }

  /**
   * Resumes a held call (`ivr/middle/unhold`); `notifyUrl` is told when it is ready again.
   * @throws HoiioSessionError (kind `not_on_hold`), …
   */
  async unhold(params: IvrUnholdParams, options?: RequestOptions): Promise<void> {
    await this.invoke(
      'ivr/middle/unhold',
      { session: params.session, tag: params.tag, notify_url: params.notifyUrl },
      options,
    );
  }

  /**
   * Transfers the call to a number or conference room (`ivr/end/transfer`). With
   * `onFailure: 'continue'` a failed transfer is notified and the flow may go on.
   * @throws HoiioSessionError, HoiioInvalidRequestError (`dest`, `on_failure`, `room`), …
   */
  async transfer(params: IvrTransferParams, options?: RequestOptions): Promise<IvrTransferResult> {
    const w = await this.invoke<IvrTransferWire>(
      'ivr/end/transfer',
      { ...this.#block(params), dest: params.dest, caller_id: params.callerId, on_failure: params.onFailure },
      options,
    );
    return compact({ room: w.str('room') });
  }

  /**
   * Ends the call (`ivr/end/hangup`), after `msg` if given, or at once with `force`.
   * @throws HoiioSessionError, …
   */
  async hangup(params: IvrHangupParams, options?: RequestOptions): Promise<void> {
    await this.invoke(
      'ivr/end/hangup',
      { ...this.#block(params), force: params.force ? 'enabled' : undefined },
      options,
    );
  }

  #block(p: IvrSessionBlock) {
    return { session: p.session, msg: p.msg, tag: p.tag, notify_url: p.notifyUrl };
  }
}
