import type { Server } from 'node:http';
import { App, type Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { countJobs } from '../db/job-queue.js';
import type { BotDeps } from './deps.js';
import { workerSlackClientOptions } from './deps.js';
import { handleAppError } from './error-handler.js';
import { FEATURES, type Feature, JobRegistry } from './features/index.js';
import { handleHoiioCommand, SubcommandRegistry } from './hoiio-command.js';
import {
  close,
  createHttpServer,
  listen,
  MAX_HEADER_SIZE,
  RouteTable,
  SANDBOX_MAX_HEADER_SIZE,
} from './http-server.js';
import { COMMAND, QUEUE } from './ids.js';
import { runInboundRelay } from './inbound/run-inbound-relay.js';
import { runJobsPurge } from './jobs-purge.js';
import { type BotReceiver, createReceiver } from './receiver.js';
import { healthRoute } from './routes/health.js';
import { hoiioWebhookRoute } from './routes/hoiio-webhooks.js';
import { metricsRoute, registerJobsGauge } from './routes/metrics.js';
import { instrumentSlackClient } from './slack-metrics.js';
import { SlackPoster } from './slack-poster.js';

/** The built app: Bolt, its receiver, the registries features filled, and the (not yet listening) server. */
export interface BotApp {
  readonly app: App;
  readonly receiver: BotReceiver;
  readonly routes: RouteTable;
  readonly subcommands: SubcommandRegistry;
  readonly jobs: JobRegistry;
  readonly server: Server;
  readonly deps: BotDeps;
}

/** A started app: the URL it listens on (port 0 gives a free port) and how to stop it. */
export interface RunningBotApp {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Builds the Bolt app (explicit `init()`, one error handler), the receiver for HTTP or Socket Mode, the core
 * routes (`/healthz`, `/metrics`), the platform (Hoiio webhooks at `/hoiio`, the `inbound.relay` dispatcher, the
 * `slack.post` poster) and every feature. Starts nothing (see `startJobRunner` for the worker) and calls no Slack
 * API.
 */
export async function createBotApp(deps: BotDeps, features: readonly Feature[] = FEATURES): Promise<BotApp> {
  const { config, logger } = deps;
  const receiver = createReceiver(config, logger);
  const app = new App({
    receiver: receiver.receiver,
    authorize: cachedAuthorize(deps.slack, config.slackBotToken),
    clientOptions: workerSlackClientOptions(config, logger),
    deferInitialization: true,
    extendedErrorHandler: true,
  });
  await app.init();
  app.error(handleAppError(deps));
  // Every Web API call, the workers' and each request's, counted by method and outcome.
  instrumentSlackClient(deps.slack, deps.metrics);
  app.use(async ({ client, next }) => {
    instrumentSlackClient(client, deps.metrics);
    await next();
  });
  registerJobsGauge(deps.metrics, () => countJobs(deps.db));

  const routes = new RouteTable();
  routes.mount('/healthz', healthRoute({ checkDatabase: () => deps.database.ping(), logger }));
  routes.mount('/metrics', metricsRoute(deps.metrics));
  const subcommands = new SubcommandRegistry();
  const jobs = new JobRegistry();
  app.command(COMMAND.hoiio, handleHoiioCommand(deps, subcommands));
  // The platform every feature stands on: Hoiio webhook intake, the relay dispatcher, the Slack poster.
  routes.mount('/hoiio', hoiioWebhookRoute(deps));
  jobs.add(QUEUE.inboundRelay, runInboundRelay(deps));
  const poster = new SlackPoster(
    deps,
    deps.slackChannelIntervalMs !== undefined ? { channelIntervalMs: deps.slackChannelIntervalMs } : {},
  );
  jobs.add(QUEUE.slackPost, poster.run);
  jobs.add(QUEUE.jobsPurge, runJobsPurge(deps));
  for (const feature of features) {
    feature.register({ app, deps, subcommands, jobs, routes, cards: deps.cards, inbound: deps.inbound });
    logger.debug({ feature: feature.name }, 'feature registered');
  }

  const server = createHttpServer({
    routes,
    logger,
    metrics: deps.metrics,
    slackListener: receiver.mode === 'http' ? receiver.listener : undefined,
    maxHeaderSize: config.sandboxMode ? SANDBOX_MAX_HEADER_SIZE : MAX_HEADER_SIZE,
  });
  return { app, receiver, routes, subcommands, jobs, server, deps };
}

/**
 * Listens on `port`/`host` (defaults from config) and, in Socket Mode, connects to Slack. Resolves the bound URL.
 */
export async function startBotApp(
  bot: BotApp,
  { port = bot.deps.config.port, host = bot.deps.config.host }: { port?: number; host?: string } = {},
): Promise<RunningBotApp> {
  const url = await listen(bot.server, port, host);
  if (bot.receiver.mode === 'socket') {
    try {
      await bot.app.start();
    } catch (error) {
      await close(bot.server);
      throw error;
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => {
      stopping ??= (async () => {
        // Not app.stop(): Bolt's SocketModeReceiver does not wait for the socket to close; the client's disconnect()
        // resolves once the close handshake is done (or the connection is gone), so no envelope arrives after this.
        if (bot.receiver.mode === 'socket') await bot.receiver.receiver.client.disconnect();
        await close(bot.server);
      })();
      return stopping;
    },
  };
}

/**
 * A single-workspace authorize that calls `auth.test` once, on first use (not at start-up, so the app starts while
 * Slack is unreachable), and again only after a failure.
 */
function cachedAuthorize(client: WebClient, botToken: string): Authorize<boolean> {
  let identity: Promise<{ botId?: string; botUserId?: string; teamId?: string }> | undefined;
  return async () => {
    if (identity === undefined) {
      identity = client.auth.test({ token: botToken }).then((r) => ({
        ...(r.bot_id !== undefined ? { botId: r.bot_id } : {}),
        ...(r.user_id !== undefined ? { botUserId: r.user_id } : {}),
        ...(r.team_id !== undefined ? { teamId: r.team_id } : {}),
      }));
    }
    const pending = identity;
    try {
      return { botToken, ...(await pending) };
    } catch (error) {
      if (identity === pending) identity = undefined;
      // Slack unreachable, 5xx or rate-limited: the token alone serves this request (acks and the durable
      // intent need no bot identity) and auth.test is tried again on the next one. A rejected token is fatal.
      if (isCredentialError(error)) throw error;
      return { botToken };
    }
  };
}

const CREDENTIAL_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

function isCredentialError(error: unknown): boolean {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' && CREDENTIAL_ERRORS.has(data.error);
}
