// Resident memory (VmRSS from /proc/<pid>/status) of the app as a separate process — `src/main.ts` as `npm start`
// runs it, in sandbox mode, posting to a fake Slack in this process — at rest and under load, on PGlite (DATA_DIR
// in a temporary directory) and, with a PostgreSQL URL, PostgreSQL (a scratch database, created and dropped).
// Baseline, same run, same load: a bare Bolt app (bench/support/bare-bolt-app.ts) acking /hoiio, with a custom
// route answering webhooks 200. Both run under tsx the same way.
// At rest: sampled for a while once the process has listened and settled. Under load: an open-loop stream of
// LOAD_RATE requests a second (at most MAX_IN_FLIGHT outstanding) for LOAD_MS, half signed `/hoiio sms` commands,
// half incoming-SMS webhooks with fresh txn_refs, sampled throughout. Linux only (skipped elsewhere).
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SANDBOX_VOICE_NUMBER } from '../src/hoiio/sandbox/state.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { sendSigned, slashCommand } from '../test/support/slack-requests.js';
import type { BenchResult } from './run.js';
import { BENCH_SIGNING_SECRET, BENCH_WEBHOOK_TOKEN } from './support/bench-app.js';
import { type ChildApp, canReadRss, startChild } from './support/child-app.js';
import { benchDatabaseUrl, scratchDatabase } from './support/scratch-database.js';
import { latencies } from './support/stats.js';

const SETTLE_MS = 2_000;
const REST_MS = 2_000;
const LOAD_MS = 10_000;
const AFTER_MS = 2_000;
const SAMPLE_EVERY_MS = 100;
const LOAD_RATE = 60; // requests per second offered
const MAX_IN_FLIGHT = 16;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Profile {
  rest: number[];
  load: number[];
  after: number[];
  ok: number;
  /** Answers other than 200, by status (`error` when no answer came). */
  failed: Record<string, number>;
  /** Not sent: MAX_IN_FLIGHT requests were outstanding when it was due. */
  skipped: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** VmRSS samples (KiB) every SAMPLE_EVERY_MS for `ms`. */
async function sample(child: ChildApp, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    samples.push(await child.rssKiB());
    await pause(SAMPLE_EVERY_MS);
  }
  return samples;
}

function webhookBody(i: number): string {
  return new URLSearchParams({
    txn_ref: `AA-SI-${7_000_000 + i}`,
    from: '+6591234567',
    to: SANDBOX_VOICE_NUMBER,
    msg: `RSS load ${i}`,
    date: '2025-11-25 10:00:00',
    currency: 'SGD',
    debit: '0.010',
  }).toString();
}

/** One request of the load: even → a signed `/hoiio sms`, odd → an incoming-SMS webhook. */
async function request(child: ChildApp, slack: FakeSlack, i: number): Promise<number> {
  const res =
    i % 2 === 0
      ? await sendSigned(
          child.url,
          slashCommand({
            text: `sms +65 9123 4567 RSS load ${i}`,
            channel_id: `C0RSS${i % 20}`,
            response_url: slack.responseUrl(),
          }),
          { signingSecret: BENCH_SIGNING_SECRET },
        )
      : await fetch(`${child.url}/hoiio/${BENCH_WEBHOOK_TOKEN}/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: webhookBody(i),
        });
  await res.arrayBuffer();
  return res.status;
}

async function profile(child: ChildApp, slack: FakeSlack): Promise<Profile> {
  await pause(SETTLE_MS);
  const rest = await sample(child, REST_MS);
  const counts = { ok: 0, skipped: 0 };
  const failed: Record<string, number> = {};
  const fail = (key: string) => {
    failed[key] = (failed[key] ?? 0) + 1;
  };
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const sampling = sample(child, LOAD_MS);
  const start = performance.now();
  for (let i = 0; performance.now() - start < LOAD_MS; i++) {
    const due = start + (i * 1000) / LOAD_RATE;
    const wait = due - performance.now();
    if (wait > 0) await pause(wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      counts.skipped++;
      continue;
    }
    inFlight++;
    const p = request(child, slack, i)
      .then(
        (status) => (status === 200 ? void counts.ok++ : fail(String(status))),
        () => fail('error'),
      )
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  const load = await sampling;
  await Promise.all(pending);
  const after = await sample(child, AFTER_MS);
  return { rest, load, after, failed, ...counts };
}

const mib = (kib: number) => Number((kib / 1024).toFixed(1));

function failures(p: Profile): number {
  return Object.values(p.failed).reduce((a, b) => a + b, 0);
}

function loadNote(app: Profile, bare: Profile): string {
  const listed = (p: Profile) =>
    Object.entries(p.failed)
      .map(([status, n]) => `${n}× ${status}`)
      .join(', ') || 'none';
  return `p99 ratio; lower is better; failed answers: ${listed(app)} (baseline: ${listed(bare)})`;
}

function rows(engine: string, app: Profile, bare: Profile): BenchResult[] {
  const baseline = 'bare Bolt app process (acks /hoiio; webhooks answered 200), same load';
  const rest = latencies(app.rest);
  const bareRest = latencies(bare.rest);
  const after = latencies(app.after);
  const bareAfter = latencies(bare.after);
  const load = latencies(app.load);
  const bareLoad = latencies(bare.load);
  return [
    {
      name: `RSS at rest after start-up, MiB (${engine})`,
      baseline,
      figures: {
        'p50 MiB': mib(rest.p50),
        'p99 MiB': mib(rest.p99),
        'baseline p50 MiB': mib(bareRest.p50),
        'baseline p99 MiB': mib(bareRest.p99),
        samples: rest.count,
      },
      ratio: rest.p50 / bareRest.p50,
      note: 'p50 ratio; lower is better',
    },
    {
      name: `RSS under load (${LOAD_RATE} req/s offered for ${LOAD_MS / 1000} s), MiB (${engine})`,
      baseline,
      figures: {
        'p50 MiB': mib(load.p50),
        'p99 MiB': mib(load.p99),
        'baseline p50 MiB': mib(bareLoad.p50),
        'baseline p99 MiB': mib(bareLoad.p99),
        'requests ok': app.ok,
        failed: failures(app),
        'not sent (max in flight)': app.skipped,
        'baseline requests ok': bare.ok,
      },
      ratio: load.p99 / bareLoad.p99,
      note: loadNote(app, bare),
    },
    {
      name: `RSS at rest after the load, MiB (${engine})`,
      baseline,
      figures: {
        'p50 MiB': mib(after.p50),
        'p99 MiB': mib(after.p99),
        'baseline p50 MiB': mib(bareAfter.p50),
        'baseline p99 MiB': mib(bareAfter.p99),
        samples: after.count,
      },
      ratio: after.p50 / bareAfter.p50,
      note: 'p50 ratio; lower is better',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  if (!(await canReadRss())) return [];
  const slack = await FakeSlack.start({ botToken: 'xoxb-bench-rss' });
  const cwd = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const common = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const appEnv = {
    ...common,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    HOIIO_WEBHOOK_TOKEN: BENCH_WEBHOOK_TOKEN,
  };
  const measure = async (script: string, env: Record<string, string>): Promise<Profile> => {
    const child = await startChild(join(ROOT, script), env, cwd);
    try {
      return await profile(child, slack);
    } finally {
      await child.stop();
    }
  };
  const results: BenchResult[] = [];
  try {
    const bare = await measure('bench/support/bare-bolt-app.ts', common);
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-rss-data-'));
    try {
      results.push(...rows('pglite', await measure('src/main.ts', { ...appEnv, DATA_DIR: dataDir }), bare));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const baseUrl = benchDatabaseUrl();
    if (baseUrl) {
      const scratch = await scratchDatabase(baseUrl, 'rss');
      try {
        results.push(...rows('postgres', await measure('src/main.ts', { ...appEnv, DATABASE_URL: scratch.url }), bare));
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    await slack.close();
    await rm(cwd, { recursive: true, force: true });
  }
  return results;
}

// `npx tsx bench/rss.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
