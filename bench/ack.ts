// Ack latency of `/hoiio sms <number> <text>` (signed request in, 200 out; the transaction row, its sms.send job
// and its card sync committed before the ack) against a bare Bolt app acking an empty /hoiio in the same run.
// Sequential requests, so each figure is one request's latency. The job worker is not running: the figure is the
// request path alone. PGlite always; PostgreSQL with BENCH_DATABASE_URL or TEST_DATABASE_URL (scratch database).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open-database.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { sendSigned, slashCommand } from '../test/support/slack-requests.js';
import type { BenchResult } from './run.js';
import { BENCH_SIGNING_SECRET, startBenchApp } from './support/bench-app.js';
import { benchDatabaseUrl, scratchDatabase } from './support/scratch-database.js';

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
    const res = await sendSigned(url, request, { signingSecret: BENCH_SIGNING_SECRET });
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
  const receiver = new HTTPReceiver({ signingSecret: BENCH_SIGNING_SECRET });
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
    const app = await startBenchApp({ database, slack, worker: false });
    try {
      return await measure(app.url, (i) => `sms +65 9123 4567 Bench message ${i}`);
    } finally {
      await app.stop();
    }
  } finally {
    await database.close();
  }
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
    const baseUrl = benchDatabaseUrl();
    if (baseUrl) {
      const scratch = await scratchDatabase(baseUrl, 'ack');
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
