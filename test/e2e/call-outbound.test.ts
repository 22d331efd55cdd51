/**
 * Click-to-call end to end: `/hoiio call`, `/hoiio me` (showing the phone), the Call back button, the message shortcut (one number,
 * several, none), the ask-once phone modal, replays and double clicks, and the card updated from the sandbox's
 * call status notification.
 */
import { describe, expect, test } from 'vitest';
import { ACTION, CALL_FIELD, SHORTCUT, VIEW } from '../../src/bot/ids.js';
import { SETTING, setSetting } from '../../src/db/repositories/settings.js';
import { findUserProfile, setUserPhone } from '../../src/db/repositories/user-profiles.js';
import type { HoiioClient } from '../../src/hoiio/index.js';
import { loseAnswer, sandboxClientThrough } from '../support/sandbox-client.js';
import { cardTs } from '../support/slack-cards.js';
import { signatureHeaders, slashCommand } from '../support/slack-requests.js';
import { TEST_SIGNING_SECRET, type TestApp } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import {
  buttonClick,
  buttonValue,
  CALLER_USER,
  cardCalls,
  messageShortcut,
  postedTs,
  statusWord,
  viewSubmission,
  waitForCard,
} from './call-helpers.js';

const MY_PHONE = '+6598765432';
const CUSTOMER = '+6561234567';
const BUSY = '+6590000011'; // sandbox: busy
const STAYS_ON_LINE = '+6590000014'; // sandbox: answers and stays on the line (no status notification yet)

interface OutboxCall {
  kind: string;
  dest1: string;
  dest2: string;
  tag?: string;
  txn_ref: string;
}

describe.each(testEngines())('click-to-call (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(options: { hoiio?: HoiioClient } = {}): Promise<TestApp> {
    return setup.startApp(options);
  }

  async function calls(t: TestApp): Promise<OutboxCall[]> {
    return ((await t.sandbox.outbox()) as OutboxCall[]).filter((i) => i.kind === 'call');
  }

  async function command(t: TestApp, text: string, extra: Record<string, string> = {}) {
    const res = await t.sendSigned(slashCommand({ text, channel_id: 'C0CALLS', user_id: CALLER_USER, ...extra }));
    expect(res.status).toBe(200);
    return (await res.json()) as { response_type: string; text: string };
  }

  /** The caller's own phone, saved verified (`/hoiio me` confirms one by SMS code: phone-verify.test.ts). */
  async function savePhone(t: TestApp): Promise<void> {
    await setUserPhone(t.db, CALLER_USER, MY_PHONE, { verified: true });
  }

  test('/hoiio call rings the saved phone first and the card ends answered with minutes and cost', async () => {
    const t = await app();
    expect((await command(t, 'me')).text).toMatch(/not set your phone/);
    expect((await command(t, 'me 12')).text).toMatch(/not a valid phone number/);
    await savePhone(t);
    expect((await command(t, 'me')).text).toMatch(/Your phone for calls is \+65 9876 5432 \(verified\)/);

    const ack = await command(t, 'call +65 6123 4567');
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Calling \+65 6123 4567/) });
    const answered = await waitForCard(t.slack, 'C0CALLS', /^Call with \+65 6123 4567 for <@U0CALLER>: answered$/);
    await t.whenIdle();

    const placed = await calls(t);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ dest1: MY_PHONE, dest2: CUSTOMER, tag: expect.stringMatching(/^hs-c-/) });
    const cards = cardCalls(t.slack, 'C0CALLS', /^Call(ing)? with|^Calling/);
    expect(cards.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const ts = cardTs(cards[0]);
    expect(cards.map(cardTs)).toEqual(cards.map(() => ts));
    const order = ['queued', 'ringing', 'answered'];
    const words = cards.map(statusWord);
    expect(words.map((w) => order.indexOf(w))).toEqual([...words.map((w) => order.indexOf(w))].sort());
    const blocks = JSON.stringify(answered.args['blocks']);
    expect(blocks).toMatch(/\d+ min/);
    expect(blocks).toContain('SGD');
    expect(blocks).toContain(placed[0]?.txn_ref);
    expect(buttonValue(answered, ACTION.contactCallBack)).toBe(CUSTOMER);
  });

  test('a replayed command and a bad number place nothing extra', async () => {
    const t = await app();
    await savePhone(t);
    expect((await command(t, 'call')).text).toMatch(/Which number/);
    expect((await command(t, 'call 12ab')).text).toMatch(/Usage/);
    expect((await command(t, 'call +65 9876 5432')).text).toMatch(/your own phone/);

    const request = slashCommand({ text: 'call 6123 4567', channel_id: 'C0CALLS', user_id: CALLER_USER });
    const headers = signatureHeaders(request.body, { signingSecret: TEST_SIGNING_SECRET });
    const first = await t.sendSigned(request, { headers });
    const replay = await t.sendSigned(request, { headers });
    expect([first.status, replay.status]).toEqual([200, 200]);
    await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    await t.whenIdle();
    expect(await calls(t)).toHaveLength(1);
  });

  test('the phone in the Slack profile is used when none is saved', async () => {
    const t = await app();
    t.slack.setUser({ id: CALLER_USER, profile: { phone: '9876 5432' } });
    expect((await command(t, 'call +65 6123 4567')).text).toMatch(/Slack profile/);
    await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    await t.whenIdle();
    expect(await calls(t)).toMatchObject([{ dest1: MY_PHONE, dest2: CUSTOMER }]);
    expect(await findUserProfile(t.db, CALLER_USER)).toBeUndefined(); // used, not saved
  });

  test('no phone anywhere: the card asks once (modal), saves it and continues the call; next time no asking', async () => {
    const t = await app();
    await command(t, 'call +65 6123 4567');
    const waiting = await waitForCard(t.slack, 'C0CALLS', /: queued$/);
    await t.whenIdle();
    const asking = cardCalls(t.slack, 'C0CALLS', /^Calling/).at(-1);
    const txnId = asking ? buttonValue(asking, ACTION.callEnterPhone) : undefined;
    expect(txnId).toMatch(/^\d+$/);
    expect(await calls(t)).toHaveLength(0);

    // someone else cannot answer for the caller
    const other = t.slack.responseUrl();
    await t.sendSigned(
      buttonClick({
        actionId: ACTION.callEnterPhone,
        value: String(txnId),
        channel: 'C0CALLS',
        messageTs: cardTs(waiting),
        responseUrl: other,
        user: 'U0SOMEONE',
      }),
    );
    const refused = await t.slack.waitForCall('response_url', (c) => c.args['url'] === other);
    expect(refused.args['text']).toMatch(/Only <@U0CALLER>/);

    await t.sendSigned(
      buttonClick({
        actionId: ACTION.callEnterPhone,
        value: String(txnId),
        channel: 'C0CALLS',
        messageTs: cardTs(waiting),
        responseUrl: t.slack.responseUrl(),
      }),
    );
    const opened = await t.slack.waitForCall('views.open');
    const view = opened.args['view'] as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW.callOwnPhone);

    const submit = (phone: string) =>
      t.sendSigned(
        viewSubmission({
          callbackId: VIEW.callOwnPhone,
          viewId: 'V0PHONE',
          privateMetadata: view.private_metadata,
          values: { [CALL_FIELD.phone]: { [CALL_FIELD.phone]: { type: 'plain_text_input', value: phone } } },
        }),
      );
    const bad = await submit('not a phone');
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { [CALL_FIELD.phone]: expect.any(String) },
    });
    const same = await submit('+65 6123 4567');
    expect(await same.json()).toMatchObject({ response_action: 'errors' });
    const ok = await submit('9876 5432');
    expect(ok.status).toBe(200);
    await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    await t.whenIdle();
    expect(await calls(t)).toMatchObject([{ dest1: MY_PHONE, dest2: CUSTOMER }]);
    expect((await findUserProfile(t.db, CALLER_USER))?.phone).toBe(MY_PHONE);

    await command(t, 'call +65 6123 9999');
    await waitForCard(t.slack, 'C0CALLS', /6123 9999.*: answered$/);
    await t.whenIdle();
    expect(t.slack.calls('views.open')).toHaveLength(1);
    expect(await calls(t)).toHaveLength(2);
  });

  test('Call back button: the call card replies in the clicked card thread; a double click calls once', async () => {
    const t = await app();
    await savePhone(t);
    const click = () =>
      t.sendSigned(
        buttonClick({
          actionId: ACTION.contactCallBack,
          value: CUSTOMER,
          channel: 'C0CALLS',
          messageTs: '1700000100.000200',
          threadTs: '1700000000.000100',
          responseUrl: t.slack.responseUrl(),
        }),
      );
    const [a, b] = await Promise.all([click(), click()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answered = await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    await t.whenIdle();
    expect(await calls(t)).toMatchObject([{ dest1: MY_PHONE, dest2: CUSTOMER, tag: expect.stringMatching(/^hs-b-/) }]);
    // one card, posted in the clicked card's thread; `answered` is that message (its post or an update of it)
    const posts = cardCalls(t.slack, 'C0CALLS', /^Call/).filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args['thread_ts']).toBe('1700000000.000100');
    expect(cardTs(answered)).toBe(postedTs(posts[0]));
    const answers = t.slack.calls('response_url').map((c) => String(c.args['text']));
    expect(answers.some((s) => /already calling/.test(s))).toBe(true);
  });

  test('busy callee: the card says busy, in words', async () => {
    const t = await app();
    await savePhone(t);
    await command(t, `call ${BUSY}`);
    const busy = await waitForCard(t.slack, 'C0CALLS', /: busy/);
    expect(String(busy.args['text'])).toMatch(/was busy/);
    await t.whenIdle();
    expect(await calls(t)).toHaveLength(1);
  });

  test('message shortcut: one number calls it; several open a picker; none says so', async () => {
    const t = await app();
    await savePhone(t);
    const shortcut = (text: string, responseUrl: string) =>
      t.sendSigned(messageShortcut({ callbackId: SHORTCUT.callFromMessage, channel: 'C0CALLS', text, responseUrl }));

    const none = t.slack.responseUrl();
    await shortcut('Thanks, see you on Monday at 10', none);
    expect((await t.slack.waitForCall('response_url', (c) => c.args['url'] === none)).args['text']).toMatch(
      /no phone number/,
    );

    await shortcut('Please call me back on 6123 4567, thanks', t.slack.responseUrl());
    const first = await waitForCard(t.slack, 'C0CALLS', /: answered$/);
    // The card is posted once, in the message's thread (whether `answered` came in that post or in an update of it
    // depends on timing: a card shows the latest state); updates carry no thread_ts (checked at the end).
    const firstCard = cardCalls(t.slack, 'C0CALLS', /^Call/).filter((c) => cardTs(c) === cardTs(first));
    expect(firstCard.filter((c) => c.method === 'chat.postMessage').map((c) => c.args['thread_ts'])).toEqual([
      '1700000500.000100',
    ]);

    await shortcut('Office +65 6123 0001 or mobile +65 9123 0002', t.slack.responseUrl());
    const opened = await t.slack.waitForCall('views.open');
    const view = opened.args['view'] as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(VIEW.callPickNumber);
    expect(JSON.stringify(view.blocks)).toContain('+65 9123 0002');
    const pick = (value: string) =>
      t.sendSigned(
        viewSubmission({
          callbackId: VIEW.callPickNumber,
          viewId: 'V0PICK',
          privateMetadata: view.private_metadata,
          values: {
            [CALL_FIELD.number]: {
              [CALL_FIELD.number]: {
                type: 'radio_buttons',
                selected_option: { value, text: { type: 'plain_text', text: value } },
              },
            },
          },
        }),
      );
    expect(await (await pick('+6599999999')).json()).toMatchObject({ response_action: 'errors' });
    expect((await pick('+6591230002')).status).toBe(200);
    await waitForCard(t.slack, 'C0CALLS', /9123 0002.*: answered$/);
    await t.whenIdle();
    const placed = await calls(t);
    expect(placed.map((c) => c.dest2).sort()).toEqual(['+6561234567', '+6591230002']);
    expect(placed.map((c) => (c.tag ?? '').slice(0, 5)).sort()).toEqual(['hs-s-', 'hs-v-']);
    const updates = cardCalls(t.slack, 'C0CALLS', /^Call/).filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => c.args['thread_ts'] ?? '')).toEqual(updates.map(() => ''));
  });

  test('outcome unknown (connection reset after Hoiio took the call): never placed again; Check status finds it', async () => {
    // The app's Hoiio is the embedded sandbox, but voice/call answers with a reset after the sandbox placed it.
    const sandbox = sandboxClientThrough(async ({ path, forward }) => {
      const res = await forward();
      return path.endsWith('/voice/call') ? loseAnswer(res) : res;
    });
    const t = await app({ hoiio: sandbox.hoiio });
    sandbox.attach(t.url);
    await savePhone(t);
    await command(t, `call ${STAYS_ON_LINE}`);
    const unknown = await waitForCard(t.slack, 'C0CALLS', /: unknown$/);
    await t.whenIdle();
    expect(await calls(t)).toHaveLength(1);
    const id = buttonValue(unknown, ACTION.txnCheckStatus);
    expect(id).toMatch(/^\d+$/);
    const post = cardCalls(t.slack, 'C0CALLS', /^Call/).find((c) => c.method === 'chat.postMessage');
    await t.sendSigned(
      buttonClick({
        actionId: ACTION.txnCheckStatus,
        value: String(id),
        channel: 'C0CALLS',
        messageTs: postedTs(post as never),
        responseUrl: t.slack.responseUrl(),
      }),
    );
    const settled = await waitForCard(t.slack, 'C0CALLS', /: (answered|ringing)$/);
    expect(String(settled.args['text'])).toMatch(/6590000014|9000 0014/);
    await t.whenIdle();
    const placed = await calls(t);
    expect(placed).toHaveLength(1);
    expect(JSON.stringify(settled.args['blocks'])).toContain(placed[0]?.txn_ref);
  });

  test('the monthly spend cap refuses a call from every surface, saying why; nothing is placed', async () => {
    const t = await app();
    await savePhone(t);
    await setSetting(t.db, SETTING.spendCap, { amount: '0.000', currency: 'SGD' });
    expect((await command(t, 'call +65 6123 4567')).text).toMatch(/spend cap/);
    const clicked = t.slack.responseUrl();
    await t.sendSigned(
      buttonClick({
        actionId: ACTION.contactCallBack,
        value: CUSTOMER,
        channel: 'C0CALLS',
        messageTs: '1700000100.000200',
        responseUrl: clicked,
      }),
    );
    const told = await t.slack.waitForCall('response_url', (c) => c.args['url'] === clicked);
    expect(told.args['text']).toMatch(/spend cap/);
    const shortcut = t.slack.responseUrl();
    await t.sendSigned(
      messageShortcut({
        callbackId: SHORTCUT.callFromMessage,
        channel: 'C0CALLS',
        text: 'call 6123 4567',
        responseUrl: shortcut,
      }),
    );
    expect((await t.slack.waitForCall('response_url', (c) => c.args['url'] === shortcut)).args['text']).toMatch(
      /spend cap/,
    );
    await t.whenIdle();
    expect(await calls(t)).toHaveLength(0);
    expect(await t.db.selectFrom('transactions').selectAll().execute()).toHaveLength(0);
  });
});
