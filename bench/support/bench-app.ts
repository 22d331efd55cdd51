// The real app in this process, as `npm start` builds it in sandbox mode (every feature, the embedded Hoiio
// sandbox at /sandbox, the job runner unless the bench holds it back) on 127.0.0.1 port 0, posting to a fake
// Slack, on a database handle the bench owns. Logs at `error` only, to stderr.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBotApp, startBotApp } from '../../src/bot/app.js';
import { type BotDeps, createWorkerSlackClient, platformDeps, systemClock } from '../../src/bot/deps.js';
import { createEmbeddedSandbox } from '../../src/bot/embedded-sandbox.js';
import { FEATURES } from '../../src/bot/features/index.js';
import { startJobRunner } from '../../src/bot/job-runner.js';
import { createMetrics } from '../../src/bot/routes/metrics.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { createLogger } from '../../src/logger.js';
import type { FakeSlack } from '../../test/support/fake-slack.js';

export const BENCH_WEBHOOK_TOKEN = 'benchWebhookToken_0123456789abc';
export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789';

export interface BenchApp {
  readonly deps: BotDeps;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/hoiio/<token>/<kind>`. */
  webhookUrl(kind: 'sms' | 'fax' | 'voice' | 'status'): string;
  /** Starts the job worker if it is not running yet (see `BenchAppOptions.worker`). */
  startWorker(): Promise<void>;
  /** Resolves when the job worker has nothing runnable. The worker must be running. */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchAppOptions {
  readonly database: DatabaseHandle;
  readonly slack: FakeSlack;
  /** Slack pacing per channel (the app's default: 1000 ms). */
  readonly slackChannelIntervalMs?: number;
  /** The sandbox's delay multiplier (default 0.01: a fax arrives in milliseconds). */
  readonly sandboxTimeScale?: number;
  /** Start the job worker with the app (default), or not: the request path alone, until `startWorker()`. */
  readonly worker?: boolean;
}

export async function startBenchApp(options: BenchAppOptions): Promise<BenchApp> {
  const { database, slack } = options;
  const env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    HOIIO_WEBHOOK_TOKEN: BENCH_WEBHOOK_TOKEN,
  };
  const config = loadConfig(env, { cwd: mkdtempSync(join(tmpdir(), 'bench-app-')) });
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets(), destination: process.stderr });
  const embedded = createEmbeddedSandbox({ logger, timeScale: options.sandboxTimeScale ?? 0.01 });
  const deps: BotDeps = {
    config,
    logger,
    clock: systemClock,
    metrics: createMetrics({ defaultMetrics: false }),
    slack: createWorkerSlackClient(config, logger),
    hoiio: embedded.hoiio,
    db: database.db,
    database,
    ...platformDeps(config.publicUrl, BENCH_WEBHOOK_TOKEN),
    ...(options.slackChannelIntervalMs !== undefined ? { slackChannelIntervalMs: options.slackChannelIntervalMs } : {}),
  };
  const bot = await createBotApp(deps, FEATURES);
  embedded.mount(bot.routes);
  const running = await startBotApp(bot, { port: 0, host: '127.0.0.1' });
  deps.webhookUrls.rebase(running.url);
  embedded.start(running.url, deps.webhookUrls);
  let runner: Awaited<ReturnType<typeof startJobRunner>> | undefined;
  const startWorker = async () => {
    runner ??= await startJobRunner(bot, { pollMs: 200 });
  };
  if (options.worker ?? true) await startWorker();
  return {
    deps,
    url: running.url,
    webhookUrl: (kind) => deps.webhookUrls.url(kind),
    startWorker,
    whenIdle: () => {
      if (!runner) throw Object.assign(new Error('bench: the job worker is not running'), { code: 'bench_no_worker' });
      return runner.whenIdle();
    },
    async stop() {
      await runner?.stop({ timeoutMs: 5000 });
      await running.stop();
      await embedded.close();
    },
  };
}
