/**
 * Socket Mode end to end: the real app started with SLACK_APP_TOKEN, connected to the fake Slack's websocket
 * (fake-slack-socket.ts), on the embedded sandbox. Commands, clicks and events arrive as envelopes and are answered
 * by acks over the socket; the Web API (cards, views) still goes to the fake over HTTP.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { FakeSlack } from '../support/fake-slack.js';
import { type DeliverOptions, type SocketAck, socketPayload } from '../support/fake-slack-socket.js';
import { slash } from '../support/slack-actions.js';
import { cardTs } from '../support/slack-cards.js';
import { eventCallback } from '../support/slack-requests.js';
import { TEST_BOT_TOKEN, type TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { buttonClick, buttonValue, USER, waitForCard } from './sms-helpers.js';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1111111111-socketmodeappleveltoken0123456789abcdef';
// debug: Bolt and the socket client log every envelope and ack, so the leak check below sees the most lines
const SOCKET_ENV = { SLACK_APP_TOKEN: APP_TOKEN, LOG_LEVEL: 'debug' };
const FAILING = '+6590000031'; // sandbox: queued, then failed

interface OutboxSms {
  kind: string;
  dest: string;
  msg: string;
  tag?: string;
}

describe.each(testEngines())('Socket Mode (%s)', (engine) => {
  const setup = useTestApp(engine);

  function app(options: { slack?: FakeSlack } = {}): Promise<TestApp> {
    return setup.startApp({ env: SOCKET_ENV, ...options });
  }

  /** `/hoiio <text>` in `channel` as a slash_commands envelope; resolves with the ack. */
  function command(t: TestApp, text: string, channel: string, options?: DeliverOptions): Promise<SocketAck> {
    const { request } = slash(t.slack, text, { user: USER, channel, triggerId: `trig-${channel}` });
    return t.slack.socketMode.deliver('slash_commands', socketPayload(request), options);
  }

  async function smsSent(t: TestApp, msg: string): Promise<OutboxSms[]> {
    return ((await t.sandbox.outbox()) as OutboxSms[]).filter((i) => i.kind === 'sms' && i.msg === msg);
  }

  async function status(url: string, path: string, init?: RequestInit): Promise<number> {
    const res = await fetch(new URL(path, url), init);
    await res.arrayBuffer();
    return res.status;
  }

  /** The app token went to apps.connections.open (as its Bearer credential) and nowhere else. */
  function expectAppTokenOnlyInConnectionsOpen(t: TestApp): void {
    const opens = t.slack.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThan(0);
    for (const call of opens) {
      expect(call.token).toBe(APP_TOKEN);
      expect(call.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
      expect(JSON.stringify(call.args)).not.toContain(APP_TOKEN);
    }
    const others = t.slack.calls().filter((c) => c.method !== 'apps.connections.open');
    expect(others.length).toBeGreaterThan(0);
    for (const call of others) {
      expect(call.token === undefined || call.token === TEST_BOT_TOKEN).toBe(true);
      expect(JSON.stringify({ args: call.args, headers: call.headers })).not.toContain(APP_TOKEN);
    }
    const acks = t.slack.socketMode.connections().flatMap((c) => c.received);
    expect(JSON.stringify(acks)).not.toContain(APP_TOKEN);
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.filter((line) => line.includes(APP_TOKEN))).toEqual([]);
    // the ticket of a websocket URL is a credential too
    for (const { ticket } of t.slack.socketMode.connections()) {
      expect(t.logs.filter((line) => line.includes(ticket))).toEqual([]);
    }
  }

  test('connects with the app token; /slack/events is 404, /healthz 200; /hoiio help is acked with the help text', async () => {
    const t = await app();
    // connected (hello received) before the app counts as started
    expect(t.slack.socketMode.connections()).toHaveLength(1);
    expect(t.slack.socketMode.current()).toBeDefined();
    expect(t.slack.calls('apps.connections.open')).toHaveLength(1);
    expect(await status(t.url, '/healthz')).toBe(200);
    const events = await t.sendSigned(slash(t.slack, 'help', { user: USER, channel: 'C0HELP' }).request);
    await events.arrayBuffer();
    expect(events.status).toBe(404);

    const ack = await command(t, 'help', 'C0HELP', { envelopeId: 'env-help-1' });
    expect(ack.envelope_id).toBe('env-help-1');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    const text = String(ack.payload?.['text']);
    expect(text).toContain('`/hoiio sms [number] [text]`');
    expect(text).toContain('e.g. `/hoiio sms +65 9123 4567 Your parcel is ready`');
    expect(text).toContain('`/hoiio help`');
    expect(JSON.stringify(ack.payload?.['blocks'])).toContain('/hoiio balance');
    expect(t.slack.unexpectedCalls()).toEqual([]);
    expectAppTokenOnlyInConnectionsOpen(t);
    // as on Slack, a bot token cannot open a socket
    const withBotToken = await fetch(`${t.slack.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_BOT_TOKEN}` },
    });
    expect(await withBotToken.json()).toEqual({ ok: false, error: 'not_allowed_token_type' });
  });

  test('/hoiio sms as an envelope: acked, one SMS, its card posted; the same envelope again has no second effect', async () => {
    const t = await app();
    const first = await command(t, 'sms +65 9123 4567 hello', 'C0SOCKSMS', { envelopeId: 'env-sms-1' });
    expect(first).toMatchObject({
      envelope_id: 'env-sms-1',
      payload: { response_type: 'ephemeral', text: expect.stringMatching(/Sending your SMS/) },
    });
    // Slack re-delivers an envelope it thinks was not acked: same id, same payload (same trigger_id)
    const again = await command(t, 'sms +65 9123 4567 hello', 'C0SOCKSMS', { envelopeId: 'env-sms-1' });
    expect(again.envelope_id).toBe('env-sms-1');
    expect(String(again.payload?.['text'])).toMatch(/already sent/);

    const delivered = await waitForCard(t.slack, 'C0SOCKSMS', 'delivered');
    await t.whenIdle();
    const sent = await smsSent(t, 'hello');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ dest: '+6591234567', tag: expect.stringMatching(/^hs-c-/) });
    const posts = t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0SOCKSMS');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.token).toBe(TEST_BOT_TOKEN);
    expect(delivered.token).toBe(TEST_BOT_TOKEN);
    expect(t.slack.unexpectedCalls()).toEqual([]);
    expectAppTokenOnlyInConnectionsOpen(t);
  });

  test('a block_actions envelope (Retry on a failed card) sends one linked SMS, however often it is delivered', async () => {
    const t = await app();
    await command(t, `sms ${FAILING} Will fail`, 'C0SOCKFAIL');
    const failed = await waitForCard(t.slack, 'C0SOCKFAIL', 'failed');
    const parentId = buttonValue(failed, ACTION.txnRetry) ?? '';
    expect(parentId).toMatch(/^\d+$/);
    await t.whenIdle();
    const messageTs = cardTs(failed);
    const click = socketPayload(
      buttonClick({
        actionId: ACTION.txnRetry,
        value: parentId,
        channel: 'C0SOCKFAIL',
        messageTs,
        responseUrl: t.slack.responseUrl(),
      }),
    );
    const acks = [
      await t.slack.socketMode.deliver('interactive', click, { envelopeId: 'env-click-1' }),
      await t.slack.socketMode.deliver('interactive', click, { envelopeId: 'env-click-1' }),
    ];
    expect(acks.map((a) => a.envelope_id)).toEqual(['env-click-1', 'env-click-1']);
    await t.whenIdle();
    const sent = await smsSent(t, 'Will fail');
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((i) => i.tag))).toEqual(new Set([expect.stringMatching(/^hs-c-/), `hs-r-${parentId}`]));
    // the second delivery was told, not acted on
    expect(t.slack.calls('response_url').map((c) => c.args['text'])).toEqual([
      expect.stringMatching(/already retried/),
    ]);
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0SOCKFAIL')).toHaveLength(2);
    expectAppTokenOnlyInConnectionsOpen(t);
  });

  test('an events_api envelope (app_home_opened) is acked and publishes the Home tab', async () => {
    const t = await app();
    const event = socketPayload(
      eventCallback({ type: 'app_home_opened', user: USER, channel: 'D0SENDER', tab: 'home' }),
    );
    const ack = await t.slack.socketMode.deliver('events_api', event, { envelopeId: 'env-home-1' });
    expect(ack.envelope_id).toBe('env-home-1');
    expect(ack.payload ?? {}).toEqual({});
    const published = await t.slack.waitForCall('views.publish', (c) => c.args['user_id'] === USER);
    expect(published.token).toBe(TEST_BOT_TOKEN);
    expect((published.args['view'] as { type?: string }).type).toBe('home');
    expectAppTokenOnlyInConnectionsOpen(t);
  });

  // The socket client waits about 5 s before each of the two reconnects: a generous limit for a loaded machine.
  test('the socket dropped by Slack: the app reconnects by itself and handles the next envelope; /healthz stays 200', {
    timeout: 120_000,
  }, async () => {
    const t = await app();
    const socket = t.slack.socketMode;
    for (const [i, how] of ([{ disconnect: 'refresh_requested' }, { terminate: true }] as const).entries()) {
      const old = await socket.drop(how);
      // Checked in the same turn as the close (no I/O in between), so however soon the client reconnects, no new
      // connection can have been accepted yet: nothing can reach the app through Slack between connections.
      expect(socket.connections()).toHaveLength(i + 1);
      const gap = command(t, 'help', 'C0GAP');
      expect(old.closedAt).toBeDefined();
      await expect(gap).rejects.toThrow(/no open Socket Mode connection/);
      // while the client reconnects, the app's own routes are up
      expect(await status(t.url, '/healthz')).toBe(200);
      expect(await status(t.url, '/slack/events', { method: 'POST', body: 'x' })).toBe(404);
      const next = await socket.waitForConnection(i + 2);
      expect(next.ticket).not.toBe(old.ticket);
      expect(t.slack.calls('apps.connections.open')).toHaveLength(i + 2);
      const ack = await command(t, 'help', `C0AFTER${i}`);
      expect(String(ack.payload?.['text'])).toContain('`/hoiio help`');
      expect(await status(t.url, '/healthz')).toBe(200);
    }
    // a disconnect message is answered with a clean close by the client; a dead connection is just gone
    expect(socket.connections().map((c) => c.closeCode)).toEqual([1000, 1006, undefined]);
    const after = await command(t, 'sms +65 9123 4567 after reconnect', 'C0RECON');
    expect(String(after.payload?.['text'])).toMatch(/Sending your SMS/);
    await waitForCard(t.slack, 'C0RECON', 'delivered');
    await t.whenIdle();
    expect(await smsSent(t, 'after reconnect')).toHaveLength(1);
    expectAppTokenOnlyInConnectionsOpen(t);
  });

  test('stopping the app closes its socket cleanly before stop() resolves', async () => {
    const slack = await FakeSlack.start({ botToken: TEST_BOT_TOKEN, appToken: APP_TOKEN });
    onTestFinished(() => slack.close());
    const t = await app({ slack });
    expect(slack.socketMode.current()).toBeDefined();
    await t.stop();
    expect(slack.socketMode.current()).toBeUndefined();
    expect(slack.socketMode.connections().map((c) => c.closeCode)).toEqual([1000]);
  });
});
