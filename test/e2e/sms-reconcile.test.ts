/**
 * Sends are never blindly retried: an SMS whose outcome is unknown is reconciled through our tag (Check status),
 * and a send job that finds its SMS mid-send (the process died during the Hoiio call) looks for it before sending.
 */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { createOutboundSms } from '../../src/bot/features/sms/index.js';
import { ACTION } from '../../src/bot/ids.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { buttonClick, buttonValue, USER, waitForCard } from './sms-helpers.js';

interface OutboxSms {
  kind: string;
  msg: string;
  tag?: string;
}

describe.each(testEngines())('SMS reconciliation (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp();
  }

  async function outboxWith(t: TestApp, msg: string): Promise<OutboxSms[]> {
    return ((await t.sandbox.outbox()) as OutboxSms[]).filter((i) => i.kind === 'sms' && i.msg === msg);
  }

  /** An SMS as the send job leaves it after a timeout: `unknown`, no txn_ref, its card posted. */
  async function unknownSms(t: TestApp, tag: string, text: string, channel: string, ageMs = 0) {
    const txn = await t.db.transaction().execute(async (trx) => {
      const row = await createOutboundSms(trx, { to: '+6591234567', text, tag, user: USER, channel });
      await trx
        .updateTable('transactions')
        .set({ status: 'unknown', created_at: new Date(Date.now() - ageMs) })
        .where('id', '=', row?.id ?? 0)
        .execute();
      await sql`update jobs set state = 'done', finished_at = now() where queue = 'sms.send'`.execute(trx); // the send already ran
      return row;
    });
    t.deps.jobWake.wake();
    const card = await waitForCard(t.slack, channel, 'unknown');
    expect(buttonValue(card, ACTION.txnCheckStatus)).toBe(String(txn?.id));
    return { id: txn?.id ?? 0, card };
  }

  function checkStatus(t: TestApp, id: number, channel: string, messageTs: string) {
    return t.sendSigned(
      buttonClick({
        actionId: ACTION.txnCheckStatus,
        value: String(id),
        channel,
        messageTs,
        responseUrl: t.slack.responseUrl(),
      }),
    );
  }

  test('Check status finds the SMS by its tag in Hoiio history: the real status, no second send', async () => {
    const t = await app();
    // Hoiio took it, but we never learned the txn_ref (as after a timeout)
    const { txnRef } = await t.deps.hoiio.sms.send({ dest: '+6591234567', msg: 'Timed out', tag: 'hs-c-timeout1' });
    await t.whenIdle();
    const { id, card } = await unknownSms(t, 'hs-c-timeout1', 'Timed out', 'C0CHECK');
    const ts = String((card.response.body as { ts: string }).ts);
    const clicks = await Promise.all([checkStatus(t, id, 'C0CHECK', ts), checkStatus(t, id, 'C0CHECK', ts)]);
    expect(clicks.map((r) => r.status)).toEqual([200, 200]);
    const delivered = await waitForCard(t.slack, 'C0CHECK', 'delivered');
    expect(JSON.stringify(delivered.args['blocks'])).toContain(txnRef);
    await t.whenIdle();
    expect(await outboxWith(t, 'Timed out')).toHaveLength(1);
    const jobs = await t.db.selectFrom('jobs').select('id').where('queue', '=', 'txn.reconcile').execute();
    expect(jobs).toHaveLength(1);
  });

  test('Check status when Hoiio has no record: failed "it was not sent", and Retry is offered', async () => {
    const t = await app();
    const { id, card } = await unknownSms(t, 'hs-c-ghost', 'Never arrived', 'C0GHOST', 10 * 60 * 1000);
    await checkStatus(t, id, 'C0GHOST', String((card.response.body as { ts: string }).ts));
    const failed = await waitForCard(t.slack, 'C0GHOST', 'failed');
    expect(JSON.stringify(failed.args['blocks'])).toMatch(/Hoiio has no record of it; it was not sent/);
    expect(buttonValue(failed, ACTION.txnRetry)).toBe(String(id));
    await t.whenIdle();
    expect(await outboxWith(t, 'Never arrived')).toEqual([]);
  });

  test('a send job that finds its SMS mid-send does not send it again when Hoiio has it', async () => {
    const t = await app();
    await t.deps.hoiio.sms.send({ dest: '+6591234567', msg: 'Mid-send', tag: 'hs-c-midsend' });
    await queueMidSend(t, 'Mid-send', 'hs-c-midsend', 'C0MID');
    await waitForCard(t.slack, 'C0MID', '(sent|delivered)');
    await t.whenIdle();
    expect(await outboxWith(t, 'Mid-send')).toHaveLength(1);
  });

  test('a send job that finds its SMS mid-send sends it once when Hoiio has no record', async () => {
    const t = await app();
    await queueMidSend(t, 'Never reached', 'hs-c-notreached', 'C0MID2');
    await waitForCard(t.slack, 'C0MID2', 'delivered');
    await t.whenIdle();
    expect(await outboxWith(t, 'Never reached')).toHaveLength(1);
  });
});

/** An SMS whose send job was interrupted mid-send (status `sending`), as a restarted worker finds it. */
async function queueMidSend(t: TestApp, text: string, tag: string, channel: string): Promise<void> {
  await t.db.transaction().execute(async (trx) => {
    const row = await createOutboundSms(trx, { to: '+6591234567', text, tag, user: USER, channel });
    await trx
      .updateTable('transactions')
      .set({ status: 'sending' })
      .where('id', '=', row?.id ?? 0)
      .execute();
  });
  t.deps.jobWake.wake();
}
