/**
 * `npm start`: reads the configuration once, builds every dependency explicitly, starts the one HTTP listener
 * (and Socket Mode when configured), and shuts down gracefully on SIGTERM/SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { type BotApp, createBotApp, type RunningBotApp, startBotApp } from './bot/app.js';
import { type BotDeps, createWorkerSlackClient, systemClock } from './bot/deps.js';
import { FEATURES } from './bot/features/index.js';
import { createMetrics, type Metrics } from './bot/routes/metrics.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { DataDirLockedError, openDatabase } from './db/open-database.js';
import { type HoiioAttempt, HoiioClient } from './hoiio/index.js';
import { createSandbox } from './hoiio/sandbox/sandbox.js';
import { createLogger, type Logger, type RootLogger } from './logger.js';

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

    const metrics = createMetrics();
    const deps: BotDeps = {
      config,
      logger,
      clock: systemClock,
      metrics,
      slack: createWorkerSlackClient(config, logger),
      hoiio: createHoiioClient(config, logger, metrics),
      db: database.db,
      database,
    };
    const bot = await createBotApp(deps, FEATURES);
    // TODO(lead): read or create the webhook token in the database (settings) instead of a per-process one.
    const webhookToken = config.hoiioWebhookToken ?? generatedWebhookToken(logger);
    if (config.sandboxMode) cleanups.push(mountSandbox(bot, webhookToken, logger));
    // TODO(lead): mount the Hoiio webhook intake at /hoiio and start the job worker with bot.jobs.toRecord().
    const running = await startBotApp(bot);
    cleanups.push(() => running.stop());
    printBanner(config, running);
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

function createHoiioClient(config: Config, logger: Logger, metrics: Metrics): HoiioClient {
  const hoiioLogger = logger.child({ component: 'hoiio' });
  const onAttempt = ({ endpoint, durationMs, status, errorCode }: HoiioAttempt) => {
    metrics.hoiioCalls.inc({ endpoint, outcome: errorCode ?? status ?? 'no_status' });
    metrics.hoiioDuration.observe({ endpoint }, durationMs / 1000);
  };
  if (config.hoiio.mode === 'live') {
    return new HoiioClient({
      appId: config.hoiio.appId,
      accessToken: config.hoiio.accessToken,
      baseUrl: config.hoiio.apiUrl,
      logger: hoiioLogger,
      onAttempt,
    });
  }
  // The embedded sandbox on our own listener; its app id and access token are both `sandbox`.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return new HoiioClient({
    appId: 'sandbox',
    accessToken: 'sandbox',
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/sandbox/open/`,
    logger: hoiioLogger,
    onAttempt,
  });
}

function generatedWebhookToken(logger: RootLogger): string {
  const token = randomBytes(24).toString('base64url');
  logger.addSecret(token);
  return token;
}

/**
 * Sandbox mode: the built-in Hoiio sandbox at /sandbox on our own listener, its numbers forwarding to this app's
 * webhook URLs. Returns its cleanup.
 */
function mountSandbox(bot: BotApp, webhookToken: string, logger: Logger): () => Promise<void> {
  const { publicUrl } = bot.deps.config;
  const hooks = `${publicUrl}/hoiio/${webhookToken}`;
  const sandbox = createSandbox({
    basePath: '/sandbox',
    publicUrl: `${publicUrl}/sandbox`,
    forwarding: { voice: `${hooks}/voice`, fax: `${hooks}/fax`, sms: `${hooks}/sms` },
    logger: logger.child({ component: 'sandbox' }),
  });
  bot.routes.mount('/sandbox', (req, res) => sandbox.handle(req, res));
  return () => sandbox.close();
}

function printBanner(config: Config, running: RunningBotApp): void {
  const lines = [
    `hoiio-slack listening on ${running.url}`,
    config.socketMode
      ? '  Slack:    Socket Mode (SLACK_APP_TOKEN)'
      : `  Slack:    ${config.publicUrl}/slack/events  (Request URL for commands, interactivity and events)`,
    `  Hoiio:    ${config.publicUrl}/hoiio/****/{sms,voice,fax,status}  (webhooks; the token is a secret)`,
    `  Health:   ${running.url}/healthz    Metrics: ${running.url}/metrics`,
  ];
  if (config.sandboxMode) {
    lines.push(
      '',
      '  SANDBOX MODE: no Hoiio credentials, so nothing real is sent; Hoiio is simulated locally.',
      `  Sandbox:  ${config.publicUrl}/sandbox`,
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
