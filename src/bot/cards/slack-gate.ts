import type { WebAPICallResult, WebClient } from '@slack/web-api';
import { RetryAfterError } from '../../db/job-errors.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../routes/metrics.js';

/** Slack answered `ok: false` with an error that retrying will not fix (`not_in_channel`, `invalid_blocks`…). */
export class SlackPlatformError extends Error {
  readonly code = 'slack_platform_error';
  constructor(
    readonly method: string,
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack ${method} failed: ${slackError}`, options);
    this.name = 'SlackPlatformError';
  }
}

/** Slack is down, slow or unreachable (5xx, timeout, network, `internal_error`): retry with backoff. */
export class SlackUnavailableError extends Error {
  readonly code = 'slack_unavailable';
  constructor(
    readonly method: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack ${method} unavailable: ${message}`, options);
    this.name = 'SlackUnavailableError';
  }
}

const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

export interface SlackGateOptions {
  readonly slack: WebClient;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Least time between two writes to one channel (default 1000 ms: Slack's ~1 message/s/channel). */
  readonly channelIntervalMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * Every Slack Web API call of the workers goes through here:
 * - a 429 blocks that method in this process until Retry-After has passed and throws `RetryAfterError` (Retry-After
 *   plus jitter), so the job runs again only then; calls of a blocked method throw at once, without calling Slack;
 * - writes to a channel are paced (`channelIntervalMs` apart);
 * - 5xx, timeouts and network errors throw `SlackUnavailableError` (job backoff); other `ok: false` answers throw
 *   `SlackPlatformError` with Slack's error code.
 */
export class SlackGate {
  readonly #slack: WebClient;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #blockedUntil = new Map<string, number>();
  readonly #nextWriteAt = new Map<string, number>();

  constructor(options: SlackGateOptions) {
    this.#slack = options.slack;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#intervalMs = options.channelIntervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Calls `method`. `paceChannel`: a write to this channel, paced. */
  async call<T = WebAPICallResult>(
    method: string,
    args: Record<string, unknown>,
    { paceChannel, signal }: { paceChannel?: string | undefined; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    this.#throwIfBlocked(method);
    if (paceChannel !== undefined) await this.#pace(paceChannel, signal);
    this.#throwIfBlocked(method); // a 429 may have come in while we waited
    try {
      // The call itself is counted by the client (instrumentSlackClient); here only what never reached Slack.
      return (await this.#slack.apiCall(method, args)) as T;
    } catch (error) {
      throw this.#classify(method, error);
    }
  }

  /** Until when `method` is blocked by a 429 (epoch ms), if it is. */
  blockedUntil(method: string): number | undefined {
    const until = this.#blockedUntil.get(method);
    return until !== undefined && until > this.#now() ? until : undefined;
  }

  #throwIfBlocked(method: string): void {
    const until = this.blockedUntil(method);
    if (until === undefined) return;
    this.#metrics.slackCalls.inc({ method, outcome: 'blocked' });
    throw new RetryAfterError(until - this.#now() + this.#jitter(), `Slack ${method} is rate limited`);
  }

  async #pace(channel: string, signal: AbortSignal | undefined): Promise<void> {
    const now = this.#now();
    const at = Math.max(now, this.#nextWriteAt.get(channel) ?? 0);
    this.#nextWriteAt.set(channel, at + this.#intervalMs);
    if (this.#nextWriteAt.size > 1000) this.#prune(now);
    if (at > now) await delay(at - now, signal);
  }

  #prune(now: number): void {
    for (const [channel, at] of this.#nextWriteAt) if (at < now) this.#nextWriteAt.delete(channel);
  }

  #jitter(): number {
    return Math.floor(this.#random() * 250);
  }

  #classify(method: string, error: unknown): Error {
    const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
    if (e.code === 'slack_webapi_rate_limited_error') {
      const ms = Math.max(1, e.retryAfter ?? 1) * 1000;
      this.#blockedUntil.set(method, this.#now() + ms);
      this.#logger.warn({ method, retryAfterMs: ms }, 'Slack rate limit: method blocked until Retry-After');
      return new RetryAfterError(ms + this.#jitter(), `Slack ${method} rate limited`, { cause: error });
    }
    if (e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') {
      const slackError = e.data.error;
      if (TRANSIENT.has(slackError)) return new SlackUnavailableError(method, slackError, { cause: error });
      return new SlackPlatformError(method, slackError, { cause: error });
    }
    if (e.code === 'slack_webapi_http_error' || e.code === 'slack_webapi_request_error') {
      const what = e.statusCode ? `HTTP ${e.statusCode}` : 'no response';
      return new SlackUnavailableError(method, what, { cause: error });
    }
    return error instanceof Error ? error : new SlackUnavailableError(method, String(error));
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
