/**
 * Fault: PostgreSQL restarts under a running app — a private cluster this test creates (initdb into a temp dir,
 * its own port and socket directory), never the machine's shared server. Twice: a clean `fast` shutdown, then an
 * `immediate` one (as a crash: backends killed, recovery at start), each with work queued just before and work in
 * flight as it goes. The app is never restarted: /healthz answers 503 while the database is down and 200 after, a
 * command meanwhile is not acked as queued, the queued work completes (each acked SMS sent once, its card settled),
 * and new work flows again.
 *
 * Slack has no idempotency key: a card posted just before the database went away, whose ts could not be recorded,
 * is posted again after; such a copy passes only when the outage provably fell between the two (counted).
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { PgCluster, pgClusterUnavailable } from '../support/pg-cluster.js';
import { slashCommand } from '../support/slack-requests.js';
import { DEFAULT_CHANNEL, FaultRig } from './fault-rig.js';
import { explainCopies, type FaultTime, lastText, mentions, posts } from './slack-ledger.js';

const CHANNEL = 'C0PGRESTART';
const unavailable = pgClusterUnavailable();

interface Send {
  dest: string;
  text: string;
  acked: boolean;
}

describe.skipIf(unavailable !== undefined)('PostgreSQL restarted mid-run (private cluster)', () => {
  let cluster: PgCluster;
  let rig: FaultRig;
  let n = 0;
  const outages: FaultTime[] = [];
  const sends: Send[] = [];

  beforeAll(async () => {
    cluster = await PgCluster.create();
    const databaseUrl = await cluster.createDatabase('hoiio');
    rig = await FaultRig.create({ storage: { databaseUrl } });
    await rig.startApp();
    await rig.setForwarding();
    await rig.slackRequest(slashCommand({ text: 'help' })); // Bolt's auth.test, once
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await cluster?.destroy();
  });

  const send = async (): Promise<Send> => {
    n += 1;
    const dest = `+6584${String(n).padStart(6, '0')}`;
    const text = `pg-restart-${n}`;
    const answer = await rig.slackRequest(slashCommand({ text: `sms ${dest} ${text}`, channel_id: CHANNEL }));
    const s = { dest, text, acked: answer.status === 200 && /Sending your SMS/.test(answer.body) };
    sends.push(s);
    return s;
  };

  /**
   * Whether the card the database points at shows the SMS went out — "delivered" when the app accepted Hoiio's
   * delivery notification; one sent while the database was down was answered 5xx and is lost (Hoiio does not
   * retry), so "sent" is then final.
   */
  const settled = async (s: Send): Promise<string | undefined> => {
    const db = await rig.db();
    const txn = await db.selectFrom('transactions').selectAll().where('text', '=', s.text).executeTakeFirst();
    const text = txn?.slack_message_ts ? (lastText(rig.slack, CHANNEL, txn.slack_message_ts) ?? '') : '';
    const deliveredSeen = rig.notifications.some(
      (x) => x.accepted && x.kind === 'status' && x.params['dest'] === s.dest && x.params['sms_status'] === 'delivered',
    );
    const ok = deliveredSeen ? /: delivered$/.test(text) : /: (sent|delivered)$/.test(text);
    return ok ? undefined : `${s.text}: card says ${text || 'nothing'}`;
  };

  /** Waits for /healthz to answer `status`; fails at once if the app process dies meanwhile. */
  const healthz = async (status: number) => {
    const app = rig.app;
    if (!app) throw new Error('no app');
    const died = app.exited.then(() => {
      throw new Error(`the app died:\n${app.output.slice(-3000)}`);
    });
    const answered = vi.waitFor(
      async () => {
        const got = await app.health();
        if (got !== status) throw new Error(`healthz ${got}`);
      },
      { timeout: 30_000, interval: 100 },
    );
    await Promise.race([answered, died]);
  };

  test.each(['fast', 'immediate'] as const)(
    '%s shutdown: 503 while down, then the app carries on by itself',
    async (mode) => {
      const app = rig.app;
      const pid = app?.child.pid;
      // Work queued just before the database goes away: acked, so it must happen.
      const before = [await send(), await send(), await send()];
      for (const s of before) expect(s.acked, `${s.text} acked`).toBe(true);
      // And work in flight as it goes: incoming SMS arriving (intake transactions, relays, posts).
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          rig.sandboxApi('trigger/sms', {
            from: `+65950${mode === 'fast' ? 1 : 2}000${i}`,
            msg: `pg-burst-${mode}-${i}`,
          }),
        ),
      );
      const stopped = Date.now();
      await cluster.stop(mode);
      await healthz(503);

      // While it is down a command cannot be made durable, so it is not acked as queued (and never sent).
      const during = await send();
      expect(during.acked, 'no "Sending your SMS" without the database').toBe(false);

      await cluster.start();
      outages.push({ from: stopped, to: Date.now() });
      await healthz(200);
      const recovered = Date.now();
      expect(rig.app).toBe(app);
      expect(app?.child.pid).toBe(pid);

      // The queued work completes and new work flows: a send and an incoming SMS after the restart.
      const after = await send();
      expect(after.acked).toBe(true);
      const msg = `pg-restart-in-${mode}`;
      await rig.sandboxApi('trigger/sms', { from: mode === 'fast' ? '+6594000001' : '+6594000002', msg });
      await vi.waitFor(
        async () => {
          for (const s of [...before, after]) {
            const problem = await settled(s);
            if (problem) throw new Error(problem);
          }
          const card = posts(rig.slack, (c) => c.args['channel'] === DEFAULT_CHANNEL && c.args['text']?.endsWith(msg));
          if (card.length === 0) throw new Error('incoming SMS not posted yet');
        },
        { timeout: 60_000, interval: 100 },
      );
      const outbox = await rig.outbox();
      for (const s of [...before, after]) {
        expect(
          outbox.filter((i) => i['kind'] === 'sms' && i['msg'] === s.text),
          `${s.text} sent once`,
        ).toHaveLength(1);
      }
      expect(
        outbox.filter((i) => i['msg'] === during.text),
        `${during.text} never sent`,
      ).toHaveLength(0);
      console.info(
        `[fault:postgres-restart ${mode}] database down ${((recovered - stopped) / 1000).toFixed(1)} s; ` +
          `${before.length} queued sends completed (8 incoming SMS triggered as it went); app pid ${pid} throughout`,
      );
    },
    120_000,
  );

  test('afterwards: one card per send (or a copy explained by the outage), nothing dead or left over', async () => {
    await rig.settle();
    const db = await rig.db();
    let copies = 0;
    for (const s of sends) {
      const txn = await db.selectFrom('transactions').selectAll().where('text', '=', s.text).executeTakeFirst();
      if (!s.acked) continue;
      const cards = posts(
        rig.slack,
        (c) => c.args['channel'] === CHANNEL && c.args['text']?.startsWith(`SMS to ${s.dest}:`),
      );
      expect(cards.length, `card of ${s.text}`).toBeGreaterThanOrEqual(1);
      copies += explainCopies(`card of ${s.text}`, cards, txn?.slack_message_ts ?? undefined, outages);
    }
    const threads = await db.selectFrom('contact_threads').selectAll().execute();
    const inTxns = await db.selectFrom('transactions').selectAll().where('direction', '=', 'in').execute();
    for (const thread of threads) {
      const headers = posts(
        rig.slack,
        (c) => c.args['channel'] === DEFAULT_CHANNEL && !c.args['thread_ts'] && mentions(c.args['text'], thread.number),
      );
      copies += explainCopies(`header of ${thread.number}`, headers, thread.thread_ts ?? undefined, outages);
      const ids = new Set(headers.map((h) => h.id));
      const txn = inTxns.find((t) => t.contact_number === thread.number);
      const cards = posts(rig.slack, (c) => ids.has(c.args['thread_ts']));
      copies += explainCopies(`card of ${thread.number}`, cards, txn?.slack_message_ts ?? undefined, outages);
    }
    expect(await db.selectFrom('jobs').select(['queue', 'last_error']).where('state', '=', 'dead').execute()).toEqual(
      [],
    );
    const stuck = await db
      .selectFrom('inbound_events')
      .select(['state'])
      .where('state', 'in', ['received', 'failed'])
      .execute();
    expect(stuck).toEqual([]);
    console.info(
      `[fault:postgres-restart] ${sends.length} sends, ${threads.length} contacts; ${copies} post copies explained by the outages`,
    );
    await rig.closeDb();
  }, 120_000);
});
