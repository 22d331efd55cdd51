/**
 * Fault: Slack is down for a long window, time-compressed (job backoff capped at 500 ms, so a window of dozens of
 * failed attempts takes seconds, not an hour): first answering 503, then resetting connections, then refusing them.
 * Meanwhile SMS are sent from two channels and SMS come in from two contacts. After recovery nothing is lost —
 * every card is posted exactly once and shows its final state — and each channel's posts come in the order their
 * work was queued (commands in the order issued, incoming SMS in the order received).
 *
 * Knob: FAULT_OUTAGE_FAILURES, failed Slack calls per phase before moving on (default 20).
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { slashCommand } from '../support/slack-requests.js';
import { DEFAULT_CHANNEL, FaultRig, primaryEngine } from './fault-rig.js';
import { lastText, mentions, posts } from './slack-ledger.js';

const FAILURES = Number(process.env['FAULT_OUTAGE_FAILURES'] ?? 20);
const CHANNELS = ['C0OUTAGEA', 'C0OUTAGEB'] as const;
const CONTACTS = ['+6593000001', '+6593000002'] as const;
const SENDS_PER_PHASE = 4;
const INBOUND_PER_PHASE = 3;

let rig: FaultRig;

beforeAll(async () => {
  rig = await FaultRig.create({ storage: primaryEngine(), slackProxy: true });
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

test('Slack 503, resets and refused connections: nothing lost, per-channel order kept', {
  timeout: 240_000,
}, async () => {
  const proxy = rig.slackProxy;
  if (!proxy) throw new Error('no Slack proxy');
  await rig.startApp();
  await rig.setForwarding();
  // Bolt's authorize calls auth.test on the first request after a start; make it while Slack is up (see
  // 'first command after a start while Slack is down' below).
  expect((await rig.slackRequest(slashCommand({ text: 'help' }))).status).toBe(200);
  const started = Date.now();
  const sends: { channel: string; dest: string; text: string }[] = [];
  const inbound: { from: string; msg: string }[] = [];

  /** Work queued while Slack is down: sends (acked without Slack) and incoming SMS (relayed one after another). */
  const queueWork = async (phase: string) => {
    for (let i = 0; i < SENDS_PER_PHASE; i++) {
      const n = sends.length;
      const send = {
        channel: CHANNELS[n % 2] ?? CHANNELS[0],
        dest: `+6582${String(n).padStart(6, '0')}`,
        text: `outage-${phase}-${i}`,
      };
      const answer = await rig.slackRequest(
        slashCommand({ text: `sms ${send.dest} ${send.text}`, channel_id: send.channel }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/Sending your SMS/);
      sends.push(send);
    }
    for (let i = 0; i < INBOUND_PER_PHASE; i++) {
      const sms = { from: CONTACTS[inbound.length % 2] ?? CONTACTS[0], msg: `outage-in-${phase}-${i}` };
      await rig.sandboxApi('trigger/sms', sms);
      inbound.push(sms);
      // Relayed (stored, verified, its card queued) before the next one arrives: that fixes the channel's order.
      // Every stored webhook (the sends' status notifications too) has been relayed.
      await rig.sandbox.sandbox.whenIdle();
      await vi.waitFor(
        async () => {
          const stored = await rig.metric('hoiio_slack_webhooks_total', { outcome: 'stored' });
          const relayed = await rig.metric('hoiio_slack_jobs_total', { queue: 'inbound.relay', outcome: 'done' });
          if (relayed < stored) throw new Error(`${relayed}/${stored} relayed`);
        },
        { timeout: 30_000, interval: 50 },
      );
    }
  };
  const slackFailures = () =>
    rig
      .metric('hoiio_slack_slack_api_calls_total', {})
      .then(async (all) => all - (await rig.metric('hoiio_slack_slack_api_calls_total', { outcome: 'ok' })));

  // Phase 1: 503 from every Slack call.
  await proxy.setFault({ kind: 'status', status: 503 });
  await queueWork('503');
  await proxy.waitForRequests(FAILURES, (r) => r.fault === 'status');
  // Phase 2: connections reset.
  await proxy.setFault({ kind: 'reset' });
  await queueWork('reset');
  await proxy.waitForRequests(FAILURES, (r) => r.fault === 'reset');
  // Phase 3: nothing listening (connection refused); counted by the app's own metrics.
  const before = await slackFailures();
  await proxy.setFault({ kind: 'refuse' });
  await queueWork('refused');
  await vi.waitFor(
    async () => {
      if ((await slackFailures()) < before + FAILURES) throw new Error('not enough refused calls yet');
    },
    { timeout: 60_000, interval: 100 },
  );
  const outageMs = Date.now() - started;
  const failedAttempts = proxy.requests.filter((r) => r.fault !== 'pass').length + FAILURES;
  expect(
    posts(rig.slack, (c) => c.args['channel'] !== undefined),
    'nothing reached Slack during the outage',
  ).toEqual([]);

  // Recovery.
  await proxy.setFault({ kind: 'pass' });
  const recovered = Date.now();
  await rig.settle(async () => {
    for (const send of sends) {
      const card = posts(
        rig.slack,
        (c) => c.args['channel'] === send.channel && c.args['text']?.startsWith(`SMS to ${send.dest}:`),
      )[0];
      if (!card || !/delivered$/.test(lastText(rig.slack, send.channel, card.id) ?? ''))
        throw new Error(`${send.text} not delivered yet`);
    }
    const cards = posts(rig.slack, (c) => c.args['channel'] === DEFAULT_CHANNEL && c.args['thread_ts'] !== undefined);
    if (cards.length < inbound.length) throw new Error(`${cards.length}/${inbound.length} incoming cards`);
  });
  const deliveredMs = Date.now() - recovered;

  // Outbound: one card per send, in command order per channel, each ending "delivered".
  for (const channel of CHANNELS) {
    const mine = sends.filter((s) => s.channel === channel);
    const cards = posts(rig.slack, (c) => c.args['channel'] === channel);
    expect(
      cards.map((c) => c.call.args['text'].replace(/:.*$/, '')),
      `cards in ${channel}, in order`,
    ).toEqual(mine.map((s) => `SMS to ${s.dest}`));
    for (const card of cards) expect(lastText(rig.slack, channel, card.id)).toMatch(/: delivered$/);
  }
  // Incoming: one header per contact, then each SMS's card once, in the order received.
  const channelPosts = posts(rig.slack, (c) => c.args['channel'] === DEFAULT_CHANNEL);
  const headers = channelPosts.filter((p) => !p.call.args['thread_ts']);
  expect(headers.map((h) => CONTACTS.findIndex((n) => mentions(h.call.args['text'], n)))).toEqual([0, 1]);
  const cards = channelPosts.filter((p) => p.call.args['thread_ts']);
  expect(cards.map((c) => /: (outage-in-\S+)$/.exec(c.call.args['text'])?.[1])).toEqual(inbound.map((s) => s.msg));
  for (const card of cards) {
    const header = headers.find((h) => h.id === card.call.args['thread_ts']);
    expect(header, 'card in its contact thread').toBeDefined();
    expect(header?.call.seq).toBeLessThan(card.call.seq);
  }
  // Per channel, every write (posts and updates) came in job order: no card's update before its post.
  for (const channel of [...CHANNELS, DEFAULT_CHANNEL]) {
    const writes = rig.slack.calls().filter((c) => c.args['channel'] === channel && c.response.status === 200);
    const postedAt = new Map(posts(rig.slack, (c) => c.args['channel'] === channel).map((p) => [p.id, p.call.seq]));
    for (const update of writes.filter((c) => c.method === 'chat.update')) {
      expect(postedAt.get(update.args['ts']) ?? Infinity).toBeLessThan(update.seq);
    }
  }

  const db = await rig.db();
  expect(await db.selectFrom('jobs').select(['queue', 'last_error']).where('state', '=', 'dead').execute()).toEqual([]);
  expect(
    rig.notifications.every((n) => n.accepted),
    'Hoiio reached the app throughout',
  ).toBe(true);
  console.info(
    `[fault:slack-outage ${rig.engine}] ${sends.length} sends in ${CHANNELS.length} channels, ${inbound.length} incoming ` +
      `SMS; outage ${(outageMs / 1000).toFixed(1)} s with ≥ ${failedAttempts} failed Slack calls (503, reset, refused); ` +
      `all delivered ${(deliveredMs / 1000).toFixed(1)} s after recovery`,
  );
});

// Bolt's authorize calls auth.test on the first request after a start; while the Web API answers 5xx the app
// authorizes with the token alone, so the command is still acked and its SMS queued.
test('a command on a fresh process while the Web API is down is still acked and sent', {
  timeout: 120_000,
}, async () => {
  const proxy = rig.slackProxy;
  if (!proxy) throw new Error('no Slack proxy');
  await rig.stopApp();
  await proxy.setFault({ kind: 'status', status: 503 });
  try {
    await rig.closeDb();
    await rig.startApp();
    const answer = await rig.slackRequest(
      slashCommand({ text: 'sms +65 8200 9999 fresh-process', channel_id: 'C0OUTAGEA' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/Sending your SMS/);
  } finally {
    await proxy.setFault({ kind: 'pass' });
  }
});
