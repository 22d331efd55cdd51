/**
 * Fault: the app is SIGKILLed at random moments during a run of mixed operations — `/hoiio sms` sends (signed
 * Slack requests), and incoming SMS, faxes and calls triggered at a standalone sandbox whose numbers forward to the
 * app — and restarted each time on the same database. At the end:
 * - every acknowledged send happened exactly once (the sandbox's outbox, by message), and a send whose intent was
 *   stored but whose ack was lost happened exactly once too; no other send happened;
 * - every notification the app accepted (answered 200) was posted exactly once: one contact thread header, one
 *   card, one file for a fax or voicemail; a notification sent while the app was down is lost (Hoiio does not
 *   retry), so it is not counted;
 * - every stored inbound event was processed, no job is dead or left over.
 * Slack has no idempotency key, so a kill landing between Slack's answer and the commit of the message ts cannot
 * know the post happened; the poster records each attempt before posting and tags the post with message metadata,
 * and the restarted job finds it in the channel's history instead of posting again. A second copy of any header,
 * card or file fails the test.
 *
 * Knobs: FAULT_OPS (default 200), FAULT_KILLS (default 8 on PostgreSQL, 5 on PGlite), FAULT_SEED (printed).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { slashCommand } from '../support/slack-requests.js';
import { testEngines } from '../support/test-db.js';
import { DEFAULT_CHANNEL, FaultRig } from './fault-rig.js';
import { exactlyOne, lastText, mentions, posts, uploads } from './slack-ledger.js';

const SEED = Number(process.env['FAULT_SEED'] ?? Date.now() % 1_000_000);
const CHANNELS = ['C0FAULTA', 'C0FAULTB', 'C0FAULTC'] as const;
const IN_FLIGHT = 3;
/** Operations issued while the app is down, before the driver waits for it (these are lost or not acked). */
const DOWN_OPS = 2;

type Op =
  | { kind: 'send'; i: number; channel: string; dest: string; text: string }
  | { kind: 'sms'; i: number; from: string; msg: string }
  | { kind: 'fax'; i: number; from: string; pages: number }
  | { kind: 'call'; i: number; from: string; outcome: 'hangup' | 'voicemail' };

interface OpResult {
  op: Op;
  /** Sends: the ack said the SMS is on its way. Inbound: the sandbox took the trigger. */
  acked: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (i: number) => String(i).padStart(6, '0');

function plan(random: () => number, count: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.4) {
      const channel = CHANNELS[Math.floor(random() * CHANNELS.length)] ?? CHANNELS[0];
      ops.push({ kind: 'send', i, channel, dest: `+6581${pad(i)}`, text: `fault-send-${i}` });
    } else if (r < 0.6) ops.push({ kind: 'sms', i, from: `+6591${pad(i)}`, msg: `fault-in-${i}` });
    else if (r < 0.8) ops.push({ kind: 'fax', i, from: `+6562${pad(i)}`, pages: 1 + Math.floor(random() * 2) });
    else ops.push({ kind: 'call', i, from: `+6592${pad(i)}`, outcome: random() < 0.5 ? 'hangup' : 'voicemail' });
  }
  return ops;
}

describe.each(testEngines())('SIGKILL at random moments (%s)', (engine) => {
  // PGlite restarts take longer (one process at a time, a fresh WASM instance): fewer kills by default.
  const OPS = Number(process.env['FAULT_OPS'] ?? 200);
  const kills = Number(process.env['FAULT_KILLS'] ?? (engine === 'postgres' ? 8 : 5));
  let rig: FaultRig;

  beforeAll(async () => {
    rig = await FaultRig.create({ storage: engine });
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  test(`${OPS} operations, ${kills} kills: acked sends once, accepted notifications posted once`, {
    timeout: 290_000,
  }, async () => {
    const started = Date.now();
    const random = mulberry32(SEED);
    const ops = plan(random, OPS);
    // Kill after these operations have been issued (distinct, sorted), each at a random moment of the traffic.
    const killAt = [...new Set(Array.from({ length: kills }, () => 5 + Math.floor(random() * (OPS - 10))))].sort(
      (a, b) => a - b,
    );
    const killTimes: number[] = [];
    const results: OpResult[] = [];

    await rig.startApp();
    await rig.setForwarding();

    let up: Promise<void> = Promise.resolve();
    let down = false;
    let downOps = 0;
    let issued = 0;
    const killQueue = [...killAt];

    // One crash at a time: kill, restart, healthy; the next kill waits for that.
    let crashing: Promise<void> = Promise.resolve();
    const crash = (): Promise<void> => {
      crashing = crashing.then(async () => {
        let markUp = () => {};
        down = true;
        downOps = 0;
        up = new Promise((resolve) => {
          markUp = resolve;
        });
        try {
          await rig.killApp();
          killTimes.push(Date.now()); // once it is gone: everything it posted arrived before
          await rig.startApp();
        } finally {
          down = false;
          markUp();
        }
      });
      return crashing;
    };

    const runOp = async (op: Op): Promise<OpResult> => {
      switch (op.kind) {
        case 'send': {
          const request = slashCommand({ text: `sms ${op.dest} ${op.text}`, channel_id: op.channel });
          const answer = await rig.slackRequest(request);
          const acked = answer.status === 200 && /Sending your SMS/.test(answer.body);
          return { op, acked };
        }
        case 'sms':
          await rig.sandboxApi('trigger/sms', { from: op.from, msg: op.msg });
          return { op, acked: true };
        case 'fax':
          await rig.sandboxApi('trigger/fax', { from: op.from, pages: op.pages });
          return { op, acked: true };
        case 'call':
          await rig.sandboxApi('trigger/call', { from: op.from, outcome: op.outcome, seconds: 5 });
          return { op, acked: true };
      }
    };

    const crashes: Promise<void>[] = [];
    const worker = async () => {
      for (;;) {
        const op = ops[issued];
        if (op === undefined) return;
        issued += 1;
        if (killQueue[0] !== undefined && issued >= killQueue[0]) {
          killQueue.shift();
          crashes.push(crash()); // while this and other operations are in flight
        }
        if (down) {
          downOps += 1;
          if (downOps > DOWN_OPS) await up;
        }
        results.push(await runOp(op));
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await Promise.all(crashes);
    await up;
    const trafficDone = Date.now();

    // Seen coming first: each acked send in the outbox, a card for each notification accepted.
    await rig.settle(async () => {
      const sent = new Set((await rig.outbox()).map((item) => item['msg']));
      const missing = results.filter((r) => r.op.kind === 'send' && r.acked && !sent.has(r.op.text));
      const inChannel = posts(rig.slack, (c) => c.args['channel'] === DEFAULT_CHANNEL);
      const replied = new Set(inChannel.map((p) => p.call.args['thread_ts']));
      const threaded = new Set(inChannel.filter((p) => replied.has(p.id)).map((p) => String(p.call.args['text'])));
      const from = new Set(
        rig.notifications.filter((n) => n.accepted && n.kind !== 'status').map((n) => n.params['from']),
      );
      const unposted = [...from].filter((f) => f !== undefined && ![...threaded].some((t) => mentions(t, f)));
      if (missing.length + unposted.length > 0) throw new Error(`${missing.length} sends, ${unposted.length} cards`);
    });
    const db = await rig.db();
    const settled = Date.now();

    // --- sends: exactly once when the intent was stored (always when acked), never otherwise
    const outbox = await rig.outbox();
    const sentByMsg = new Map<string, number>();
    for (const item of outbox)
      if (item['kind'] === 'sms') sentByMsg.set(item['msg'], (sentByMsg.get(item['msg']) ?? 0) + 1);
    const outTxns = await db
      .selectFrom('transactions')
      .selectAll()
      .where('kind', '=', 'sms')
      .where('direction', '=', 'out')
      .execute();
    const outByText = new Map(outTxns.map((t) => [t.text ?? '', t]));
    const accepted = rig.notifications.filter((n) => n.accepted);
    const deliveredRefs = new Set(
      accepted
        .filter((n) => n.kind === 'status' && n.params['sms_status'] === 'delivered')
        .map((n) => n.params['txn_ref']),
    );
    let ackedSends = 0;
    for (const { op, acked } of results) {
      if (op.kind !== 'send') continue;
      const txn = outByText.get(op.text);
      if (acked) {
        ackedSends += 1;
        expect(txn, `acked send ${op.text} has its transaction`).toBeDefined();
      }
      expect(sentByMsg.get(op.text) ?? 0, `sends of ${op.text}`).toBe(txn ? 1 : 0);
      if (!txn) continue;
      expect(['sent', 'delivered'], `status of ${op.text}`).toContain(txn.status);
      if (deliveredRefs.has(txn.txn_ref ?? '')) expect(txn.status, `${op.text} delivered`).toBe('delivered');
      const cards = posts(
        rig.slack,
        (c) => c.args['channel'] === op.channel && c.args['text']?.startsWith(`SMS to ${op.dest}:`),
      );
      expect(cards.length, `cards of ${op.text}`).toBeGreaterThanOrEqual(1);
      exactlyOne(`card of ${op.text}`, cards, txn.slack_message_ts ?? undefined);
      const text = lastText(rig.slack, op.channel, txn.slack_message_ts ?? '');
      expect(text, `card of ${op.text} shows its status`).toMatch(new RegExp(`: ${txn.status}$`));
    }
    expect(sentByMsg.size, 'no send that was not asked for').toBe(outTxns.length);

    // --- inbound: what was accepted is posted exactly once, in its contact's thread
    const threads = await db
      .selectFrom('contact_threads')
      .selectAll()
      .where('channel_id', '=', DEFAULT_CHANNEL)
      .execute();
    const inTxns = await db.selectFrom('transactions').selectAll().where('direction', '=', 'in').execute();
    let acceptedContacts = 0;
    for (const { op } of results) {
      if (op.kind === 'send') continue;
      const mine = accepted.filter((n) => n.params['from'] === op.from);
      const headers = posts(
        rig.slack,
        (c) => c.args['channel'] === DEFAULT_CHANNEL && !c.args['thread_ts'] && mentions(c.args['text'], op.from),
      );
      const thread = threads.find((t) => t.number === op.from);
      const headerIds = new Set(headers.map((h) => h.id));
      const cards = posts(rig.slack, (c) => headerIds.has(c.args['thread_ts']));
      const files = uploads(rig.slack, (c) => headerIds.has(c.args['thread_ts']));
      const txn = inTxns.find((t) => t.contact_number === op.from);
      exactlyOne(`header of ${op.from}`, headers, thread?.thread_ts ?? undefined);
      exactlyOne(`card of ${op.from}`, cards, txn?.slack_message_ts ?? undefined);
      exactlyOne(`file of ${op.from}`, files, txn?.meta['file_id'] as string | undefined);
      if (mine.length === 0) {
        // Never accepted: it may still have been stored just before a kill; then it is posted once, like the rest.
        if (!txn) expect(cards, `nothing posted for ${op.from}`).toHaveLength(0);
        continue;
      }
      acceptedContacts += 1;
      expect(txn, `${op.kind} from ${op.from} has its transaction`).toBeDefined();
      expect(headers.length, `header of ${op.from}`).toBeGreaterThanOrEqual(1);
      expect(cards.length, `card of ${op.from}`).toBeGreaterThanOrEqual(1);
      const media =
        (op.kind === 'fax' && mine.some((n) => n.kind === 'fax' && n.params['fax_status'] === 'answered')) ||
        (op.kind === 'call' && mine.some((n) => n.params['record_status'] === 'success'));
      if (media) expect(files.length, `file of ${op.from}`).toBeGreaterThanOrEqual(1);
    }

    // --- the queue and the intake are clean
    const events = await db.selectFrom('inbound_events').select(['state']).execute();
    const states: Record<string, number> = {};
    for (const e of events) states[e.state] = (states[e.state] ?? 0) + 1;
    expect(states['received'] ?? 0, 'inbound events left unprocessed').toBe(0);
    expect(states['failed'] ?? 0, 'inbound events failed').toBe(0);
    const dead = await db.selectFrom('jobs').select(['queue', 'last_error']).where('state', '=', 'dead').execute();
    expect(dead, 'dead jobs').toEqual([]);
    expect(await rig.runnableJobs()).toBe(0);

    const inboundOps = results.filter((r) => r.op.kind !== 'send').length;
    const searches = ['conversations.history', 'conversations.replies', 'files.info']
      .map((m) => rig.slack.calls(m).length)
      .reduce((a, b) => a + b, 0);
    console.info(
      `[fault:sigkill ${engine}] seed ${SEED}: ${OPS} ops (${results.length - inboundOps} sends, ${ackedSends} acked; ` +
        `${inboundOps} inbound, ${acceptedContacts} with accepted notifications), ${accepted.length}/` +
        `${rig.notifications.length} notifications accepted, ${killTimes.length} kills, ${rig.starts} starts, ` +
        `events ${JSON.stringify(states)}, ${searches} searches for an earlier post (history/replies/files.info), no copies; traffic ` +
        `${((trafficDone - started) / 1000).toFixed(1)} s, settle ${((settled - trafficDone) / 1000).toFixed(1)} s`,
    );
    expect(killTimes.length).toBe(killAt.length);
  });
});
