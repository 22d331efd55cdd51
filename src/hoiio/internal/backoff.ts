/** Capped exponential backoff with full jitter, and an abortable sleep. */
import { setTimeout as delay } from 'node:timers/promises';

/** Backoff tuning: the first delay ceiling and the cap, in milliseconds. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Defaults: ceilings 500 ms, 1 s, 2 s, … capped at 8 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 8000 };

/**
 * The wait before retry number `retry` (0-based): a uniform draw in [ceiling/2, ceiling] where
 * ceiling = min(maxMs, baseMs × 2^retry). Half jitter keeps a floor so retries do spread out.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(retry, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/** Sleeps `ms`; rejects with the signal's reason when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? {} : { signal });
}
