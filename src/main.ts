/**
 * `npm start`: reads the configuration once, builds every dependency explicitly, starts the one HTTP listener
 * (and Socket Mode when configured), and shuts down gracefully on SIGTERM/SIGINT.
 */
import { createBotApp, type RunningBotApp, startBotApp } from './bot/app.js';
import { type BotDeps, createWorkerSlackClient, platformDeps, systemClock } from './bot/deps.js';
import { createEmbeddedSandbox } from './bot/embedded-sandbox.js';
import { FEATURES } from './bot/features/index.js';
import { type JobRunnerOptions, startJobRunner } from './bot/job-runner.js';
import { createMetrics, hoiioAttemptRecorder, type Metrics } from './bot/routes/metrics.js';
import { resolveWebhookTokens, type WebhookUrls } from './bot/webhook-urls.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { DataDirLockedError, openDatabase } from './db/open-database.js';
import { HoiioClient } from './hoiio/index.js';
import { createLogger, type Logger } from './logger.js';

const FATAL_SLACK_AUTH = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hoiio-slack cannot start:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets() });
  const cleanups: (() => Promise<void>)[] = [];
  let shuttingDown = false;
  const shutdown = async (reason: string, code = 0): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    let exitCode = code;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
        exitCode = 1;
      }
    }
    exitAfterFlush(exitCode);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (shuttingDown) exitAfterFlush(1); // a second signal: stop waiting
      void shutdown(signal);
    });
  }

  try {
    const database = await openDatabase({
      ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      logger: logger.child({ component: 'db' }),
    });
    cleanups.push(() => database.close());
    await migrateToLatest(database.db, logger.child({ component: 'migrate' }));

    const tokens = await resolveWebhookTokens(database.db, config.hoiioWebhookToken, config.hoiioWebhookTokenPrevious);
    for (const token of [tokens.token, ...tokens.previousTokens]) logger.addSecret(token);
    const platform = platformDeps(config.publicUrl, tokens.token, tokens.previousTokens);
    const { webhookUrls } = platform;

    const metrics = createMetrics();
    const embedded = config.sandboxMode
      ? createEmbeddedSandbox({ logger, onAttempt: hoiioAttemptRecorder(metrics) })
      : undefined;
    const deps: BotDeps = {
      config,
      logger,
      clock: systemClock,
      metrics,
      slack: createWorkerSlackClient(config, logger),
      hoiio: embedded?.hoiio ?? createHoiioClient(config, logger, metrics),
      db: database.db,
      database,
      ...platform,
      ...(config.tuning.slackChannelIntervalMs !== undefined
        ? { slackChannelIntervalMs: config.tuning.slackChannelIntervalMs }
        : {}),
    };
    const bot = await createBotApp(deps, FEATURES);
    embedded?.mount(bot.routes);
    const running = await startBotApp(bot);
    // Shutdown runs these in reverse: the worker stops first (its jobs may call the sandbox through our
    // listener), then the sandbox (its last notifications come to our listener), then the listener.
    cleanups.push(() => running.stop());
    // PORT=0 without PUBLIC_URL: only now do we know where we are.
    if (new URL(config.publicUrl).port === '0') webhookUrls.rebase(running.url);
    if (embedded) {
      embedded.start(running.url, webhookUrls);
      cleanups.push(() => embedded.close());
    }
    const runner = await startJobRunner(bot, jobRunnerOptions(config));
    cleanups.push(() => runner.stop());
    printBanner(config, running, webhookUrls);
    checkSlackToken(deps, logger, () => shutdown('Slack rejected the bot token', 1));
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`hoiio-slack cannot start: ${error.message}\n`);
      await shutdown('data directory locked', 1);
      return;
    }
    // The logger redacts secrets, which a startup error (a connection string, a token) may contain.
    logger.fatal({ err: error }, 'hoiio-slack failed to start');
    await shutdown('startup failed', 1);
  }
}

/** The job worker's timing from the JOB_* knobs; unset ones keep the worker's defaults. */
function jobRunnerOptions({ tuning }: Config): JobRunnerOptions {
  const backoff = {
    ...(tuning.jobBackoffBaseMs !== undefined ? { baseMs: tuning.jobBackoffBaseMs } : {}),
    ...(tuning.jobBackoffCapMs !== undefined ? { capMs: tuning.jobBackoffCapMs } : {}),
  };
  return {
    ...(tuning.jobPollMs !== undefined ? { pollMs: tuning.jobPollMs } : {}),
    ...(tuning.jobLeaseMs !== undefined ? { leaseMs: tuning.jobLeaseMs } : {}),
    ...(Object.keys(backoff).length > 0 ? { backoff } : {}),
  };
}

/** The real Hoiio API (live mode). */
function createHoiioClient(config: Config, logger: Logger, metrics: Metrics): HoiioClient {
  if (config.hoiio.mode !== 'live') throw new Error('createHoiioClient: live mode only');
  return new HoiioClient({
    appId: config.hoiio.appId,
    accessToken: config.hoiio.accessToken,
    baseUrl: config.hoiio.apiUrl,
    logger: logger.child({ component: 'hoiio' }),
    onAttempt: hoiioAttemptRecorder(metrics),
  });
}

function printBanner(config: Config, running: RunningBotApp, webhookUrls: WebhookUrls): void {
  const publicUrl = webhookUrls.publicUrl;
  const lines = [
    `hoiio-slack listening on ${running.url}`,
    config.socketMode
      ? '  Slack:    Socket Mode (SLACK_APP_TOKEN)'
      : `  Slack:    ${publicUrl}/slack/events  (Request URL for commands, interactivity and events)`,
    `  Hoiio:    ${publicUrl}/hoiio/****/{sms,voice,fax,status}  (webhooks; the token is a secret)`,
    `  Health:   ${running.url}/healthz    Metrics: ${running.url}/metrics`,
  ];
  if (config.sandboxMode) {
    lines.push(
      '',
      '  Sandbox mode: nothing real is sent. No Hoiio credentials, so Hoiio is simulated locally; its numbers',
      '  forward to the webhooks above. Trigger an incoming SMS, fax or call from the sandbox console:',
      `  Sandbox:  ${publicUrl}/sandbox`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Checks the bot token in the background: a rejected token stops the app; an unreachable Slack does not. */
function checkSlackToken({ slack }: BotDeps, logger: Logger, stop: () => Promise<void>): void {
  slack.auth.test().then(
    (r) => logger.info({ team: r.team, bot_user_id: r.user_id }, 'connected to Slack'),
    (error: unknown) => {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      if (slackError !== undefined && FATAL_SLACK_AUTH.has(slackError)) {
        logger.fatal({ slackError }, 'Slack rejected SLACK_BOT_TOKEN; check the token (README.md, "Slack app setup")');
        void stop();
      } else {
        logger.warn({ err: error }, 'Slack is not reachable yet; requests will be retried as they come');
      }
    },
  );
}

function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

void main();
