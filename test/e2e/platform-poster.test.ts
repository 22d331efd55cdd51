import { once } from 'node:events';
import { describe, expect, onTestFinished, test } from 'vitest';
import { enqueueCardSync, enqueueMediaUpload } from '../../src/bot/cards/enqueue-card-sync.js';
import { escapeMrkdwn } from '../../src/bot/slack-text.js';
import { json } from '../../src/db/json.js';
import { upsertContact } from '../../src/db/repositories/contacts.js';
import {
  findTransactionById,
  insertTransaction,
  updateTransactionStatus,
} from '../../src/db/repositories/transactions.js';
import type { TransactionRow } from '../../src/db/tables/transactions.js';
import { CARD_CUSTOMER, insertCardRow, okCall, posterTestFeature } from '../support/card-rows.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/test-app.js';
import { testEngines, useTestDatabase } from '../support/test-db.js';

const CUSTOMER = CARD_CUSTOMER;

const testFeature = posterTestFeature();

describe.each(testEngines())('Slack poster (%s)', (engine) => {
  const database = useTestDatabase(engine);

  async function start(options: Partial<TestAppOptions> = {}): Promise<TestApp> {
    const t = await startTestApp({ database, features: [], extraFeatures: [testFeature], ...options });
    onTestFinished(() => t.stop());
    return t;
  }

  async function sync(t: TestApp, txn: TransactionRow, status?: 'sent' | 'delivered'): Promise<void> {
    await t.db.transaction().execute(async (trx) => {
      if (status) await updateTransactionStatus(trx, { id: txn.id }, { status });
      await enqueueCardSync(trx, txn);
    });
    t.deps.jobWake.wake();
  }

  test('a card is posted once, then updated in place; an unchanged card is not updated again', async () => {
    const t = await start();
    const txn = await insertCardRow(t);
    const posted = await t.slack.waitForCall('chat.postMessage', (c) => /queued/.test(c.args['text']));
    expect(posted.args).toMatchObject({ channel: 'C0SUPPORT', text: `SMS #${txn.id} to ${CUSTOMER}: queued` });
    await sync(t, txn, 'sent');
    const updated = await t.slack.waitForCall('chat.update', (c) => /sent/.test(c.args['text']));
    const ts = (posted.response.body as { ts: string }).ts;
    expect(updated.args).toMatchObject({ channel: 'C0SUPPORT', ts });
    await sync(t, txn); // nothing changed
    await sync(t, txn, 'sent'); // a duplicate status
    await t.whenIdle();
    expect(t.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(t.slack.calls('chat.update')).toHaveLength(1);
    expect(await findTransactionById(t.db, txn.id)).toMatchObject({
      slack_message_ts: ts,
      slack_channel_id: 'C0SUPPORT',
    });
    expect(t.slack.unexpectedCalls()).toEqual([]);
  });

  test('a 429 blocks chat.postMessage until Retry-After has passed, for every channel', async () => {
    const t = await start();
    t.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await insertCardRow(t, { slack_channel_id: 'C0FIRST' });
    const failed = once(t.worker, 'job:failed');
    const limited = await t.slack.waitForCall('chat.postMessage', (c) => c.response.status === 429);
    // Once the 429 is known (its job rescheduled), no chat.postMessage may go out for any channel until it passes.
    await failed;
    await insertCardRow(t, { slack_channel_id: 'C0SECOND' });
    await t.whenIdle();
    const after = t.slack.calls('chat.postMessage').filter((c) => c.seq > limited.seq);
    expect(after.map((c) => c.args['channel']).sort()).toEqual(['C0FIRST', 'C0SECOND']);
    for (const call of after) {
      expect(okCall(call)).toBe(true);
      expect(call.at - limited.at).toBeGreaterThanOrEqual(1000);
    }
  });

  test('not_in_channel in a public channel: join, then post', async () => {
    const t = await start();
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const txn = await insertCardRow(t, { slack_channel_id: 'C0PUBLIC' });
    await t.whenIdle();
    const sequence = t.slack
      .calls()
      .filter((c) => c.method !== 'auth.test')
      .map((c) => `${c.method} ${c.args['channel']} ${okCall(c) ? 'ok' : 'failed'}`);
    expect(sequence).toEqual([
      'chat.postMessage C0PUBLIC failed',
      'conversations.join C0PUBLIC ok',
      'chat.postMessage C0PUBLIC ok',
    ]);
    expect((await findTransactionById(t.db, txn.id))?.slack_message_ts).toBeTruthy();
  });

  test('a private channel we are not in: the card goes to DEFAULT_CHANNEL with a note, the sender learns how to invite us', async () => {
    const t = await start({ env: { DEFAULT_CHANNEL: 'C0DEFAULT' } });
    t.slack.setChannel({ id: 'G0PRIVATE', is_private: true });
    t.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const txn = await insertCardRow(t, { slack_channel_id: 'G0PRIVATE', slack_user_id: 'U0SENDER' });
    await t.whenIdle();
    const join = t.slack.calls('conversations.join');
    expect(join.map((c) => [c.args['channel'], okCall(c)])).toEqual([['G0PRIVATE', false]]);
    const posts = t.slack.calls('chat.postMessage').filter(okCall);
    const inDefault = posts.filter((c) => c.args['channel'] === 'C0DEFAULT').map((c) => c.args['text']);
    expect(inDefault).toHaveLength(2);
    expect(inDefault[0]).toMatch(/meant for <#G0PRIVATE>.*\/invite @Hoiio/);
    expect(inDefault[1]).toBe(`SMS #${txn.id} to ${CUSTOMER}: queued`);
    const dm = posts.filter((c) => c.args['channel'] === 'U0SENDER');
    expect(dm).toHaveLength(1);
    expect(dm[0]?.args['text']).toMatch(/<#G0PRIVATE>.*<#C0DEFAULT>.*\/invite @Hoiio/);
    const row = await findTransactionById(t.db, txn.id);
    expect(row).toMatchObject({ slack_channel_id: 'C0DEFAULT', meta: { unposted_channel: 'G0PRIVATE' } });
    // later syncs update the card where it now is
    await sync(t, txn, 'delivered');
    const updated = await t.slack.waitForCall('chat.update', (c) => /delivered/.test(c.args['text']));
    expect(updated.args['channel']).toBe('C0DEFAULT');
  });

  test('without DEFAULT_CHANNEL the card goes to the sender as a DM', async () => {
    const t = await start();
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    t.slack.failNext('conversations.join', { error: 'method_not_supported_for_channel_type' });
    const txn = await insertCardRow(t, { slack_channel_id: 'G0SECRET', slack_user_id: 'U0SENDER' });
    await t.whenIdle();
    const dm = t.slack
      .calls('chat.postMessage')
      .filter((c) => okCall(c) && c.args['channel'] === 'U0SENDER')
      .map((c) => c.args['text']);
    expect(dm).toEqual([
      expect.stringMatching(/Here it is:.*\/invite @Hoiio/),
      `SMS #${txn.id} to ${CUSTOMER}: queued`,
    ]);
  });

  test('one channel keeps its order while Slack answers 503 for a while, and nothing is lost', async () => {
    const t = await start();
    for (let i = 0; i < 4; i++) t.slack.failNext('chat.postMessage', { status: 503 });
    const txns: TransactionRow[] = [];
    for (let i = 0; i < 5; i++)
      txns.push(await insertCardRow(t, { slack_channel_id: 'C0ORDER', text: `message ${i}` }));
    await t.whenIdle();
    const calls = t.slack.calls('chat.postMessage');
    expect(calls.filter((c) => c.response.status === 503)).toHaveLength(4);
    expect(calls.filter(okCall).map((c) => c.args['text'])).toEqual(
      txns.map((txn) => `SMS #${txn.id} to ${CUSTOMER}: queued`),
    );
    const rows = await t.db.selectFrom('transactions').select('slack_message_ts').execute();
    expect(rows.every((r) => r.slack_message_ts !== null)).toBe(true);
  });

  test("a contact's cards share one thread, started by a header card (escaped name, Call back / Send SMS)", async () => {
    const t = await start();
    await upsertContact(t.db, { number: CUSTOMER, name: 'Ann <!channel> & co' });
    const fields = {
      kind: 'sms' as const,
      direction: 'in' as const,
      status: 'received' as const,
      from_number: CUSTOMER,
      to_number: '+6531580001',
      slack_channel_id: 'C0THREADS',
      meta: json({ thread: 'contact' }),
    };
    const first = await insertCardRow(t, { ...fields, text: 'first' });
    await t.whenIdle();
    const second = await insertCardRow(t, { ...fields, text: 'second' });
    await t.whenIdle();
    const [header, ...replies] = t.slack.calls('chat.postMessage');
    // The fallback text is mrkdwn too (and notifies): the name is escaped there as well (Slack shows it as typed,
    // without the ping), and the number is formatted as on every other card.
    expect(header?.args['text']).toBe('Conversation with Ann &lt;!\u200bchannel&gt; &amp; co (+65 9123 4567)');
    const headerBlocks = JSON.stringify(header?.args['blocks']);
    expect(headerBlocks).toContain(`${escapeMrkdwn('Ann <!channel> & co')} (+65 9123 4567)`);
    expect(headerBlocks).not.toContain('<!channel>');
    expect(headerBlocks).toContain('contact_call_back');
    expect(headerBlocks).toContain('contact_send_sms');
    const headerTs = (header?.response.body as { ts: string } | undefined)?.ts;
    expect(replies.map((c) => c.args['thread_ts'])).toEqual([headerTs, headerTs]);
    for (const txn of [first, second]) {
      expect(await findTransactionById(t.db, txn.id)).toMatchObject({ slack_thread_ts: headerTs });
    }
    const thread = await t.db.selectFrom('contact_threads').selectAll().execute();
    expect(thread).toMatchObject([{ channel_id: 'C0THREADS', number: CUSTOMER, thread_ts: headerTs }]);
  });

  test('a fax PDF is uploaded once, even when completing the upload fails once and the job retries', async () => {
    const t = await start();
    t.slack.failNext('files.completeUploadExternal', { status: 503 });
    const { txn_ref: txnRef } = await t.sandbox.trigger.fax({ from: CUSTOMER, pages: 3 });
    await t.whenIdle();
    expect(t.slack.calls('files.getUploadURLExternal')).toHaveLength(1);
    expect(t.slack.calls('file_upload')).toHaveLength(1);
    const completes = t.slack.calls('files.completeUploadExternal');
    expect(completes.map((c) => c.response.status)).toEqual([503, 200]);
    const fileId = completes[1]?.args['files'][0].id as string;
    expect(completes[0]?.args['files'][0].id).toBe(fileId);
    expect(completes[1]?.args).toMatchObject({ channel_id: 'C0FAXES' });
    expect(t.slack.uploadedBytes(fileId)?.subarray(0, 5).toString()).toBe('%PDF-');
    const filename = t.slack.calls('files.getUploadURLExternal')[0]?.args['filename'];
    expect(filename).toMatch(/^fax-6591234567-\d{4}-\d{2}-\d{2}-\d{4}\.pdf$/);
    const card = t.slack.calls('chat.postMessage').find((c) => c.args['channel'] === 'C0FAXES');
    expect(card && card.seq < (completes[1]?.seq ?? 0)).toBe(true);
    const row = await t.db.selectFrom('transactions').selectAll().where('txn_ref', '=', txnRef).executeTakeFirst();
    expect(row?.meta).toMatchObject({ file_id: fileId, pending_upload: null });
  });

  test('media from a host that is not allowed is never fetched nor uploaded; the card says so', async () => {
    const t = await start();
    const txn = await t.db.transaction().execute(async (trx) => {
      const row = await insertTransaction(trx, {
        kind: 'fax',
        direction: 'in',
        status: 'received',
        from_number: CUSTOMER,
        contact_number: CUSTOMER,
        slack_channel_id: 'C0FAXES',
        meta: json({ media_url: 'https://files.evil.example/fax.pdf?Signature=abc' }),
      });
      if (!row) throw new Error('not inserted');
      await enqueueCardSync(trx, row);
      await enqueueMediaUpload(trx, row);
      return row;
    });
    t.deps.jobWake.wake();
    await t.whenIdle();
    expect(t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    expect((await findTransactionById(t.db, txn.id))?.meta).toMatchObject({ media_error: 'host_not_allowed' });
  });
});
