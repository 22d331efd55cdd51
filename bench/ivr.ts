// Inbound call latency: from the moment Hoiio sends an IVR notification to the moment the app's next block request
// reaches Hoiio, measured on the Hoiio side (a loopback fake Hoiio both sends the notifications and receives the
// block requests). The app is the real one (createBotApp + job runner: intake → inbound_events + inbound.relay job
// → worker → IVR driver → ivr_sessions → block request), on PGlite (in memory) and, with BENCH_DATABASE_URL or
// TEST_DATABASE_URL, PostgreSQL (a scratch database, created and dropped).
// Two steps of each call are measured: answer → play (creates the call and its session) and play done → record.
// Baseline, same run, same engine: a bare node:http handler that stores the notification with one INSERT and then
// requests the block (the least any durable IVR handler does).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { createBotApp, startBotApp } from '../src/bot/app.js';
import { type BotDeps, createWorkerSlackClient, platformDeps, systemClock } from '../src/bot/deps.js';
import { FEATURES } from '../src/bot/features/index.js';
import { startJobRunner } from '../src/bot/job-runner.js';
import { createMetrics } from '../src/bot/routes/metrics.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { type DatabaseHandle, openDatabase } from '../src/db/open-database.js';
import { HoiioClient } from '../src/hoiio/index.js';
import { createLogger } from '../src/logger.js';
import type { BenchResult } from './run.js';

const CALLS = 150;
const PHASE_DEADLINE_MS = 20_000; // per engine and subject: the bench stops by itself
const WAIT_MS = 5_000; // a block request that never comes counts as lost, not as a hang
const WEBHOOK_TOKEN = 'bench-ivr-webhook-token-0123456789';

/** A loopback Hoiio: answers every IVR block with success_ok and reports when each (session, block) arrives. */
class FakeHoiio {
  readonly #server: Server;
  readonly #waiters = new Map<string, (at: number) => void>();
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const at = performance.now();
        const params = new URLSearchParams(body);
        const block = (req.url ?? '').split('?')[0]?.split('/').at(-1) ?? '';
        const key = `${params.get('session')}:${block}`;
        this.#waiters.get(key)?.(at);
        this.#waiters.delete(key);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success_ok"}');
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  /** Resolves with the arrival time of `block` for `session` (undefined after WAIT_MS). */
  expect(session: string, block: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(`${session}:${block}`);
        resolve(undefined);
      }, WAIT_MS);
      this.#waiters.set(`${session}:${block}`, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Sends a notification as Hoiio does (form body) and returns when it was sent. */
async function notify(url: string, params: Record<string, string>): Promise<number> {
  const at = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`notification answered ${res.status}`);
  return at;
}

interface Samples {
  answer: number[];
  next: number[];
  lost: number;
}

/**
 * Plays `CALLS` calls one after another: answer → (play) → play done → (record). Before each notification the app
 * finishes what the previous one started (`settle`), as it would in a real call, where a block plays for seconds.
 */
async function drive(
  hoiio: FakeHoiio,
  voiceUrl: string,
  prefix: string,
  settle: () => Promise<void>,
): Promise<Samples> {
  const samples: Samples = { answer: [], next: [], lost: 0 };
  const until = performance.now() + PHASE_DEADLINE_MS;
  for (let i = 0; i < CALLS && performance.now() < until; i++) {
    const session = `S${prefix}${i}`;
    const base = { session, txn_ref: `AA-C-${prefix}${i}`, from: '+6591234567', to: '+6531580001' };
    await settle();
    const played = hoiio.expect(session, 'play');
    const t0 = await notify(voiceUrl, { ...base, ivr_block: 'answer', call_state: 'ringing' });
    const t1 = await played;
    if (t1 === undefined) {
      samples.lost += 1;
      continue;
    }
    samples.answer.push(t1 - t0);
    await settle();
    const recorded = hoiio.expect(session, 'record');
    const t2 = await notify(`${voiceUrl}?step=1`, {
      ...base,
      ivr_block: 'play',
      call_state: 'ongoing',
      tag: 'hs-ivr-1',
    });
    const t3 = await recorded;
    if (t3 === undefined) samples.lost += 1;
    else samples.next.push(t3 - t2);
  }
  return samples;
}

/** The real app on `handle`, its Hoiio being `hoiio`. */
async function startApp(handle: DatabaseHandle, hoiio: FakeHoiio) {
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-bench-ivr',
      SLACK_SIGNING_SECRET: 'bench-ivr-signing-secret',
      SLACK_API_URL: 'http://127.0.0.1:9/api/', // nothing is posted: calls to an unrouted number, no DEFAULT_CHANNEL
      HOIIO_APP_ID: 'bench',
      HOIIO_ACCESS_TOKEN: 'bench-access-token',
      HOIIO_API_URL: hoiio.url,
      HOIIO_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
    },
    { cwd: mkdtempSync(join(tmpdir(), 'bench-ivr-')) },
  );
  const logger = createLogger({ level: 'error', secrets: config.secrets(), destination: process.stderr });
  const deps: BotDeps = {
    config,
    logger,
    clock: systemClock,
    metrics: createMetrics({ defaultMetrics: false }),
    slack: createWorkerSlackClient(config, logger),
    hoiio: new HoiioClient({ appId: 'bench', accessToken: 'bench-access-token', baseUrl: hoiio.url }),
    db: handle.db,
    database: handle,
    ...platformDeps(config.publicUrl, WEBHOOK_TOKEN),
  };
  const bot = await createBotApp(deps, FEATURES);
  const running = await startBotApp(bot, { port: 0, host: '127.0.0.1' });
  deps.webhookUrls.rebase(running.url);
  const runner = await startJobRunner(bot);
  return {
    voiceUrl: deps.webhookUrls.url('voice'),
    settle: () => runner.whenIdle(),
    stop: async () => {
      await runner.stop({ timeoutMs: 5000 });
      await running.stop();
    },
  };
}

/** The baseline: one INSERT of the notification, then the block request. */
async function startBaseline(handle: DatabaseHandle, hoiio: FakeHoiio) {
  await sql`create table if not exists bench_ivr_raw (id bigint generated always as identity primary key, params jsonb not null, at timestamptz not null default now())`.execute(
    handle.db,
  );
  let inFlight = Promise.resolve();
  const server = createServer((req, res) => {
    inFlight = (async () => {
      const body = await readBody(req);
      const params = Object.fromEntries(new URLSearchParams(body));
      await sql`insert into bench_ivr_raw (params) values (${JSON.stringify(params)}::jsonb)`.execute(handle.db);
      res.writeHead(200).end('ok');
      const block = params['ivr_block'] === 'answer' ? 'play' : 'record';
      const reply = await fetch(`${hoiio.url}ivr/middle/${block}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session: params['session'] ?? '', app_id: 'bench', access_token: 'x' }).toString(),
      });
      await reply.arrayBuffer();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    voiceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice`,
    settle: () => inFlight,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (v: number) => Number(v.toFixed(2));

async function benchEngine(engine: 'pglite' | 'postgres', handle: DatabaseHandle): Promise<BenchResult[]> {
  const hoiio = new FakeHoiio();
  await hoiio.start();
  try {
    const app = await startApp(handle, hoiio);
    let subject: Samples;
    try {
      await drive(hoiio, app.voiceUrl, 'w', app.settle); // warm-up (JIT, connections, plans)
      subject = await drive(hoiio, app.voiceUrl, randomBytes(3).toString('hex'), app.settle);
    } finally {
      await app.stop();
    }
    const bare = await startBaseline(handle, hoiio);
    let baseline: Samples;
    try {
      await drive(hoiio, bare.voiceUrl, 'bw', bare.settle);
      baseline = await drive(hoiio, bare.voiceUrl, `b${randomBytes(3).toString('hex')}`, bare.settle);
    } finally {
      await bare.stop();
    }
    const row = (step: 'answer' | 'next', label: string): BenchResult => {
      const p50 = percentile(subject[step], 50);
      const p99 = percentile(subject[step], 99);
      const b50 = percentile(baseline[step], 50);
      const b99 = percentile(baseline[step], 99);
      return {
        name: `IVR ${label} → block request latency (${engine})`,
        baseline: 'bare node:http handler: one INSERT, then the block request',
        figures: {
          'p50 ms': ms(p50),
          'p99 ms': ms(p99),
          'baseline p50 ms': ms(b50),
          'baseline p99 ms': ms(b99),
          calls: subject[step].length,
          lost: subject.lost,
        },
        ratio: p50 / b50,
        note: 'ratio of p50 latencies; lower is better',
      };
    };
    return [row('answer', 'answer notification'), row('next', 'block notification')];
  } finally {
    await hoiio.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const lite = await openDatabase({});
  try {
    await migrateToLatest(lite.db);
    results.push(...(await benchEngine('pglite', lite)));
  } finally {
    await lite.close();
  }
  const url = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
  if (url === undefined) return results;
  const name = `hoiio_bench_ivr_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ databaseUrl: target.toString() });
    try {
      await migrateToLatest(handle.db);
      results.push(...(await benchEngine('postgres', handle)));
    } finally {
      await handle.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  return results;
}

// Run alone: `npx tsx bench/ivr.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run();
  console.log(JSON.stringify(results, null, 2));
}
