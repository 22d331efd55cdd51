/**
 * IVR sessions: incoming calls played out against the blocks an application sends, for each
 * caller outcome, and the session state machine (not ready while a block runs, hold, ended).
 */
import { describe, expect, test } from 'vitest';
import { mp3DurationSeconds } from '../../../src/bot/media/audio.js';
import { mergeParams, parseNotification } from '../../../src/hoiio/notifications.js';
import { SANDBOX_VOICE_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import { control, hoiio, type Received, type Receiver, startReceiver, startTestSandbox } from './sandbox-support.js';

type Server = Awaited<ReturnType<typeof startTestSandbox>>;

async function setup(timeScale = 0.005) {
  const receiver = await startReceiver();
  const server = await startTestSandbox({ timeScale, forwarding: { voice: `${receiver.url}/voice` } });
  return { receiver, server };
}

/**
 * A voicemail-style application, as the product's inbound flow: greet, ring a person with
 * on_failure=continue, and record a voicemail if nobody answers. Every block it sent is listed.
 */
function voicemailApp(receiver: Receiver, server: Server) {
  const sent: string[] = [];
  const errors: string[] = [];
  const next = `${receiver.url}/voice`;
  const send = async (api: string, params: Record<string, string>) => {
    sent.push(api.split('/').at(-1) as string);
    const r = await hoiio(server.url, api, params);
    if (r.status !== 'success_ok') errors.push(r.status);
  };
  receiver.onNotification(async (r: Received) => {
    const f: any = Object.fromEntries(r.form);
    if (r.path !== '/voice' || f.call_state === 'ended' || !f.session) return;
    const session = f.session;
    if (f.ivr_block === 'answer')
      await send('ivr/middle/play', { session, msg: 'Thanks for calling', notify_url: next });
    if (f.ivr_block === 'play') {
      await send('ivr/end/transfer', { session, dest: '+6591119999', on_failure: 'continue', notify_url: next });
    }
    if (f.ivr_block === 'transfer') {
      await send('ivr/middle/record', { session, msg: 'Leave a message', max_duration: '120', notify_url: next });
    }
  });
  return { sent, errors };
}

const ended = (receiver: Receiver, session: unknown) =>
  receiver.waitFor((r) => r.form.get('session') === session && r.form.get('call_state') === 'ended');

describe('sandbox IVR', () => {
  test('voicemail: greeting, failed transfer (continue), then a recording of the given length with a signed MP3', async () => {
    const { receiver, server } = await setup();
    const app = voicemailApp(receiver, server);
    const call = await control(server.url, 'trigger/call', { from: '+6598765432', outcome: 'voicemail', seconds: 42 });
    expect(call.status).toBe(200);
    expect(call.json).toMatchObject({
      txn_ref: expect.stringMatching(/^AA-C-\d+$/),
      session: expect.stringMatching(/^S\d+$/),
    });
    const last = await ended(receiver, call.json.session);
    await server.sandbox.whenIdle();
    expect(app.errors).toEqual([]);
    expect(app.sent).toEqual(['play', 'transfer', 'record']);
    const flow = receiver.received.filter((r) => r.form.get('session') === call.json.session);
    expect(flow.map((r) => `${r.form.get('ivr_block')}:${r.form.get('call_state')}`)).toEqual([
      'answer:ringing',
      'play:ongoing',
      'transfer:ongoing',
      'record:ended',
    ]);
    expect(flow[0]?.form.get('from')).toBe('+6598765432');
    expect(flow[0]?.form.get('to')).toBe(SANDBOX_VOICE_NUMBER);
    expect(flow[2]?.form.get('transfer_status')).toBe('unanswered');
    for (const r of flow) {
      expect(r.signed).toBe(true);
      expect(parseNotification(mergeParams(r.query, r.form), 'voice')).toMatchObject({ kind: 'ivr' });
    }
    expect(Object.fromEntries(last.form)).toMatchObject({
      record_status: 'success',
      record_duration: '42',
      duration: '2',
      rate: '0.010',
      debit: '0.020',
    });
    const mp3 = await fetch(last.form.get('record_url') as string);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const seconds = mp3DurationSeconds(new Uint8Array(await mp3.arrayBuffer()));
    expect(Math.round(seconds ?? 0)).toBe(42);
    const status = await hoiio(server.url, 'voice/query_status', { txn_ref: call.json.txn_ref as string });
    expect(status).toMatchObject({
      call_status_dest1: 'answered',
      call_status_dest2: 'unanswered',
      number: SANDBOX_VOICE_NUMBER,
    });
  });

  test('hangup: the caller leaves during the greeting, so no transfer and no voicemail', async () => {
    const { receiver, server } = await setup();
    const app = voicemailApp(receiver, server);
    const call = await control(server.url, 'trigger/call', { from: '+6598765432', outcome: 'hangup' });
    const last = await ended(receiver, call.json.session);
    await server.sandbox.whenIdle();
    expect(app.sent).toEqual(['play']);
    expect(last.form.get('ivr_block')).toBe('play');
    expect(last.form.has('record_url')).toBe(false);
    const outbox = (await (await fetch(`${server.url}/api/outbox`)).json()) as { items: Record<string, unknown>[] };
    expect(outbox.items).toMatchObject([
      { kind: 'ivr', session: call.json.session, status: 'ended', direction: 'incoming', blocks: [{ block: 'play' }] },
    ]);
  });

  test('answer: the transfer is answered and the call ends with both rates billed', async () => {
    const { receiver, server } = await setup();
    const app = voicemailApp(receiver, server);
    const call = await control(server.url, 'trigger/call', { from: '+6598765432', outcome: 'answer', seconds: 200 });
    const last = await ended(receiver, call.json.session);
    expect(app.sent).toEqual(['play', 'transfer']);
    expect(Object.fromEntries(last.form)).toMatchObject({
      ivr_block: 'transfer',
      transfer_status: 'answered',
      duration: '4',
      rate: '0.030',
      debit: '0.120',
    });
  });

  test('digits: each Gather gets the next entry of the script, cut at # and max_digits; past the end, none', async () => {
    const { receiver, server } = await setup();
    const next = `${receiver.url}/voice`;
    const digits: string[] = [];
    receiver.onNotification(async (r) => {
      const f: any = Object.fromEntries(r.form);
      if (f.call_state === 'ended') return;
      if (f.ivr_block === 'gather') digits.push(f.digits ?? '?');
      if (f.ivr_block === 'answer' || (f.ivr_block === 'gather' && digits.length < 3)) {
        const maxDigits = digits.length === 1 ? '1' : '0';
        await hoiio(server.url, 'ivr/middle/gather', {
          session: f.session as string,
          max_digits: maxDigits,
          notify_url: next,
        });
      } else if (f.ivr_block === 'gather') {
        await hoiio(server.url, 'ivr/end/hangup', { session: f.session as string, notify_url: next });
      }
    });
    const call = await control(server.url, 'trigger/call', { from: '+6598765432', digits: '12#9,34,' });
    await ended(receiver, call.json.session);
    expect(digits).toEqual(['12', '3', '']);
  });

  test('state machine: ringing, then not ready while a block runs, hold allows only unhold, ended after an End block', async () => {
    const { receiver, server } = await setup(1000);
    const call = await control(server.url, 'trigger/call', { from: '+6598765432' });
    const session = call.json.session as string;
    const outbox = async () =>
      ((await (await fetch(`${server.url}/api/outbox`)).json()) as { items: Record<string, unknown>[] }).items;
    expect(await outbox()).toEqual([]);
    expect((await hoiio(server.url, 'ivr/middle/hold', { session, msg: 'hold on' })).status).toBe('success_ok');
    expect(await outbox()).toMatchObject([{ status: 'ongoing', held: true }]);
    for (const api of ['ivr/middle/play', 'ivr/middle/hold', 'ivr/end/hangup']) {
      expect((await hoiio(server.url, api, { session })).status).toBe('error_session_not_ready');
    }
    expect((await hoiio(server.url, 'ivr/middle/unhold', { session })).status).toBe('success_ok');
    expect((await hoiio(server.url, 'ivr/middle/unhold', { session })).status).toBe('error_session_not_on_hold');
    expect(
      (await hoiio(server.url, 'ivr/middle/play', { session, msg: 'a', notify_url: `${receiver.url}/v` })).status,
    ).toBe('success_ok');
    expect((await hoiio(server.url, 'ivr/middle/play', { session, msg: 'b' })).status).toBe('error_session_not_ready');
    expect((await hoiio(server.url, 'ivr/end/hangup', { session })).status).toBe('error_session_not_ready');
    expect(
      (await hoiio(server.url, 'ivr/end/hangup', { session, force: 'enabled', notify_url: `${receiver.url}/v` }))
        .status,
    ).toBe('success_ok');
    const end = await ended(receiver, session);
    expect(end.form.get('ivr_block')).toBe('hangup');
    expect((await hoiio(server.url, 'ivr/middle/play', { session, msg: 'c' })).status).toBe('error_session_ended');
    expect(await outbox()).toMatchObject([
      {
        status: 'ended',
        blocks: [{ block: 'hold' }, { block: 'unhold' }, { block: 'play' }, { block: 'hangup', force: 'enabled' }],
      },
    ]);
  });

  test('a block without notify_url ends the call once done, silently', async () => {
    const { receiver, server } = await setup();
    const call = await control(server.url, 'trigger/call', { from: '+6598765432' });
    const session = call.json.session as string;
    await hoiio(server.url, 'ivr/middle/play', { session, msg: 'Goodbye' });
    await server.sandbox.whenIdle();
    expect((await hoiio(server.url, 'ivr/middle/play', { session, msg: 'more' })).status).toBe('error_session_ended');
    expect(receiver.received.map((r) => r.form.get('ivr_block'))).toEqual(['answer']);
  });

  test('a caller nobody answers gives up and the call ends (hangup notification to the forwarding URL)', async () => {
    const { receiver, server } = await setup();
    const call = await control(server.url, 'trigger/call', { from: '+6598765432' });
    const end = await ended(receiver, call.json.session);
    expect(end.path).toBe('/voice');
    expect(Object.fromEntries(end.form)).toMatchObject({ ivr_block: 'hangup', duration: '0', debit: '0.000' });
  });

  test('ivr/start/dial: busy destination ends the dial; monitor announces its recording when the call ends', async () => {
    const { receiver, server } = await setup();
    const notify = `${receiver.url}/status`;
    const busy = await hoiio(server.url, 'ivr/start/dial', { dest: '+6590000011', notify_url: notify });
    const busyEnd = await ended(receiver, busy.session);
    expect(Object.fromEntries(busyEnd.form)).toMatchObject({
      ivr_block: 'dial',
      dial_status: 'busy',
      dest: '+6590000011',
    });

    const dial = await hoiio(server.url, 'ivr/start/dial', { dest: '+6591110000', notify_url: notify });
    const session = dial.session as string;
    await receiver.waitFor((r) => r.form.get('session') === session && r.form.get('ivr_block') === 'dial');
    await hoiio(server.url, 'ivr/middle/monitor', {
      session,
      notify_url: notify,
      monitor_notify_url: `${receiver.url}/mon`,
    });
    await receiver.waitFor((r) => r.form.get('session') === session && r.form.get('ivr_block') === 'monitor');
    await hoiio(server.url, 'ivr/end/hangup', { session, msg: 'Bye', notify_url: notify });
    const mon = await receiver.waitFor((r) => r.path === '/mon');
    expect(mon.form.get('call_state')).toBe('ended');
    const mp3 = await fetch(mon.form.get('monitor_url') as string);
    expect(mp3.status).toBe(200);
  });

  test('voice/hangup ends a live IVR call', async () => {
    const { receiver, server } = await setup(1000);
    const call = await control(server.url, 'trigger/call', { from: '+6598765432' });
    expect((await hoiio(server.url, 'voice/hangup', { txn_ref: call.json.txn_ref as string })).status).toBe(
      'success_ok',
    );
    expect((await hoiio(server.url, 'ivr/middle/play', { session: call.json.session as string })).status).toBe(
      'error_session_ended',
    );
    expect(receiver.received.map((r) => r.form.get('call_state'))).toEqual(['ringing']);
  });

  test('a call to a number without voice forwarding rings out', async () => {
    const server = await startTestSandbox();
    const call = await control(server.url, 'trigger/call', { from: '+6598765432' });
    await server.sandbox.whenIdle();
    const status = await hoiio(server.url, 'voice/query_status', { txn_ref: call.json.txn_ref as string });
    expect(status).toMatchObject({ call_status_dest1: 'unanswered', duration: '0' });
  });
});
