/** `/hoiio sms <number> <text>`: one SMS, a living card, replays, opt-outs, failures and Retry, not_in_channel. */
import { describe, expect, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { recordOptOut } from '../../src/db/repositories/opt-outs.js';
import { cardTs } from '../support/slack-cards.js';
import { signatureHeaders, slashCommand } from '../support/slack-requests.js';
import { TEST_SIGNING_SECRET, type TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { buttonClick, buttonValue, smsCardCalls, statusWord, USER, waitForCard } from './sms-helpers.js';

interface OutboxSms {
  kind: string;
  dest: string;
  msg: string;
  tag?: string;
  txn_ref: string;
  status: string;
}

const FAILING = '+6590000031'; // sandbox: queued, then failed

describe.each(testEngines())('/hoiio sms (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(env?: Record<string, string>): Promise<TestApp> {
    return setup.startApp({ ...(env ? { env } : {}) });
  }

  async function smsInOutbox(t: TestApp): Promise<OutboxSms[]> {
    return ((await t.sandbox.outbox()) as OutboxSms[]).filter((i) => i.kind === 'sms');
  }

  test('sends exactly one SMS; the card goes queued → sent → delivered in place', async () => {
    const t = await app();
    const res = await t.sendSigned(
      slashCommand({ text: 'sms +65 9123 4567 Your parcel is ready', channel_id: 'C0SMS', user_id: USER }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Sending your SMS/),
    });

    const delivered = await waitForCard(t.slack, 'C0SMS', 'delivered');
    await t.whenIdle();
    const sent = await smsInOutbox(t);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      dest: '+6591234567',
      msg: 'Your parcel is ready',
      tag: expect.stringMatching(/^hs-c-/),
    });

    // One post, every later state an update of that same message. (Which states the post itself shows depends on
    // how far the send got when the card job ran: a card renders the latest state, so `delivered` may come in the
    // post on a loaded machine.)
    const calls = smsCardCalls(t.slack, 'C0SMS');
    expect(calls[0]?.method).toBe('chat.postMessage');
    expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const ts = cardTs(calls[0]);
    expect(calls.map(cardTs)).toEqual(calls.map(() => ts));
    expect(cardTs(delivered)).toBe(ts);
    // statuses only move forward, and end delivered
    const words = calls.map(statusWord);
    const order = ['queued', 'sent', 'delivered'];
    expect(words.map((w) => order.indexOf(w))).toEqual([...words.map((w) => order.indexOf(w))].sort());
    expect(words.at(-1)).toBe('delivered');
    const final = JSON.stringify(delivered.args['blocks']);
    expect(final).toContain(`<@${USER}>`);
    expect(final).toContain(sent[0]?.txn_ref);
    expect(final).toContain('SGD 0.038');
  });

  test('the same slash command replayed (same signature and timestamp) sends once', async () => {
    const t = await app();
    const request = slashCommand({ text: 'sms +65 9123 4567 Only once', channel_id: 'C0REPLAY' });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders(request.body, { signingSecret: TEST_SIGNING_SECRET, timestamp });
    const [a, b] = await Promise.all([
      t.sendSigned(request, { timestamp, headers }),
      t.sendSigned(request, { timestamp, headers }),
    ]);
    const c = await t.sendSigned(request, { timestamp, headers });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    const texts = await Promise.all([a, b, c].map(async (r) => ((await r.json()) as { text: string }).text));
    expect(texts.filter((x) => /Sending your SMS/.test(x))).toHaveLength(1);
    expect(texts.filter((x) => /already sent/.test(x))).toHaveLength(2);
    await waitForCard(t.slack, 'C0REPLAY', 'delivered');
    await t.whenIdle();
    expect((await smsInOutbox(t)).filter((i) => i.msg === 'Only once')).toHaveLength(1);
    expect(t.slack.calls('chat.postMessage').filter((x) => x.args['channel'] === 'C0REPLAY')).toHaveLength(1);
  });

  test('bad input gets a clear ephemeral message and sends nothing', async () => {
    const t = await app();
    for (const [text, expected] of [
      ['sms hello there', /Start with the phone number/],
      ['sms 12345 hello', /not a valid phone number/],
      [`sms +6591234567 ${'x'.repeat(500)}`, /longer than 3 SMS parts/],
    ] as const) {
      const res = await t.sendSigned(slashCommand({ text, channel_id: 'C0BAD' }));
      const body = (await res.json()) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(expected);
      expect(body.text).toMatch(/Usage: `\/hoiio sms <number> <message>`/);
    }
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
    expect(t.slack.calls('chat.postMessage')).toEqual([]);
  });

  test('an opted-out number is not sent to inline; the message points to the form', async () => {
    const t = await app();
    await recordOptOut(t.db, '+6591234567', { keyword: 'STOP' });
    const res = await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 promo', channel_id: 'C0OPT' }));
    expect(((await res.json()) as { text: string }).text).toMatch(/replied STOP.*send anyway/s);
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
  });

  test('failed delivery: the reason in words and Retry → one linked second send, however often clicked', async () => {
    const t = await app();
    await t.sendSigned(slashCommand({ text: `sms ${FAILING} Will fail`, channel_id: 'C0FAIL' }));
    const failed = await waitForCard(t.slack, 'C0FAIL', 'failed');
    expect(JSON.stringify(failed.args['blocks'])).toMatch(/could not deliver it/);
    const parentId = buttonValue(failed, ACTION.txnRetry);
    expect(parentId).toMatch(/^\d+$/);
    await t.whenIdle();
    const messageTs = cardTs(failed);
    const click = () =>
      t.sendSigned(
        buttonClick({
          actionId: ACTION.txnRetry,
          value: parentId ?? '',
          channel: 'C0FAIL',
          messageTs,
          responseUrl: t.slack.responseUrl(),
        }),
      );
    const clicks = await Promise.all([click(), click()]);
    expect(clicks.map((r) => r.status)).toEqual([200, 200]);
    await t.whenIdle();
    const sent = (await smsInOutbox(t)).filter((i) => i.msg === 'Will fail');
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((i) => i.tag))).toEqual(new Set([expect.stringMatching(/^hs-c-/), `hs-r-${parentId}`]));
    expect(t.slack.calls('response_url').map((c) => c.args['text'])).toEqual([
      expect.stringMatching(/already retried/),
    ]);
    // the new card is its own message; the old one lost its Retry button
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0FAIL')).toHaveLength(2);
    const oldCard = smsCardCalls(t.slack, 'C0FAIL')
      .filter((c) => cardTs(c) === messageTs)
      .at(-1);
    expect(oldCard && buttonValue(oldCard, ACTION.txnRetry)).toBeUndefined();
    const row = await t.db
      .selectFrom('transactions')
      .selectAll()
      .where('tag', '=', `hs-r-${parentId}`)
      .executeTakeFirst();
    expect(row).toMatchObject({ parent_id: Number(parentId), status: 'failed' });
  });

  test('insufficient credit: failed with a clear sentence, nothing sent', async () => {
    const t = await app();
    const res = await fetch(`${t.sandbox.url}/api/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ balance: '0.010' }),
    });
    expect(res.status).toBe(200);
    await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 No credit', channel_id: 'C0CREDIT' }));
    const failed = await waitForCard(t.slack, 'C0CREDIT', 'failed');
    expect(JSON.stringify(failed.args['blocks'])).toMatch(/out of credit, so nothing was sent/);
    expect(buttonValue(failed, ACTION.txnRetry)).toBeDefined();
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
  });

  test('not_in_channel in a public channel: the bot joins, then posts the card', async () => {
    const t = await app();
    t.slack.setChannel({ id: 'C0NOTIN', name: 'ops', is_private: false, is_member: false });
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 Joined', channel_id: 'C0NOTIN' }));
    await waitForCard(t.slack, 'C0NOTIN', 'delivered');
    await t.whenIdle();
    expect(t.slack.calls('conversations.join').map((c) => c.args['channel'])).toEqual(['C0NOTIN']);
    expect((await smsInOutbox(t)).filter((i) => i.msg === 'Joined')).toHaveLength(1);
  });

  test('not_in_channel in a private channel: the user is told how to invite the bot; the SMS still goes', async () => {
    const t = await app();
    t.slack.setChannel({ id: 'G0PRIVATE', name: 'secret', is_private: true, is_member: false });
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await t.sendSigned(slashCommand({ text: 'sms +65 9123 4567 Private', channel_id: 'G0PRIVATE', user_id: USER }));
    const note = await t.slack.waitForCall(
      'chat.postMessage',
      (c) => c.args['channel'] === USER && /\/invite @Hoiio/.test(String(c.args['text'])),
    );
    expect(note.args['text']).toMatch(/G0PRIVATE/);
    await waitForCard(t.slack, USER, 'delivered'); // the card moved to the user's DM
    await t.whenIdle();
    expect((await smsInOutbox(t)).filter((i) => i.msg === 'Private')).toHaveLength(1);
  });
});
