/**
 * Incoming SMS and faxes, end to end: the sandbox triggers real notifications to the app's webhooks; the app
 * verifies them through query_status, posts cards in one thread per contact, uploads fax PDFs, answers from the
 * Reply modal and keeps opt-outs.
 */
import { describe, expect, test } from 'vitest';
import { ACTION, INBOUND_FIELD, VIEW } from '../../src/bot/ids.js';
import { upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import { isOptedOut } from '../../src/db/repositories/opt-outs.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import {
  buttonClick,
  buttonValue,
  CUSTOMER,
  latestVersion,
  OTHER_CUSTOMER,
  posts,
  replySubmission,
  tsOf,
} from './inbound-helpers.js';

const SUPPORT = 'C0SUPPORT';
const FAXES = 'C0FAXDEFAULT';

describe.each(testEngines())('incoming SMS and faxes (%s)', (engine) => {
  const setup = useTestApp(engine);

  /** The app, its voice number routed to #support (label "Support line"), everything else to DEFAULT_CHANNEL. */
  async function app(): Promise<TestApp> {
    const t = await setup.startApp({ env: { DEFAULT_CHANNEL: FAXES } });
    await upsertNumberRoute(t.db, { number: t.sandbox.voiceNumber, channel_id: SUPPORT, label: 'Support line' });
    return t;
  }

  async function receiveSms(t: TestApp, from: string, msg: string): Promise<void> {
    await t.sandbox.trigger.sms({ from, to: t.sandbox.voiceNumber, msg });
    await t.whenIdle();
  }

  test('an SMS starts the contact thread (header, then the card as a reply); a second one replies in it', async () => {
    const t = await app();
    await receiveSms(t, CUSTOMER, 'Hi <!channel> is my parcel ready? <https://evil.example|bank> @here');

    const [header, card, ...rest] = posts(t.slack, SUPPORT);
    expect(rest).toEqual([]);
    expect(header?.args['thread_ts']).toBeUndefined();
    expect(String(header?.args['text'])).toMatch(/\+65 ?9123 ?4567/);
    expect(card?.args['thread_ts']).toBe(tsOf(header));
    expect(String(card?.args['text'])).toMatch(/received/);
    const rendered = JSON.stringify(card?.args);
    expect(rendered).not.toContain('<!channel>');
    expect(rendered).not.toContain('<https://evil');
    expect(rendered).not.toMatch(/[@!]here/);
    expect(rendered).toContain('is my parcel ready?');
    expect(rendered).toContain('Support line');
    expect(buttonValue(card, ACTION.contactCallBack)).toBe(CUSTOMER);
    expect(buttonValue(card, ACTION.inboundSmsReply)).toMatch(/^\d+$/);

    await receiveSms(t, CUSTOMER, 'Also, can you deliver on Friday?');
    const after = posts(t.slack, SUPPORT);
    expect(after).toHaveLength(3);
    expect(after[2]?.args['thread_ts']).toBe(tsOf(header));
    expect(JSON.stringify(after[2]?.args['blocks'])).toContain('deliver on Friday');

    // another contact gets a thread of their own
    await receiveSms(t, OTHER_CUSTOMER, 'Hello from someone else');
    const others = posts(t.slack, SUPPORT).slice(3);
    expect(others).toHaveLength(2);
    expect(others[0]?.args['thread_ts']).toBeUndefined();
    expect(others[1]?.args['thread_ts']).toBe(tsOf(others[0]));

    const rows = await t.db.selectFrom('transactions').selectAll().where('kind', '=', 'sms').orderBy('id').execute();
    expect(rows.map((r) => [r.direction, r.status, r.contact_number, r.our_number])).toEqual([
      ['in', 'received', CUSTOMER, t.sandbox.voiceNumber],
      ['in', 'received', CUSTOMER, t.sandbox.voiceNumber],
      ['in', 'received', OTHER_CUSTOMER, t.sandbox.voiceNumber],
    ]);
    const events = await t.db.selectFrom('inbound_events').select('state').execute();
    expect(events.map((e) => e.state)).toEqual(['processed', 'processed', 'processed']);
    expect(t.slack.unexpectedCalls()).toEqual([]);
  });

  test('a long SMS that arrives in parts becomes one card with the whole text', async () => {
    const t = await app();
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`)
      .join(' ')
      .padEnd(400, '.');
    await receiveSms(t, CUSTOMER, long);
    const [header, card, ...rest] = posts(t.slack, SUPPORT);
    expect(header).toBeDefined();
    expect(rest).toEqual([]); // three parts, one card
    const final = latestVersion(t.slack, SUPPORT, tsOf(card));
    expect(JSON.stringify(final?.args['blocks'])).toContain(long);
    expect(JSON.stringify(final?.args['blocks'])).toContain('3 parts');
    const rows = await t.db.selectFrom('transactions').select(['text']).where('kind', '=', 'sms').execute();
    expect(rows).toEqual([{ text: long }]);
  });

  test('STOP records an opt-out and says so in the thread; START clears it', async () => {
    const t = await app();
    await receiveSms(t, CUSTOMER, ' stop ');
    expect(await isOptedOut(t.db, CUSTOMER)).toBe(true);
    const stopCard = posts(t.slack, SUPPORT)[1];
    expect(stopCard?.args['thread_ts']).toBe(tsOf(posts(t.slack, SUPPORT)[0]));
    expect(JSON.stringify(stopCard?.args['blocks'])).toMatch(/opted out of SMS/);

    await receiveSms(t, CUSTOMER, 'START');
    expect(await isOptedOut(t.db, CUSTOMER)).toBe(false);
    expect(JSON.stringify(posts(t.slack, SUPPORT)[2]?.args['blocks'])).toMatch(/opted back in/);
  });

  test('Reply opens a modal with the conversation; submitting sends one SMS whose card goes in the thread', async () => {
    const t = await app();
    await receiveSms(t, CUSTOMER, 'Is my parcel ready?');
    const [header, card] = posts(t.slack, SUPPORT);
    const click = await t.sendSigned(
      buttonClick({
        actionId: ACTION.inboundSmsReply,
        value: buttonValue(card, ACTION.inboundSmsReply) ?? '',
        channel: SUPPORT,
        messageTs: tsOf(card),
        responseUrl: t.slack.responseUrl(),
      }),
    );
    expect(click.status).toBe(200);
    const opened = await t.slack.waitForCall('views.open');
    const view = opened.args['view'] as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(VIEW.inboundSmsReply);
    expect(JSON.stringify(view.blocks)).toContain('Is my parcel ready?');

    const empty = await t.sendSigned(
      replySubmission({ viewId: 'V0REPLY1', privateMetadata: view.private_metadata, message: '   ' }),
    );
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });

    const submit = replySubmission({
      viewId: 'V0REPLY1',
      privateMetadata: view.private_metadata,
      message: 'Yes, it is ready for pickup.',
    });
    const [first, second] = await Promise.all([t.sendSigned(submit), t.sendSigned(submit)]); // double submit
    expect([first.status, second.status]).toEqual([200, 200]);
    await t.whenIdle();

    const sent = (await t.sandbox.outbox()).filter((i) => i['kind'] === 'sms');
    expect(sent).toMatchObject([{ dest: CUSTOMER, msg: 'Yes, it is ready for pickup.', tag: 'hs-v-V0REPLY1' }]);
    const replyCard = posts(t.slack, SUPPORT).find((c) => /^SMS to /.test(String(c.args['text'])));
    expect(replyCard?.args['thread_ts']).toBe(tsOf(header));
    expect(posts(t.slack, SUPPORT)).toHaveLength(3);
  });

  test('replying to a contact who sent STOP needs the confirmation box', async () => {
    const t = await app();
    await receiveSms(t, CUSTOMER, 'STOP');
    const [, card] = posts(t.slack, SUPPORT);
    await t.sendSigned(
      buttonClick({
        actionId: ACTION.inboundSmsReply,
        value: buttonValue(card, ACTION.inboundSmsReply) ?? '',
        channel: SUPPORT,
        messageTs: tsOf(card),
        responseUrl: t.slack.responseUrl(),
      }),
    );
    const opened = await t.slack.waitForCall('views.open');
    const view = opened.args['view'] as { private_metadata: string; blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain('send anyway');

    const unconfirmed = await t.sendSigned(
      replySubmission({
        viewId: 'V0OPTOUT',
        privateMetadata: view.private_metadata,
        message: 'Sorry!',
        confirm: false,
      }),
    );
    expect(await unconfirmed.json()).toMatchObject({
      response_action: 'errors',
      errors: { [INBOUND_FIELD.confirmOptOut]: expect.stringMatching(/replied STOP/) },
    });
    await t.whenIdle();
    expect((await t.sandbox.outbox()).filter((i) => i['kind'] === 'sms')).toEqual([]);

    const confirmed = await t.sendSigned(
      replySubmission({ viewId: 'V0OPTOUT', privateMetadata: view.private_metadata, message: 'Sorry!', confirm: true }),
    );
    expect(confirmed.status).toBe(200);
    await t.whenIdle();
    expect((await t.sandbox.outbox()).filter((i) => i['kind'] === 'sms')).toMatchObject([
      { dest: CUSTOMER, msg: 'Sorry!' },
    ]);
  });

  test('people replying in the thread send nothing: only the Reply button does', async () => {
    const t = await app();
    await receiveSms(t, CUSTOMER, 'Hello?');
    const [header] = posts(t.slack, SUPPORT);
    const { eventCallback } = await import('../support/slack-requests.js');
    const res = await t.sendSigned(
      eventCallback({
        type: 'message',
        channel: SUPPORT,
        user: 'U0SOMEONE',
        text: 'we should answer this one',
        ts: '1700000999.000100',
        thread_ts: tsOf(header),
      }),
    );
    expect(res.status).toBe(200);
    await t.whenIdle();
    expect((await t.sandbox.outbox()).filter((i) => i['kind'] === 'sms')).toEqual([]);
  });

  test('a 3-page fax: the PDF is uploaded once into the thread, and the card shows 3 pages', async () => {
    const t = await app();
    await t.sandbox.trigger.fax({ from: CUSTOMER, to: t.sandbox.faxNumber, pages: 3 });
    await t.whenIdle();

    const [header, card, ...rest] = posts(t.slack, FAXES);
    expect(rest).toEqual([]);
    expect(card?.args['thread_ts']).toBe(tsOf(header));
    const completes = t.slack.calls('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    expect(completes[0]?.args).toMatchObject({ channel_id: FAXES, thread_ts: tsOf(header) });
    const upload = t.slack.calls('files.getUploadURLExternal');
    expect(upload).toHaveLength(1);
    expect(String(upload[0]?.args['filename'])).toMatch(/^fax-6591234567-\d{4}-\d{2}-\d{2}-\d{4}\.pdf$/);
    const fileId = ((completes[0]?.args['files'] ?? []) as { id: string }[])[0]?.id ?? '';
    expect(t.slack.uploadedBytes(fileId)?.subarray(0, 5).toString()).toBe('%PDF-');

    const final = latestVersion(t.slack, FAXES, tsOf(card));
    const blocks = JSON.stringify(final?.args['blocks']);
    expect(blocks).toContain('*Pages*\\n3');
    expect(blocks).toContain('PDF attached');
    expect(String(final?.args['text'])).toContain('3 pages');
    expect(buttonValue(final, ACTION.faxReply)).toBe(CUSTOMER);
    expect(buttonValue(final, ACTION.contactSendSms)).toBe(CUSTOMER);
    expect(buttonValue(final, ACTION.contactCallBack)).toBe(CUSTOMER);
    const row = await t.db.selectFrom('transactions').selectAll().where('kind', '=', 'fax').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ direction: 'in', status: 'received', pages: 3, contact_number: CUSTOMER });
  });

  test('a failed fax: a card that explains the error code in words, nothing fetched', async () => {
    const t = await app();
    await t.sandbox.trigger.fax({ from: CUSTOMER, to: t.sandbox.faxNumber, fail: 'invalid_size' });
    await t.whenIdle();
    const [, card] = posts(t.slack, FAXES);
    expect(String(card?.args['text'])).toMatch(/failed/);
    expect(JSON.stringify(card?.args['blocks'])).toMatch(/not A4 or Letter size/);
    expect(t.slack.calls('files.getUploadURLExternal')).toEqual([]);
    const row = await t.db.selectFrom('transactions').selectAll().where('kind', '=', 'fax').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', error_code: 'invalid_size' });
  });
});
