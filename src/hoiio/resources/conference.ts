/** `conference/…` endpoints: the newer Conference API (call, moderate). */
import type { RequestOptions } from '../hoiio-client.js';
import type { WireReader } from '../internal/wire.js';
import { HoiioResource } from './hoiio-resource.js';

/** `conference/call` (and `voice/conference`) parameters. */
export interface ConferenceCallParams {
  /** Up to 8 E.164 numbers, called one after another into the room. */
  dest: readonly string[];
  /** Room id `[A-Za-z0-9._]{1,32}`; reuse it to add participants. Default: a new room. */
  room?: string | undefined;
  /** What the participants see: your registered number, a Hoiio number, or `private`. */
  callerId?: string | undefined;
  tag?: string | undefined;
  /** Receives each participant's result when their call ends. */
  notifyUrl?: string | undefined;
}

/** `conference/call` (and `voice/conference`) result: one reference per participant, in `dest` order. */
export interface ConferenceCallResult {
  txnRefs: string[];
  room: string;
}

/** What `conference/moderate` does to a participant. */
export type ConferenceModerateAction = 'kick' | 'mute' | 'unmute';

/** `conference/moderate` parameters. */
export interface ConferenceModerateParams {
  /** The participant's transaction reference. */
  txnRef: string;
  action: ConferenceModerateAction;
}

/** @internal Wire shape of both conference calls: `txn_refs` is a comma string (older) or an array. */
export interface ConferenceCallWire {
  txn_refs: string | string[];
  room: string;
}

/** @internal Wire parameters of a conference call (shared by voice/conference and conference/call). */
export function conferenceParams(p: ConferenceCallParams) {
  return { dest: p.dest.join(','), room: p.room, caller_id: p.callerId, tag: p.tag, notify_url: p.notifyUrl };
}

/** @internal Maps a conference call response. */
export function readConferenceCall(w: WireReader<ConferenceCallWire>): ConferenceCallResult {
  return { txnRefs: w.list('txn_refs'), room: w.reqStr('room') };
}

/** The `conference/…` endpoints. Never retried by default. */
export class Conference extends HoiioResource {
  /**
   * Dials up to 8 numbers into a conference room (`conference/call`). Not retried by default.
   * @throws HoiioInvalidRequestError (`dest`, `room`), HoiioInsufficientCreditError, HoiioServiceError, …
   */
  async call(params: ConferenceCallParams, options?: RequestOptions): Promise<ConferenceCallResult> {
    const w = await this.invoke<ConferenceCallWire>('conference/call', conferenceParams(params), options);
    return readConferenceCall(w);
  }

  /**
   * Kicks, mutes or unmutes one participant (`conference/moderate`). Not retried by default.
   * @throws HoiioInvalidRequestError (`txn_ref`), HoiioRateLimitError, …
   */
  async moderate(params: ConferenceModerateParams, options?: RequestOptions): Promise<void> {
    await this.invoke('conference/moderate', { txn_ref: params.txnRef, action: params.action }, options);
  }
}
