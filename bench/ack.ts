// Ack latency of `/hoiio sms <number> <text>` (signed request in, 200 out; the transaction row, its sms.send job
// and its card sync committed before the ack) against a bare Bolt app acking an empty /hoiio in the same run.
// Sequential requests, so each figure is one request's latency. The job worker is not running: the figure is the
// request path alone. PGlite always; PostgreSQL with BENCH_DATABASE_URL or TEST_DATABASE_URL (scratch database).
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import pg from 'pg';
import { createBotApp, startBotApp } from '../src/bot/app.js';
import { createWorkerSlackClient, platformDeps, systemClock } from '../src/bot/deps.js';
import { createEmbeddedSandbox } from '../src/bot/embedded-sandbox.js';
import { FEATURES } from '../src/bot/features/index.js';
import { createMetrics } from '../src/bot/routes/metrics.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open-database.js';
import { createLogger } from '../src/logger.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { sendSigned, slashCommand } from '../test/support/slack-requests.js';
import type { BenchResult } from './run.js';

const SIGNING_SECRET = 'bench-signing-secret-0123456789';
const WARMUP = 50;
const REQUESTS = 500;
const DEADLINE_MS = 15_000; // per phase: the bench stops by itself

interface Latencies {
  p50: number;
  p99: number;
  count: number;
}

/** Sends signed slash commands one after another; returns p50/p99 in ms. */
async function measure(url: string, text: (i: number) => string): Promise<Latencies> {
  const samples: number[] = [];
  const until = performance.now() + DEADLINE_MS;
  for (let i = 0; i < WARMUP + REQUESTS && performance.now() < until; i++) {
    const request = slashCommand({ text: text(i), channel_id: 'C0BENCH' });
    const start = performance.now();
    const res = await sendSigned(url, request, { signingSecret: SIGNING_SECRET });
    await res.arrayBuffer();
    const ms = performance.now() - start;
    if (res.status !== 200) throw new Error(`bench: HTTP ${res.status}`);
    if (i >= WARMUP) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), count: samples.length };
}

/** The baseline: a bare Bolt app (HTTPReceiver) whose /hoiio listener only acks. */
async function bareBolt(slack: FakeSlack): Promise<Latencies> {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: slack.botToken, botId: 'B0FAKEBOT', botUserId: 'U0FAKEBOT' }),
    clientOptions: { slackApiUrl: slack.apiUrl },
  });
  app.command('/hoiio', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(0)) as Server;
  try {
    const { port } = server.address() as AddressInfo;
    return await measure(`http://127.0.0.1:${port}`, () => '');
  } finally {
    await app.stop();
  }
}

/** The real app (every feature, embedded sandbox, no job worker) on `databaseUrl` or in-memory PGlite. */
async function realApp(slack: FakeSlack, databaseUrl: string | undefined): Promise<Latencies> {
  const database = await openDatabase(databaseUrl ? { databaseUrl } : {});
  try {
    await migrateToLatest(database.db);
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      HOIIO_WEBHOOK_TOKEN: 'benchWebhookToken_0123456789abc',
    };
    const config = loadConfig(env, { cwd: mkdtempSync(join(tmpdir(), 'bench-ack-')) });
    const logger = createLogger({ level: config.logLevel, secrets: config.secrets() });
    const embedded = createEmbeddedSandbox({ logger });
    const deps = {
      config,
      logger,
      clock: systemClock,
      metrics: createMetrics({ defaultMetrics: false }),
      slack: createWorkerSlackClient(config, logger),
      hoiio: embedded.hoiio,
      db: database.db,
      database,
      ...platformDeps(config.publicUrl, config.hoiioWebhookToken ?? 'benchWebhookToken_0123456789abc'),
    };
    const bot = await createBotApp(deps, FEATURES);
    embedded.mount(bot.routes);
    const running = await startBotApp(bot, { port: 0, host: '127.0.0.1' });
    try {
      return await measure(running.url, (i) => `sms +65 9123 4567 Bench message ${i}`);
    } finally {
      await running.stop();
      await embedded.close();
    }
  } finally {
    await database.close();
  }
}

async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hoiio_bench_ack_${process.pid}`;
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(query);
    } finally {
      await c.end();
    }
  };
  await admin(`drop database if exists ${name}`);
  await admin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function result(engine: string, subject: Latencies, base: Latencies): BenchResult {
  const f = (ms: number) => Number(ms.toFixed(2));
  return {
    name: `/hoiio sms ack latency p99, intent persisted (${engine})`,
    baseline: 'bare Bolt app acking an empty /hoiio',
    figures: {
      'p50 ms': f(subject.p50),
      'p99 ms': f(subject.p99),
      'baseline p50 ms': f(base.p50),
      'baseline p99 ms': f(base.p99),
      requests: subject.count,
    },
    ratio: subject.p99 / base.p99,
    note: `p50 ratio ${(subject.p50 / base.p50).toFixed(2)}; lower is better`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const slack = await FakeSlack.start({ botToken: 'xoxb-bench-token' });
  const results: BenchResult[] = [];
  try {
    const base = await bareBolt(slack);
    results.push(result('pglite', await realApp(slack, undefined), base));
    const { BENCH_DATABASE_URL, TEST_DATABASE_URL } = process.env;
    const baseUrl = BENCH_DATABASE_URL || TEST_DATABASE_URL;
    if (baseUrl) {
      const scratch = await scratchDatabase(baseUrl);
      try {
        results.push(result('postgres', await realApp(slack, scratch.url), base));
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    await slack.close();
  }
  return results;
}

// `tsx bench/ack.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
