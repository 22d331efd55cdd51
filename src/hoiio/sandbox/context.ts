/**
 * What every part of the sandbox shares: state, clock, scheduler, notifier, media, events, and the
 * simulated durations (each multiplied by the time scale).
 */
import type { EventEmitter } from 'node:events';
import type { MediaStore } from './media-store.js';
import type { Notifier } from './notifier.js';
import type { Scheduler } from './scheduler.js';
import type { SandboxState, Txn } from './state.js';
import type { SandboxLogger } from './types.js';

/** Simulated step lengths in milliseconds (before the time scale). */
export const STEP_MS = {
  /** Before the `queued` SMS notification. */
  smsQueued: 100,
  /** Before the final SMS delivery notification. */
  smsDelivered: 600,
  /** A phone ringing until it is answered (or not). */
  ring: 600,
  /** A middle IVR block (play, gather, record, monitor). */
  block: 400,
  /** A transfer ringing the destination. */
  transfer: 800,
  /** An answered call's conversation. */
  talk: 800,
  /** Sending or receiving a fax. */
  fax: 900,
  /** How long a caller waits for the application's next block before hanging up (see {@link MIN_PATIENCE_MS}). */
  callerPatience: 30_000,
} as const;

/**
 * Real milliseconds a caller waits for the application's next block at the least, whatever the time scale: a
 * compressed clock speeds up the simulated world, not the application under test.
 */
export const MIN_PATIENCE_MS = 5_000;

/** Seconds a step stands for in billing (time is compressed, billing is not). */
export const SIM_SECONDS = { play: 6, gather: 5, transferRing: 20, talk: 90, record: 20, fax: 60 } as const;

/** Everything the endpoints, the IVR engine and the JSON API share. */
export interface SandboxContext {
  state: SandboxState;
  scheduler: Scheduler;
  notifier: Notifier;
  media: MediaStore;
  events: EventEmitter;
  logger: SandboxLogger;
  now: () => Date;
  random: () => number;
  /** Tells listeners (`'outbox'` event) that an outbound transaction was created or changed. */
  touched(txn: Txn): void;
  /** Tells listeners that an IVR session was created or changed. */
  sessionTouched(session: string): void;
}
