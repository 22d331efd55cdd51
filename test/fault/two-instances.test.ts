/**
 * Two app instances on one PostgreSQL behind a round-robin load balancer (a small node:http proxy): Slack's
 * requests and Hoiio's webhooks alternate between them, and both run jobs from the one queue. A representative
 * set of end-to-end flows — SMS by command (and a replayed command), SMS by modal (submitted twice, once to each
 * instance), click-to-call, incoming SMS, faxes and calls, and Hoiio notifications replayed to both instances —
 * produces no duplicate send and no duplicate post.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VIEW } from '../../src/bot/ids.js';
import { setUserPhone } from '../../src/db/repositories/user-profiles.js';
import { openedView, smsValues, submitSmsModal } from '../e2e/sms-helpers.js';
import { AppProcess, freePort } from '../support/app-process.js';
import { PgCluster, pgClusterUnavailable } from '../support/pg-cluster.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { slashCommand } from '../support/slack-requests.js';
import { DEFAULT_CHANNEL, FaultRig, type RigStorage } from './fault-rig.js';
import { lastText, mentions, posts, uploads } from './slack-ledger.js';

const USER = 'U0TWOINST';
const MY_PHONE = '+6598765432';
const CUSTOMER = '+6561234567';
const CHANNELS = ['C0TWOA', 'C0TWOB'] as const;
const usePostgres = Boolean(process.env['TEST_DATABASE_URL']);
const skip = !usePostgres && pgClusterUnavailable() !== undefined;

describe.skipIf(skip)('two instances behind a round-robin load balancer', () => {
  let cluster: PgCluster | undefined;
  let rig: FaultRig;
  let lb: RoundRobinProxy;
  let second: AppProcess;

  beforeAll(async () => {
    let storage: RigStorage = 'postgres';
    if (!usePostgres) {
      cluster = await PgCluster.create();
      storage = { databaseUrl: await cluster.createDatabase('hoiio') };
    }
    rig = await FaultRig.create({ storage });
    const secondPort = await freePort();
    lb = await RoundRobinProxy.start([rig.url, `http://127.0.0.1:${secondPort}`]);
    // Both advertise the load balancer: Hoiio's notify URLs and forwarding go through it.
    const shared = { PUBLIC_URL: lb.url };
    second = AppProcess.start({
      env: { ...rig.env, ...shared, PORT: String(secondPort) },
      name: 'instance B',
    });
    await Promise.all([rig.startApp(shared), second.waitHealthy()]);
    await rig.setForwarding(lb.url);
  }, 120_000);

  afterAll(async () => {
    await second?.kill();
    await rig?.close();
    await lb?.close();
    await cluster?.destroy();
  });

  const command = async (text: string, channel: string = CHANNELS[0], extra: Record<string, string> = {}) => {
    const request = slashCommand({
      text,
      channel_id: channel,
      user_id: USER,
      response_url: rig.slack.responseUrl(),
      ...extra,
    });
    return rig.slackRequest(request, lb.url);
  };

  test('end-to-end flows through the load balancer: one send and one post each', { timeout: 180_000 }, async () => {
    // SMS by command, in two channels.
    const sends = Array.from({ length: 6 }, (_, i) => ({
      channel: CHANNELS[i % 2] ?? CHANNELS[0],
      dest: `+6585${String(i).padStart(6, '0')}`,
      text: `two-inst-${i}`,
    }));
    for (const s of sends) {
      const answer = await command(`sms ${s.dest} ${s.text}`, s.channel);
      expect(answer.body).toMatch(/Sending your SMS/);
    }
    // A replayed command (Slack retries with the same trigger_id): the two copies reach different instances.
    const replay = { channel: CHANNELS[0], dest: '+6585999999', text: 'two-inst-replayed' };
    const trigger = { trigger_id: `replay.${Date.now()}` };
    const replayed = [await command(`sms ${replay.dest} ${replay.text}`, replay.channel, trigger)];
    replayed.push(await command(`sms ${replay.dest} ${replay.text}`, replay.channel, trigger));
    expect(replayed.map((a) => a.status)).toEqual([200, 200]);
    sends.push(replay);

    // SMS by modal, the submission sent twice at once (one to each instance).
    const opened = await command('sms', CHANNELS[1]);
    expect(opened.status).toBe(200);
    const view = openedView(
      await rig.slack.waitForCall('views.open', (c) => c.args['view']?.callback_id === VIEW.smsSend),
    );
    const modal = { channel: CHANNELS[1], dest: '+6585888888', text: 'two-inst-modal' };
    const submit = () =>
      rig.slackRequest(submitSmsModal(view, smsValues({ to: modal.dest, message: modal.text }), USER), lb.url);
    const submitted = await Promise.all([submit(), submit()]);
    expect(submitted.map((a) => a.status)).toEqual([200, 200]);
    sends.push(modal);

    // Click-to-call: the user's phone first (saved verified: `/hoiio me` would text a code), then the customer.
    await setUserPhone(await rig.db(), USER, MY_PHONE, { verified: true });
    expect((await command(`call ${CUSTOMER}`)).body).toMatch(/Calling/);

    // Incoming: SMS, faxes, calls (voicemail and missed), each from its own number.
    const inbound = [
      { kind: 'sms', from: '+6596000001', body: { msg: 'two-inst-in-1' } },
      { kind: 'sms', from: '+6596000002', body: { msg: 'two-inst-in-2' } },
      { kind: 'sms', from: '+6596000003', body: { msg: 'two-inst-in-3' } },
      { kind: 'fax', from: '+6566000001', body: { pages: 2 } },
      { kind: 'fax', from: '+6566000002', body: { pages: 1 } },
      { kind: 'call', from: '+6597000001', body: { outcome: 'voicemail', seconds: 7 } },
      { kind: 'call', from: '+6597000002', body: { outcome: 'hangup' } },
    ] as const;
    for (const e of inbound) await rig.sandboxApi(`trigger/${e.kind}`, { from: e.from, ...e.body });

    const outboxTexts = async () =>
      (await rig.outbox()).filter((i) => i['kind'] === 'sms').map((i) => String(i['msg']));
    await rig.settle(async () => {
      const sent = await outboxTexts();
      const missing = sends.filter((s) => !sent.includes(s.text));
      if (missing.length > 0) throw new Error(`${missing.length} sends missing`);
      const files = uploads(rig.slack).length;
      if (files < 3) throw new Error(`${files}/3 files`);
    });
    // Both instances ran jobs from the one queue.
    const jobsDone = [
      await rig.metric('hoiio_slack_jobs_total', { outcome: 'done' }, rig.url),
      await rig.metric('hoiio_slack_jobs_total', { outcome: 'done' }, second.url),
    ];
    expect(
      jobsDone.every((count) => count > 0),
      `jobs done per instance: ${jobsDone}`,
    ).toBe(true);

    // Hoiio notifications replayed to both instances (a retrying proxy, a double delivery): answered, nothing new.
    const callsBefore = rig.slack.calls().length;
    const replays = rig.notifications.filter(
      (n) => n.accepted && (n.kind === 'sms' || n.kind === 'fax' || n.kind === 'status'),
    );
    for (const n of replays) {
      const url = new URL(n.url);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${lb.url}${url.pathname}${url.search}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(n.params).toString(),
        });
        expect(res.status, `replay of a ${n.kind} notification`).toBe(200);
      }
    }
    await rig.settle();
    expect(rig.slack.calls().slice(callsBefore), 'nothing new after the replays').toEqual([]);

    // One send each.
    const sent = await outboxTexts();
    for (const s of sends)
      expect(
        sent.filter((t) => t === s.text),
        `sends of ${s.text}`,
      ).toHaveLength(1);
    expect(sent).toHaveLength(sends.length);
    const calls = (await rig.outbox()).filter((i) => i['kind'] === 'call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ dest1: MY_PHONE, dest2: CUSTOMER });

    // One card each, ending delivered; one call card.
    for (const s of sends) {
      const cards = posts(
        rig.slack,
        (c) => c.args['channel'] === s.channel && c.args['text']?.startsWith(`SMS to ${s.dest}:`),
      );
      expect(cards, `cards of ${s.text}`).toHaveLength(1);
      expect(lastText(rig.slack, s.channel, cards[0]?.id ?? '')).toMatch(/: delivered$/);
    }
    expect(posts(rig.slack, (c) => /^Call(ing| with) /.test(c.args['text'] ?? ''))).toHaveLength(1);

    // Incoming: one header, one card, one file (fax, voicemail) per contact.
    for (const e of inbound) {
      const headers = posts(
        rig.slack,
        (c) => c.args['channel'] === DEFAULT_CHANNEL && !c.args['thread_ts'] && mentions(c.args['text'], e.from),
      );
      expect(headers, `header of ${e.from}`).toHaveLength(1);
      const thread = headers[0]?.id;
      expect(
        posts(rig.slack, (c) => c.args['thread_ts'] === thread),
        `card of ${e.from}`,
      ).toHaveLength(1);
      const files = uploads(rig.slack, (c) => c.args['thread_ts'] === thread);
      const media = e.kind === 'fax' || (e.kind === 'call' && e.body.outcome === 'voicemail');
      expect(files, `file of ${e.from}`).toHaveLength(media ? 1 : 0);
    }

    const db = await rig.db();
    expect(await db.selectFrom('jobs').select(['queue', 'last_error']).where('state', '=', 'dead').execute()).toEqual(
      [],
    );
    const stuck = await db
      .selectFrom('inbound_events')
      .select(['state'])
      .where('state', 'in', ['received', 'failed'])
      .execute();
    expect(stuck).toEqual([]);
    const served = lb.served();
    expect(
      served.every((count) => count > 0),
      `both instances served requests: ${served}`,
    ).toBe(true);
    console.info(
      `[fault:two-instances] requests per instance ${JSON.stringify(served)}; ${sends.length} SMS sends ` +
        `(${replayed.length} copies of a replayed command, 2 submissions of one modal), 1 call, ${inbound.length} ` +
        `incoming events, ${replays.length * 2} notifications replayed; jobs done per instance ` +
        `${JSON.stringify(jobsDone)}`,
    );
  });
});
