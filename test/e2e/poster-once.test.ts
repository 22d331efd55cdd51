/**
 * One post per card even when the ts is lost: the database write after Slack's answer (the message ts, the contact
 * thread's header ts, the uploaded file id) fails once, as it would if the process died right there. The retry
 * finds the earlier post by its message metadata (conversations.history / conversations.replies) or the completed
 * file (files.info) and updates it instead of posting again.
 */
import { type Kysely, sql } from 'kysely';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { json } from '../../src/db/json.js';
import { findTransactionById } from '../../src/db/repositories/transactions.js';
import { CARD_CUSTOMER, insertCardRow, okCall, posterTestFeature } from '../support/card-rows.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testEngines, useTestDatabase } from '../support/test-db.js';

const CUSTOMER = CARD_CUSTOMER;

const testFeature = posterTestFeature({ incomingSms: true });

const tsOf = (c: RecordedCall | undefined) => (c?.response.body as { ts?: string } | undefined)?.ts;

/**
 * Makes the first update of `table` for which `condition` (SQL over OLD and NEW) holds fail, as a database lost
 * right after Slack answered. A sequence counts (it is not rolled back with the failed write).
 */
async function failFirstUpdate(db: Kysely<Database>, table: string, condition: string): Promise<void> {
  const name = `test_fail_once_${table}`;
  await sql.raw(`CREATE SEQUENCE ${name}_seq`).execute(db);
  await sql
    .raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (${condition}) AND nextval('${name}_seq') = 1 THEN
          RAISE EXCEPTION 'injected: write after the Slack post lost';
        END IF;
        RETURN NEW;
      END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER ${name} BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`).execute(db);
  onTestFinished(async () => {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name} ON ${table}`).execute(db);
    await sql.raw(`DROP FUNCTION IF EXISTS ${name}()`).execute(db);
    await sql.raw(`DROP SEQUENCE IF EXISTS ${name}_seq`).execute(db);
  });
}

async function fired(db: Kysely<Database>, table: string): Promise<boolean> {
  const r = await sql<{
    called: boolean;
  }>`SELECT is_called AS called FROM ${sql.table(`test_fail_once_${table}_seq`)}`.execute(db);
  return r.rows[0]?.called === true;
}

describe.each(testEngines())('one post when the ts is lost (%s)', (engine) => {
  const database = useTestDatabase(engine);

  async function start(): Promise<TestApp> {
    const t = await startTestApp({ database, features: [], extraFeatures: [testFeature] });
    onTestFinished(() => t.stop());
    return t;
  }

  test('the ts write fails after the post: the retry finds the post by its metadata and updates it', async () => {
    const t = await start();
    await failFirstUpdate(t.db, 'transactions', 'OLD.slack_message_ts IS NULL AND NEW.slack_message_ts IS NOT NULL');
    const txn = await insertCardRow(t);
    await t.whenIdle();
    expect(await fired(t.db, 'transactions')).toBe(true);
    const posts = t.slack.calls('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args['metadata']).toMatchObject({
      event_type: 'hoiio_card',
      event_payload: { transaction_id: txn.id },
    });
    const ts = tsOf(posts[0]);
    const history = t.slack.calls('conversations.history');
    expect(history).toHaveLength(1);
    expect(history[0]?.args).toMatchObject({ channel: 'C0SUPPORT', include_all_metadata: 'true' });
    expect(Number(history[0]?.args['oldest'])).toBeLessThan(Number(ts));
    const updates = t.slack.calls('chat.update');
    expect(updates.map((c) => [c.args['channel'], c.args['ts'], okCall(c)])).toEqual([['C0SUPPORT', ts, true]]);
    expect(updates[0]?.seq).toBeGreaterThan(history[0]?.seq ?? Number.POSITIVE_INFINITY);
    const row = await findTransactionById(t.db, txn.id);
    expect(row).toMatchObject({ slack_message_ts: ts, meta: { post_attempt: null } });
    expect(t.slack.unexpectedCalls()).toEqual([]);
  });

  test("in the app's DM too (im:history): the lost ts is found and the card updated, not posted again", async () => {
    const t = await start();
    await failFirstUpdate(t.db, 'transactions', 'OLD.slack_message_ts IS NULL AND NEW.slack_message_ts IS NOT NULL');
    const txn = await insertCardRow(t, { slack_channel_id: 'D0APPDM' });
    await t.whenIdle();
    expect(await fired(t.db, 'transactions')).toBe(true);
    const posts = t.slack.calls('chat.postMessage');
    expect(posts.map((c) => c.args['channel'])).toEqual(['D0APPDM']);
    expect(t.slack.calls('conversations.history').map((c) => c.args['channel'])).toEqual(['D0APPDM']);
    expect(t.slack.calls('chat.update').map((c) => [c.args['ts'], okCall(c)])).toEqual([[tsOf(posts[0]), true]]);
    expect((await findTransactionById(t.db, txn.id))?.slack_message_ts).toBe(tsOf(posts[0]));
  });

  test('a first post that never reached Slack is posted once on retry (history searched, nothing found)', async () => {
    const t = await start();
    t.slack.failNext('chat.postMessage', { status: 503 });
    const txn = await insertCardRow(t);
    await t.whenIdle();
    const posts = t.slack.calls('chat.postMessage');
    expect(posts.map((c) => c.response.status)).toEqual([503, 200]);
    expect(t.slack.calls('conversations.history')).toHaveLength(1);
    expect(t.slack.calls('chat.update')).toEqual([]);
    expect((await findTransactionById(t.db, txn.id))?.slack_message_ts).toBe(tsOf(posts[1]));
  });

  test('in a contact thread: the header ts and then the reply ts are lost once each; one header, one reply', async () => {
    const t = await start();
    await failFirstUpdate(t.db, 'contact_threads', 'OLD.thread_ts IS NULL AND NEW.thread_ts IS NOT NULL');
    await failFirstUpdate(t.db, 'transactions', 'OLD.slack_message_ts IS NULL AND NEW.slack_message_ts IS NOT NULL');
    const txn = await insertCardRow(t, {
      direction: 'in',
      status: 'received',
      from_number: CUSTOMER,
      to_number: '+6531580001',
      text: 'hello',
      slack_channel_id: 'C0THREADS',
      meta: json({ thread: 'contact' }),
    });
    await t.whenIdle();
    expect(await fired(t.db, 'contact_threads')).toBe(true);
    expect(await fired(t.db, 'transactions')).toBe(true);
    const [header, reply, ...more] = t.slack.calls('chat.postMessage');
    expect(more).toEqual([]);
    const headerTs = tsOf(header);
    expect(header?.args['thread_ts']).toBeUndefined();
    expect(header?.args['metadata']).toMatchObject({
      event_type: 'hoiio_card',
      event_payload: { channel_id: 'C0THREADS', number: CUSTOMER },
    });
    expect(reply?.args['thread_ts']).toBe(headerTs);
    expect(t.slack.calls('conversations.history').map((c) => c.args['channel'])).toEqual(['C0THREADS']);
    const replies = t.slack.calls('conversations.replies');
    expect(replies.map((c) => [c.args['channel'], c.args['ts']])).toEqual([['C0THREADS', headerTs]]);
    expect(t.slack.calls('chat.update').map((c) => c.args['ts'])).toEqual([tsOf(reply)]);
    const threads = await t.db.selectFrom('contact_threads').selectAll().execute();
    expect(threads).toMatchObject([{ channel_id: 'C0THREADS', number: CUSTOMER, thread_ts: headerTs }]);
    expect(await findTransactionById(t.db, txn.id)).toMatchObject({
      slack_message_ts: tsOf(reply),
      slack_thread_ts: headerTs,
    });
  });

  test('the file id write fails after the upload was completed: files.info finds it, no second upload', async () => {
    const t = await start();
    await failFirstUpdate(t.db, 'transactions', "OLD.meta->>'file_id' IS NULL AND NEW.meta->>'file_id' IS NOT NULL");
    const { txn_ref: txnRef } = await t.sandbox.trigger.fax({ from: CUSTOMER, pages: 1 });
    await t.whenIdle();
    expect(await fired(t.db, 'transactions')).toBe(true);
    expect(t.slack.calls('files.getUploadURLExternal')).toHaveLength(1);
    const completes = t.slack.calls('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    const fileId = completes[0]?.args['files'][0].id as string;
    const infos = t.slack.calls('files.info');
    expect(infos.map((c) => [c.args['file'], okCall(c)])).toEqual([[fileId, true]]);
    const row = await t.db.selectFrom('transactions').selectAll().where('txn_ref', '=', txnRef).executeTakeFirst();
    expect(row?.meta).toMatchObject({ file_id: fileId, pending_upload: null });
  });
});
