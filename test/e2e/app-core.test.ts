import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { type BotApp, createBotApp, type RunningBotApp, startBotApp } from '../../src/bot/app.js';
import { type BotDeps, createWorkerSlackClient, platformDeps, systemClock } from '../../src/bot/deps.js';
import { REQUIRED_SCOPES } from '../../src/bot/features/admin/status-checks.js';
import type { Feature } from '../../src/bot/features/index.js';
import { close, listen, readBody, WEBHOOK_BODY_LIMIT } from '../../src/bot/http-server.js';
import { COMMAND, SHORTCUT } from '../../src/bot/ids.js';
import { createMetrics } from '../../src/bot/routes/metrics.js';
import {
  channelIdFromMention,
  escapeMrkdwn,
  inlineCode,
  quoteMrkdwn,
  slackTextToPlain,
  truncateText,
} from '../../src/bot/slack-text.js';
import { loadConfig } from '../../src/config.js';
import { HoiioClient } from '../../src/hoiio/hoiio-client.js';
import { createLogger, serializeError } from '../../src/logger.js';
import { FakeSlack } from '../support/fake-slack.js';
import { eventCallback, FORM, interaction, sendSigned, slashCommand } from '../support/slack-requests.js';
import { openTestDatabase, type TestDatabase, useTestDatabase } from '../support/test-db.js';

const BOT_TOKEN = 'xoxb-1111-2222-botTokenSecretValue';
const SIGNING_SECRET = 'signing-secret-0123456789abcdef';
const WEBHOOK_TOKEN = 'webhookTokenSecret_0123456789';
const DB_PASSWORD = 'db-pass-Secret42';

interface Harness {
  readonly url: string;
  readonly slack: FakeSlack;
  readonly bot: BotApp;
  readonly logs: string[];
  readonly running: RunningBotApp;
  send(
    request: Parameters<typeof sendSigned>[1],
    options?: Partial<Parameters<typeof sendSigned>[2]>,
  ): Promise<Response>;
}

const database = useTestDatabase();

let slack: FakeSlack;
beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
});
afterEach(async () => {
  await slack.close();
});

async function startApp(features: Feature[] = [], db: TestDatabase = database): Promise<Harness> {
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOIIO_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      DATABASE_URL: `postgres://app:${DB_PASSWORD}@127.0.0.1:5432/test`,
      LOG_LEVEL: 'debug',
    },
    { cwd: mkdtempSync(join(tmpdir(), 'app-core-')) },
  );
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: config.secrets(),
    destination: { write: (l) => logs.push(l) },
  });
  const deps: BotDeps = {
    config,
    logger,
    clock: systemClock,
    metrics: createMetrics(),
    slack: createWorkerSlackClient(config, logger),
    // never called by the core; features test it against the sandbox
    hoiio: new HoiioClient({ appId: 'sandbox', accessToken: 'sandbox', baseUrl: 'http://127.0.0.1:9/open/' }),
    db: db.db,
    database: db,
    ...platformDeps(config.publicUrl, WEBHOOK_TOKEN),
  };
  const bot = await createBotApp(deps, features);
  const running = await startBotApp(bot, { port: 0, host: '127.0.0.1' });
  onTestFinished(() => running.stop());
  return {
    url: running.url,
    slack,
    bot,
    logs,
    running,
    send: (request, options) => sendSigned(running.url, request, { signingSecret: SIGNING_SECRET, ...options }),
  };
}

/** A test feature: `/hoiio sms` and `/hoiio balance` that record what they got. */
function recordingFeature(seen: string[], behaviour: 'ack' | 'throw' = 'ack'): Feature {
  return {
    name: 'recording',
    register({ subcommands }) {
      subcommands.add('sms', async ({ ack, args }) => {
        seen.push(args);
        if (behaviour === 'throw') {
          throw new Error(`boom with ${BOT_TOKEN} and ${SIGNING_SECRET}`);
        }
        await ack({ response_type: 'ephemeral', text: `queued: ${args}` });
      });
      subcommands.add('balance', async ({ ack }) => {
        seen.push('balance');
        await ack('balance: 12.50');
      });
    },
  };
}

async function ackBody(res: Response): Promise<{ response_type?: string; text?: string; blocks?: unknown[] }> {
  expect(res.status).toBe(200);
  return (await res.json()) as { response_type?: string; text?: string; blocks?: unknown[] };
}

function secretsIn(text: string): string[] {
  return [BOT_TOKEN, SIGNING_SECRET, WEBHOOK_TOKEN, DB_PASSWORD].filter((s) => text.includes(s));
}

describe('/hoiio help', () => {
  test('lists exactly the registered subcommands, each with an example, ephemerally', async () => {
    const t = await startApp([recordingFeature([])]);
    const body = await ackBody(await t.send(slashCommand({ text: 'help' })));
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`/hoiio sms [number] [text]`');
    expect(body.text).toContain('e.g. `/hoiio sms +65 9123 4567 Your parcel is ready`');
    expect(body.text).toContain('`/hoiio balance`');
    expect(body.text).toContain('`/hoiio help`');
    // not registered: not advertised
    expect(body.text).not.toContain('/hoiio fax');
    expect(body.text).not.toContain('/hoiio call');
    // sms is listed before balance (design order), and the blocks carry the same list
    expect(body.text?.indexOf('/hoiio sms')).toBeLessThan(body.text?.indexOf('/hoiio balance') ?? 0);
    expect(JSON.stringify(body.blocks)).toContain('/hoiio balance');
    expect(JSON.stringify(body.blocks)).toContain('Sandbox mode');
  });

  test('without features it says so and lists only help', async () => {
    const t = await startApp();
    const body = await ackBody(await t.send(slashCommand({ text: 'help' })));
    expect(body.text).not.toContain('/hoiio sms');
    expect(JSON.stringify(body.blocks)).toContain('No telephony features are enabled yet.');
  });

  test('an empty command answers the help', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const body = await ackBody(await t.send(slashCommand({ text: '   ' })));
    expect(body.text).toContain('/hoiio sms');
    expect(body.text).not.toContain("I don't know");
    expect(seen).toEqual([]);
  });

  test('an unknown subcommand answers the help naming it, escaped', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const body = await ackBody(await t.send(slashCommand({ text: '<!channel>frob now' })));
    expect(body.text).toContain("I don't know `&lt;!\u200bchannel&gt;frob`");
    expect(body.text).toContain('/hoiio balance');
    expect(JSON.stringify(body.blocks)).not.toContain('<!channel>');
    expect(seen).toEqual([]);
  });

  test('a registered subcommand gets the rest of the text', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const body = await ackBody(await t.send(slashCommand({ text: 'SMS  +65 9123 4567 Parcel ready' })));
    expect(body.text).toBe('queued: +65 9123 4567 Parcel ready');
    expect(seen).toEqual(['+65 9123 4567 Parcel ready']);
    // auth.test once, on first use, with the bot token
    const [auth, ...more] = t.slack.calls('auth.test');
    expect(auth?.token).toBe(BOT_TOKEN);
    expect(more).toEqual([]);
    const balance = await t.send(slashCommand({ text: 'balance' }));
    expect(await balance.text()).toBe('balance: 12.50');
    expect(t.slack.calls('auth.test')).toHaveLength(1);
    expect(t.slack.unexpectedCalls()).toEqual([]);
  });
});

describe('request verification and limits', () => {
  test('a forged signature is 401 and no listener runs', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const res = await t.send(slashCommand({ text: 'sms +6591234567 hi' }), { signature: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    expect(seen).toEqual([]);
    expect(t.slack.calls()).toEqual([]);
  });

  test('a body signed with another secret is 401', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const res = await t.send(slashCommand({ text: 'sms +6591234567 hi' }), { signingSecret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(seen).toEqual([]);
  });

  test('a stale timestamp is 401 even when correctly signed', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await t.send(slashCommand({ text: 'sms +6591234567 hi' }), { timestamp: tenMinutesAgo });
    expect(res.status).toBe(401);
    expect(seen).toEqual([]);
  });

  test('a body over 1 MiB is 413 and nothing else happens', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const big = slashCommand({ text: `sms +6591234567 ${'x'.repeat(1024 * 1024)}` });
    const res = await t.send(big);
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
    expect(t.slack.calls()).toEqual([]);
  });

  test('a chunked body over 1 MiB (no Content-Length) is 413', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await fetch(new URL('/slack/events', t.url), {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
  });

  test('a body just under 1 MiB is accepted', async () => {
    const seen: string[] = [];
    const t = await startApp([recordingFeature(seen)]);
    const req = slashCommand({ text: 'sms +6591234567 hi' });
    const padded = { ...req, body: `${req.body}&pad=${'y'.repeat(1024 * 1024 - req.body.length - 5)}` };
    expect(Buffer.byteLength(padded.body)).toBe(1024 * 1024);
    const body = await ackBody(await t.send(padded));
    expect(body.text).toBe('queued: +6591234567 hi');
  });

  test('url_verification answers the challenge; unhandled events are acked', async () => {
    const t = await startApp();
    const challenge = {
      body: JSON.stringify({ type: 'url_verification', challenge: 'ch-123', token: 'x' }),
      contentType: 'application/json' as const,
    };
    const res = await t.send(challenge);
    expect(await res.json()).toEqual({ challenge: 'ch-123' });
    const event = await t.send(
      eventCallback({ type: 'app_home_opened', user: 'U0TESTUSER', tab: 'home', channel: 'D0X' }),
    );
    expect(event.status).toBe(200);
  });
});

describe('errors', () => {
  test('a failing listener is logged without secrets and the user is told via response_url', async () => {
    const t = await startApp([recordingFeature([], 'throw')]);
    const responseUrl = t.slack.responseUrl();
    const res = await t.send(slashCommand({ text: 'sms +6591234567 hi', response_url: responseUrl }));
    // the listener threw before ack: Bolt does not answer 200
    const told = await t.slack.waitForCall('response_url');
    expect(told.args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Something went wrong/),
    });
    expect(secretsIn(JSON.stringify(told.args))).toEqual([]);
    expect(res.status).not.toBe(200);
    const logs = t.logs.join('');
    expect(logs).toContain('a Slack listener failed');
    expect(logs).toContain('boom with [REDACTED] and [REDACTED]');
    expect(secretsIn(logs)).toEqual([]);
  });

  test('an interaction nobody handles is acked by nobody and does not crash the app', async () => {
    const t = await startApp();
    const res = await t.send(
      interaction({
        type: 'block_actions',
        user: { id: 'U0TESTUSER' },
        actions: [{ action_id: 'nope', type: 'button' }],
        trigger_id: '1.2',
      }),
    );
    // Bolt answers 404 when no listener acks within ~3 s
    expect(res.status).toBe(404);
    const health = await fetch(new URL('/healthz', t.url));
    expect(health.status).toBe(200);
  });
});

describe('own routes', () => {
  test('/healthz is 200 while the database answers and 503 when it does not', async () => {
    const own = await openTestDatabase();
    const t = await startApp([], own);
    const up = await fetch(new URL('/healthz', t.url));
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ ok: true });
    await own.close();
    const down = await fetch(new URL('/healthz', t.url));
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false });
  });

  test('/metrics serves Prometheus text from this app only', async () => {
    const t = await startApp([recordingFeature([])]);
    await ackBody(await t.send(slashCommand({ text: 'help' })));
    const res = await fetch(new URL('/metrics', t.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE hoiio_slack_http_requests_total counter');
    expect(text).toMatch(/hoiio_slack_http_requests_total\{route="\/slack\/events",method="POST",status="200"\} 1/);
    expect(text).toContain('hoiio_slack_http_request_duration_seconds_bucket');
  });

  test('unknown paths are 404, GET /slack/events is 405, and the server keeps serving', async () => {
    const t = await startApp();
    expect((await fetch(new URL('/nope', t.url))).status).toBe(404);
    expect((await fetch(new URL('/slack/install', t.url))).status).toBe(404);
    expect((await fetch(new URL('/slack/events', t.url))).status).toBe(405);
    expect((await fetch(new URL('/healthz', t.url))).status).toBe(200);
  });

  test('mounted routes get their prefix, a body limit helper (413) and a 500 on throw; webhook tokens are masked in logs', async () => {
    const got: string[] = [];
    const feature: Feature = {
      name: 'webhooks',
      register({ routes }) {
        routes.mount('/hooks', async (req, res) => {
          const body = await readBody(req, res, WEBHOOK_BODY_LIMIT);
          if (body === undefined) return;
          if (req.url?.endsWith('/explode')) throw new Error('handler failed');
          got.push(`${req.method} ${body.length}`);
          res.writeHead(200).end('ok');
        });
      },
    };
    const t = await startApp([feature]);
    const base = `${t.url}/hooks/${WEBHOOK_TOKEN}`;
    expect((await fetch(`${base}/sms`, { method: 'POST', body: 'from=1&msg=hi' })).status).toBe(200);
    const tooBig = await fetch(`${base}/sms`, { method: 'POST', body: 'x'.repeat(WEBHOOK_BODY_LIMIT + 1) });
    expect(tooBig.status).toBe(413);
    const failed = await fetch(`${base}/explode`, { method: 'POST', body: '' });
    expect(failed.status).toBe(500);
    expect(secretsIn(await failed.text())).toEqual([]);
    expect(got).toEqual(['POST 13']);
    expect((await fetch(`${t.url}/hooksx`)).status).toBe(404);
    // the platform's own /hoiio intake: its path is logged with the token masked
    expect((await fetch(`${t.url}/hoiio/${WEBHOOK_TOKEN}/sms`, { method: 'POST', body: 'x=1' })).status).toBe(400);
    const logs = t.logs.join('');
    expect(logs).toContain('/hoiio/****/sms');
    expect(secretsIn(logs)).toEqual([]);
  });

  test('a header of hundreds of KB is accepted (the embedded sandbox takes long GET query strings)', async () => {
    const t = await startApp();
    const res = await fetch(new URL(`/healthz?q=${'a'.repeat(300 * 1024)}`, t.url));
    expect(res.status).toBe(200);
  });

  test('stop() closes the listener', async () => {
    const t = await startApp();
    await t.running.stop();
    await expect(fetch(new URL('/healthz', t.url))).rejects.toThrow();
  });
});

describe('the worker Slack client against the fake', () => {
  function client() {
    const config = loadConfig(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
      { cwd: mkdtempSync(join(tmpdir(), 'app-core-')) },
    );
    return createWorkerSlackClient(config, createLogger({ level: 'silent' }));
  }

  test('posts with the bot token; the fake records args and answers increasing ts', async () => {
    const web = client();
    const waiting = slack.waitForCall('chat.postMessage', ({ args: { text } }) => text === 'second');
    const first = await web.chat.postMessage({ channel: 'C1', text: 'first', blocks: [{ type: 'divider' }] });
    const second = await web.chat.postMessage({ channel: 'C1', text: 'second' });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const call = await waiting;
    expect(call.token).toBe(BOT_TOKEN);
    expect(slack.calls('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C1', blocks: [{ type: 'divider' }] });
  });

  test('a 429 is rejected at once with its Retry-After, a 503 is not retried, platform errors pass through', async () => {
    const web = client();
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    slack.failNext('chat.update', { status: 503 });
    await expect(web.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
    });
    expect(slack.calls('chat.update')).toHaveLength(1);
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    // the failures were one-shot
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  test('uploads in three calls, serves url_private to the bot token only, and records unknown methods', async () => {
    const web = client();
    const upload = await web.files.uploadV2({ channel_id: 'C1', file: Buffer.from('%PDF-1.4 x'), filename: 'a.pdf' });
    const completed = upload as unknown as { files: { files: { id: string }[] }[] };
    const id = completed.files[0]?.files[0]?.id ?? '';
    expect(slack.uploadedBytes(id)?.toString()).toContain('%PDF-1.4 x');
    const file = slack.addFile(Buffer.from('%PDF-1.7'), { name: 'in.pdf' });
    expect((await fetch(file.url_private)).status).toBe(403);
    const ok = await fetch(file.url_private, { headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('%PDF-1.7');
    await expect(web.apiCall('made.up')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(slack.unexpectedCalls().map((c) => c.method)).toEqual(['made.up']);
  });
});

describe('logger', () => {
  test('redacts secrets wherever they appear, including JSON-escaped, URL-encoded and added later', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      secrets: ['pa"ss', 'tok/en'],
      destination: { write: (l) => lines.push(l) },
    });
    const child = log.child({ component: 'x', token: 'tok/en' });
    child.info({ nested: { value: 'has pa"ss inside', url: 'https://x/?t=tok%2Fen' } }, 'msg with tok/en');
    child.error({ err: new Error('failed: pa"ss', { cause: new Error('inner tok/en') }) }, 'boom');
    log.addSecret('late-secret-value');
    child.warn('now late-secret-value appears');
    const out = lines.join('');
    expect(out).not.toMatch(/pa\\"ss|tok\/en|tok%2Fen|late-secret-value/);
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(7);
    expect(out).toContain('"component":"x"');
  });

  test('masks the token segment of webhook paths', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (l) => lines.push(l) } });
    log.info({ path: '/hoiio/unconfiguredToken123/voice?x=1' }, 'GET /hoiio/abc/sms');
    expect(lines.join('')).toContain('/hoiio/****/voice?x=1');
    expect(lines.join('')).toContain('GET /hoiio/****/sms');
    expect(lines.join('')).not.toMatch(/unconfiguredToken123|\/abc\//);
  });

  test('serializes client errors compactly, with their cause chain', () => {
    const inner = Object.assign(new Error('socket hang up'), { config: { headers: { Authorization: 'x' } } });
    const outer = Object.assign(new Error('A request error occurred'), {
      code: 'slack_webapi_request_error',
      original: inner,
      data: { error: 'ratelimited' },
    });
    const out = serializeError(outer) as Record<string, unknown>;
    expect(out).toMatchObject({ type: 'Error', code: 'slack_webapi_request_error', slackError: 'ratelimited' });
    expect(out).toMatchObject({ original: { message: 'socket hang up' } });
    expect(JSON.stringify(out)).not.toContain('headers');
  });
});

describe('slack text', () => {
  test('escapes untrusted text so it can neither ping nor forge links', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> <https://evil.example|your bank> @here')).toBe(
      '&lt;!\u200bchannel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|your bank&gt; @\u200bhere',
    );
    expect(quoteMrkdwn('a\n<b>')).toBe('>a\n>&lt;b&gt;');
    expect(inlineCode('x`y')).toBe('`xˋy`');
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abc', 4)).toBe('abc');
  });

  test('no input survives escaping as markup or a broadcast mention', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', 'channel', 'here', 'everyone', '|', ' ', 'a') }),
        (input) => {
          const out = escapeMrkdwn(input);
          expect(out).not.toMatch(/[<>]/);
          expect(out).not.toMatch(/[@!](channel|here|everyone)/i);
          expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        },
      ),
    );
  });

  test('turns Slack-formatted command text back into what the user typed', () => {
    expect(
      slackTextToPlain(
        'see <https://x.example/a?b=1&amp;c=2> &amp; <mailto:a@b.co|a@b.co> in <#C123|ops> cc <@U1|bob> <!here>',
      ),
    ).toBe('see https://x.example/a?b=1&c=2 & a@b.co in #ops cc @bob @here');
    expect(slackTextToPlain('5 &lt; 6 &gt; 4')).toBe('5 < 6 > 4');
    expect(channelIdFromMention(' <#C0123ABC|support-line> ')).toBe('C0123ABC');
    expect(channelIdFromMention('#support-line')).toBeUndefined();
  });
});

describe('manifest.yml', () => {
  const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');

  test('declares the command and every shortcut callback id the app listens for', () => {
    expect(manifest).toContain(`command: ${COMMAND.hoiio}`);
    const ids = [...manifest.matchAll(/callback_id: (\S+)/g)].map((m) => m[1]);
    expect(ids.sort()).toEqual(Object.values(SHORTCUT).sort());
    for (const name of ['Send SMS to a number in this message', 'Call a number in this message', 'Fax this PDF']) {
      expect(manifest).toContain(`name: ${name}`);
    }
  });

  test('points every request URL at /slack/events on the placeholder host and subscribes to app_home_opened', () => {
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(url).toBe('https://hoiio-slack.example.com/slack/events');
    expect(manifest).toMatch(/bot_events:\n(\s+#.*\n)*\s+- app_home_opened/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
  });

  test('asks for exactly the bot scopes the self-check (/hoiio status) expects', () => {
    const bot = manifest.split(/\n\s+bot:\n/)[1]?.split(/\n\S/)[0] ?? '';
    const scopes = [...bot.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]);
    expect(scopes.sort()).toEqual([...REQUIRED_SCOPES].sort());
  });
});

describe('Socket Mode', () => {
  test('with SLACK_APP_TOKEN there is no /slack/events, but the own routes are served on PORT', async () => {
    const config = loadConfig(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A1-socket', SLACK_API_URL: slack.apiUrl },
      { cwd: mkdtempSync(join(tmpdir(), 'app-core-')) },
    );
    const logger = createLogger({ level: 'silent', secrets: config.secrets() });
    const bot = await createBotApp({
      config,
      logger,
      clock: systemClock,
      metrics: createMetrics({ defaultMetrics: false }),
      slack: createWorkerSlackClient(config, logger),
      hoiio: new HoiioClient({ appId: 'sandbox', accessToken: 'sandbox', baseUrl: 'http://127.0.0.1:9/open/' }),
      db: database.db,
      database,
      ...platformDeps(config.publicUrl, WEBHOOK_TOKEN),
    });
    expect(bot.receiver.mode).toBe('socket');
    // listen without connecting the socket (that needs Slack's websocket endpoint)
    const url = await listen(bot.server, 0, '127.0.0.1');
    onTestFinished(() => close(bot.server));
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    const res = await sendSigned(url, slashCommand({ text: 'help' }), { signingSecret: 'anything' });
    expect(res.status).toBe(404);
    expect(slack.calls()).toEqual([]);
  });
});
