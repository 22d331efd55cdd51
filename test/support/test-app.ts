/**
 * The whole app for end-to-end tests: the real createBotApp + job runner + the embedded Hoiio sandbox at /sandbox
 * (its numbers forwarding to this app's webhook URLs) on 127.0.0.1 port 0, a fake Slack Web API (SLACK_API_URL),
 * and this test file's own database.
 *
 * ```ts
 * const t = await startTestApp(); // or startTestApp({ engine: 'postgres', env: { DEFAULT_CHANNEL: 'C0DEFAULT' } })
 * onTestFinished(() => t.stop());
 * await t.sandbox.trigger.sms({ from: '+6591234567', msg: 'hi' });
 * await t.slack.waitForCall('chat.postMessage', (c) => /hi/.test(c.args.text));
 * await t.whenIdle();
 * ```
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type BotApp, createBotApp, type RunningBotApp, startBotApp } from '../../src/bot/app.js';
import { type BotDeps, createWorkerSlackClient, platformDeps, systemClock } from '../../src/bot/deps.js';
import { createEmbeddedSandbox, type EmbeddedSandbox } from '../../src/bot/embedded-sandbox.js';
import { FEATURES, type Feature } from '../../src/bot/features/index.js';
import { type JobRunner, startJobRunner } from '../../src/bot/job-runner.js';
import { createMetrics, hoiioAttemptRecorder } from '../../src/bot/routes/metrics.js';
import { resolveWebhookTokens, type WebhookKind } from '../../src/bot/webhook-urls.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import type { JobWorker } from '../../src/db/job-worker.js';
import type { HoiioClient } from '../../src/hoiio/index.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../src/hoiio/sandbox/state.js';
import type { Sandbox } from '../../src/hoiio/sandbox/types.js';
import { createLogger, type RootLogger } from '../../src/logger.js';
import { FakeSlack } from './fake-slack.js';
import { type SendOptions, type SlackRequest, sendSigned } from './slack-requests.js';
import { openTestDatabase, type TestDatabase, type TestEngine } from './test-db.js';

export const TEST_BOT_TOKEN = 'xoxb-test-app-bot-token-0000';
export const TEST_SIGNING_SECRET = 'test-app-signing-secret-0123456789';

export interface TestAppOptions {
  /** Default `pglite`; `postgres` needs TEST_DATABASE_URL. Ignored when `database` is given. */
  readonly engine?: TestEngine;
  /** A database opened by the test file (shared by its tests; not closed by `stop()`). Default: a fresh one. */
  readonly database?: TestDatabase;
  /**
   * Extra environment (DEFAULT_CHANNEL, HOIIO_WEBHOOK_TOKEN, LOG_LEVEL…) over the test defaults. SLACK_APP_TOKEN
   * starts the app in Socket Mode, connected to the fake Slack's websocket before `startTestApp` resolves.
   */
  readonly env?: Record<string, string>;
  /** Default: every shipped feature. */
  readonly features?: readonly Feature[];
  /** Added after `features` (e.g. a test's own relay handler). */
  readonly extraFeatures?: readonly Feature[];
  /** Slack pacing per channel in ms (default 20: exercised, but quick). */
  readonly slackChannelIntervalMs?: number;
  /** The sandbox's delay multiplier (default 0.02: a ring takes milliseconds). */
  readonly sandboxTimeScale?: number;
  /** How the sandbox sends its notifications (default: fetch); e.g. to hold them while the app restarts. */
  readonly sandboxNotifyFetch?: typeof fetch;
  /** Job backoff (default 50 ms doubling to 1 s, so Slack-down tests recover quickly). */
  readonly jobBackoff?: { baseMs?: number; capMs?: number };
  /** A fake Slack of the test's own (not closed by `stop()`). Default: a fresh one. */
  readonly slack?: FakeSlack;
  /**
   * The Hoiio API the app uses instead of the embedded sandbox's (e.g. a client of a scripted fake Hoiio, to make
   * query_status answer what a test needs). The sandbox is still mounted at /sandbox.
   */
  readonly hoiio?: HoiioClient;
}

/** The sandbox as a test drives it (its JSON API over HTTP, and the instance itself). */
export interface TestSandbox {
  /** `<app>/sandbox`. */
  readonly url: string;
  /** The voice+SMS number and the fax number of the sandbox account. */
  readonly voiceNumber: string;
  readonly faxNumber: string;
  readonly instance: Sandbox;
  /** What applications sent (SMS, faxes, calls, IVR), newest first. */
  outbox(): Promise<Record<string, any>[]>;
  numbers(): Promise<Record<string, any>[]>;
  readonly trigger: {
    sms(body: { from: string; to?: string; msg: string }): Promise<Record<string, any>>;
    fax(body: { from: string; to?: string; pages?: number; fail?: string }): Promise<Record<string, any>>;
    call(body: {
      from: string;
      to?: string;
      outcome: 'hangup' | 'voicemail' | 'answer';
      digits?: string[] | string;
      seconds?: number;
    }): Promise<Record<string, any>>;
  };
}

export interface TestApp {
  /** `http://127.0.0.1:<port>` (the same across `restart()`). */
  readonly url: string;
  readonly slack: FakeSlack;
  readonly sandbox: TestSandbox;
  readonly db: Kysely<Database>;
  readonly database: TestDatabase;
  /** The current app's deps, bot and config (new after `restart()`). */
  readonly deps: BotDeps;
  readonly bot: BotApp;
  readonly config: Config;
  /** The current job worker (events `job:done`, `job:failed`, `job:dead`). */
  readonly worker: JobWorker;
  /** Every log line so far (JSON), to check for leaked secrets. */
  readonly logs: string[];
  /** `<url>/hoiio/<token>/<kind>`. */
  webhookUrl(kind: WebhookKind): string;
  /** POSTs a signed Slack request to /slack/events. */
  sendSigned(request: SlackRequest, options?: Partial<SendOptions>): Promise<Response>;
  /**
   * Resolves when the job worker has nothing runnable, no job is due within 15 s (retries after a Slack 503 or a
   * 429 count as work), and the sandbox has nothing pending, all at once.
   */
  whenIdle(): Promise<void>;
  /** A new process, as far as the app goes: new app, worker and registries on the same database, port and sandbox. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Jobs due within this long count as outstanding work for `whenIdle()`. */
const RETRY_HORIZON_MS = 15_000;

function nextJobOutcome(runner: JobRunner): Promise<void> {
  return new Promise((resolve) => {
    const events = ['job:done', 'job:failed', 'job:dead'] as const;
    const done = () => {
      for (const event of events) runner.worker.off(event, done);
      resolve();
    };
    for (const event of events) runner.worker.on(event, done);
  });
}

interface Incarnation {
  deps: BotDeps;
  bot: BotApp;
  running: RunningBotApp;
  runner: JobRunner;
  embedded: EmbeddedSandbox;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await openTestDatabase(options.engine ?? 'pglite'));
  const appToken = options.env?.['SLACK_APP_TOKEN'];
  // With SLACK_APP_TOKEN the app runs in Socket Mode: the fake accepts that token and serves the websocket.
  const slack =
    options.slack ??
    (await FakeSlack.start({ botToken: TEST_BOT_TOKEN, ...(appToken !== undefined ? { appToken } : {}) }));
  const logs: string[] = [];
  const env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const config = loadConfig(env, { cwd: mkdtempSync(join(tmpdir(), 'test-app-')) });
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets(),
    destination: { write: (l) => logs.push(l) },
  });
  const tokens = await resolveWebhookTokens(database.db, config.hoiioWebhookToken, config.hoiioWebhookTokenPrevious);
  for (const token of [tokens.token, ...tokens.previousTokens]) logger.addSecret(token);

  let port = 0;
  let sandbox: Sandbox | undefined;
  let activity = 0;
  const bump = () => {
    activity += 1;
  };

  async function incarnate(): Promise<Incarnation> {
    const metrics = createMetrics({ defaultMetrics: false });
    const embedded = createEmbeddedSandbox({
      logger,
      timeScale: options.sandboxTimeScale ?? 0.02,
      ...(options.sandboxNotifyFetch ? { notifyFetch: options.sandboxNotifyFetch } : {}),
      onAttempt: hoiioAttemptRecorder(metrics),
    });
    const deps: BotDeps = {
      config,
      logger: logger as RootLogger,
      clock: systemClock,
      metrics,
      slack: createWorkerSlackClient(config, logger),
      hoiio: options.hoiio ?? embedded.hoiio,
      db: database.db,
      database,
      ...platformDeps(config.publicUrl, tokens.token, tokens.previousTokens),
      slackChannelIntervalMs: options.slackChannelIntervalMs ?? 20,
    };
    const bot = await createBotApp(deps, [...(options.features ?? FEATURES), ...(options.extraFeatures ?? [])]);
    embedded.mount(bot.routes);
    const running = await startBotApp(bot, { port, host: '127.0.0.1' });
    port = Number(new URL(running.url).port);
    deps.webhookUrls.rebase(running.url);
    const started = embedded.start(running.url, deps.webhookUrls, sandbox);
    if (sandbox === undefined) {
      sandbox = started;
      for (const event of ['notification', 'outbox', 'request']) started.events.on(event, bump);
    }
    const runner = await startJobRunner(bot, {
      pollMs: 200,
      backoff: options.jobBackoff ?? { baseMs: 50, capMs: 1000 },
    });
    for (const event of ['job:done', 'job:failed', 'job:dead'] as const) runner.worker.on(event, bump);
    return { deps, bot, running, runner, embedded };
  }

  let current = await incarnate();
  const halt = async (inc: Incarnation) => {
    await inc.runner.stop({ timeoutMs: 5000 });
    const stopped = inc.running.stop();
    // As a killed process would: no connection survives (a kept-alive one would reach the new app's port).
    inc.bot.server.closeAllConnections();
    await stopped;
    // Let the clients (fetch's pool, in this process) see those sockets close before anything reuses one: PGlite
    // work alone may not give the event loop an I/O phase.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const json = async (path: string, body?: unknown): Promise<Record<string, any>> => {
    const res = await fetch(`${current.running.url}/sandbox/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const testSandbox: TestSandbox = {
    get url() {
      return `${current.running.url}/sandbox`;
    },
    voiceNumber: SANDBOX_VOICE_NUMBER,
    faxNumber: SANDBOX_FAX_NUMBER,
    get instance(): Sandbox {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    },
    outbox: async () => (await json('api/outbox'))['items'] as Record<string, any>[],
    numbers: async () => (await json('api/numbers'))['items'] as Record<string, any>[],
    trigger: {
      sms: (body) => json('api/trigger/sms', body),
      fax: (body) => json('api/trigger/fax', body),
      call: (body) => json('api/trigger/call', body),
    },
  };
  let stopped: Promise<void> | undefined;

  return {
    get url() {
      return current.running.url;
    },
    slack,
    sandbox: testSandbox,
    db: database.db,
    database,
    get deps() {
      return current.deps;
    },
    get bot() {
      return current.bot;
    },
    config,
    get worker() {
      return current.runner.worker;
    },
    logs,
    webhookUrl: (kind) => current.deps.webhookUrls.url(kind),
    sendSigned: (request, sendOptions) =>
      sendSigned(current.running.url, request, { signingSecret: TEST_SIGNING_SECRET, ...sendOptions }),
    async whenIdle() {
      for (;;) {
        const mark = activity;
        await sandbox?.whenIdle();
        await current.runner.whenIdle();
        await sandbox?.whenIdle();
        if (activity !== mark) continue;
        // A job backing off (Slack 503, a 429's Retry-After) is not runnable yet, but it is work to wait for.
        const due = await database.db
          .selectFrom('jobs')
          .select('id')
          .where('state', 'in', ['pending', 'running'])
          .where('queue', 'in', current.bot.jobs.queues())
          .where('run_at', '<=', new Date(Date.now() + RETRY_HORIZON_MS))
          .limit(1)
          .execute();
        if (due.length === 0 && activity === mark) return;
        if (activity === mark) await nextJobOutcome(current.runner);
      }
    },
    async restart() {
      await halt(current);
      current = await incarnate();
    },
    stop() {
      stopped ??= (async () => {
        await halt(current);
        await sandbox?.close();
        if (!options.slack) await slack.close();
        if (!options.database) await database.close();
      })();
      return stopped;
    },
  };
}
