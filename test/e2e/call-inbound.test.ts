/**
 * Inbound calls end to end, with the sandbox playing the caller: each outcome's card (missed, voicemail with its
 * MP3 uploaded once, answered by, menu digits), the IVR blocks the app sent, duplicate notifications, the default
 * flow of an unrouted number, Mark handled, and a restart in the middle of a call.
 */
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { ACTION } from '../../src/bot/ids.js';
import { upsertNumberRoute } from '../../src/db/repositories/number-routes.js';
import { setUserPhone } from '../../src/db/repositories/user-profiles.js';
import { HoiioClient, signHoiioBody } from '../../src/hoiio/index.js';
import { notificationTarget } from '../../src/hoiio/sandbox/notifier.js';
import type { SandboxNotificationEvent } from '../../src/hoiio/sandbox/types.js';
import { sandboxClientThrough } from '../support/sandbox-client.js';
import type { TestApp, TestAppOptions } from '../support/test-app.js';
import { testEngines } from '../support/test-db.js';
import { useTestApp } from '../support/use-test-app.js';
import { buttonClick, buttonValue, cardCalls, postedTs, waitForCard } from './call-helpers.js';

const CALLER = '+6591234567';
const ALICE = { id: 'U0ALICE', phone: '+6591110001' };
const BOB = { id: 'U0BOB', phone: '+6591110002' };
const CAROL = { id: 'U0CAROL', phone: '+6591110003' };
const LINE = 'C0LINE';
const NOT_SUPPORTED = '+6590000040'; // sandbox: error_dest_not_supported

/**
 * The embedded sandbox as the app's Hoiio, except that `fault(endpoint, n)` (n: how many times that endpoint was
 * asked so far, from 1) may answer a Hoiio status instead, without the request reaching the sandbox.
 */
function faultyHoiio(fault: (endpoint: string, n: number) => string | undefined) {
  let origin = '';
  const counts = new Map<string, number>();
  const hoiio = new HoiioClient({
    appId: 'sandbox',
    accessToken: 'sandbox',
    baseUrl: 'http://sandbox.invalid/sandbox/open/',
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const endpoint = url.pathname.replace(/^\/sandbox\/open\//, '');
      const n = (counts.get(endpoint) ?? 0) + 1;
      counts.set(endpoint, n);
      const status = fault(endpoint, n);
      if (status !== undefined) {
        return new Response(JSON.stringify({ status }), { headers: { 'content-type': 'application/json' } });
      }
      return fetch(`${origin}${url.pathname}${url.search}`, init);
    },
  });
  return { hoiio, setOrigin: (o: string) => (origin = o), counts };
}

interface IvrItem {
  kind: 'ivr';
  session: string;
  blocks: {
    block: string;
    msg?: string;
    dest?: string;
    max_duration?: string;
    on_failure?: string;
    notify_url?: string;
  }[];
}

describe.each(testEngines())('inbound calls (%s)', (engine) => {
  const setup = useTestApp(engine);

  async function app(options: Partial<TestAppOptions> = {}): Promise<TestApp> {
    return setup.startApp(options);
  }

  async function route(
    t: TestApp,
    extra: Parameters<typeof upsertNumberRoute>[1] extends infer R ? Partial<R> : never,
  ) {
    for (const u of [ALICE, BOB, CAROL]) await setUserPhone(t.db, u.id, u.phone);
    await upsertNumberRoute(t.db, {
      number: t.sandbox.voiceNumber,
      channel_id: LINE,
      label: 'Support line',
      greeting: 'Welcome to Acme support.',
      ring_user_ids: [ALICE.id, BOB.id],
      voicemail_max_seconds: 60,
      ...extra,
    });
  }

  async function ivrItems(t: TestApp): Promise<IvrItem[]> {
    return ((await t.sandbox.outbox()) as IvrItem[]).filter((i) => i.kind === 'ivr');
  }

  /** POSTs a voice notification to the app's webhook, unsigned, as anyone could (a forgery). */
  function notifyVoice(t: TestApp, params: Record<string, string>): Promise<Response> {
    return fetch(t.webhookUrl('voice'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  }

  function callCards(t: TestApp, channel = LINE) {
    return cardCalls(t.slack, channel, /^Call from/);
  }

  test('caller hangs up during the greeting: one card in the contact thread, ringing → missed; only the greeting was sent', async () => {
    const t = await app();
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'hangup' });
    const missed = await waitForCard(t.slack, LINE, /^Call from \+65 9123 4567: missed$/);
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => b.block)).toEqual(['play']);
    expect(item?.blocks[0]).toMatchObject({
      msg: 'Welcome to Acme support.',
      notify_url: expect.stringMatching(/\/voice\?step=1$/),
    });

    const header = t.slack.calls('chat.postMessage').find((c) => c.args['channel'] === LINE && !c.args['thread_ts']);
    expect(String(header?.args['text'])).toMatch(/\+6591234567|9123 4567/);
    const cards = callCards(t);
    expect(cards.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(cards[0]?.args['thread_ts']).toBe(postedTs(header as never));
    expect(cards.every((c) => c.method === 'chat.postMessage' || c.args['ts'] === postedTs(cards[0] as never))).toBe(
      true,
    );
    expect(buttonValue(missed, ACTION.contactCallBack)).toBe(CALLER);
    expect(buttonValue(missed, ACTION.contactSendSms)).toBe(CALLER);
    expect(buttonValue(missed, ACTION.callMarkHandled)).toMatch(/^\d+$/);
  });

  test('nobody answers: each ring-list phone in turn, then voicemail; the MP3 is uploaded once with its duration', async () => {
    // Bob is rung only once the card has shown that Alice is being rung: the card renders the latest state when
    // its job runs, so without holding the next transfer a loaded machine could skip straight past Alice.
    let t: TestApp | undefined;
    const sandbox = sandboxClientThrough(async ({ path, form, forward }) => {
      if (t !== undefined && path.endsWith('/transfer') && form.get('dest') === BOB.phone) {
        const ringing = (c: { args: Record<string, unknown> }) =>
          c.args['channel'] === LINE && JSON.stringify(c.args['blocks']).includes('Ringing <@U0ALICE>');
        await Promise.race([
          t.slack.waitForCall('chat.postMessage', ringing),
          t.slack.waitForCall('chat.update', ringing),
        ]);
      }
      return forward();
    });
    t = await app({ hoiio: sandbox.hoiio });
    sandbox.attach(t.url);
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail', seconds: 12 });
    await waitForCard(t.slack, LINE, /: voicemail$/);
    await t.slack.waitForCall('files.completeUploadExternal');
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => [b.block, b.dest])).toEqual([
      ['play', undefined],
      ['transfer', ALICE.phone],
      ['transfer', BOB.phone],
      ['record', undefined],
    ]);
    expect(item?.blocks[1]).toMatchObject({ on_failure: 'continue' });
    expect(item?.blocks[3]).toMatchObject({ max_duration: '60', msg: 'Please leave a message after the tone.' });
    expect(t.slack.calls('files.completeUploadExternal')).toHaveLength(1);
    const upload = t.slack.calls('files.getUploadURLExternal')[0];
    expect(String(upload?.args['filename'])).toMatch(/^voicemail-6591234567-.*\.mp3$/);
    const final = callCards(t).at(-1);
    expect(JSON.stringify(final?.args['blocks'])).toMatch(/Left a voicemail \(0:12\): the recording is in this thread/);
    // the MP3's own length, measured before the upload
    const call = await t.db.selectFrom('transactions').selectAll().where('kind', '=', 'ivr').executeTakeFirstOrThrow();
    expect(call).toMatchObject({ status: 'voicemail', contact_number: CALLER, our_number: t.sandbox.voiceNumber });
    expect(Math.abs(Number(call.meta['media_seconds']) - 12)).toBeLessThanOrEqual(1);
    // the card showed who was being rung on the way, Alice before Bob
    const ringing = callCards(t).flatMap((c) => JSON.stringify(c.args['blocks']).match(/Ringing <@U0\w+>/g) ?? []);
    expect(ringing[0]).toBe('Ringing <@U0ALICE>');
  });

  test('answered: the card says who answered, with minutes and cost', async () => {
    const t = await app();
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'answer', seconds: 150 });
    const answered = await waitForCard(t.slack, LINE, /^Call from .*: answered by <@U0ALICE>$/);
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => b.block)).toEqual(['play', 'transfer']);
    const final = callCards(t).at(-1) ?? answered;
    expect(JSON.stringify(final.args['blocks'])).toMatch(/Answered by <@U0ALICE>.*\d+ min.*SGD/);
    expect(t.slack.calls('files.completeUploadExternal')).toHaveLength(0);
  });

  test('menu: the key pressed picks the ring list and is shown on the card', async () => {
    const t = await app();
    await route(t, {
      menu: {
        prompt: 'Press 1 for sales, 2 for support.',
        options: {
          '1': { label: 'sales', ring_user_ids: [CAROL.id] },
          '2': { label: 'support', ring_user_ids: [BOB.id] },
        },
      },
    });
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'answer', digits: ['2'] });
    const answered = await waitForCard(t.slack, LINE, /answered by <@U0BOB>$/);
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => [b.block, b.dest ?? b.msg])).toEqual([
      ['play', 'Welcome to Acme support.'],
      ['gather', 'Press 1 for sales, 2 for support.'],
      ['transfer', BOB.phone],
    ]);
    const final = callCards(t).at(-1) ?? answered;
    expect(JSON.stringify(final.args['blocks'])).toContain('Menu: pressed `2` → support');
  });

  test('unrouted number: default greeting, straight to voicemail, card in DEFAULT_CHANNEL', async () => {
    const t = await app({ env: { DEFAULT_CHANNEL: 'C0DEFAULT' } });
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail' });
    const card = await waitForCard(t.slack, 'C0DEFAULT', /: voicemail$/);
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => b.block)).toEqual(['play', 'record']);
    expect(item?.blocks[0]?.msg).toBe('Thank you for calling. Please hold while we connect you.');
    expect(JSON.stringify(card.args['blocks'])).toMatch(/no route/);
  });

  test('duplicate notifications send no extra block and post nothing more', async () => {
    const t = await app();
    await route(t, { ring_user_ids: [ALICE.id] });
    const seen: SandboxNotificationEvent[] = [];
    t.sandbox.instance.events.on('notification', (e: SandboxNotificationEvent) => seen.push(e));
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail' });
    await waitForCard(t.slack, LINE, /: voicemail$/);
    await t.slack.waitForCall('files.completeUploadExternal');
    await t.whenIdle();
    const blocksBefore = (await ivrItems(t))[0]?.blocks.length;
    const slackBefore = t.slack.calls().length;
    expect(seen.map((e) => e.params['ivr_block'])).toEqual(['answer', 'play', 'transfer', 'record']);

    const replay = async (e: SandboxNotificationEvent) => {
      const body = new URLSearchParams(e.params).toString();
      const res = await fetch(notificationTarget(e.url, body), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-hoiio-signature': signHoiioBody(body, t.sandbox.instance.accessToken),
        },
        body,
      });
      return res.status;
    };
    const statuses = await Promise.all(seen.flatMap((e) => [replay(e), replay(e), replay(e)]));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await t.whenIdle();
    expect((await ivrItems(t))[0]?.blocks.length).toBe(blocksBefore);
    expect(t.slack.calls().length).toBe(slackBefore);
  });

  test('Mark handled: shows who handled it and when; a second click changes nothing', async () => {
    const t = await app();
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'hangup' });
    const missed = await waitForCard(t.slack, LINE, /: missed$/);
    await t.whenIdle();
    const post = callCards(t).find((c) => c.method === 'chat.postMessage');
    const id = buttonValue(missed, ACTION.callMarkHandled) ?? '';
    const click = (user: string, responseUrl: string) =>
      t.sendSigned(
        buttonClick({
          actionId: ACTION.callMarkHandled,
          value: id,
          channel: LINE,
          messageTs: postedTs(post as never),
          responseUrl,
          user,
        }),
      );
    expect((await click('U0ALICE', t.slack.responseUrl())).status).toBe(200);
    const handled = await t.slack.waitForCall('chat.update', (c) =>
      /Handled by <@U0ALICE>/.test(JSON.stringify(c.args['blocks'])),
    );
    expect(buttonValue(handled, ACTION.callMarkHandled)).toBeUndefined();
    await t.whenIdle();
    const updates = t.slack.calls('chat.update').length;
    const second = t.slack.responseUrl();
    await click('U0BOB', second);
    const told = await t.slack.waitForCall('response_url', (c) => c.args['url'] === second);
    expect(told.args['text']).toMatch(/<@U0ALICE> already marked/);
    await t.whenIdle();
    expect(t.slack.calls('chat.update').length).toBe(updates);
  });

  test('a restart in the middle of a call: the new app takes the next notification and finishes the flow', async () => {
    // The app restarts while the greeting plays; what Hoiio notifies meanwhile waits for the new app (as if the
    // network were slow), however long the restart takes.
    let restarted: Promise<void> = Promise.resolve();
    const t = await app({ sandboxNotifyFetch: async (input, init) => restarted.then(() => fetch(input, init)) });
    await route(t, { ring_user_ids: [] });
    const played = new Promise<void>((resolve) => {
      t.sandbox.instance.events.on('request', (e: { path: string }) => {
        if (e.path.endsWith('/ivr/middle/play')) resolve();
      });
    });
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail', seconds: 5 });
    await played;
    restarted = t.restart();
    await restarted;
    await waitForCard(t.slack, LINE, /: voicemail$/);
    await t.slack.waitForCall('files.completeUploadExternal');
    await t.whenIdle();
    const [item] = await ivrItems(t);
    expect(item?.blocks.map((b) => b.block)).toEqual(['play', 'record']);
    expect(callCards(t).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  test('"session not ready" is asked again shortly; the call goes on', async () => {
    const faulty = faultyHoiio((endpoint, n) =>
      endpoint === 'ivr/middle/play' && n === 1 ? 'error_session_not_ready' : undefined,
    );
    const t = await app({ hoiio: faulty.hoiio });
    faulty.setOrigin(t.url);
    await route(t, { ring_user_ids: [] });
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail' });
    await waitForCard(t.slack, LINE, /: voicemail$/);
    await t.whenIdle();
    expect(faulty.counts.get('ivr/middle/play')).toBe(2);
    expect((await ivrItems(t))[0]?.blocks.map((b) => b.block)).toEqual(['play', 'record']);
  });

  test('"session ended" ends the call as missed; nothing more is sent', async () => {
    const faulty = faultyHoiio((endpoint) => (endpoint === 'ivr/end/transfer' ? 'error_session_ended' : undefined));
    const t = await app({ hoiio: faulty.hoiio });
    faulty.setOrigin(t.url);
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'voicemail' });
    await waitForCard(t.slack, LINE, /: missed$/);
    await t.whenIdle();
    expect(faulty.counts.get('ivr/end/transfer')).toBe(1);
    expect(faulty.counts.get('ivr/middle/record')).toBeUndefined();
    const call = await t.db.selectFrom('ivr_sessions').selectAll().executeTakeFirstOrThrow();
    expect(call.state).toBe('ended');
    expect(call.ended_at).not.toBeNull();
  });

  test('a forged answer notification (a session Hoiio does not know) posts nothing', async () => {
    const t = await app();
    await route(t, {});
    const res = await notifyVoice(t, {
      ivr_block: 'answer',
      session: 'S999999',
      txn_ref: 'AA-C-999999',
      from: CALLER,
      to: t.sandbox.voiceNumber,
      call_state: 'ringing',
    });
    expect(res.status).toBe(200);
    await t.whenIdle();
    expect(t.slack.calls('chat.postMessage')).toHaveLength(0);
    const event = await t.db.selectFrom('inbound_events').selectAll().executeTakeFirstOrThrow();
    expect(event.state).toBe('unverified');
  });

  test('the answer notification lost (app unreachable): the hang-up that follows becomes a missed-call card, verified with Hoiio', async () => {
    // Hoiio does not retry: the answer never reaches the app, so nobody is rung and the caller gives up.
    const t = await app({
      sandboxNotifyFetch: (input, init) =>
        String(input).includes('ivr_block=answer') ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init),
    });
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'hangup' });
    const missed = await waitForCard(t.slack, LINE, /^Call from \+65 9123 4567: missed$/);
    await t.whenIdle();
    expect((await ivrItems(t)).flatMap((i) => i.blocks)).toEqual([]); // no block was ever sent
    expect(JSON.stringify(missed.args['blocks'])).toContain('The app was unreachable when this call came in');
    expect(buttonValue(missed, ACTION.contactCallBack)).toBe(CALLER);
    expect(callCards(t).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const call = await t.db.selectFrom('transactions').selectAll().where('kind', '=', 'ivr').executeTakeFirstOrThrow();
    expect(call).toMatchObject({ status: 'missed', contact_number: CALLER, our_number: t.sandbox.voiceNumber });
    const states = await t.db.selectFrom('inbound_events').select('state').orderBy('id').execute();
    expect(states.map((e) => e.state)).toEqual(['processed']);
    const session = await t.db.selectFrom('ivr_sessions').selectAll().executeTakeFirstOrThrow();
    expect(session.ended_at).not.toBeNull(); // nothing left for the sweep
  });

  test('a forged hang-up notification (a call Hoiio does not know) posts nothing', async () => {
    const t = await app();
    await route(t, {});
    const res = await notifyVoice(t, {
      ivr_block: 'hangup',
      session: 'S999998',
      txn_ref: 'AA-C-999998',
      from: CALLER,
      to: t.sandbox.voiceNumber,
      call_state: 'ended',
      duration: '0',
    });
    expect(res.status).toBe(200);
    await t.whenIdle();
    expect(t.slack.calls('chat.postMessage')).toHaveLength(0);
    const event = await t.db.selectFrom('inbound_events').selectAll().executeTakeFirstOrThrow();
    expect(event.state).toBe('unverified');
    expect(await t.db.selectFrom('transactions').selectAll().execute()).toHaveLength(0);
  });

  test('a ring-list phone Hoiio refuses is skipped; the next one rings', async () => {
    const t = await app();
    await route(t, {});
    await setUserPhone(t.db, ALICE.id, NOT_SUPPORTED);
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'answer' });
    await waitForCard(t.slack, LINE, /answered by <@U0BOB>$/);
    await t.whenIdle();
    expect((await ivrItems(t))[0]?.blocks.map((b) => [b.block, b.dest])).toEqual([
      ['play', undefined],
      ['transfer', BOB.phone],
    ]);
  });

  test('a call whose ending notification never came is settled by the sweep (query_status), not left ringing', async () => {
    // Every notify_url points at a dead port: after the answer, the app hears nothing more of this call.
    const sandbox = sandboxClientThrough(({ form, forward }) => {
      if (form.has('notify_url')) form.set('notify_url', 'http://127.0.0.1:9/lost');
      return forward(form);
    });
    const t = await app({ hoiio: sandbox.hoiio });
    sandbox.attach(t.url);
    await route(t, {});
    await t.sandbox.trigger.call({ from: CALLER, outcome: 'hangup' });
    await waitForCard(t.slack, LINE, /: ringing$/);
    await t.whenIdle();
    expect(callCards(t).map((c) => String(c.args['text']))).not.toContainEqual(expect.stringMatching(/missed/));

    const sweep = await t.db
      .selectFrom('jobs')
      .selectAll()
      .where('queue', '=', 'call.ivr_sweep')
      .executeTakeFirstOrThrow();
    expect(sweep.run_at.getTime()).toBeGreaterThan(Date.now() + 60_000);
    // ten minutes later…
    await sql`update ivr_sessions set updated_at = now() - interval '11 minutes'`.execute(t.db);
    await sql`update jobs set run_at = now() where id = ${sweep.id}`.execute(t.db);
    t.deps.jobWake.wake();
    const missed = await waitForCard(t.slack, LINE, /: missed$/);
    await t.whenIdle();
    expect(JSON.stringify(missed.args['blocks'])).toContain('SGD');
    const session = await t.db.selectFrom('ivr_sessions').selectAll().executeTakeFirstOrThrow();
    expect(session.ended_at).not.toBeNull();
  });
});
