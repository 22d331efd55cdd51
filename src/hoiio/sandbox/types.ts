/**
 * Public types of the Hoiio sandbox: its options, its handle and the events it emits.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The slice of a pino-style logger the sandbox uses (`pino()` fits). */
export interface SandboxLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Initial forwarding URLs of the two default numbers. */
export interface SandboxForwarding {
  /** `forward_to` of the voice number: incoming calls (IVR Answer). */
  voice?: string;
  /** `forward_to` of the fax number: incoming faxes. */
  fax?: string;
  /** `forward_to_sms` of the voice number: incoming SMS. */
  sms?: string;
}

/** Options of `createSandbox()`. */
export interface SandboxOptions {
  /** Path prefix the sandbox is mounted at: `''` when run alone (the default), `'/sandbox'` embedded. */
  basePath?: string;
  /** Absolute URL of the sandbox root as others reach it, used in media URLs (`http://127.0.0.1:3000/sandbox`). */
  publicUrl: string;
  /** Initial forwarding of the default numbers (alone: none). */
  forwarding?: SandboxForwarding;
  /** `fetch` used for notifications (default: the global one). */
  fetch?: typeof fetch;
  /** Logger (default: silent). */
  logger?: SandboxLogger;
  /** Clock (default: `() => new Date()`); drives dates, rate limits and media expiry. */
  now?: () => Date;
  /** Random source in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Multiplier for simulated delays (default 1: each ring, block or transfer takes at most about a second). */
  timeScale?: number;
  /** Lifetime of signed media URLs in seconds (default 3600). */
  mediaTtlSeconds?: number;
  /**
   * The account's credentials (default app id and access token `sandbox`). The access token is also the key of
   * `X-Hoiio-Signature`. Tests that check where a token may appear use a distinctive one.
   */
  credentials?: { appId: string; accessToken: string };
}

/** Emitted as `'notification'` after each notification POST (status 0 when the request failed). */
export interface SandboxNotificationEvent {
  url: string;
  params: Record<string, string>;
  status: number;
}

/** Emitted as `'request'` for each HTTP request the sandbox answered (path only, never the query). */
export interface SandboxRequestEvent {
  path: string;
  status: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Handles any request whose path is under `basePath` (404 for other paths). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Back to a fresh account: state, timers and forwarding as at creation. */
  reset(): void;
  /** Stops timers and waits for in-flight notifications. */
  close(): Promise<void>;
  /** `'notification'` (SandboxNotificationEvent), `'outbox'` (an outbox item), `'request'` (SandboxRequestEvent). */
  events: EventEmitter;
  /** Resolves when no timer and no notification is pending. */
  whenIdle(): Promise<void>;
  /** The account's access token (also the notification signing key). */
  accessToken: string;
}
