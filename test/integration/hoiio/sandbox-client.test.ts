/**
 * The project's HoiioClient against the sandbox, for every endpoint: what the client sends, the
 * sandbox understands, and what the sandbox answers, the client parses.
 */
import { PDFDocument } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { HoiioClient } from '../../../src/hoiio/hoiio-client.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import { startReceiver, startTestSandbox } from './sandbox-support.js';

async function a4Pdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595.28, 841.89]);
  return doc.save();
}

async function setup(method: 'GET' | 'POST' = 'POST') {
  const server = await startTestSandbox();
  const receiver = await startReceiver();
  const client = new HoiioClient({
    appId: 'sandbox',
    accessToken: 'sandbox',
    baseUrl: `${server.url}/open/`,
    method,
    maxRetries: 0,
  });
  return { server, receiver, client, notify: `${receiver.url}/status` };
}

describe.each(['POST', 'GET'] as const)('HoiioClient (%s) against the sandbox', (method) => {
  test('sms: send, bulk send, query status, history, rate', async () => {
    const { server, receiver, client, notify } = await setup(method);
    const sent = await client.sms.send({ dest: '+6591112222', msg: 'Parcel ready', tag: 't-1', notifyUrl: notify });
    expect(sent.txnRef).toMatch(/^AA-S-\d+$/);
    await receiver.waitFor((r) => r.form.get('txn_ref') === sent.txnRef && r.form.get('sms_status') === 'delivered');
    const status = await client.sms.queryStatus({ txnRef: sent.txnRef });
    expect(status).toMatchObject({
      txnRef: sent.txnRef,
      tag: 't-1',
      smsStatus: 'delivered',
      dest: '+6591112222',
      splitCount: 1,
      msg: 'Parcel ready',
      currency: 'SGD',
      rate: '0.038',
      debit: '0.038',
    });
    expect(status.date).toBeInstanceOf(Date);

    const bulk = await client.sms.bulkSend({ dest: ['+6591112223', '+6591112224'], msg: 'Hi all', notifyUrl: notify });
    expect(bulk.bulkTxnRef).toMatch(/^AA-B-\d+$/);
    const templated = await client.sms.bulkSend({
      recipients: [{ dest: '+6591112225', name: 'Ann' }],
      msg: 'Hi {{name}}',
    });
    expect(templated.bulkTxnRef).toMatch(/^AA-B-\d+$/);
    await server.sandbox.whenIdle();
    const history = await client.sms.getHistory();
    expect(history.totalEntriesCount).toBe(4);
    expect(history.entries.map((e) => e.msg)).toEqual(['Parcel ready', 'Hi all', 'Hi all', 'Hi Ann']);
    expect(history.entries.filter((e) => e.dest === '+6591112223')).toHaveLength(1);

    const rate = await client.sms.getRate({ dest: '+6591112222', msg: 'x'.repeat(200) });
    expect(rate).toMatchObject({ currency: 'SGD', rate: '0.038', splitCount: 2, totalCost: '0.076', isUnicode: false });
    const incoming = await client.sms.getRate({ incoming: SANDBOX_VOICE_NUMBER });
    expect(incoming).toMatchObject({ currency: 'SGD', rate: '0.010' });
  });

  test('voice: call, query status, history, rate, hangup; conference: voice/conference, conference/call, moderate', async () => {
    const { server, receiver, client, notify } = await setup(method);
    const call = await client.voice.call({ dest1: '+6591110001', dest2: '+6591110002', tag: 'c', notifyUrl: notify });
    expect(call.txnRef).toMatch(/^AA-C-\d+$/);
    const ended = await receiver.waitFor((r) => r.form.get('txn_ref') === call.txnRef);
    expect(ended.form.get('call_status_dest2')).toBe('answered');
    const status = await client.voice.queryStatus({ txnRef: call.txnRef });
    expect(status).toMatchObject({ dest1: '+6591110001', dest2: '+6591110002', duration: 2, rate: '0.040' });
    expect(status.debit).toBe('0.080');

    const long = await client.voice.call({ dest2: '+6590000014' });
    const live = await client.voice.queryStatus({ txnRef: long.txnRef });
    expect(live.duration).toBeUndefined();
    await client.voice.hangup({ txnRef: long.txnRef });

    const conf = await client.voice.conference({ dest: ['+6591110003', '+6591110004'], notifyUrl: notify });
    expect(conf.txnRefs).toHaveLength(2);
    expect(conf.room).toMatch(/^R\d+$/);
    const conf2 = await client.conference.call({ dest: ['+6590000014'], room: 'team.room' });
    expect(conf2).toMatchObject({ room: 'team.room' });
    const [participant] = conf2.txnRefs;
    await client.conference.moderate({ txnRef: participant as string, action: 'mute' });
    await client.conference.moderate({ txnRef: participant as string, action: 'kick' });

    await server.sandbox.whenIdle();
    const history = await client.voice.getHistory();
    expect(history.totalEntriesCount).toBe(5);
    const rate = await client.voice.getRate({ dest1: '+6591110001', dest2: '+6591110002' });
    expect(rate).toMatchObject({ currency: 'SGD', rate: '0.040' });
    expect(rate.talktime).toBeGreaterThan(1000);
  });

  test('fax: send (multipart), query status, history, rate', async () => {
    const { server, receiver, client, notify } = await setup(method);
    const sent = await client.fax.send({
      dest: '+6562220000',
      file: await a4Pdf(3),
      filename: 'q.pdf',
      notifyUrl: notify,
    });
    expect(sent.txnRef).toMatch(/^AA-C-\d+$/);
    const result = await receiver.waitFor((r) => r.form.get('txn_ref') === sent.txnRef);
    expect(result.form.get('fax_status')).toBe('answered');
    expect(result.form.get('fax_pages')).toBe('3');
    const status = await client.fax.queryStatus({ txnRef: sent.txnRef });
    expect(status).toMatchObject({ faxStatus: 'answered', faxPages: 3, dest: '+6562220000', debit: '0.045' });
    const pdf = await fetch(status.faxUrl as string);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    await fetch(`${server.url}/api/trigger/fax`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+6562000001', pages: 2 }),
    });
    await server.sandbox.whenIdle();
    expect((await client.fax.getHistory()).totalEntriesCount).toBe(2);
    const incoming = await client.fax.getHistory({ type: 'incoming' });
    expect(incoming.entries).toMatchObject([{ src: '+6562000001', dest: SANDBOX_FAX_NUMBER, faxPages: 2 }]);
    expect(await client.fax.getRate({ dest: '+6562220000' })).toMatchObject({ rate: '0.015' });
    expect(await client.fax.getRate({ incoming: SANDBOX_FAX_NUMBER })).toMatchObject({ rate: '0.015' });
  });

  test('ivr: dial, play, gather, record, monitor, hold, unhold, transfer, hangup', async () => {
    const { server, receiver, client, notify } = await setup(method);
    const next = (session: string, block: string) =>
      receiver.waitFor((r) => r.form.get('session') === session && r.form.get('ivr_block') === block);
    const dial = await client.ivr.dial({ dest: '+6591110009', msg: 'Hello', notifyUrl: notify });
    expect(dial.session).toMatch(/^S\d+$/);
    expect((await next(dial.session, 'dial')).form.get('dial_status')).toBe('answered');
    await client.ivr.play({ session: dial.session, msg: 'Welcome', notifyUrl: notify });
    await next(dial.session, 'play');
    await client.ivr.gather({ session: dial.session, msg: 'Press 1', maxDigits: 1, notifyUrl: notify });
    await next(dial.session, 'gather');
    await client.ivr.record({ session: dial.session, maxDuration: 30, notifyUrl: notify });
    expect((await next(dial.session, 'record')).form.get('record_status')).toBe('success');
    await client.ivr.monitor({ session: dial.session, notifyUrl: notify });
    await next(dial.session, 'monitor');
    await client.ivr.hold({ session: dial.session, msg: 'Please hold' });
    await client.ivr.unhold({ session: dial.session, notifyUrl: notify });
    await next(dial.session, 'unhold');
    const transfer = await client.ivr.transfer({ session: dial.session, dest: 'room:', notifyUrl: notify });
    expect(transfer.room).toMatch(/^R\d+$/);
    const done = await receiver.waitFor(
      (r) => r.form.get('ivr_block') === 'transfer' && r.form.get('call_state') === 'ended',
    );
    expect(done.form.get('transfer_status')).toBe('answered');

    const other = await client.ivr.dial({ dest: '+6591110010', notifyUrl: notify });
    await next(other.session, 'dial');
    await client.ivr.hangup({ session: other.session, notifyUrl: notify });
    expect((await next(other.session, 'hangup')).form.get('call_state')).toBe('ended');
    await server.sandbox.whenIdle();
  });

  test('number and account: countries, choices, rates, subscribe, update forwarding, active; balance, info', async () => {
    const { client } = await setup(method);
    const countries = await client.number.getCountries();
    expect(countries.entries.map((c) => c.code)).toEqual(['SG', 'HK', 'US']);
    const us = countries.entries.find((c) => c.code === 'US');
    expect(us?.states?.map((s) => s.code)).toEqual(['US-CA', 'US-NY']);
    const choices = await client.number.getChoices({ country: 'SG' });
    expect(choices).toMatchObject({ totalEntriesCount: 30, entriesCount: 20 });
    const page2 = await client.number.getChoices({ country: 'SG', page: 2 });
    expect(page2.entriesCount).toBe(10);
    const rates = await client.number.getRates({ country: 'SG' });
    expect(rates.entries.map((r) => r.duration)).toEqual([1, 3, 12]);
    const bought = choices.entries[0]?.number as string;
    const sub = await client.number.subscribe({ number: bought, duration: 3 });
    expect(sub).toMatchObject({ currency: 'SGD', debit: '28.000' });
    expect(sub.expiry).toBeInstanceOf(Date);
    await client.number.updateForwarding({
      number: SANDBOX_VOICE_NUMBER,
      forwardTo: 'https://app.example.com/hoiio/t/voice',
      forwardToSms: 'https://app.example.com/hoiio/t/sms',
      mode: 'voice',
    });
    const active = await client.number.getActive();
    expect(active.entriesCount).toBe(3);
    expect(active.entries.find((e) => e.number === SANDBOX_VOICE_NUMBER)).toMatchObject({
      forwardTo: 'https://app.example.com/hoiio/t/voice',
      forwardSmsTo: 'https://app.example.com/hoiio/t/sms',
      mode: 'voice',
      capabilities: ['VOICE', 'SMS'],
    });
    expect(await client.account.getBalance()).toMatchObject({
      currency: 'SGD',
      balance: '72.000',
      points: '72.000',
      bonus: '0.000',
    });
    const info = await client.account.getInfo();
    expect(info).toMatchObject({ uid: 'AA-1001', mobileNumber: '+6591234567', userStatus: 'active' });
    expect(info.callerIds).toContain(SANDBOX_FAX_NUMBER);
  });
});
