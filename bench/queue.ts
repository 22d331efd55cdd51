// Job queue throughput: enqueue + claim + complete per job, on PGlite and (with a PostgreSQL URL)
// PostgreSQL, against plain single-row INSERTs through raw `pg` in the same run.
// PostgreSQL URL: BENCH_DATABASE_URL, else TEST_DATABASE_URL; a scratch database is created and dropped.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { claimJobs, completeJob, enqueueJob } from '../src/db/job-queue.js';
import { JobWorker } from '../src/db/job-worker.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { type DatabaseHandle, openDatabase } from '../src/db/open-database.js';
import type { BenchResult } from './run.js';
import { latencies, ms } from './support/stats.js';

const CONCURRENCY = 8;
const DEADLINE_MS = 20_000; // per phase: the bench stops by itself

/** A run's count and duration; `samples`: per-operation latencies (ms) where the phase records them. */
interface Timed {
  count: number;
  ms: number;
  samples?: number[];
}

async function timed(fn: (samples: number[]) => Promise<number>): Promise<Timed> {
  const samples: number[] = [];
  const start = performance.now();
  const count = await fn(samples);
  return { count, ms: performance.now() - start, samples };
}

/**
 * Runs `concurrency` loops calling `step` until `total` steps are done or the deadline passes; each step's
 * latency goes to `samples` when given.
 */
async function loops(
  total: number,
  concurrency: number,
  step: (i: number) => Promise<void>,
  samples?: number[],
): Promise<number> {
  let next = 0;
  const until = performance.now() + DEADLINE_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && performance.now() < until) {
        const t0 = performance.now();
        await step(next++);
        samples?.push(performance.now() - t0);
      }
    }),
  );
  return next;
}

const perSecond = (r: Timed) => (r.count / r.ms) * 1000;

/** Enqueue N jobs with concurrent producers, then drain them with concurrent claim/complete loops. */
async function queuePrimitives(handle: DatabaseHandle, total: number) {
  return timed(async (samples) => {
    // Per-operation latency: each enqueue (p50/p99 against the baseline's single INSERT).
    const enqueued = await loops(
      total,
      CONCURRENCY,
      async (i) => {
        await enqueueJob(handle.db, { queue: 'bench', payload: { i } });
      },
      samples,
    );
    let completed = 0;
    const until = performance.now() + DEADLINE_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        while (completed < enqueued && performance.now() < until) {
          const jobs = await claimJobs(handle.db, { queues: ['bench'], limit: 4, leaseMs: 60_000, owner: `b${w}` });
          if (jobs.length === 0) break;
          for (const job of jobs) {
            await completeJob(handle.db, job);
            completed++;
          }
        }
      }),
    );
    return completed;
  });
}

/** The JobWorker end to end: jobs enqueued up front, a worker with a no-op handler drains them. */
async function workerDrain(handle: DatabaseHandle, total: number) {
  await handle.db.transaction().execute(async (trx) => {
    for (let i = 0; i < total; i++) await enqueueJob(trx, { queue: 'noop', payload: { i } });
  });
  let done = 0;
  const worker = new JobWorker({ handle, handlers: { noop: async () => void done++ }, concurrency: CONCURRENCY });
  const result = await timed(async () => {
    await worker.start();
    await Promise.race([worker.whenIdle(), new Promise((r) => setTimeout(r, DEADLINE_MS).unref())]);
    return done;
  });
  await worker.stop({ timeoutMs: 1000 });
  return result;
}

/** The baseline: single-row INSERTs into a comparable table through a raw `pg` pool. */
async function rawInserts(url: string, total: number) {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  try {
    await pool.query(`create table if not exists bench_raw (
      id bigint generated always as identity primary key, queue text not null, payload jsonb not null,
      created_at timestamptz not null default now())`);
    await pool.query('truncate bench_raw');
    return await timed((samples) =>
      loops(
        total,
        CONCURRENCY,
        async (i) => {
          await pool.query('insert into bench_raw (queue, payload) values ($1, $2)', ['bench', JSON.stringify({ i })]);
        },
        samples,
      ),
    );
  } finally {
    await pool.end();
  }
}

/** Same baseline shape on PGlite, when no PostgreSQL is configured. */
async function pgliteInserts(handle: DatabaseHandle, total: number) {
  await sql`create table if not exists bench_raw (id bigint generated always as identity primary key,
    queue text not null, payload jsonb not null, created_at timestamptz not null default now())`.execute(handle.db);
  return timed((samples) =>
    loops(
      total,
      CONCURRENCY,
      async (i) => {
        await sql`insert into bench_raw (queue, payload) values ('bench', ${JSON.stringify({ i })})`.execute(handle.db);
      },
      samples,
    ),
  );
}

function result(name: string, baseline: string, subject: Timed, base: Timed): BenchResult {
  const figures: BenchResult['figures'] = {
    'jobs/s': Math.round(perSecond(subject)),
    'baseline rows/s': Math.round(perSecond(base)),
    jobs: subject.count,
  };
  let note = 'throughput ratio, higher is better';
  if (subject.samples?.length && base.samples?.length) {
    const s = latencies(subject.samples);
    const b = latencies(base.samples);
    figures['enqueue p50 ms'] = ms(s.p50);
    figures['enqueue p99 ms'] = ms(s.p99);
    figures['baseline INSERT p50 ms'] = ms(b.p50);
    figures['baseline INSERT p99 ms'] = ms(b.p99);
    note += `; enqueue vs INSERT latency ratio p50 ${(s.p50 / b.p50).toFixed(2)}, p99 ${(s.p99 / b.p99).toFixed(2)}`;
  }
  return { name, baseline, figures, ratio: perSecond(subject) / perSecond(base), note };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const { BENCH_DATABASE_URL, TEST_DATABASE_URL } = process.env;
  const baseUrl = BENCH_DATABASE_URL || TEST_DATABASE_URL;
  let scratch: { url: string; drop: () => Promise<void> } | undefined;
  if (baseUrl) {
    const name = `hoiio_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    scratch = {
      url: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: baseUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  try {
    // One warm baseline for every row of this module.
    let base: Timed | undefined;
    if (scratch) {
      await rawInserts(scratch.url, 500); // warm-up
      base = await rawInserts(scratch.url, 3000);
    }
    const baseName = scratch ? 'raw pg INSERT (postgres)' : 'raw INSERT (pglite)';
    const lite = await openDatabase({});
    try {
      await migrateToLatest(lite.db);
      const primitives = await queuePrimitives(lite, 1000);
      const worker = await workerDrain(lite, 1000);
      base ??= await pgliteInserts(lite, 1000);
      results.push(result('queue enqueue+claim+complete (pglite)', baseName, primitives, base));
      results.push(result('JobWorker claim+complete, no-op handler (pglite)', baseName, worker, base));
    } finally {
      await lite.close();
    }
    if (scratch && base) {
      const handle = await openDatabase({ databaseUrl: scratch.url, poolMax: CONCURRENCY + 2 });
      try {
        await migrateToLatest(handle.db);
        const primitives = await queuePrimitives(handle, 3000);
        const worker = await workerDrain(handle, 3000);
        results.push(result('queue enqueue+claim+complete (postgres)', baseName, primitives, base));
        results.push(result('JobWorker claim+complete, no-op handler (postgres)', baseName, worker, base));
      } finally {
        await handle.close();
      }
    }
  } finally {
    await scratch?.drop();
  }
  return results;
}
