// Hoiio webhook intake and inbound relay latency, on PGlite and (with BENCH_DATABASE_URL or TEST_DATABASE_URL)
// PostgreSQL, each against a baseline measured in the same run:
// 1. Intake: distinct incoming-SMS notifications POSTed by 16 concurrent clients to /hoiio/<token>/sms of the real
//    app (every feature; the job worker NOT running, so the figure is the request path alone: token check, parse,
//    event row + relay job in one transaction, 200) vs a bare node:http handler doing one INSERT of the same
//    params on the same database handle. Throughput and p99. Also duplicates (the same notification again: a
//    unique-key conflict, nothing stored).
// 2. Relay latency: a real (sandbox-signed) incoming-SMS notification POSTed to the app with the worker running →
//    its card's chat.postMessage on the fake Slack (verify via sms/query_status, transaction, card sync, post), one
//    at a time, each in a fresh channel whose contact thread exists (so per-channel pacing does not count) vs a
//    bare node:http handler that posts to Slack straight away (no storage, no verification).
// Every phase is time-boxed; the bench stops by itself.
import { performance } from 'node:perf_hooks';
import { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.js';
import { type DatabaseHandle, openDatabase } from '../src/db/open-database.js';
import { upsertNumberRoute } from '../src/db/repositories/number-routes.js';
import { SANDBOX_VOICE_NUMBER } from '../src/hoiio/sandbox/state.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import type { BenchResult } from './run.js';
import { BENCH_WEBHOOK_TOKEN, type BenchApp, startBenchApp } from './support/bench-app.js';
import { close, listen, readBody, urlOf } from './support/http.js';
import { benchDatabaseUrl, scratchDatabase } from './support/scratch-database.js';

const CONCURRENCY = 16;
const INTAKE_REQUESTS = 3000;
const WARMUP = 200;
/** sms/query_status is limited to 60 a minute (sandbox, as Hoiio): stay under it. */
const RELAY_SAMPLES = 40;
const RELAY_WARMUP = 5;
const PHASE_MS = 15_000;
const CUSTOMER = '+6591234567';

interface Figures {
  count: number;
  ms: number;
  p50: number;
  p99: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function summary(samples: number[], ms: number): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: samples.length, ms, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

const rps = (f: Figures) => (f.count / f.ms) * 1000;
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function smsNotification(i: number): string {
  return new URLSearchParams({
    txn_ref: `AA-SI-${9_000_000 + i}`,
    from: CUSTOMER,
    to: SANDBOX_VOICE_NUMBER,
    msg: `Bench message ${i}`,
    date: '2025-11-25 10:00:00',
    currency: 'SGD',
    debit: '0.010',
  }).toString();
}

/** `total` POSTs from `CONCURRENCY` loops (warm-up first, not counted); throughput and latency of the rest. */
async function load(url: string, total: number, body: (i: number) => string): Promise<Figures> {
  const post = async (i: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(i),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`bench: HTTP ${res.status} from ${new URL(url).pathname.split('/')[1]}`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < WARMUP) await post(next++);
    }),
  );
  const samples: number[] = [];
  const start = performance.now();
  const until = start + PHASE_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < WARMUP + total && performance.now() < until) {
        const t0 = performance.now();
        await post(next++);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return summary(samples, performance.now() - start);
}

/** The baseline of the intake: read the body, parse it, one INSERT (deduped like ours), 200. */
async function bareInsert(database: DatabaseHandle): Promise<Figures> {
  await sql`create table if not exists bench_intake (id bigint generated always as identity primary key,
    dedupe_key text not null unique, params jsonb not null, created_at timestamptz not null default now())`.execute(
    database.db,
  );
  const server = await listen(async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    await sql`insert into bench_intake (dedupe_key, params) values (${`sms:${params['txn_ref']}`}, ${JSON.stringify(params)})
      on conflict do nothing`.execute(database.db);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  try {
    return await load(`${urlOf(server)}/hoiio/token/sms`, INTAKE_REQUESTS, (i) => smsNotification(i));
  } finally {
    await close(server);
  }
}

/** Sequential relay latency: notification in → the card's chat.postMessage on the fake Slack. */
async function relayLatency(app: BenchApp, slack: FakeSlack, engine: string): Promise<Figures> {
  const { deps } = app;
  // The sandbox delivers its (signed) notifications to us: we hold each one and time it from its arrival.
  const held: { body: string; signature: string | undefined }[] = [];
  let arrived: (() => void) | undefined;
  const capture = await listen(async (req, res) => {
    held.push({ body: await readBody(req), signature: req.headers['x-hoiio-signature'] as string | undefined });
    arrived?.();
    res.writeHead(200).end('ok');
  });
  await deps.hoiio.number.updateForwarding({ number: SANDBOX_VOICE_NUMBER, forwardToSms: `${urlOf(capture)}/sms` });
  const samples: number[] = [];
  const until = performance.now() + PHASE_MS * 2;
  try {
    for (let i = 0; i < RELAY_WARMUP + RELAY_SAMPLES && performance.now() < until; i++) {
      // Unique per engine: the fake Slack is shared, and waitForCall also matches calls already made.
      const channel = `C0RELAY${engine.toUpperCase()}${i}`;
      await upsertNumberRoute(deps.db, { number: SANDBOX_VOICE_NUMBER, channel_id: channel });
      await deps.db
        .insertInto('contact_threads')
        .values({ channel_id: channel, number: CUSTOMER, thread_ts: '1700000000.000100' })
        .execute();
      const next = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      await fetch(`${app.url}/sandbox/api/trigger/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: CUSTOMER, to: SANDBOX_VOICE_NUMBER, msg: `Relay bench ${i}` }),
      });
      await next;
      const notification = held.shift();
      if (!notification) throw new Error('bench: no notification captured');
      const posted = slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === channel);
      const t0 = performance.now();
      const res = await fetch(`${app.url}/hoiio/${BENCH_WEBHOOK_TOKEN}/sms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(notification.signature ? { 'x-hoiio-signature': notification.signature } : {}),
        },
        body: notification.body,
      });
      await res.arrayBuffer();
      await posted;
      if (i >= RELAY_WARMUP) samples.push(performance.now() - t0);
    }
  } finally {
    await close(capture);
  }
  return summary(samples, 0);
}

/** The relay baseline: a bare node:http handler that posts the SMS to Slack at once. */
async function bareRelay(slack: FakeSlack): Promise<Figures> {
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const server = await listen(async (req, res) => {
    const params = new URLSearchParams(await readBody(req));
    await client.chat.postMessage({ channel: 'C0BARE', text: `SMS from ${params.get('from')}: ${params.get('msg')}` });
    res.writeHead(200).end('ok');
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < RELAY_WARMUP + RELAY_SAMPLES; i++) {
      const marker = `Bare bench ${i}`;
      const posted = slack.waitForCall('chat.postMessage', (c) => String(c.args['text']).endsWith(marker));
      const t0 = performance.now();
      const body = new URLSearchParams({
        txn_ref: `AA-SI-${i}`,
        from: CUSTOMER,
        to: SANDBOX_VOICE_NUMBER,
        msg: marker,
      });
      const res = await fetch(`${urlOf(server)}/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      await res.arrayBuffer();
      await posted;
      if (i >= RELAY_WARMUP) samples.push(performance.now() - t0);
    }
  } finally {
    await close(server);
  }
  return summary(samples, 0);
}

async function benchEngine(engine: string, database: DatabaseHandle, slack: FakeSlack, bareRelayFigures: Figures) {
  const results: BenchResult[] = [];
  await migrateToLatest(database.db);
  const base = await bareInsert(database);
  const app = await startBenchApp({ database, slack, worker: false });
  try {
    const url = `${app.url}/hoiio/${BENCH_WEBHOOK_TOKEN}/sms`;
    const fresh = await load(url, INTAKE_REQUESTS, (i) => smsNotification(100_000 + i));
    const duplicates = await load(url, INTAKE_REQUESTS, (i) => smsNotification(100_000 + (i % 500)));
    const intake = (name: string, f: Figures): BenchResult => ({
      name: `webhook intake ${name} (${engine})`,
      baseline: 'bare node:http handler, one INSERT',
      figures: {
        'req/s': Math.round(rps(f)),
        'p50 ms': round(f.p50),
        'p99 ms': round(f.p99),
        'baseline req/s': Math.round(rps(base)),
        'baseline p99 ms': round(base.p99),
        requests: f.count,
      },
      ratio: rps(f) / rps(base),
      note: `throughput ratio, higher is better; p99 ratio ${(f.p99 / base.p99).toFixed(2)}`,
    });
    results.push(intake('throughput, new notifications', fresh), intake('throughput, duplicates', duplicates));

    // The relay needs a quiet queue: drop the intake phase's events and relay jobs before starting the worker.
    await sql`truncate inbound_events, jobs`.execute(database.db);
    await app.startWorker();
    const relay = await relayLatency(app, slack, engine);
    results.push({
      name: `incoming SMS notification → chat.postMessage latency p99 (${engine})`,
      baseline: 'bare node:http handler posting to Slack at once (no store, no verify)',
      figures: {
        'p50 ms': round(relay.p50),
        'p99 ms': round(relay.p99),
        'baseline p50 ms': round(bareRelayFigures.p50),
        'baseline p99 ms': round(bareRelayFigures.p99),
        samples: relay.count,
      },
      ratio: relay.p99 / bareRelayFigures.p99,
      note: `p50 ratio ${(relay.p50 / bareRelayFigures.p50).toFixed(2)}; lower is better`,
    });
  } finally {
    await app.stop();
  }
  return results;
}

export async function run(): Promise<BenchResult[]> {
  const slack = await FakeSlack.start({ botToken: 'xoxb-bench-token' });
  const results: BenchResult[] = [];
  try {
    const bare = await bareRelay(slack);
    const lite = await openDatabase({});
    try {
      results.push(...(await benchEngine('pglite', lite, slack, bare)));
    } finally {
      await lite.close();
    }
    const baseUrl = benchDatabaseUrl();
    if (baseUrl) {
      const scratch = await scratchDatabase(baseUrl, 'intake');
      try {
        const handle = await openDatabase({ databaseUrl: scratch.url, poolMax: CONCURRENCY + 4 });
        try {
          results.push(...(await benchEngine('postgres', handle, slack, bare)));
        } finally {
          await handle.close();
        }
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    await slack.close();
  }
  return results;
}

// `tsx bench/intake.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
