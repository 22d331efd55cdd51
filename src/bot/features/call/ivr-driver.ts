/**
 * The inbound call flow as a pure state machine: the state of a live call and one IVR notification in, the next
 * state and the next block out. No I/O: ivr-handler.ts loads and stores the state (ivr_sessions) and sends the
 * block.
 *
 * The flow: answer → play the greeting → (menu: gather one digit → pick a ring list) → transfer to each phone of
 * the ring list in turn (on_failure=continue: Hoiio's transfer takes one destination, so an unanswered, busy or
 * failed transfer moves on to the next phone) → nobody answered: record a voicemail (or, with voicemail off, a
 * goodbye) → hang up politely.
 *
 * Every block we send carries `step=<n>` in its notify URL (Hoiio passes query parameters back), so a duplicate or
 * late notification (a step other than the one awaited) is recognised and ignored. A notification with
 * `call_state=ended` ends the call whatever its step: the caller may hang up at any time.
 */
import type { IvrNotification } from '../../../hoiio/index.js';

/** One phone of a ring list: the Slack user it belongs to and their phone (E.164). */
export interface RingTarget {
  readonly userId: string;
  readonly phone: string;
}

/** One menu choice: the key, what it is called ("sales"), whom it rings. */
export interface MenuOption {
  readonly label: string;
  readonly ring: readonly RingTarget[];
}

/** A route's optional menu (number_routes.menu, resolved to phones). */
export interface IvrMenu {
  /** Spoken prompt, e.g. "Press 1 for sales, 2 for support." */
  readonly prompt: string;
  /** Digit → option. */
  readonly options: Readonly<Record<string, MenuOption>>;
}

/** The route of the called number as it was when the call came in (stored with the session). */
export interface IvrRoute {
  /** Where the card goes; null: nowhere (no route and no DEFAULT_CHANNEL). */
  readonly channelId: string | null;
  /** Whether a number_routes row matched (false: the default flow). */
  readonly routed: boolean;
  readonly greeting: string;
  readonly ring: readonly RingTarget[];
  readonly voicemail: boolean;
  readonly voicemailMaxSeconds: number;
  readonly menu: IvrMenu | null;
}

/** Where the call is. */
export type IvrPhase = 'greeting' | 'menu' | 'ringing' | 'voicemail' | 'goodbye' | 'ended';

/** How an inbound call ends up (the card's status word). */
export type CallOutcome = 'answered' | 'voicemail' | 'missed';

/** The driver's state of one call. */
export interface IvrState {
  readonly phase: IvrPhase;
  /** The step whose notification we wait for (the `step` of the last block's notify URL). */
  readonly step: number;
  /** The ring list in use (the route's, or the menu option's). */
  readonly ring: readonly RingTarget[];
  /** Index into `ring` of the phone being tried. */
  readonly ringIndex: number;
  /** Keys pressed at the menu. */
  readonly digits?: string | undefined;
  /** The label of the menu option chosen. */
  readonly menuChoice?: string | undefined;
  readonly answeredBy?: string | undefined;
  readonly outcome?: CallOutcome | undefined;
  readonly recordUrl?: string | undefined;
  /** Seconds of the voicemail, when Hoiio says. */
  readonly recordSeconds?: number | undefined;
}

/** A block to send, with the step its notification will carry. */
export type IvrBlockRequest =
  | { readonly block: 'play'; readonly step: number; readonly msg: string }
  | {
      readonly block: 'gather';
      readonly step: number;
      readonly msg: string;
      readonly maxDigits: number;
      readonly timeout: number;
      readonly attempts: number;
    }
  | { readonly block: 'transfer'; readonly step: number; readonly dest: string; readonly onFailure: 'continue' }
  | { readonly block: 'record'; readonly step: number; readonly msg: string; readonly maxDuration: number }
  | { readonly block: 'hangup'; readonly step: number; readonly msg: string };

/** What to do with a notification. */
export type IvrDecision =
  | { readonly kind: 'ignore'; readonly reason: 'duplicate' | 'stale' | 'ended' | 'unknown_session' }
  | { readonly kind: 'advance'; readonly state: IvrState; readonly block?: IvrBlockRequest | undefined };

export const DEFAULT_GREETING = 'Thank you for calling. Please hold while we connect you.';
export const VOICEMAIL_PROMPT = 'Please leave a message after the tone.';
export const NOBODY_AVAILABLE = 'Sorry, nobody is available to take your call. Please try again later. Goodbye.';
export const GOODBYE = 'Thank you. Goodbye.';
/** Seconds the caller has to press a key at the menu, and how often the prompt is tried. */
export const MENU_TIMEOUT_SECONDS = 8;
export const MENU_ATTEMPTS = 2;

/** The first state of a call that has just come in, and its first block (the greeting). */
export function startCall(route: IvrRoute): { state: IvrState; block: IvrBlockRequest } {
  const state: IvrState = { phase: 'greeting', step: 1, ring: route.ring, ringIndex: 0 };
  return { state, block: { block: 'play', step: 1, msg: route.greeting } };
}

/**
 * The next state and block for `n`, given the call's current state (undefined: no session yet) and its route.
 * `step` is the notification's `step` parameter (undefined for the answer notification).
 */
export function decideIvr(
  current: IvrState | undefined,
  route: IvrRoute,
  n: Pick<IvrNotification, 'block' | 'callState' | 'digits' | 'recordStatus' | 'recordUrl' | 'transferStatus'> & {
    readonly recordSeconds?: number | undefined;
  },
  step: number | undefined,
): IvrDecision {
  if (n.block === 'answer') {
    if (current !== undefined) return { kind: 'ignore', reason: 'duplicate' };
    return { kind: 'advance', ...startCall(route) };
  }
  if (current === undefined) return { kind: 'ignore', reason: 'unknown_session' };
  if (current.phase === 'ended') return { kind: 'ignore', reason: 'ended' };
  const awaited = step === current.step;
  if (n.callState === 'ended') return { kind: 'advance', state: ended(current, n, awaited) };
  if (!awaited) return { kind: 'ignore', reason: step !== undefined && step < current.step ? 'stale' : 'duplicate' };

  switch (current.phase) {
    case 'greeting':
      return route.menu !== null ? gatherMenu(current, route.menu) : ringFirst(current, route, current.ring);
    case 'menu': {
      const digits = n.digits ?? '';
      const option = route.menu?.options[digits.slice(0, 1)];
      const next: IvrState = { ...current, digits, menuChoice: option?.label };
      return ringFirst(next, route, option?.ring ?? route.ring);
    }
    case 'ringing':
      return afterTransfer(current, route, n.transferStatus);
    case 'voicemail':
      return afterRecord(current, n);
    case 'goodbye':
      return { kind: 'advance', state: { ...current, phase: 'ended', outcome: current.outcome ?? 'missed' } };
  }
}

function gatherMenu(current: IvrState, menu: IvrMenu): IvrDecision {
  const step = current.step + 1;
  return {
    kind: 'advance',
    state: { ...current, phase: 'menu', step },
    block: {
      block: 'gather',
      step,
      msg: menu.prompt,
      maxDigits: 1,
      timeout: MENU_TIMEOUT_SECONDS,
      attempts: MENU_ATTEMPTS,
    },
  };
}

function ringFirst(current: IvrState, route: IvrRoute, ring: readonly RingTarget[]): IvrDecision {
  return ringAt({ ...current, ring }, route, 0);
}

function ringAt(current: IvrState, route: IvrRoute, index: number): IvrDecision {
  const target = current.ring[index];
  if (target === undefined) return leaveVoicemail(current, route);
  const step = current.step + 1;
  return {
    kind: 'advance',
    state: { ...current, phase: 'ringing', step, ringIndex: index },
    block: { block: 'transfer', step, dest: target.phone, onFailure: 'continue' },
  };
}

function afterTransfer(current: IvrState, route: IvrRoute, status: IvrNotification['transferStatus']): IvrDecision {
  if (status === 'answered' || status === 'ongoing') {
    // Connected: nothing to send; the call's end comes as a notification of this same step.
    return { kind: 'advance', state: { ...current, outcome: 'answered', answeredBy: ringingUser(current) } };
  }
  return ringAt(current, route, current.ringIndex + 1);
}

function leaveVoicemail(current: IvrState, route: IvrRoute): IvrDecision {
  const step = current.step + 1;
  if (!route.voicemail) {
    return {
      kind: 'advance',
      state: { ...current, phase: 'goodbye', step },
      block: { block: 'hangup', step, msg: NOBODY_AVAILABLE },
    };
  }
  return {
    kind: 'advance',
    state: { ...current, phase: 'voicemail', step },
    block: { block: 'record', step, msg: VOICEMAIL_PROMPT, maxDuration: route.voicemailMaxSeconds },
  };
}

function afterRecord(current: IvrState, n: Parameters<typeof decideIvr>[2]): IvrDecision {
  const step = current.step + 1;
  return {
    kind: 'advance',
    state: { ...current, ...recording(n), phase: 'goodbye', step },
    block: { block: 'hangup', step, msg: GOODBYE },
  };
}

function recording(n: Parameters<typeof decideIvr>[2]): Partial<IvrState> {
  if (n.recordStatus !== 'success' || n.recordUrl === undefined) return {};
  return { outcome: 'voicemail', recordUrl: n.recordUrl, recordSeconds: n.recordSeconds };
}

/** The call is over: settle the outcome from what the last notification and the state say. */
function ended(current: IvrState, n: Parameters<typeof decideIvr>[2], awaited: boolean): IvrState {
  let next: IvrState = { ...current, phase: 'ended' };
  if (awaited && current.phase === 'ringing' && n.transferStatus === 'answered') {
    next = { ...next, outcome: 'answered', answeredBy: ringingUser(current) };
  } else if (awaited && current.phase === 'voicemail' && n.block === 'record') {
    next = { ...next, ...recording(n) };
  }
  return { ...next, outcome: next.outcome ?? 'missed' };
}

function ringingUser(state: IvrState): string | undefined {
  return state.ring[state.ringIndex]?.userId;
}

/** The user whose phone is ringing now, while the call is in the `ringing` phase. */
export function currentlyRinging(state: IvrState): RingTarget | undefined {
  return state.phase === 'ringing' && state.outcome === undefined ? state.ring[state.ringIndex] : undefined;
}
