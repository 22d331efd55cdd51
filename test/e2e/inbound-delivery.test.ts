/**
 * Inbound notifications reach Slack exactly once, and only when Hoiio confirms them: duplicates, forgeries, a
 * rate-limiting Slack and a Slack that is down for a while.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { CUSTOMER, OTHER_CUSTOMER, posts, tsOf } from './inbound-helpers.js';

const SUPPORT = 'C0SUPPORT';

/** A loopback server that records every request (path, headers, body) and answers 200. */
async function captureServer(): Promise<{
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders; body: string }[];
  server: Server;
}> {
  const requests: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function postForm(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe.each(testEngines())('inbound delivery (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    const t = await setup.startApp();
    await upsertNumberRoute(t.db, { number: t.sandbox.voiceNumber, channel_id: SUPPORT });
    await upsertNumberRoute(t.db, { number: t.sandbox.faxNumber, channel_id: SUPPORT });
    return t;
  }

  async function processedEvents(t: TestApp): Promise<number> {
    return (await t.db.selectFrom('inbound_events').select('id').where('state', '=', 'processed').execute()).length;
  }

  /**
   * Resolves once `check` holds, checking now and again after every job outcome of the worker (an event is marked
   * processed by its inbound.relay job). No time limit of its own: the test's timeout is the only one.
   */
  async function afterJobsUntil(t: TestApp, check: () => Promise<boolean>): Promise<void> {
    const events = ['job:done', 'job:failed', 'job:dead'] as const;
    let outcomes = 0;
    let wake: () => void = () => undefined;
    const onOutcome = () => {
      outcomes += 1;
      wake();
    };
    for (const event of events) t.worker.on(event, onOutcome);
    try {
      for (;;) {
        const seen = outcomes;
        if (await check()) return;
        if (outcomes === seen) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
    } finally {
      for (const event of events) t.worker.off(event, onOutcome);
    }
  }

  async function eventStates(t: TestApp): Promise<string[]> {
    return (await t.db.selectFrom('inbound_events').select('state').orderBy('id').execute()).map((e) => e.state);
  }

  test('the same notification 5 times at once → one event, one card, one thread', async () => {
    const t = await app();
    // Capture the sandbox's real (signed) notification instead of letting it reach the app…
    const capture = await captureServer();
    await t.deps.hoiio.number.updateForwarding({ number: t.sandbox.voiceNumber, forwardToSms: `${capture.url}/sms` });
    await t.sandbox.trigger.sms({ from: CUSTOMER, to: t.sandbox.voiceNumber, msg: 'Only once, please' });
    await t.whenIdle();
    const [notification] = capture.requests;
    expect(notification).toBeDefined();
    // …then deliver it five times concurrently, signature and all.
    const signature = notification?.headers['x-hoiio-signature'];
    const headers: Record<string, string> = typeof signature === 'string' ? { 'x-hoiio-signature': signature } : {};
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        postForm(
          `${t.webhookUrl('sms')}${notification?.path.replace(/^\/sms/, '') ?? ''}`,
          notification?.body ?? '',
          headers,
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await t.whenIdle();

    expect(await eventStates(t)).toEqual(['processed']);
    const sent = posts(t.slack, SUPPORT);
    expect(sent).toHaveLength(2); // the thread header and the one card
    expect(JSON.stringify(sent[1]?.args['blocks'])).toContain('Only once, please');
    expect(t.slack.calls('chat.update')).toHaveLength(0);
    expect(await t.db.selectFrom('transactions').select('id').execute()).toHaveLength(1);
  });

  test('a forged SMS notification (right token, unknown txn_ref) → nothing posted, event unverified', async () => {
    const t = await app();
    const forged = new URLSearchParams({
      txn_ref: 'AA-SI-99999999',
      from: CUSTOMER,
      to: t.sandbox.voiceNumber,
      msg: 'Your bank account is locked, click here',
      date: '2025-11-25 10:00:00',
      currency: 'SGD',
      debit: '0.010',
    });
    expect((await postForm(t.webhookUrl('sms'), forged.toString())).status).toBe(200);
    await t.whenIdle();
    expect(await eventStates(t)).toEqual(['unverified']);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
    expect(await t.db.selectFrom('transactions').select('id').execute()).toEqual([]);
  });

  test('a forged fax notification → its fax_url is never fetched, nothing posted, event unverified', async () => {
    const t = await app();
    const media = await captureServer();
    const forged = new URLSearchParams({
      txn_ref: 'AA-FI-99999999',
      fax_status: 'answered',
      from: CUSTOMER,
      to: t.sandbox.faxNumber,
      fax_url: `${media.url}/fax.pdf`,
      date: '2025-11-25 10:00:00',
      duration: '1',
      currency: 'SGD',
      debit: '0.015',
    });
    expect((await postForm(t.webhookUrl('fax'), forged.toString())).status).toBe(200);
    await t.whenIdle();
    expect(await eventStates(t)).toEqual(['unverified']);
    expect(media.requests).toEqual([]);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
    expect(t.slack.calls('files.getUploadURLExternal')).toEqual([]);
  });

  test('an SMS to a number without a route and no DEFAULT_CHANNEL is kept as unrouted, not posted', async () => {
    const t = await setup.startApp();
    await t.sandbox.trigger.sms({ from: CUSTOMER, to: t.sandbox.voiceNumber, msg: 'Anyone there?' });
    await t.whenIdle();
    expect(await eventStates(t)).toEqual(['unrouted']);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
    expect(await t.db.selectFrom('transactions').select('id').execute()).toEqual([]);
  });

  test('Slack 429 with Retry-After: no chat.postMessage before it elapses, then the thread is posted', async () => {
    const t = await app();
    t.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const limited = t.slack
      .waitForCall('chat.postMessage', (c) => c.response.status === 429)
      .then((call) => ({
        call,
        at: performance.now(),
      }));
    await t.sandbox.trigger.sms({ from: CUSTOMER, to: t.sandbox.voiceNumber, msg: 'Rate limited hello' });
    const first = await limited;
    const next = await t.slack
      .waitForCall('chat.postMessage', (c) => c.seq > first.call.seq)
      .then((call) => ({ call, at: performance.now() }));
    expect(next.at - first.at).toBeGreaterThanOrEqual(1000);
    await t.slack.waitForCall('chat.postMessage', (c) => /Rate limited hello/.test(JSON.stringify(c.args['blocks'])));
    await t.whenIdle();
    const calls = t.slack.calls('chat.postMessage');
    expect(calls.map((c) => c.response.status)).toEqual([429, 200, 200]);
    expect(calls[2]?.args['thread_ts']).toBe(tsOf(calls[1]));
  });

  // Waits out six backoffs after 503s: a generous limit for a loaded machine.
  test('Slack down (503) for a while, then back: everything is delivered, in order, once', {
    timeout: 90_000,
  }, async () => {
    const t = await app();
    for (let i = 0; i < 6; i++) t.slack.failNext('chat.postMessage', { status: 503 });
    const senders = [CUSTOMER, OTHER_CUSTOMER, CUSTOMER];
    for (const [i, from] of senders.entries()) {
      await t.sandbox.trigger.sms({ from, to: t.sandbox.voiceNumber, msg: `message ${i + 1}` });
      // Relayed (its posts queued) before the next one arrives, so the threads' order is known.
      await afterJobsUntil(t, async () => (await processedEvents(t)) > i);
      expect(await processedEvents(t)).toBe(i + 1);
    }
    await t.slack.waitForCall(
      'chat.postMessage',
      (c) => c.response.status === 200 && /message 3/.test(JSON.stringify(c.args['blocks'])),
    );
    await t.whenIdle();

    expect(t.slack.calls('chat.postMessage').filter((c) => c.response.status === 503)).toHaveLength(6);
    const delivered = posts(t.slack, SUPPORT);
    const what = delivered.map((c) => {
      const text = JSON.stringify(c.args['blocks']);
      return /message (\d)/.exec(text)?.[0] ?? (c.args['thread_ts'] === undefined ? 'header' : 'other');
    });
    expect(what).toEqual(['header', 'message 1', 'header', 'message 2', 'message 3']);
    expect(delivered[1]?.args['thread_ts']).toBe(tsOf(delivered[0]));
    expect(delivered[3]?.args['thread_ts']).toBe(tsOf(delivered[2]));
    expect(delivered[4]?.args['thread_ts']).toBe(tsOf(delivered[0]));
  });
});
