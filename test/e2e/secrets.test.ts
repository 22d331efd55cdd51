/**
 * Secrets never leak: the real app process (src/main.ts, live Hoiio mode against a standalone sandbox with its own
 * access token, PostgreSQL through a role with a password when TEST_DATABASE_URL is set) runs representative flows,
 * errors included (a bad Slack signature, a wrong webhook token, a forged X-Hoiio-Signature, a Hoiio error, Slack
 * 5xx and platform errors, a listener crash, its database connections killed). Every line it writes, every body
 * the fake Slack receives and every HTTP answer is checked for each secret, raw and URL-encoded. The webhook
 * token may appear only in the forwarding URLs sent to Hoiio and in admin-only output. Also: webhook token
 * rotation, both tokens valid during the change (HOIIO_WEBHOOK_TOKEN_PREVIOUS) and only the new one after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { type SandboxServer, startSandboxServer } from '../../src/hoiio/sandbox/server.js';
import { docsIncomingSms } from '../fixtures/notifications/index.js';
import { AppProcess, appEnv, freePort } from '../support/app-process.js';
import { FakeSlack } from '../support/fake-slack.js';
import { waitForCard } from '../support/slack-cards.js';
import { interaction, sendSigned, slashCommand } from '../support/slack-requests.js';
import { databaseUrlFor, dropDatabase, withDatabase } from '../support/test-db.js';
import { ADMIN } from './admin-helpers.js';

const tag = randomBytes(3).toString('hex');
const SECRETS = {
  botToken: `xoxb-SECRETBOT-${tag}-7f3a9c1e5b`,
  signingSecret: `SECRETSIGN${tag}2b8d4f6a0c1e`,
  hoiioToken: `SECRETHOIIO${tag}9e7c5a3b1d`,
  webhookToken: `SECRETHOOK_${tag}_4c2e0a8b6d9f1a3c`,
  previousToken: `SECRETPREV_${tag}_0a1b2c3d4e5f6a7b`,
  dbPassword: `SECRETPG${tag}5a7c9e1b3d`,
} as const;

const baseUrl = process.env['TEST_DATABASE_URL'];
const role = `hs_secret_${tag}`;
const dbName = `hs_secret_${tag}`;

let slack: FakeSlack;
let sandbox: SandboxServer;
let app: AppProcess;
let port: number;
let output = '';
/** Where the flow of a test is, shown with the app's output when it fails (a timeout says nothing else). */
let step = 'start';
function explainFailure(): void {
  onTestFailed(() => {
    console.error(`stopped at step "${step}"; the app's last output:\n${output.slice(-8000)}`);
  });
}
const answers: { what: string; status: number; headers: string; body: string }[] = [];

async function record(what: string, res: Response): Promise<Response> {
  const body = await res.text();
  answers.push({ what, status: res.status, headers: JSON.stringify([...res.headers]), body });
  return new Response(body, { status: res.status, headers: res.headers });
}

function env(extra: Record<string, string>): Record<string, string> {
  const storage: Record<string, string> = baseUrl
    ? { DATABASE_URL: databaseUrlFor(baseUrl.replace(/\/\/[^@/]*@/, `//${role}:${SECRETS.dbPassword}@`), dbName) }
    : { DATA_DIR: mkdtempSync(join(tmpdir(), 'secrets-')) };
  return appEnv({
    port,
    slackApiUrl: slack.apiUrl,
    botToken: SECRETS.botToken,
    signingSecret: SECRETS.signingSecret,
    hoiioUrl: sandbox.url,
    webhookToken: SECRETS.webhookToken,
    storage,
    extra: {
      HOIIO_ACCESS_TOKEN: SECRETS.hoiioToken,
      LOG_LEVEL: 'debug',
      ADMIN_USER_IDS: ADMIN,
      DEFAULT_CHANNEL: 'C0DEFAULT',
      ...extra,
    },
  });
}

function startApp(extra: Record<string, string>): AppProcess {
  const started = AppProcess.start({ env: env(extra), name: 'secrets-app' });
  started.child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  started.child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return started;
}

const signed = async (
  what: string,
  request: Parameters<typeof sendSigned>[1],
  signingSecret: string = SECRETS.signingSecret,
) => record(what, await sendSigned(app.url, request, { signingSecret }));

function incomingSms(txnRef: string): string {
  const params = new URLSearchParams(docsIncomingSms);
  params.set('txn_ref', txnRef);
  params.set('to', '+6531580001');
  return params.toString();
}

const webhook = async (what: string, token: string, body: string, headers: Record<string, string> = {}) =>
  record(
    what,
    await fetch(`${app.url}/hoiio/${token}/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    }),
  );

beforeAll(async () => {
  if (baseUrl) {
    await withDatabase(baseUrl, async (db) => {
      await sql`CREATE ROLE ${sql.id(role)} LOGIN PASSWORD ${sql.lit(SECRETS.dbPassword)}`.execute(db);
      await sql`CREATE DATABASE ${sql.id(dbName)} OWNER ${sql.id(role)}`.execute(db);
    });
  }
  slack = await FakeSlack.start({ botToken: SECRETS.botToken });
  sandbox = await startSandboxServer({
    port: 0,
    timeScale: 0.02,
    credentials: { appId: 'sandbox', accessToken: SECRETS.hoiioToken },
  });
  port = await freePort();
  app = startApp({ HOIIO_WEBHOOK_TOKEN_PREVIOUS: SECRETS.previousToken });
  await app.waitHealthy();
  await slack.waitForCall('auth.test'); // the start-up token check
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
  await slack?.close();
  if (baseUrl) {
    await dropDatabase(baseUrl, dbName);
    await withDatabase(baseUrl, (db) => sql`DROP ROLE IF EXISTS ${sql.id(role)}`.execute(db));
  }
});

describe('secrets', () => {
  test('representative flows and failures leak no secret into logs, Slack or HTTP answers', async () => {
    explainFailure();
    // A failure in a listener: the first request's authorize fails because Slack rejects the token (an outage
    // alone would not fail it: the app then authorizes with the token and retries auth.test later).
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const crashUrl = slack.responseUrl();
    expect((await signed('crash', slashCommand({ text: 'help', response_url: crashUrl }))).status).toBeLessThan(600);

    step = 'route';
    // Admin routes the voice number here: Hoiio gets forwarding URLs holding the webhook token.
    const routeUrl = slack.responseUrl();
    await signed(
      'route',
      slashCommand({ text: 'route +65 3158 0001 <#C0SUPPORT|support>', user_id: ADMIN, response_url: routeUrl }),
    );
    await slack.waitForCall('response_url', (c) => c.args['url'] === routeUrl);
    const numbers = (await (await fetch(`${sandbox.url}/api/numbers`)).json()) as {
      items: { forward_to_sms: string }[];
    };
    expect(numbers.items.some((n) => n.forward_to_sms.includes(SECRETS.webhookToken))).toBe(true);

    step = 'sends';
    // A send that works, one Hoiio refuses, and a Slack outage on the way.
    slack.failNext('chat.postMessage', { status: 503 });
    await signed('sms ok', slashCommand({ text: 'sms +65 9123 4567 Parcel ready', channel_id: 'C0SENDS' }));
    await signed('sms refused', slashCommand({ text: 'sms +65 9000 0040 Will fail', channel_id: 'C0SENDS' }));
    await waitForCard(slack, 'C0SENDS', /delivered/);
    await waitForCard(slack, 'C0SENDS', /failed/);

    step = 'incoming sms';
    // An incoming SMS, with a Slack platform error on its first post.
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await (
      await fetch(`${sandbox.url}/api/trigger/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+6598765432', to: '+6531580001', msg: 'hello from outside' }),
      })
    ).text();
    await slack.waitForCall('chat.postMessage', (c) => /hello from outside/.test(JSON.stringify(c.args)));

    step = 'forgeries';
    // Forgeries: a bad Slack signature, a wrong webhook token, a forged X-Hoiio-Signature.
    expect((await signed('bad signature', slashCommand({ text: 'sms +6591234567 x' }), 'not-the-secret')).status).toBe(
      401,
    );
    expect((await webhook('wrong token', 'wrong-token-0000000000000000', incomingSms('AA-SI-900'))).status).toBe(401);
    expect(
      (
        await webhook('forged signature', SECRETS.webhookToken, incomingSms('AA-SI-901'), {
          'x-hoiio-signature': 'deadbeef',
        })
      ).status,
    ).toBe(401);
    expect((await webhook('malformed', SECRETS.webhookToken, 'msg=only')).status).toBe(400);
    await signed(
      'view garbage',
      interaction({
        type: 'view_submission',
        user: { id: 'U0X' },
        view: { id: 'V1', callback_id: 'sms_send_modal', private_metadata: '{', state: { values: {} } },
      }),
    );

    step = 'database killed';
    // The database goes away under the app: its connections are killed, requests go on.
    if (baseUrl) {
      await withDatabase(baseUrl, (db) =>
        sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${role}`.execute(db),
      );
      await record('health after db kill', await fetch(`${app.url}/healthz`));
      await signed(
        'sms after db kill',
        slashCommand({ text: 'sms +65 9123 4567 After the outage', channel_id: 'C0AFTER' }),
      );
      await waitForCard(slack, 'C0AFTER', /delivered/);
    }
    step = 'plain paths';
    for (const path of [
      '/metrics',
      '/healthz',
      '/nope',
      `/hoiio/${SECRETS.webhookToken}/nope`,
      '/sandbox/open/sms/send',
    ]) {
      await record(path, await fetch(`${app.url}${path}`));
    }
    await app.stop(); // shutdown lines too

    step = 'checks';
    // Not vacuous: the flows ran and their failures were logged.
    expect(output).toMatch(/webhook request/);
    expect(output).toMatch(/a Slack listener failed|authorize/i);
    expect(output).toMatch(/"status":401|bad X-Hoiio-Signature/);
    expect(output).toContain('/hoiio/****/sms');

    const forms = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const form of forms(secret)) {
        if (output.includes(form)) leaks.push(`${name} in the app's output`);
        for (const a of answers)
          if (a.body.includes(form) || a.headers.includes(form)) leaks.push(`${name} in the answer to ${a.what}`);
        for (const c of slack.calls()) {
          // The `token` argument authenticates a call to Slack itself (auth.test): a credential, not content.
          const { token: _credential, ...content } = c.args;
          if (!JSON.stringify(content).includes(form)) continue;
          // Admin-only output may show the webhook URL (the route command's answer to the admin).
          const adminOnly = name === 'webhookToken' && c.method === 'response_url' && c.args['url'] === routeUrl;
          if (!adminOnly) leaks.push(`${name} in Slack ${c.method}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 180_000);

  test('webhook token rotation: both tokens during the change, only the new one after', async () => {
    explainFailure();
    await app.stop(); // already stopped unless the previous test failed half-way
    step = 'rotation: during';
    // During the change both are accepted…
    app = startApp({ HOIIO_WEBHOOK_TOKEN_PREVIOUS: SECRETS.previousToken });
    await app.waitHealthy();
    expect((await webhook('new token', SECRETS.webhookToken, incomingSms('AA-SI-910'))).status).toBe(200);
    expect((await webhook('previous token', SECRETS.previousToken, incomingSms('AA-SI-911'))).status).toBe(200);
    await app.stop();
    step = 'rotation: after';
    // …and once HOIIO_WEBHOOK_TOKEN_PREVIOUS is removed, only the new one.
    app = startApp({});
    await app.waitHealthy();
    expect((await webhook('new token after', SECRETS.webhookToken, incomingSms('AA-SI-912'))).status).toBe(200);
    expect((await webhook('previous token after', SECRETS.previousToken, incomingSms('AA-SI-913'))).status).toBe(401);
    await app.stop();
    expect(output).not.toContain(SECRETS.previousToken);
    expect(output).not.toContain(SECRETS.webhookToken);
  }, 180_000);
});
