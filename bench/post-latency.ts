// Notification → Slack post latency for an incoming SMS and an incoming 3-page fax, on PGlite (in memory) and, with
// a PostgreSQL URL, PostgreSQL (a scratch database, created and dropped).
// The real app runs in this process (every feature, embedded sandbox, job runner; bench/support/bench-app.ts).
// The sandbox makes each notification (a real, signed one; a generated 3-page PDF for the fax) and delivers it to a
// capture server of ours; we then POST it to the app's webhook URL and time from that request to the Slack call at
// the fake: chat.postMessage (the SMS card) or files.completeUploadExternal (the fax PDF shared; the fax's card
// post is reported too). One at a time, each in a fresh channel whose contact thread exists (one post, no header).
// Channel pacing is off (SLACK_CHANNEL_INTERVAL_MS=0): with the default 1 s pacing the fax upload follows its card
// by at least a second, which is Slack's rate limit, not work.
// Baseline, same run and engine, same notifications: a bare node:http handler that posts straight to the fake
// Slack — chat.postMessage for the SMS; for the fax, fetch of the notification's fax_url and files.uploadV2.
// No storage, no verification, no PDF inspection, no job queue.
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebClient } from '@slack/web-api';
import { migrateToLatest } from '../src/db/migrate.js';
import { type DatabaseHandle, openDatabase } from '../src/db/open-database.js';
import { upsertNumberRoute } from '../src/db/repositories/number-routes.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../src/hoiio/sandbox/state.js';
import { FakeSlack, type RecordedCall } from '../test/support/fake-slack.js';
import type { BenchResult } from './run.js';
import { type BenchApp, startBenchApp } from './support/bench-app.js';
import { close, listen, postForm, readBody, urlOf } from './support/http.js';
import { benchDatabaseUrl, scratchDatabase } from './support/scratch-database.js';
import { type Latencies, latencies, ms } from './support/stats.js';

/** sms/query_status and fax/query_status allow 60 a minute each (sandbox, as Hoiio): stay under both. */
const SMS = { warmup: 5, samples: 40 };
const FAX = { warmup: 3, samples: 25, pages: 3 };
const PHASE_MS = 20_000; // per kind, subject or baseline: the bench stops by itself
const WAIT_MS = 10_000; // a post that never comes fails the bench instead of hanging it
const CUSTOMER = '+6591234567';
const THREAD_TS = '1700000000.000100';

type Kind = 'sms' | 'fax';

interface Held {
  query: string;
  body: string;
  signature: string | undefined;
}

/** Receives the sandbox's notifications (forwarding points here) and hands them out one by one. */
class Capture {
  readonly #held: Held[] = [];
  #waiter: (() => void) | undefined;
  constructor(readonly server: Server) {}

  static async start(): Promise<Capture> {
    let capture: Capture | undefined;
    const server = await listen(async (req, res) => {
      const body = await readBody(req);
      const signature = req.headers['x-hoiio-signature'];
      const query = new URL(req.url ?? '/', 'http://x').search;
      capture?.push({ query, body, signature: typeof signature === 'string' ? signature : undefined });
      res.writeHead(200).end('ok');
    });
    capture = new Capture(server);
    return capture;
  }

  push(held: Held): void {
    this.#held.push(held);
    this.#waiter?.();
  }

  async next(): Promise<Held> {
    const until = performance.now() + WAIT_MS;
    while (this.#held.length === 0) {
      if (performance.now() > until)
        throw Object.assign(new Error('bench: no notification'), { code: 'bench_timeout' });
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        setTimeout(resolve, WAIT_MS).unref();
      });
    }
    return this.#held.shift() as Held;
  }
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`bench: no ${what} within ${WAIT_MS} ms`), { code: 'bench_timeout' })),
      WAIT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Triggers one incoming event at the sandbox and returns its notification, as the sandbox delivered it. */
async function incoming(app: BenchApp, capture: Capture, kind: Kind, i: number): Promise<Held> {
  const body =
    kind === 'sms'
      ? { from: CUSTOMER, to: SANDBOX_VOICE_NUMBER, msg: `Post latency bench ${i}` }
      : { from: CUSTOMER, to: SANDBOX_FAX_NUMBER, pages: FAX.pages };
  const res = await fetch(`${app.url}/sandbox/api/trigger/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (!res.ok) throw Object.assign(new Error(`bench: sandbox trigger ${kind}: ${res.status}`), { code: 'bench_http' });
  return capture.next();
}

interface Measured {
  /** Webhook request → the post that completes the relay (SMS card; fax PDF shared). */
  done: Latencies;
  /** Webhook request → the fax's card (fax only). */
  card?: Latencies;
}

/** What the fake Slack shows when `channel` has its event: the SMS card, or the fax card and then its file. */
function awaitPosts(
  slack: FakeSlack,
  kind: Kind,
  channel: string,
): { card: Promise<RecordedCall>; done: Promise<unknown> } {
  const card = slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === channel);
  if (kind === 'sms') return { card, done: card };
  return { card, done: slack.waitForCall('files.completeUploadExternal', (c) => c.args['channel_id'] === channel) };
}

/** The app: route our number to a fresh channel whose contact thread exists, replay the notification, time it. */
async function measureApp(
  app: BenchApp,
  slack: FakeSlack,
  capture: Capture,
  kind: Kind,
  tag: string,
): Promise<Measured> {
  const plan = kind === 'sms' ? SMS : FAX;
  const number = kind === 'sms' ? SANDBOX_VOICE_NUMBER : SANDBOX_FAX_NUMBER;
  const done: number[] = [];
  const card: number[] = [];
  const until = performance.now() + PHASE_MS;
  for (let i = 0; i < plan.warmup + plan.samples && performance.now() < until; i++) {
    const channel = `C0${tag}${kind.toUpperCase()}${i}`;
    await upsertNumberRoute(app.deps.db, { number, channel_id: channel });
    await app.deps.db
      .insertInto('contact_threads')
      .values({ channel_id: channel, number: CUSTOMER, thread_ts: THREAD_TS })
      .execute();
    const held = await incoming(app, capture, kind, i);
    await app.whenIdle(); // the previous event's card updates are not this one's cost
    const posts = awaitPosts(slack, kind, channel);
    let cardAt = 0;
    void posts.card.then(() => {
      cardAt = performance.now();
    });
    const t0 = performance.now();
    await postForm(`${app.webhookUrl(kind)}${held.query}`, held.body, {
      ...(held.signature ? { 'x-hoiio-signature': held.signature } : {}),
    });
    await within(Promise.all([posts.done, posts.card]), `${kind} post in ${channel}`);
    if (i < plan.warmup) continue;
    done.push(performance.now() - t0);
    card.push(cardAt - t0);
  }
  return kind === 'sms' ? { done: latencies(done) } : { done: latencies(done), card: latencies(card) };
}

/** The baseline: a bare node:http handler posting straight to Slack (the fax: its PDF fetched and uploaded). */
async function measureBare(
  app: BenchApp,
  slack: FakeSlack,
  capture: Capture,
  kind: Kind,
  tag: string,
): Promise<Measured> {
  const plan = kind === 'sms' ? SMS : FAX;
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  let channel = '';
  const server = await listen(async (req, res) => {
    const params = new URLSearchParams(await readBody(req));
    if (kind === 'sms') {
      await client.chat.postMessage({ channel, text: `SMS from ${params.get('from')}: ${params.get('msg')}` });
    } else {
      const pdf = await fetch(params.get('fax_url') ?? '');
      const bytes = Buffer.from(await pdf.arrayBuffer());
      await client.chat.postMessage({ channel, text: `Fax from ${params.get('from')}` });
      await client.filesUploadV2({ channel_id: channel, file: bytes, filename: 'fax.pdf' });
    }
    res.writeHead(200).end('ok');
  });
  const done: number[] = [];
  const card: number[] = [];
  const until = performance.now() + PHASE_MS;
  try {
    for (let i = 0; i < plan.warmup + plan.samples && performance.now() < until; i++) {
      channel = `C0${tag}BARE${kind.toUpperCase()}${i}`;
      const held = await incoming(app, capture, kind, i);
      const posts = awaitPosts(slack, kind, channel);
      let cardAt = 0;
      void posts.card.then(() => {
        cardAt = performance.now();
      });
      const t0 = performance.now();
      await postForm(`${urlOf(server)}/${kind}${held.query}`, held.body);
      await within(Promise.all([posts.done, posts.card]), `bare ${kind} post in ${channel}`);
      if (i < plan.warmup) continue;
      done.push(performance.now() - t0);
      card.push(cardAt - t0);
    }
  } finally {
    await close(server);
  }
  return kind === 'sms' ? { done: latencies(done) } : { done: latencies(done), card: latencies(card) };
}

function row(name: string, baseline: string, subject: Latencies, base: Latencies, extra: Record<string, number> = {}) {
  return {
    name,
    baseline,
    figures: {
      'p50 ms': ms(subject.p50),
      'p99 ms': ms(subject.p99),
      'baseline p50 ms': ms(base.p50),
      'baseline p99 ms': ms(base.p99),
      samples: subject.count,
      ...extra,
    },
    ratio: subject.p99 / base.p99,
    note: `p99 ratio; p50 ratio ${(subject.p50 / base.p50).toFixed(2)}; lower is better`,
  } satisfies BenchResult;
}

async function benchEngine(engine: string, database: DatabaseHandle, slack: FakeSlack): Promise<BenchResult[]> {
  await migrateToLatest(database.db);
  const app = await startBenchApp({ database, slack, slackChannelIntervalMs: 0 });
  const capture = await Capture.start();
  try {
    const forward = `${urlOf(capture.server)}/notify`;
    await app.deps.hoiio.number.updateForwarding({ number: SANDBOX_VOICE_NUMBER, forwardToSms: forward });
    await app.deps.hoiio.number.updateForwarding({ number: SANDBOX_FAX_NUMBER, forwardTo: forward, mode: 'fax' });
    const tag = engine.slice(0, 2).toUpperCase();
    const sms = await measureApp(app, slack, capture, 'sms', tag);
    const bareSms = await measureBare(app, slack, capture, 'sms', tag);
    const fax = await measureApp(app, slack, capture, 'fax', tag);
    const bareFax = await measureBare(app, slack, capture, 'fax', tag);
    const faxCard = fax.card ?? sms.done;
    const bareFaxCard = bareFax.card ?? bareSms.done;
    return [
      row(
        `incoming SMS notification → card chat.postMessage latency (${engine})`,
        'bare node:http handler: chat.postMessage at once',
        sms.done,
        bareSms.done,
      ),
      row(
        `incoming 3-page fax notification → files.completeUploadExternal latency (${engine})`,
        'bare node:http handler: fetch fax_url, chat.postMessage, files.uploadV2',
        fax.done,
        bareFax.done,
        { 'card p50 ms': ms(faxCard.p50), 'card p99 ms': ms(faxCard.p99), 'baseline card p50 ms': ms(bareFaxCard.p50) },
      ),
    ];
  } finally {
    await close(capture.server);
    await app.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  const slack = await FakeSlack.start({ botToken: 'xoxb-bench-post-latency' });
  const results: BenchResult[] = [];
  try {
    const lite = await openDatabase({});
    try {
      results.push(...(await benchEngine('pglite', lite, slack)));
    } finally {
      await lite.close();
    }
    const baseUrl = benchDatabaseUrl();
    if (baseUrl) {
      const scratch = await scratchDatabase(baseUrl, 'post');
      try {
        const handle = await openDatabase({ databaseUrl: scratch.url });
        try {
          results.push(...(await benchEngine('postgres', handle, slack)));
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

// `npx tsx bench/post-latency.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
