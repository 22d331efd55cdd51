/**
 * Delivers notifications as Hoiio does: an HTTP POST to the notify or forwarding URL, the
 * parameters both form-encoded in the body and appended to the query string (pass-on parameters
 * already in the URL are kept), signed with `X-Hoiio-Signature`. Failed deliveries are not retried.
 * Notifications about one transaction are delivered one after another, in order.
 */
import type { EventEmitter } from 'node:events';
import { signHoiioBody } from '../webhook-signature.js';
import type { Scheduler } from './scheduler.js';
import type { SandboxLogger, SandboxNotificationEvent } from './types.js';

/** Parameters of one notification, in the order they are sent; undefined values are left out. */
export type NotificationParams = Record<string, string | undefined>;

/** One delivery, as recorded for the console log. */
export interface NotificationRecord extends SandboxNotificationEvent {
  id: number;
  at: string;
  error?: string;
}

const TIMEOUT_MS = 10_000;
const LOG_SIZE = 200;

/** The URL a notification is posted to: `url` plus the parameters (pass-on parameters kept). */
export function notificationTarget(url: string, body: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  if (body === '') return base;
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${body}`;
}

/** Sends notifications in the background (tracked by the scheduler) and keeps a log of the last 200. */
export class Notifier {
  readonly #chains = new Map<string, Promise<void>>();
  readonly log: NotificationRecord[] = [];
  #id = 0;

  constructor(
    private readonly deps: {
      fetch: typeof fetch;
      accessToken: () => string;
      scheduler: Scheduler;
      events: EventEmitter;
      logger: SandboxLogger;
      now: () => Date;
    },
  ) {}

  /** Posts `params` to `url` in the background, after earlier notifications with the same `key`. */
  send(url: string, params: NotificationParams, key: string): void {
    if (!url || this.deps.scheduler.closed) return;
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = v;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#deliver(url, clean));
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
    this.deps.scheduler.track(next);
  }

  /** Forgets the delivery log. */
  clear(): void {
    this.log.length = 0;
  }

  async #deliver(url: string, params: Record<string, string>): Promise<void> {
    const body = new URLSearchParams(params).toString();
    const target = notificationTarget(url, body);
    let status = 0;
    let error: string | undefined;
    try {
      const res = await this.deps.fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-hoiio-signature': signHoiioBody(body, this.deps.accessToken()),
          'user-agent': 'Hoiio-Sandbox/1.0',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined); // the reply body is ignored, as by Hoiio
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn({ status, error }, 'sandbox: notification delivery failed');
    }
    const record: NotificationRecord = { id: ++this.#id, at: this.deps.now().toISOString(), url, params, status };
    if (error !== undefined) record.error = error;
    this.log.push(record);
    if (this.log.length > LOG_SIZE) this.log.shift();
    const event: SandboxNotificationEvent = { url, params, status };
    this.deps.events.emit('notification', event);
  }
}
