/**
 * Acked means durable: the app is SIGKILLed right after it acks `/hoiio sms`, restarted on the same database,
 * and the SMS is sent exactly once. The sandbox runs on its own (its state would die with the app otherwise).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SandboxServer, startSandboxServer } from '../../src/hoiio/sandbox/server.js';
import { FakeSlack } from '../support/fake-slack.js';
import { waitForCard } from '../support/slack-cards.js';
import { sendSigned, slashCommand } from '../support/slack-requests.js';
import { openTestDatabase, prepareTestDataDir, type TestDatabase, testEngines } from '../support/test-db.js';

const BOT_TOKEN = 'xoxb-crash-test-token';
const SIGNING_SECRET = 'crash-test-signing-secret';
const WEBHOOK_TOKEN = 'crashTestWebhookToken_0123456789';
const ROOT = join(import.meta.dirname, '..', '..');

interface OutboxSms {
  kind: string;
  dest?: string;
  msg?: string;
  tag?: string;
  status?: string;
}

describe.each(testEngines())('SMS survives a crash right after the ack (%s)', (engine) => {
  let slack: FakeSlack;
  let sandbox: SandboxServer;
  let database: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    sandbox = await startSandboxServer({ port: 0 });
    port = await freePort();
    const storage: NodeJS.ProcessEnv = {};
    if (engine === 'postgres') {
      database = await openTestDatabase('postgres');
      storage['DATABASE_URL'] = database.databaseUrl;
    } else {
      storage['DATA_DIR'] = await prepareTestDataDir();
    }
    env = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOIIO_APP_ID: 'sandbox',
      HOIIO_ACCESS_TOKEN: 'sandbox',
      HOIIO_API_URL: `${sandbox.url}/open/`,
      HOIIO_MEDIA_HOSTS: sandbox.url,
      HOIIO_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      ...storage,
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    await slack?.close();
    await database?.close();
  });

  test('SIGKILL after the 200, restart: exactly one SMS, card delivered', { timeout: 180_000 }, async () => {
    const first = startApp(env);
    try {
      await waitForHealthy(port, first);
      const request = slashCommand({ text: 'sms +65 9123 4567 Survives a crash', channel_id: 'C0CRASH' });
      const res = await sendSigned(`http://127.0.0.1:${port}`, request, { signingSecret: SIGNING_SECRET });
      first.kill('SIGKILL'); // right after the ack: the send may or may not have started
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/Sending your SMS/);
      await exited(first);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }

    const second = startApp(env);
    try {
      await waitForHealthy(port, second);
      // The restarted app finishes the work: the SMS goes out and its card reaches "delivered".
      await waitForCard(slack, 'C0CRASH', / delivered$/);
      const sent = (await outbox(sandbox)).filter((i) => i.kind === 'sms' && i.msg === 'Survives a crash');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ dest: '+6591234567', tag: expect.stringMatching(/^hs-c-/) });
      const cards = slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0CRASH');
      expect(cards.length).toBeGreaterThanOrEqual(1);
      expect(cards.length).toBeLessThanOrEqual(2); // the first process may have posted the card before dying
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
  });
});

function startApp(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  Object.assign(child, { output });
  return child;
}

async function waitForHealthy(port: number, child: ChildProcess): Promise<void> {
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`the app exited: ${(child as ChildProcess & { output: string[] }).output.join('')}`);
      }
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    },
    { timeout: 60_000, interval: 100 },
  );
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function outbox(sandbox: SandboxServer): Promise<OutboxSms[]> {
  const res = await fetch(`${sandbox.url}/api/outbox`);
  return ((await res.json()) as { items: OutboxSms[] }).items;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
