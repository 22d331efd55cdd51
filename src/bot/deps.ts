import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { DatabaseHandle } from '../db/open-database.js';
import type { HoiioClient } from '../hoiio/index.js';
import type { Logger } from '../logger.js';
import { CardRegistry } from './cards/card-registry.js';
import { InboundRegistry } from './inbound/inbound-registry.js';
import { JobWake } from './job-runner.js';
import { toSlackLogger } from './receiver.js';
import type { Metrics } from './routes/metrics.js';
import { WebhookUrls } from './webhook-urls.js';

/** The current time; tests pass a clock they control. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a feature may use, built once in main.ts (tests build their own). No module-level singletons. */
export interface BotDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Metrics;
  /** Slack client for workers and job handlers: see {@link workerSlackClientOptions}. */
  readonly slack: WebClient;
  /** The Hoiio API: the real one, or the built-in sandbox in sandbox mode. */
  readonly hoiio: HoiioClient;
  /** The database (`database.db`), for repositories and transactions. */
  readonly db: Kysely<Database>;
  /** The open database: engine, `ping()` (GET /healthz), `listen()` (job wake-ups), `close()`. */
  readonly database: DatabaseHandle;
  /** This app's Hoiio webhook URLs (number forwarding, `notify_url`s) and the tokens the intake accepts. */
  readonly webhookUrls: WebhookUrls;
  /** Card renderers per (kind, direction): `cards.register('sms', 'out', smsCardRenderer)`. */
  readonly cards: CardRegistry;
  /** Relay handlers per notification kind: `inbound.register('sms.incoming', relayIncomingSms(deps))`. */
  readonly inbound: InboundRegistry;
  /** Wakes this process's job worker: call `jobWake.wake()` after committing jobs, for millisecond latency. */
  readonly jobWake: JobWake;
  /** Least time between two Slack writes to one channel, in ms (default 1000; tests use less). */
  readonly slackChannelIntervalMs?: number;
}

/**
 * Options of every WebClient we build: SLACK_API_URL, no retries of its own (the job queue owns retries, and a
 * retrying client would hide a 429's Retry-After), rate-limited calls rejected at once, 10 s timeout.
 */
export function workerSlackClientOptions(config: Config, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: config.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: toSlackLogger(logger.child({ component: 'slack-web-api' })),
  };
}

/** The bot-token WebClient for workers. */
export function createWorkerSlackClient(config: Config, logger: Logger): WebClient {
  return new WebClient(config.slackBotToken, workerSlackClientOptions(config, logger));
}

/** The platform part of {@link BotDeps}, fresh: webhook URLs for `token`, empty registries, a job wake. */
export function platformDeps(
  publicUrl: string,
  token: string,
  previousTokens: readonly string[] = [],
): Pick<BotDeps, 'webhookUrls' | 'cards' | 'inbound' | 'jobWake'> {
  return {
    webhookUrls: new WebhookUrls(publicUrl, token, previousTokens),
    cards: new CardRegistry(),
    inbound: new InboundRegistry(),
    jobWake: new JobWake(),
  };
}
