/**
 * The undo window and the spend cap on every kind of send: a fax and a click-to-call wait out the window on their
 * card with Cancel (canceled → their job sends nothing); a fax Retry refused by the cap tells the user why.
 */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { ACTION, QUEUE } from '../../src/bot/ids.js';
import { insertTransaction } from '../../src/db/repositories/transactions.js';
import { setUserPhone } from '../../src/db/repositories/user-profiles.js';
import { buttonClick, slash } from '../support/slack-actions.js';
import { buttonValue, responseTo, waitForCard } from '../support/slack-cards.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { ADMIN, ADMIN_ENV, MEMBER } from './admin-helpers.js';
import { faxes, faxSubmission, openFaxModal, pdf } from './fax-helpers.js';

const CHANNEL = 'C0GUARDS';
const BUSY_FAX = '+6560000021'; // sandbox: the fax line is busy

describe.each(testEngines())('undo window and spend cap on faxes and calls (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp({ env: { ...ADMIN_ENV } });
  }

  /** `/hoiio <text>` as `user` in CHANNEL; resolves to the first respond() text. */
  async function command(t: TestApp, text: string, user: string): Promise<string> {
    const { request, responseUrl } = slash(t.slack, text, { user, channel: CHANNEL });
    const res = await t.sendSigned(request);
    expect(res.status).toBe(200);
    const acked = ((await res.text()) || '{}') as string;
    const inline = (JSON.parse(acked) as { text?: string }).text;
    return inline ?? String((await responseTo(t.slack, responseUrl)).args['text']);
  }

  async function click(t: TestApp, actionId: string, value: string, user: string): Promise<string> {
    const responseUrl = t.slack.responseUrl();
    const res = await t.sendSigned(buttonClick({ actionId, value, user, channel: CHANNEL, responseUrl }));
    expect(res.status).toBe(200);
    return String((await responseTo(t.slack, responseUrl)).args['text']);
  }

  /** Lets every waiting send job run now (as if the undo window had passed) and waits until all is done. */
  async function windowPasses(t: TestApp, queue: string): Promise<void> {
    await sql`update jobs set run_at = now() where queue = ${queue} and state = 'pending'`.execute(t.db);
    t.deps.jobWake.wake();
    await t.whenIdle();
  }

  /** Records `debit` SGD spent this month (a delivered SMS). */
  async function spent(t: TestApp, debit: string): Promise<void> {
    await insertTransaction(t.db, {
      kind: 'sms',
      direction: 'out',
      status: 'delivered',
      tag: `hs-test-spent-${debit}`,
      to_number: '+6591110000',
      contact_number: '+6591110000',
      currency: 'SGD',
      debit,
    });
  }

  async function jobsOf(t: TestApp, queue: string) {
    return t.db.selectFrom('jobs').select(['state', 'run_at']).where('queue', '=', queue).execute();
  }

  test('a fax waits out the undo window with Cancel; canceled, its job faxes nothing', async () => {
    const t = await app();
    expect(await command(t, 'balance undo 60', ADMIN)).toMatch(/new sends wait 60s/);

    const file = t.slack.addFile(await pdf(1), { name: 'maybe.pdf' });
    const view = await openFaxModal(t, '+65 6123 4567', { user: MEMBER, channel: CHANNEL });
    await t.sendSigned(faxSubmission(view, { to: '+65 6123 4567', file }, { user: MEMBER }));
    const card = await waitForCard(t.slack, CHANNEL, /^Fax to .*: queued$/);
    expect(JSON.stringify(card.args['blocks'])).toMatch(/undo window/);
    const id = buttonValue(card, ACTION.txnCancel);
    expect(id).toBeDefined();
    const [waiting] = await jobsOf(t, QUEUE.faxSend);
    expect(waiting?.state).toBe('pending');
    expect(waiting?.run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);

    expect(await click(t, ACTION.txnCancel, id ?? '', 'U0SOMEONE')).toMatch(/Only <@U0MEMBER> \(who sent it\)/);
    expect(await click(t, ACTION.txnCancel, id ?? '', MEMBER)).toMatch(/Canceled: it will not be sent/);
    const canceled = await waitForCard(t.slack, CHANNEL, /^Fax to .*: canceled$/);
    expect(buttonValue(canceled, ACTION.txnCancel)).toBeUndefined();
    expect(buttonValue(canceled, ACTION.faxRetry)).toBeUndefined();

    await windowPasses(t, QUEUE.faxSend);
    expect((await jobsOf(t, QUEUE.faxSend)).map((j) => j.state)).toEqual(['done']);
    expect(await faxes(t)).toEqual([]);
    expect(t.slack.calls('file_download')).toEqual([]); // not even the PDF was fetched
    const row = await t.db.selectFrom('transactions').select('status').where('kind', '=', 'fax').executeTakeFirst();
    expect(row?.status).toBe('canceled');
  });

  test('a fax not canceled goes once the undo window has passed', async () => {
    const t = await app();
    await command(t, 'balance undo 60', ADMIN);
    const file = t.slack.addFile(await pdf(2), { name: 'goes.pdf' });
    const view = await openFaxModal(t, '', { user: MEMBER, channel: CHANNEL });
    await t.sendSigned(faxSubmission(view, { to: '+65 6123 4567', file }, { user: MEMBER }));
    await waitForCard(t.slack, CHANNEL, /^Fax to .*: queued$/);
    await t.whenIdle();
    expect(await faxes(t)).toEqual([]); // still waiting

    await windowPasses(t, QUEUE.faxSend);
    expect(await faxes(t)).toMatchObject([{ dest: '+6561234567', pages: 2 }]);
    const sent = await waitForCard(t.slack, CHANNEL, /^Fax to .*: (sent|delivered)$/);
    expect(buttonValue(sent, ACTION.txnCancel)).toBeUndefined();
  });

  test('a click-to-call waits out the undo window with Cancel; canceled, it is never placed', async () => {
    const t = await app();
    await command(t, 'balance undo 60', ADMIN);
    await setUserPhone(t.db, MEMBER, '+6598765432', { verified: true });

    await command(t, 'call +65 6123 4567', MEMBER);
    const card = await waitForCard(t.slack, CHANNEL, /^Calling \+65 6123 4567 for <@U0MEMBER>: queued$/);
    expect(JSON.stringify(card.args['blocks'])).toMatch(/undo window/);
    const id = buttonValue(card, ACTION.txnCancel);
    expect(id).toBeDefined();
    expect(await click(t, ACTION.txnCancel, id ?? '', MEMBER)).toMatch(/Canceled: it will not be sent/);
    const canceled = await waitForCard(t.slack, CHANNEL, /^Call with \+65 6123 4567 for <@U0MEMBER>: canceled$/);
    expect(buttonValue(canceled, ACTION.txnCancel)).toBeUndefined();

    // A second call, not canceled: only that one is placed once the window has passed.
    await command(t, 'call +65 6123 9999', MEMBER);
    await waitForCard(t.slack, CHANNEL, /^Calling \+65 6123 9999 .*: queued$/);
    await windowPasses(t, QUEUE.callStart);
    const placed = (await t.sandbox.outbox()).filter((i) => i['kind'] === 'call');
    expect(placed).toMatchObject([{ dest1: '+6598765432', dest2: '+6561239999' }]);
    const rows = await t.db
      .selectFrom('transactions')
      .select(['to_number', 'status'])
      .where('kind', '=', 'call')
      .orderBy('id')
      .execute();
    expect(rows[0]).toEqual({ to_number: '+6561234567', status: 'canceled' });
    expect(rows[1]?.status).not.toBe('canceled');
  });

  test('a fax whose pages would pass the cap is refused once they are counted: the card says why, nothing is faxed', async () => {
    const t = await app();
    expect(await command(t, 'balance cap 1', ADMIN)).toMatch(/Monthly spend cap set/);
    await spent(t, '0.990'); // under the cap: the form takes the fax
    const file = t.slack.addFile(await pdf(2), { name: 'two-pages.pdf' });
    const view = await openFaxModal(t, '', { user: MEMBER, channel: CHANNEL });
    await t.sendSigned(faxSubmission(view, { to: '+65 6123 4567', file }, { user: MEMBER }));
    // 2 pages × SGD 0.015 would bring the month to SGD 1.020.
    const failed = await waitForCard(t.slack, CHANNEL, /^Fax to .*: failed/);
    const shown = JSON.stringify(failed.args['blocks']);
    expect(shown).toMatch(/Not sent: this would pass the monthly spend cap/);
    expect(shown).toMatch(/this send: about SGD 0\.030; cap: SGD 1\.000/);
    expect(buttonValue(failed, ACTION.faxRetry)).toBeDefined(); // once an admin raises the cap
    await t.whenIdle();
    expect(await faxes(t)).toEqual([]);
  });

  test('fax Retry refused by the spend cap: the user is told why with the figures, nothing is sent', async () => {
    const t = await app();
    const file = t.slack.addFile(await pdf(1), { name: 'a.pdf' });
    const view = await openFaxModal(t, '', { user: MEMBER, channel: CHANNEL });
    await t.sendSigned(faxSubmission(view, { to: BUSY_FAX, file }, { user: MEMBER }));
    const failed = await waitForCard(t.slack, CHANNEL, /^Fax to .*: failed/);
    const id = buttonValue(failed, ACTION.faxRetry);
    expect(id).toBeDefined();
    await t.whenIdle();

    expect(await command(t, 'balance cap 1', ADMIN)).toMatch(/Monthly spend cap set/);
    await spent(t, '1.000');
    const answer = await click(t, ACTION.faxRetry, id ?? '', MEMBER);
    expect(answer).toMatch(/Not sent: this would pass the monthly spend cap/);
    expect(answer).toMatch(/Spent this month: SGD 1\.\d+; cap: SGD 1\.000/);
    await t.whenIdle();
    expect(await faxes(t)).toHaveLength(1);
    const faxRows = await t.db.selectFrom('transactions').select('meta').where('kind', '=', 'fax').execute();
    expect(faxRows).toHaveLength(1);
    expect(faxRows[0]?.meta['retried_by']).toBeUndefined();
  });
});
