/** The spend cap refuses a send with the figures and warns admins at 80 %; the undo window lets Cancel stop a send. */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { ACTION, QUEUE } from '../../src/bot/ids.js';
import { listAuditLog } from '../../src/db/repositories/audit-log.js';
import { insertTransaction } from '../../src/db/repositories/transactions.js';
import { buttonValue } from '../support/slack-cards.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { ADMIN, ADMIN_ENV, blockText, click, command, MEMBER, response } from './admin-helpers.js';

describe.each(testEngines())('spend cap and undo window (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp({ env: { ...ADMIN_ENV } });
  }

  async function spent(t: TestApp, debit: string) {
    await insertTransaction(t.db, {
      kind: 'sms',
      direction: 'out',
      status: 'delivered',
      tag: `hs-test-${debit}`,
      to_number: '+6591110000',
      contact_number: '+6591110000',
      currency: 'SGD',
      debit,
    });
  }

  async function smsInOutbox(t: TestApp) {
    return (await t.sandbox.outbox()).filter((i) => i['kind'] === 'sms');
  }

  test('only admins set the cap; a send past it is refused with the figures and nothing is sent', async () => {
    const t = await app();
    const member = command(t.slack, 'balance cap 1', { user: MEMBER });
    await t.sendSigned(member.request);
    expect((await response(t.slack, member.responseUrl)).args['text']).toMatch(/Only workspace admins/);

    const set = command(t.slack, 'balance cap 1', { user: ADMIN });
    await t.sendSigned(set.request);
    expect((await response(t.slack, set.responseUrl)).args['text']).toMatch(/Monthly spend cap set to SGD 1\.000/);
    expect(await listAuditLog(t.db)).toMatchObject([
      { actor_user_id: ADMIN, action: 'setting.set', subject: 'spend.cap', details: { amount: '1', currency: 'SGD' } },
    ]);

    await spent(t, '1.000');
    const res = await t.sendSigned(command(t.slack, 'sms +65 9123 4567 Over the cap', { user: MEMBER }).request);
    const body = (await res.json()) as { text: string };
    expect(body.text).toMatch(/Not sent: this would pass the monthly spend cap/);
    expect(body.text).toMatch(/Spent this month: SGD 1\.000; cap: SGD 1\.000/);
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
    const rows = await t.db.selectFrom('transactions').select('tag').execute();
    expect(rows.map((r) => r.tag)).toEqual(['hs-test-1.000']);

    // Calls are refused too once the cap is reached.
    const call = await t.sendSigned(command(t.slack, 'call +65 6123 4567', { user: MEMBER }).request);
    expect(((await call.json()) as { text: string }).text).toMatch(/monthly spend cap.*cap: SGD 1\.000/);
    await t.whenIdle();
    expect((await t.sandbox.outbox()).filter((i) => i['kind'] === 'call')).toEqual([]);

    // /hoiio balance shows the spend against the cap.
    const balance = command(t.slack, 'balance', { user: MEMBER });
    await t.sendSigned(balance.request);
    const shown = blockText((await response(t.slack, balance.responseUrl)).args['blocks']);
    expect(shown).toMatch(/\*Balance:\* SGD 100\.000/);
    expect(shown).toMatch(/\*Spent this month\* \(\d{4}-\d{2}\): SGD 1\.000/);
    expect(shown).toMatch(/\*Monthly cap:\* SGD 1\.000/);
  });

  test('at 80 % of the cap the send goes and admins get one DM for the month', async () => {
    const t = await app();
    const set = command(t.slack, 'balance cap 1', { user: ADMIN });
    await t.sendSigned(set.request);
    await response(t.slack, set.responseUrl);
    await spent(t, '0.850');
    for (const text of ['First', 'Second']) {
      await t.sendSigned(command(t.slack, `sms +65 9123 4567 ${text}`, { user: MEMBER }).request);
    }
    const dm = await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === ADMIN);
    expect(dm.args['text']).toMatch(/has reached SGD 0\.850, at least 80 % of the monthly cap of SGD 1\.000/);
    await t.whenIdle();
    expect(await smsInOutbox(t)).toHaveLength(2);
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === ADMIN)).toHaveLength(1);
  });

  test('undo window: the card offers Cancel; only the sender cancels; the send job then sends nothing', async () => {
    const t = await app();
    const set = command(t.slack, 'balance undo 60', { user: ADMIN });
    await t.sendSigned(set.request);
    expect((await response(t.slack, set.responseUrl)).args['text']).toMatch(/new sends wait 60s/);

    await t.sendSigned(command(t.slack, 'sms +65 9123 4567 Maybe not', { user: MEMBER, channel: 'C0UNDO' }).request);
    const card = await t.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'C0UNDO');
    expect(card.args['text']).toMatch(/: queued$/);
    const id = buttonValue(card, ACTION.txnCancel);
    expect(id).toBeDefined();

    const other = t.slack.responseUrl();
    await t.sendSigned(click({ actionId: ACTION.txnCancel, value: id ?? '', user: 'U0SOMEONE', responseUrl: other }));
    expect((await response(t.slack, other)).args['text']).toMatch(/Only <@U0MEMBER> \(who sent it\) or an admin/);

    const url = t.slack.responseUrl();
    await t.sendSigned(click({ actionId: ACTION.txnCancel, value: id ?? '', user: MEMBER, responseUrl: url }));
    expect((await response(t.slack, url)).args['text']).toMatch(/Canceled: it will not be sent/);
    const updated = await t.slack.waitForCall('chat.update', (c) => /: canceled$/.test(String(c.args['text'])));
    expect(buttonValue(updated, ACTION.txnCancel)).toBeUndefined();

    // The window passes: the send job runs, finds the SMS canceled, and sends nothing.
    await sql`update jobs set run_at = now() where queue = ${QUEUE.smsSend}`.execute(t.db);
    t.deps.jobWake.wake();
    await t.whenIdle();
    const job = await t.db.selectFrom('jobs').select('state').where('queue', '=', QUEUE.smsSend).executeTakeFirst();
    expect(job?.state).toBe('done');
    expect(await smsInOutbox(t)).toEqual([]);
    const row = await t.db.selectFrom('transactions').select('status').executeTakeFirst();
    expect(row?.status).toBe('canceled');
  });
});
