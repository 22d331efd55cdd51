/** The SMS modal: opening (command, shortcut, Send SMS button), the live estimate, field errors, opt-out, submits. */
import { describe, expect, test } from 'vitest';
import { ACTION, SHORTCUT, SMS_BLOCK, SMS_FIELD, VIEW } from '../../src/bot/ids.js';
import { recordOptOut } from '../../src/db/repositories/opt-outs.js';
import { cardTs, postedTs } from '../support/slack-cards.js';
import { interaction, slashCommand } from '../support/slack-requests.js';
import type { TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import {
  buttonClick,
  type OpenedView,
  openedView,
  smsCardCalls,
  smsValues,
  submitSmsModal,
  typeInSmsModal,
  USER,
  waitForCard,
} from './sms-helpers.js';

interface OutboxSms {
  kind: string;
  dest: string;
  msg: string;
  tag?: string;
  sender_name?: string;
}

describe.each(testEngines())('SMS modal (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(): Promise<TestApp> {
    return setup.startApp();
  }

  async function smsInOutbox(t: TestApp): Promise<OutboxSms[]> {
    return ((await t.sandbox.outbox()) as OutboxSms[]).filter((i) => i.kind === 'sms');
  }

  async function openFromCommand(t: TestApp, text = 'sms', channel = 'C0MODAL'): Promise<OpenedView> {
    const res = await t.sendSigned(slashCommand({ text, channel_id: channel, user_id: USER }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const call = await t.slack.waitForCall('views.open');
    expect(call.args['view'].callback_id).toBe(VIEW.smsSend);
    return openedView(call);
  }

  function estimateOf(view: { blocks: { block_id?: string; elements?: { text: string }[] }[] }): string {
    return view.blocks.find((b) => b.block_id === SMS_BLOCK.estimate)?.elements?.[0]?.text ?? '';
  }

  test('/hoiio sms opens an empty modal; /hoiio sms <number> prefills it', async () => {
    const t = await app();
    const empty = await openFromCommand(t);
    expect(empty.blocks.find((b) => b.block_id === SMS_FIELD.to)).not.toHaveProperty('element.initial_value');
    const res = await t.sendSigned(slashCommand({ text: 'sms 9123 4567', channel_id: 'C0MODAL' }));
    expect(res.status).toBe(200);
    const firstSeq = t.slack.calls('views.open')[0]?.seq ?? 0;
    const second = await t.slack.waitForCall('views.open', (c) => c.seq > firstSeq);
    expect(second.args['view'].blocks[0].element.initial_value).toBe('+65 9123 4567');
  });

  test('typing updates the estimate: encoding, parts and cost from the rate (or "cost unavailable")', async () => {
    const t = await app();
    const view = await openFromCommand(t);
    await t.sendSigned(
      typeInSmsModal(view, SMS_FIELD.message, smsValues({ to: '+65 9123 4567', message: 'Hello there' })),
    );
    const update = await t.slack.waitForCall('views.update', (c) => c.args['view_id'] === view.id);
    expect(estimateOf(update.args['view'])).toMatch(/GSM-7 · 1 part · 149 characters left .* SGD 0\.038/);
    await t.sendSigned(
      typeInSmsModal(view, SMS_FIELD.message, smsValues({ to: '+65 9123 4567', message: `${'a'.repeat(190)}😀` })),
    );
    const unicode = await t.slack.waitForCall('views.update', (c) => /Unicode/.test(estimateOf(c.args['view'])));
    expect(estimateOf(unicode.args['view'])).toMatch(/3 parts .* SGD 0\.114/);
  });

  test('no rate from Hoiio: the estimate says "cost unavailable"', async () => {
    const t = await app();
    const view = await openFromCommand(t);
    // the sandbox refuses get_rate for this (magic) destination
    await t.sendSigned(typeInSmsModal(view, SMS_FIELD.to, smsValues({ to: '+6590000040', message: 'Hi' })));
    const update = await t.slack.waitForCall('views.update', (c) => c.args['view_id'] === view.id);
    expect(estimateOf(update.args['view'])).toMatch(/GSM-7 · 1 part .* cost unavailable/);
  });

  test('field errors for a bad number, an empty message, a too-long message and a bad sender name', async () => {
    const t = await app();
    const view = await openFromCommand(t);
    const res = await t.sendSigned(submitSmsModal(view, smsValues({ to: '12', message: '  ', senderName: '!' })));
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[SMS_FIELD.to]).toMatch(/not a valid phone number/);
    expect(body.errors[SMS_FIELD.message]).toMatch(/Write the message/);
    expect(body.errors[SMS_FIELD.senderName]).toMatch(/3 to 11 letters/);
    const long = await t.sendSigned(submitSmsModal(view, smsValues({ to: '+6591234567', message: 'x'.repeat(460) })));
    expect(((await long.json()) as { errors: Record<string, string> }).errors[SMS_FIELD.message]).toMatch(
      /4 SMS parts/,
    );
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
  });

  test('a valid submit sends (with the sender name) and closes; a double submit sends once', async () => {
    const t = await app();
    await fetch(`${t.sandbox.url}/api/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sms_rebrand: true }),
    });
    const view = await openFromCommand(t, 'sms', 'C0SUBMIT');
    const submit = () =>
      t.sendSigned(
        submitSmsModal(view, smsValues({ to: '+65 9123 4567', message: 'From the form', senderName: 'Acme' })),
      );
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(await Promise.all(answers.map((r) => r.text()))).toEqual(['', '']);
    await waitForCard(t.slack, 'C0SUBMIT', 'delivered');
    await t.whenIdle();
    const sent = await smsInOutbox(t);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ msg: 'From the form', sender_name: 'Acme', tag: `hs-v-${view.id}` });
    expect(t.slack.calls('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUBMIT')).toHaveLength(1);
  });

  test('an opted-out number needs the "send anyway" box ticked', async () => {
    const t = await app();
    await recordOptOut(t.db, '+6591234567', { keyword: 'STOP' });
    const view = await openFromCommand(t, 'sms', 'C0OPTOUT');
    // no checkbox in the form yet: the form is updated to show it
    const first = await t.sendSigned(submitSmsModal(view, smsValues({ to: '+65 9123 4567', message: 'Hi' })));
    const updated = (await first.json()) as { response_action: string; view: OpenedView };
    expect(updated.response_action).toBe('update');
    expect(updated.view.blocks.map((b) => b.block_id)).toContain(SMS_FIELD.confirmOptOut);
    const withBox = { ...view, blocks: updated.view.blocks };
    const unticked = await t.sendSigned(
      submitSmsModal(withBox, smsValues({ to: '+65 9123 4567', message: 'Hi', confirm: false })),
    );
    expect(await unticked.json()).toEqual({
      response_action: 'errors',
      errors: { [SMS_FIELD.confirmOptOut]: expect.stringMatching(/replied STOP/) },
    });
    await t.whenIdle();
    expect(await smsInOutbox(t)).toEqual([]);
    const ticked = await t.sendSigned(
      submitSmsModal(withBox, smsValues({ to: '+65 9123 4567', message: 'Hi', confirm: true })),
    );
    expect(await ticked.text()).toBe('');
    await waitForCard(t.slack, 'C0OPTOUT', 'delivered');
    expect(await smsInOutbox(t)).toHaveLength(1);
    // typing a number that opted out shows the box at once
    await t.sendSigned(typeInSmsModal(view, SMS_FIELD.to, smsValues({ to: '+65 9123 4567', message: '' })));
    const update = await t.slack.waitForCall('views.update', (c) =>
      c.args['view'].blocks.some((b: { block_id?: string }) => b.block_id === SMS_FIELD.confirmOptOut),
    );
    expect(update.args['view_id']).toBe(view.id);
  });

  test('message shortcut: prefilled with the first number found, or empty with a hint', async () => {
    const t = await app();
    const shortcut = (text: string) =>
      interaction({
        type: 'message_action',
        callback_id: SHORTCUT.smsFromMessage,
        trigger_id: `trig-${Math.random()}`,
        response_url: t.slack.responseUrl(),
        user: { id: USER, name: 'sender' },
        channel: { id: 'C0SHORT', name: 'support-line' },
        message: { type: 'message', text, ts: '1700000000.000100', user: 'U0OTHER' },
        message_ts: '1700000000.000100',
      });
    expect((await t.sendSigned(shortcut('Please text Tom at 9123 4567 or +65 8123 4567'))).status).toBe(200);
    const found = await t.slack.waitForCall('views.open');
    expect(found.args['view'].blocks[0].element.initial_value).toBe('+65 9123 4567');
    expect(JSON.parse(found.args['view'].private_metadata)).toEqual({
      channel: 'C0SHORT',
      threadTs: '1700000000.000100',
    });
    await t.sendSigned(shortcut('No number in here, order 12'));
    const none = await t.slack.waitForCall('views.open', (c) =>
      /no phone number/i.test(JSON.stringify(c.args['view'])),
    );
    expect(none.args['view'].blocks.find((b: { block_id?: string }) => b.block_id === SMS_FIELD.to)).not.toHaveProperty(
      'element.initial_value',
    );
  });

  test('Send SMS button on a card: the modal prefilled; the card goes into that thread', async () => {
    const t = await app();
    const res = await t.sendSigned(
      buttonClick({
        actionId: ACTION.contactSendSms,
        value: '+6591234567',
        channel: 'C0THREAD',
        messageTs: '1700000001.000200',
        responseUrl: t.slack.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    const opened = await t.slack.waitForCall('views.open');
    expect(opened.args['view'].blocks[0].element.initial_value).toBe('+65 9123 4567');
    const view = openedView(opened);
    await t.sendSigned(submitSmsModal(view, smsValues({ to: '+65 9123 4567', message: 'In the thread' })));
    const card = await waitForCard(t.slack, 'C0THREAD', 'delivered');
    await t.whenIdle();
    // one card post, in the thread; `delivered` is that message (in the post itself or an update of it)
    const posts = smsCardCalls(t.slack, 'C0THREAD').filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args['thread_ts']).toBe('1700000001.000200');
    expect(cardTs(card)).toBe(postedTs(posts[0]));
  });
});
