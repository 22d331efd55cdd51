/** `voice/…` endpoints: two-way callback, the older conference, hangup, history, rate, status. */
import type { RequestOptions } from '../hoiio-client.js';
import { paginate } from '../internal/paginate.js';
import { compact, type WireReader } from '../internal/wire.js';
import type { Money } from '../money.js';
import {
  type ConferenceCallParams,
  type ConferenceCallResult,
  type ConferenceCallWire,
  conferenceParams,
  readConferenceCall,
} from './conference.js';
import {
  type ChargeWire,
  type HistoryPageParams,
  type HistoryRange,
  type HoiioPage,
  HoiioResource,
  historyParams,
  readCharge,
} from './hoiio-resource.js';

/** A call leg's status, verbatim: `answered`, `unanswered`, `failed`, `busy`, `ongoing` (live). */
export type CallStatus = 'answered' | 'unanswered' | 'failed' | 'busy' | 'ongoing' | (string & {});

/** `voice/call` parameters: Hoiio rings `dest1`, then `dest2`, and bridges them. */
export interface VoiceCallParams {
  /** First leg; default: your registered mobile number. Must differ from `dest2`. */
  dest1?: string | undefined;
  /** Second leg. */
  dest2: string;
  /** What `dest2` sees: your registered number, a Hoiio number, or `private`. */
  callerId?: string | undefined;
  /** Maximum talk time in seconds, counted from `dest2` answering. */
  maxDuration?: number | undefined;
  tag?: string | undefined;
  /** Receives the call result when the call ends. */
  notifyUrl?: string | undefined;
}

/** `voice/call` result. */
export interface VoiceCallResult {
  txnRef: string;
}

/** `voice/conference` parameters. */
export type VoiceConferenceParams = ConferenceCallParams;
/** `voice/conference` result. */
export type VoiceConferenceResult = ConferenceCallResult;

/** `voice/hangup` parameters. */
export interface VoiceHangupParams {
  /** The call (both callback legs drop) or one conference participant. */
  txnRef: string;
}

/** `voice/get_history` parameters. */
export type VoiceGetHistoryParams = HistoryPageParams;

/** One call as `voice/query_status` and `voice/get_history` describe it. */
export interface VoiceCallRecord {
  txnRef?: string;
  tag?: string;
  dest1?: string;
  dest2?: string;
  /** The Hoiio number involved (IVR calls). */
  number?: string;
  callStatusDest1?: CallStatus;
  callStatusDest2?: CallStatus;
  date?: Date;
  /** Whole minutes; absent while the call is live. */
  duration?: number;
  currency?: string;
  /** Per-minute charge. */
  rate?: Money;
  /** Absent while the call is live. */
  debit?: Money;
}

/** `voice/get_history` result: one page. */
export type VoiceGetHistoryResult = HoiioPage<VoiceCallRecord>;

/** `voice/get_rate` parameters. */
export interface VoiceGetRateParams {
  /** First leg; default: your registered mobile number. */
  dest1?: string | undefined;
  dest2: string;
}

/** `voice/get_rate` result. */
export interface VoiceGetRateResult {
  currency: string;
  /** Per-minute price of the whole callback (both legs). */
  rate: Money;
  /** Whole minutes the current balance pays for. */
  talktime: number;
}

/** `voice/query_status` parameters. */
export interface VoiceQueryStatusParams {
  txnRef: string;
}

/** `voice/query_status` result. */
export type VoiceQueryStatusResult = VoiceCallRecord & { txnRef: string };

interface VoiceCallRecordWire extends ChargeWire {
  txn_ref?: string;
  tag?: string;
  dest1?: string;
  dest2?: string;
  number?: string;
  call_status_dest1?: string;
  call_status_dest2?: string;
  date?: string;
  duration?: string;
}

interface VoiceGetRateWire {
  currency: string;
  rate: string;
  talktime: string;
}

function readCallRecord(w: WireReader<VoiceCallRecordWire>): VoiceCallRecord {
  return compact({
    txnRef: w.str('txn_ref'),
    tag: w.str('tag'),
    dest1: w.str('dest1'),
    dest2: w.str('dest2'),
    number: w.str('number'),
    callStatusDest1: w.str('call_status_dest1'),
    callStatusDest2: w.str('call_status_dest2'),
    date: w.date('date'),
    duration: w.int('duration'),
    ...readCharge(w),
  });
}

/** The `voice/…` endpoints. Calls, conferences and hangups are never retried by default. */
export class Voice extends HoiioResource {
  /**
   * Two-way callback (`voice/call`): rings `dest1`, then `dest2`, and bridges them. Not retried by default.
   * @throws HoiioInvalidRequestError (`dest1`, `dest2`, `caller_id`, …), HoiioInsufficientCreditError,
   *   HoiioServiceError (concurrent call limit), HoiioTimeoutError, …
   */
  async call(params: VoiceCallParams, options?: RequestOptions): Promise<VoiceCallResult> {
    return this.invokeForTxnRef(
      'voice/call',
      {
        dest1: params.dest1,
        dest2: params.dest2,
        caller_id: params.callerId,
        max_duration: params.maxDuration,
        tag: params.tag,
        notify_url: params.notifyUrl,
      },
      options,
    );
  }

  /**
   * Dials up to 8 numbers into a conference room (`voice/conference`, the older API whose
   * `txn_refs` is a comma string). Not retried by default.
   * @throws HoiioInvalidRequestError (`dest`, `room`), HoiioInsufficientCreditError, …
   */
  async conference(params: VoiceConferenceParams, options?: RequestOptions): Promise<VoiceConferenceResult> {
    const w = await this.invoke<ConferenceCallWire>('voice/conference', conferenceParams(params), options);
    return readConferenceCall(w);
  }

  /**
   * Hangs up a call or one conference participant (`voice/hangup`). Not retried by default.
   * @throws HoiioInvalidRequestError (`txn_ref`), HoiioRateLimitError, …
   */
  async hangup(params: VoiceHangupParams, options?: RequestOptions): Promise<void> {
    await this.invoke('voice/hangup', { txn_ref: params.txnRef }, options);
  }

  /**
   * One page of call history (`voice/get_history`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`from`, `to`, `page`), …
   */
  async getHistory(params: VoiceGetHistoryParams = {}, options?: RequestOptions): Promise<VoiceGetHistoryResult> {
    return this.invokePage('voice/get_history', historyParams(params), readCallRecord, options);
  }

  /**
   * Every call in the range, page after page, until `total_entries_count` were yielded.
   * @throws as `getHistory`, while iterating.
   */
  history(range: HistoryRange = {}, options?: RequestOptions): AsyncGenerator<VoiceCallRecord, void, undefined> {
    return paginate((page) => this.getHistory({ ...range, page }, options));
  }

  /**
   * Per-minute price of a callback and the talk time the balance pays for (`voice/get_rate`).
   * @throws HoiioInvalidRequestError (`dest1`, `dest2`), …
   */
  async getRate(params: VoiceGetRateParams, options?: RequestOptions): Promise<VoiceGetRateResult> {
    const w = await this.invoke<VoiceGetRateWire>(
      'voice/get_rate',
      { dest1: params.dest1, dest2: params.dest2 },
      options,
    );
    return { currency: w.reqStr('currency'), rate: w.reqMoney('rate'), talktime: w.reqInt('talktime') };
  }

  /**
   * The status of a call, IVR call or conference leg (`voice/query_status`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`txn_ref`), HoiioRateLimitError, …
   */
  async queryStatus(params: VoiceQueryStatusParams, options?: RequestOptions): Promise<VoiceQueryStatusResult> {
    return this.invokeQueryStatus(
      'voice/query_status',
      params.txnRef,
      (w: WireReader<VoiceCallRecordWire>) => ({ ...readCallRecord(w), txnRef: w.reqStr('txn_ref') }),
      options,
    );
  }
}
