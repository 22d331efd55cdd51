/**
 * The world of a fault test: a fake Slack and a standalone Hoiio sandbox in this process (optionally each behind a
 * FaultProxy), the app as real child processes on a fixed port, and a database that outlives them (a PostgreSQL
 * database, or a PGlite DATA_DIR). The sandbox's numbers forward to the app's webhook URLs, set through
 * `number/update_forwarding` as with real Hoiio; every notification the sandbox delivers is recorded with the
 * status the app answered.
 */
import { rm } from 'node:fs/promises';
import { type Kysely, sql } from 'kysely';
import { vi } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { type SandboxServer, startSandboxServer } from '../../src/hoiio/sandbox/server.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../src/hoiio/sandbox/state.js';
import type { SandboxNotificationEvent } from '../../src/hoiio/sandbox/types.js';
import { AppProcess, appEnv, freePort } from '../support/app-process.js';
import { FakeSlack } from '../support/fake-slack.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { type SlackRequest, sendSigned } from '../support/slack-requests.js';
import { openTestDatabase, prepareTestDataDir, type TestDatabase, type TestEngine } from '../support/test-db.js';

export const BOT_TOKEN = 'xoxb-fault-test-bot-token';
export const SIGNING_SECRET = 'fault-test-signing-secret-0123';
export const WEBHOOK_TOKEN = 'faultTestWebhookToken_0123456789';
export const DEFAULT_CHANNEL = 'C0FAULTDEF';
export const VOICE_NUMBER = SANDBOX_VOICE_NUMBER;
export const FAX_NUMBER = SANDBOX_FAX_NUMBER;

/** Where the app's data lives: a test engine, or a PostgreSQL URL of the test's own (a private cluster). */
export type RigStorage = TestEngine | { readonly databaseUrl: string };

export interface FaultRigOptions {
  readonly storage: RigStorage;
  /** Put a FaultProxy between the app and the fake Slack. */
  readonly slackProxy?: boolean;
  /** Put a FaultProxy between the app and the sandbox's Hoiio API (media URLs still go to the sandbox). */
  readonly hoiioProxy?: boolean;
  /** The sandbox's delay multiplier (default 0.02: a ring lasts milliseconds). */
  readonly sandboxTimeScale?: number;
  /** Extra environment of the app processes. */
  readonly env?: Record<string, string>;
}

/** Decides whether the sandbox's notification to `url` is lost on the way (as if the network dropped it). */
export type NotificationDrop = (url: string) => boolean;

/** A notification the sandbox delivered, and whether the app accepted it (200). */
export interface DeliveredNotification extends SandboxNotificationEvent {
  readonly accepted: boolean;
  /** Which webhook: `sms`, `voice`, `fax` or `status`. */
  readonly kind: string;
}

/** What a Slack request to the app got: its status (0: no answer, the app died) and body. */
export interface SlackAnswer {
  readonly status: number;
  readonly body: string;
}

/** PostgreSQL when TEST_DATABASE_URL is set (faster restarts, concurrent checks), else PGlite. */
export function primaryEngine(): TestEngine {
  return process.env['TEST_DATABASE_URL'] ? 'postgres' : 'pglite';
}

export class FaultRig {
  readonly slack: FakeSlack;
  readonly sandbox: SandboxServer;
  readonly slackProxy: FaultProxy | undefined;
  readonly hoiioProxy: FaultProxy | undefined;
  readonly port: number;
  readonly env: Record<string, string>;
  readonly notifications: DeliveredNotification[] = [];
  /** While set, matching notifications from the sandbox never reach the app (delivery fails, not accepted). */
  dropNotifications: NotificationDrop | undefined;
  /** The current app process (undefined before the first start). */
  app: AppProcess | undefined;
  /** How many processes were started. */
  starts = 0;
  readonly #testDb: TestDatabase | undefined;
  readonly #databaseUrl: string | undefined;
  readonly #dataDir: string | undefined;
  #handle: DatabaseHandle | undefined;

  private constructor(init: {
    slack: FakeSlack;
    sandbox: SandboxServer;
    slackProxy: FaultProxy | undefined;
    hoiioProxy: FaultProxy | undefined;
    port: number;
    env: Record<string, string>;
    testDb: TestDatabase | undefined;
    databaseUrl: string | undefined;
    dataDir: string | undefined;
  }) {
    this.slack = init.slack;
    this.sandbox = init.sandbox;
    this.slackProxy = init.slackProxy;
    this.hoiioProxy = init.hoiioProxy;
    this.port = init.port;
    this.env = init.env;
    this.#testDb = init.testDb;
    this.#databaseUrl = init.databaseUrl;
    this.#dataDir = init.dataDir;
    this.sandbox.sandbox.events.on('notification', (event: SandboxNotificationEvent) => {
      const kind = new URL(event.url).pathname.split('/')[3] ?? '';
      this.notifications.push({ ...event, kind, accepted: event.status === 200 });
    });
  }

  static async create(options: FaultRigOptions): Promise<FaultRig> {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    let rig: FaultRig | undefined;
    const sandbox = await startSandboxServer({
      port: 0,
      timeScale: options.sandboxTimeScale ?? 0.02,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (rig?.dropNotifications?.(url)) return Promise.reject(new TypeError('fetch failed (dropped by the test)'));
        return fetch(input, init);
      },
    });
    const slackProxy = options.slackProxy ? await FaultProxy.start(slack.origin) : undefined;
    const hoiioProxy = options.hoiioProxy ? await FaultProxy.start(sandbox.url) : undefined;
    const port = await freePort();
    let testDb: TestDatabase | undefined;
    let databaseUrl: string | undefined;
    let dataDir: string | undefined;
    const { storage } = options;
    if (storage === 'postgres') {
      testDb = await openTestDatabase('postgres');
      databaseUrl = testDb.databaseUrl;
    } else if (storage === 'pglite') {
      dataDir = await prepareTestDataDir();
    } else {
      databaseUrl = storage.databaseUrl;
    }
    const env = appEnv({
      port,
      slackApiUrl: slackProxy ? `${slackProxy.url}/api/` : slack.apiUrl,
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      hoiioUrl: hoiioProxy?.url ?? sandbox.url,
      mediaUrl: sandbox.url,
      webhookToken: WEBHOOK_TOKEN,
      storage: databaseUrl !== undefined ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir ?? '' },
      extra: { DEFAULT_CHANNEL, ...options.env },
    });
    rig = new FaultRig({ slack, sandbox, slackProxy, hoiioProxy, port, env, testDb, databaseUrl, dataDir });
    return rig;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get engine(): 'pglite' | 'postgres' {
    return this.#dataDir !== undefined ? 'pglite' : 'postgres';
  }

  /** `<app>/hoiio/<token>/<kind>`, or under `base` (a load balancer). */
  webhookUrl(kind: 'sms' | 'voice' | 'fax' | 'status', base = this.url): string {
    return `${base}/hoiio/${WEBHOOK_TOKEN}/${kind}`;
  }

  /** Starts an app process (the previous one must be gone) and waits until it is healthy. */
  async startApp(env: Record<string, string> = {}): Promise<AppProcess> {
    if (this.app?.running) throw new Error('the previous app process is still running');
    if (this.#handle && this.engine === 'pglite') throw new Error('close the PGlite handle before starting the app');
    this.starts += 1;
    const app = AppProcess.start({ env: { ...this.env, ...env }, name: `app #${this.starts}` });
    this.app = app;
    await app.waitHealthy();
    return app;
  }

  /** SIGKILLs the current app process. */
  async killApp(): Promise<void> {
    await this.app?.kill('SIGKILL');
  }

  /** SIGTERM: the app drains and exits. */
  async stopApp(): Promise<void> {
    await this.app?.stop();
  }

  /** Points the sandbox's numbers at `base`'s webhooks (default: this app), as an admin would with Hoiio. */
  async setForwarding(base = this.url): Promise<void> {
    await this.hoiio('number/update_forwarding', {
      number: VOICE_NUMBER,
      forward_to: this.webhookUrl('voice', base),
      forward_to_sms: this.webhookUrl('sms', base),
    });
    await this.hoiio('number/update_forwarding', {
      number: FAX_NUMBER,
      mode: 'fax',
      forward_to: this.webhookUrl('fax', base),
    });
  }

  /** Calls the sandbox's Hoiio API directly (not through the proxy). */
  async hoiio(endpoint: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({ app_id: 'sandbox', access_token: 'sandbox', ...params }).toString();
    const res = await fetch(`${this.sandbox.url}/open/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (answer['status'] !== 'success_ok') throw new Error(`sandbox ${endpoint}: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** The sandbox's JSON API (outbox, numbers, trigger/*). */
  async sandboxApi(path: string, body?: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await fetch(`${this.sandbox.url}/api/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`sandbox api/${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** What the app sent to Hoiio: SMS, faxes, calls, IVR sessions. */
  async outbox(): Promise<Record<string, any>[]> {
    return (await this.sandboxApi('outbox'))['items'] as Record<string, any>[];
  }

  /** A signed Slack request to `base` (default: the current app). Status 0 when the app did not answer. */
  async slackRequest(request: SlackRequest, base = this.url): Promise<SlackAnswer> {
    try {
      const res = await sendSigned(base, request, {
        signingSecret: SIGNING_SECRET,
        headers: { connection: 'close' },
      });
      return { status: res.status, body: await res.text() };
    } catch {
      return { status: 0, body: '' };
    }
  }

  /**
   * The database, for checks. PostgreSQL: any time. PGlite: only while no app process runs (one process at a
   * time); close it with {@link closeDb} before the next start.
   */
  async db(): Promise<Kysely<Database>> {
    if (this.#testDb) return this.#testDb.db;
    if (this.engine === 'pglite' && this.app?.running) throw new Error('PGlite: stop the app before opening the db');
    this.#handle ??= await openDatabase(
      this.#databaseUrl !== undefined
        ? { databaseUrl: this.#databaseUrl, poolMax: 2 }
        : { dataDir: this.#dataDir ?? '' },
    );
    return this.#handle.db;
  }

  /** Jobs pending or running that are due within 15 s (a far-future sweep is not outstanding work). */
  async runnableJobs(): Promise<number> {
    const db = await this.db();
    const row = await db
      .selectFrom('jobs')
      .select(sql<string>`count(*)`.as('n'))
      .where('state', 'in', ['pending', 'running'])
      .where('run_at', '<=', new Date(Date.now() + 15_000))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Jobs the current process has finished (any outcome), from its /metrics. */
  jobsProcessed(): Promise<number> {
    return this.metric('hoiio_slack_jobs_total');
  }

  /** The sum of a counter's samples in a process's /metrics (default: the current app) whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}, base = this.url): Promise<number> {
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      const labelText = line.slice(name.length, line.lastIndexOf(' '));
      if (wanted.every((w) => labelText.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  }

  /**
   * Waits until the work is done: the sandbox has nothing pending and no job is runnable. PostgreSQL: watched while
   * the app runs (it keeps running). PGlite (one process at a time): the app is stopped (SIGTERM) and the database
   * looked at; while work is left, the app runs again until it has finished that many jobs; the app is left stopped.
   * `ready` (throws until true) is waited for first: the effects the test can see coming.
   */
  async settle(ready?: () => Promise<void> | void, timeoutMs = 120_000): Promise<void> {
    await this.sandbox.sandbox.whenIdle();
    // What the test expects to see first (a restart round per leftover job is slow on PGlite).
    if (ready) await vi.waitFor(ready, { timeout: timeoutMs, interval: 200 });
    if (this.engine === 'postgres') {
      await vi.waitFor(
        async () => {
          await this.sandbox.sandbox.whenIdle();
          const runnable = await this.runnableJobs();
          if (runnable > 0) throw new Error(`${runnable} job(s) still runnable`);
        },
        { timeout: timeoutMs, interval: 200 },
      );
      return;
    }
    for (let round = 0; ; round++) {
      await this.stopApp();
      const runnable = await this.runnableJobs();
      if (runnable === 0) return;
      if (round >= 5) throw new Error(`PGlite: ${runnable} job(s) still runnable after ${round} rounds`);
      await this.closeDb();
      await this.startApp();
      await vi.waitFor(
        async () => {
          if ((await this.jobsProcessed()) < runnable) throw new Error('still working');
        },
        { timeout: timeoutMs, interval: 200 },
      );
      await this.sandbox.sandbox.whenIdle();
    }
  }

  async closeDb(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  async close(): Promise<void> {
    await this.app?.kill('SIGKILL');
    await this.closeDb();
    await this.sandbox.close();
    await this.slackProxy?.close();
    await this.hoiioProxy?.close();
    await this.slack.close();
    await this.#testDb?.close();
    if (this.#dataDir !== undefined) await rm(this.#dataDir, { recursive: true, force: true });
  }
}
