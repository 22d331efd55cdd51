import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HoiioParseError } from '../../../src/hoiio/errors.js';
import { HoiioClient } from '../../../src/hoiio/hoiio-client.js';
import { type FakeHoiio, ok, startFakeHoiio } from '../../support/fake-hoiio.js';

let fake: FakeHoiio;
let hoiio: HoiioClient;

beforeEach(async () => {
  fake = await startFakeHoiio();
  hoiio = new HoiioClient({ appId: 'app', accessToken: 'token', baseUrl: fake.baseUrl, sleep: async () => {} });
});
afterEach(async () => {
  await fake.stop();
});

/** The params the fake received for `endpoint`, without credentials. */
function sent(endpoint: string, index = 0): Record<string, string> {
  const req = fake.requestsTo(endpoint)[index];
  if (!req) throw new Error(`no request to ${endpoint}`);
  const { app_id: _a, access_token: _t, ...rest } = req.params;
  return rest;
}

/** A GMT+8 wall-clock time as the instant it denotes. */
const sgt = (iso: string) => new Date(`${iso}+08:00`);

describe('sms', () => {
  test('send and bulkSend map their parameters', async () => {
    fake.reply('sms/send', ok({ txn_ref: 'AA-S-141147' }));
    fake.reply('sms/bulk_send', ok({ bulk_txn_ref: 'AA-B-147' }), ok({ txn_ref: 'AA-B-148' }));
    await hoiio.sms.send({
      dest: '+6511111111',
      msg: 'hi',
      senderName: 'Acme',
      tag: 't1',
      notifyUrl: 'https://x.example/n?a=1',
    });
    expect(sent('sms/send')).toEqual({
      dest: '+6511111111',
      msg: 'hi',
      sender_name: 'Acme',
      tag: 't1',
      notify_url: 'https://x.example/n?a=1',
    });

    expect(await hoiio.sms.bulkSend({ dest: ['+6511111111', '+6522222222'], msg: 'hello' })).toEqual({
      bulkTxnRef: 'AA-B-147',
    });
    expect(sent('sms/bulk_send')).toEqual({ dest: '+6511111111,+6522222222', msg: 'hello' });

    // 2012's API answered txn_ref instead of bulk_txn_ref
    const recipients = [{ dest: '+6511111111', name: 'Nick' }];
    expect(await hoiio.sms.bulkSend({ recipients, msg: 'Hi {{name}}' })).toEqual({ bulkTxnRef: 'AA-B-148' });
    const { recipients: wire = '' } = sent('sms/bulk_send', 1);
    expect(JSON.parse(wire)).toEqual(recipients);
  });

  test('queryStatus maps the documented example', async () => {
    fake.reply('sms/query_status', {
      json: {
        status: 'success_ok',
        txn_ref: 'AA-S-141147',
        tag: 'id_1',
        sms_status: 'delivered',
        date: '2010-01-01 10:10:00',
        dest: '+6511111111',
        split_count: '2',
        currency: 'SGD',
        rate: '0.038',
        debit: '0.076',
      },
    });
    const r = await hoiio.sms.queryStatus({ txnRef: 'AA-S-141147' });
    expect(r).toStrictEqual({
      txnRef: 'AA-S-141147',
      tag: 'id_1',
      smsStatus: 'delivered',
      date: new Date('2010-01-01T02:10:00.000Z'),
      dest: '+6511111111',
      splitCount: 2,
      currency: 'SGD',
      rate: '0.038',
      debit: '0.076',
    });
    expect(sent('sms/query_status')).toEqual({ txn_ref: 'AA-S-141147' });
  });

  test('getRate maps parts, total and encoding', async () => {
    fake.reply(
      'sms/get_rate',
      ok({ currency: 'SGD', rate: '0.038', split_count: '2', total_cost: '0.076', is_unicode: false }),
      ok({ currency: 'USD', rate: '0.010' }),
    );
    expect(await hoiio.sms.getRate({ dest: '+6511111111', msg: 'x'.repeat(200) })).toStrictEqual({
      currency: 'SGD',
      rate: '0.038',
      splitCount: 2,
      totalCost: '0.076',
      isUnicode: false,
    });
    expect(await hoiio.sms.getRate({ incoming: '+16501234567' })).toStrictEqual({ currency: 'USD', rate: '0.010' });
    expect(sent('sms/get_rate', 1)).toEqual({ incoming: '+16501234567' });
  });

  test('history() walks every page and stops at total_entries_count', async () => {
    const entry = (i: number) => ({ txn_ref: `AA-S-${i}`, sms_status: 'queued', date: '2012-06-06 11:15:20.0' });
    const page = (from: number, n: number) => Array.from({ length: n }, (_, k) => entry(from + k));
    fake.reply(
      'sms/get_history',
      ok({ total_entries_count: '250', entries_count: '100', entries: page(0, 100) }),
      ok({ total_entries_count: '250', entries_count: '100', entries: page(100, 100) }),
      ok({ total_entries_count: '250', entries_count: '50', entries: page(200, 50) }),
    );
    fake.always('sms/get_history', ok({ total_entries_count: '250', entries_count: '1', entries: page(999, 1) }));
    const from = sgt('2012-06-01T00:00:00');
    const seen: string[] = [];
    for await (const sms of hoiio.sms.history({ from })) seen.push(sms.txnRef);
    expect(seen).toHaveLength(250);
    expect(seen[249]).toBe('AA-S-249');
    expect(fake.requestsTo('sms/get_history').map(({ params: { page } }) => page)).toEqual(['1', '2', '3']);
    expect(sent('sms/get_history')).toEqual({ from: '2012-06-01 00:00:00', page: '1' });
  });

  test('history() stops at an empty page even if the total promised more', async () => {
    fake.reply(
      'sms/get_history',
      ok({ total_entries_count: '5', entries_count: '2', entries: [{ txn_ref: 'a' }, { txn_ref: 'b' }] }),
      ok({ total_entries_count: '5', entries_count: '0', entries: [] }),
    );
    const seen: string[] = [];
    for await (const sms of hoiio.sms.history()) seen.push(sms.txnRef);
    expect(seen).toEqual(['a', 'b']);
  });

  test('getHistory maps one page, dates with a .0 suffix included', async () => {
    fake.reply(
      'sms/get_history',
      ok({
        total_entries_count: '1',
        entries_count: '1',
        entries: [{ txn_ref: 'AA-S-471804', date: '2012-06-06 11:15:20.0', rate: '0.032', debit: '0.032', tag: '' }],
      }),
    );
    const to = sgt('2012-06-30T23:59:59');
    expect(await hoiio.sms.getHistory({ to, page: 1 })).toStrictEqual({
      totalEntriesCount: 1,
      entriesCount: 1,
      entries: [{ txnRef: 'AA-S-471804', date: sgt('2012-06-06T11:15:20'), rate: '0.032', debit: '0.032' }],
    });
    expect(sent('sms/get_history')).toEqual({ to: '2012-06-30 23:59:59', page: '1' });
  });
});

describe('voice and conference', () => {
  test('call maps its parameters', async () => {
    fake.reply('voice/call', ok({ txn_ref: 'AA-C-1' }));
    const r = await hoiio.voice.call({
      dest1: '+6511111111',
      dest2: '+6522222222',
      callerId: 'private',
      maxDuration: 600,
      tag: 'c1',
      notifyUrl: 'https://x.example/s',
    });
    expect(r).toEqual({ txnRef: 'AA-C-1' });
    expect(sent('voice/call')).toEqual({
      dest1: '+6511111111',
      dest2: '+6522222222',
      caller_id: 'private',
      max_duration: '600',
      tag: 'c1',
      notify_url: 'https://x.example/s',
    });
  });

  test('queryStatus maps the documented example', async () => {
    fake.reply('voice/query_status', {
      json: {
        status: 'success_ok',
        txn_ref: 'AA-S-141147',
        tag: 'id_1',
        dest1: '+6511111111',
        dest2: '+6522222222',
        call_status_dest1: 'answered',
        call_status_dest2: 'answered',
        date: '2010-01-01 10:10:00',
        duration: '7',
        currency: 'SGD',
        rate: '0.020',
        debit: '0.140',
      },
    });
    expect(await hoiio.voice.queryStatus({ txnRef: 'AA-S-141147' })).toStrictEqual({
      txnRef: 'AA-S-141147',
      tag: 'id_1',
      dest1: '+6511111111',
      dest2: '+6522222222',
      callStatusDest1: 'answered',
      callStatusDest2: 'answered',
      date: new Date('2010-01-01T02:10:00.000Z'),
      duration: 7,
      currency: 'SGD',
      rate: '0.020',
      debit: '0.140',
    });
  });

  test('an ongoing call has no duration nor debit', async () => {
    fake.reply('voice/query_status', ok({ txn_ref: 'AA-C-2', call_status_dest1: 'ongoing', rate: '0.020' }));
    expect(await hoiio.voice.queryStatus({ txnRef: 'AA-C-2' })).toStrictEqual({
      txnRef: 'AA-C-2',
      callStatusDest1: 'ongoing',
      rate: '0.020',
    });
  });

  test('getRate, hangup and history', async () => {
    fake.reply('voice/get_rate', ok({ currency: 'SGD', rate: '0.020', talktime: '2732' }));
    fake.reply('voice/hangup', ok());
    fake.reply(
      'voice/get_history',
      ok({
        total_entries_count: '1',
        entries_count: '1',
        entries: [{ txn_ref: 'AA-C-9', date: '2012-06-06 11:10:36.0', duration: '0', dest1: '+65', dest2: '+66' }],
      }),
    );
    expect(await hoiio.voice.getRate({ dest2: '+6522222222' })).toEqual({
      currency: 'SGD',
      rate: '0.020',
      talktime: 2732,
    });
    expect(sent('voice/get_rate')).toEqual({ dest2: '+6522222222' });
    await hoiio.voice.hangup({ txnRef: 'AA-C-1' });
    expect(sent('voice/hangup')).toEqual({ txn_ref: 'AA-C-1' });
    const calls = [];
    for await (const c of hoiio.voice.history()) calls.push(c);
    expect(calls).toStrictEqual([
      { txnRef: 'AA-C-9', date: sgt('2012-06-06T11:10:36'), duration: 0, dest1: '+65', dest2: '+66' },
    ]);
  });

  test('voice.conference splits the comma string, conference.call takes the array', async () => {
    fake.reply('voice/conference', ok({ txn_refs: 'AA-C-1,AA-C-2', room: 'R123' }));
    fake.reply('conference/call', ok({ txn_refs: ['AA-C-141147', 'AA-C-141148'], room: 'R123' }));
    fake.reply('conference/moderate', ok());
    const dest = ['+6511111111', '+6522222222'];
    expect(await hoiio.voice.conference({ dest, room: 'R123' })).toEqual({
      txnRefs: ['AA-C-1', 'AA-C-2'],
      room: 'R123',
    });
    expect(sent('voice/conference')).toEqual({ dest: '+6511111111,+6522222222', room: 'R123' });
    expect(await hoiio.conference.call({ dest, notifyUrl: 'https://x.example/c' })).toEqual({
      txnRefs: ['AA-C-141147', 'AA-C-141148'],
      room: 'R123',
    });
    expect(sent('conference/call')).toEqual({ dest: '+6511111111,+6522222222', notify_url: 'https://x.example/c' });
    await hoiio.conference.moderate({ txnRef: 'AA-C-141148', action: 'mute' });
    expect(sent('conference/moderate')).toEqual({ txn_ref: 'AA-C-141148', action: 'mute' });
  });
});

describe('ivr', () => {
  test('every block goes to its path with its wire parameters', async () => {
    for (const path of [
      'ivr/middle/play',
      'ivr/middle/gather',
      'ivr/middle/record',
      'ivr/middle/monitor',
      'ivr/middle/hold',
      'ivr/middle/unhold',
      'ivr/end/hangup',
    ]) {
      fake.reply(path, ok());
    }
    fake.reply('ivr/start/dial', ok({ txn_ref: 'AA-C-3070102', session: 'S10279' }));
    fake.reply('ivr/end/transfer', ok({ room: 'R1234' }), ok());

    const n = 'https://app.example/hoiio/tok/voice';
    expect(await hoiio.ivr.dial({ dest: '+6591234567', msg: 'Hello', maxDuration: 60, notifyUrl: n })).toEqual({
      txnRef: 'AA-C-3070102',
      session: 'S10279',
    });
    await hoiio.ivr.play({ session: 'S1', msg: '<speech language="zh">你好</speech>', notifyUrl: n });
    await hoiio.ivr.gather({
      session: 'S1',
      msg: 'Zip?',
      maxDigits: 5,
      timeout: 10,
      attempts: 2,
      tag: 'zip',
      notifyUrl: n,
    });
    await hoiio.ivr.record({ session: 'S1', msg: 'After the tone', maxDuration: 120, notifyUrl: n });
    await hoiio.ivr.monitor({ session: 'S1', notifyUrl: n, monitorNotifyUrl: `${n}?m=1` });
    await hoiio.ivr.hold({ session: 'S1', msg: 'Please hold' });
    await hoiio.ivr.unhold({ session: 'S1', notifyUrl: n });
    expect(await hoiio.ivr.transfer({ session: 'S1', dest: 'room:', onFailure: 'continue', notifyUrl: n })).toEqual({
      room: 'R1234',
    });
    expect(await hoiio.ivr.transfer({ session: 'S2', dest: '+6561234567', callerId: '+6566028085' })).toStrictEqual({});
    await hoiio.ivr.hangup({ session: 'S1', force: true });

    expect(sent('ivr/start/dial')).toEqual({ dest: '+6591234567', msg: 'Hello', max_duration: '60', notify_url: n });
    expect(sent('ivr/middle/play')).toEqual({
      session: 'S1',
      msg: '<speech language="zh">你好</speech>',
      notify_url: n,
    });
    expect(sent('ivr/middle/gather')).toEqual({
      session: 'S1',
      msg: 'Zip?',
      max_digits: '5',
      timeout: '10',
      attempts: '2',
      tag: 'zip',
      notify_url: n,
    });
    expect(sent('ivr/middle/record')).toEqual({
      session: 'S1',
      msg: 'After the tone',
      max_duration: '120',
      notify_url: n,
    });
    expect(sent('ivr/middle/monitor')).toEqual({ session: 'S1', notify_url: n, monitor_notify_url: `${n}?m=1` });
    expect(sent('ivr/middle/hold')).toEqual({ session: 'S1', msg: 'Please hold' });
    expect(sent('ivr/middle/unhold')).toEqual({ session: 'S1', notify_url: n });
    expect(sent('ivr/end/transfer')).toEqual({ session: 'S1', dest: 'room:', on_failure: 'continue', notify_url: n });
    expect(sent('ivr/end/transfer', 1)).toEqual({ session: 'S2', dest: '+6561234567', caller_id: '+6566028085' });
    expect(sent('ivr/end/hangup')).toEqual({ session: 'S1', force: 'enabled' });
  });
});

describe('fax', () => {
  test('queryStatus, getRate and history with a type filter', async () => {
    fake.reply(
      'fax/query_status',
      ok({
        txn_ref: 'AA-C-3060997',
        dest: '+6561234567',
        fax_status: 'answered',
        fax_pages: '3',
        fax_url: 'https://hoiio.s3.amazonaws.com/fax/fax-1.pdf?Expires=1',
        date: '2013-04-01 09:00:00.0',
        duration: '2',
        currency: 'SGD',
        rate: '0.015',
        debit: '0.030',
      }),
    );
    fake.reply('fax/get_rate', ok({ currency: 'SGD', rate: '0.015' }));
    fake.reply(
      'fax/get_history',
      ok({
        total_entries_count: '2',
        entries_count: '2',
        entries: [
          { txn_ref: 'AA-C-1', src: '+6567777777', fax_status: 'answered' },
          { txn_ref: 'AA-C-2', src: '+6568888888', fax_status: 'failed', fax_error_code: 'busy' },
        ],
      }),
    );
    expect(await hoiio.fax.queryStatus({ txnRef: 'AA-C-3060997' })).toStrictEqual({
      txnRef: 'AA-C-3060997',
      dest: '+6561234567',
      faxStatus: 'answered',
      faxPages: 3,
      faxUrl: 'https://hoiio.s3.amazonaws.com/fax/fax-1.pdf?Expires=1',
      date: sgt('2013-04-01T09:00:00'),
      duration: 2,
      currency: 'SGD',
      rate: '0.015',
      debit: '0.030',
    });
    expect(await hoiio.fax.getRate({ incoming: '+6566028085' })).toEqual({ currency: 'SGD', rate: '0.015' });
    expect(sent('fax/get_rate')).toEqual({ incoming: '+6566028085' });
    const faxes = [];
    for await (const f of hoiio.fax.history({ type: 'incoming' })) faxes.push(f);
    expect(faxes).toStrictEqual([
      { txnRef: 'AA-C-1', src: '+6567777777', faxStatus: 'answered' },
      { txnRef: 'AA-C-2', src: '+6568888888', faxStatus: 'failed', faxErrorCode: 'busy' },
    ]);
    expect(sent('fax/get_history')).toEqual({ type: 'incoming', page: '1' });
  });

  test('send defaults the filename to fax.pdf', async () => {
    fake.reply('fax/send', ok({ txn_ref: 'AA-C-5' }));
    await hoiio.fax.send({ dest: '+6561234567', file: new Uint8Array([1, 2, 3]) });
    const req = fake.requestsTo('fax/send')[0];
    expect(req?.files[0]?.filename).toBe('fax.pdf');
    expect(req?.body).toMatchObject({ filename: 'fax.pdf' });
  });
});

describe('number', () => {
  test('getActive maps its entries', async () => {
    fake.reply(
      'number/get_active',
      ok({
        entries_count: '2',
        entries: [
          {
            number: '+6566028085',
            forward_to: 'https://app.example/hoiio/t/voice',
            forward_sms_to: 'https://app.example/hoiio/t/sms',
            mode: 'voice',
            expiry: '2013-12-31',
            auto_extend_status: 'enabled',
            country: 'SG',
            capabilities: ['VOICE', 'SMS'],
          },
          { number: '+16501234567', mode: 'fax', country: 'US', state: 'CA', capability: ['FAX'], forward_to: '' },
        ],
      }),
    );
    expect(await hoiio.number.getActive()).toStrictEqual({
      entriesCount: 2,
      entries: [
        {
          number: '+6566028085',
          forwardTo: 'https://app.example/hoiio/t/voice',
          forwardSmsTo: 'https://app.example/hoiio/t/sms',
          mode: 'voice',
          expiry: sgt('2013-12-31T00:00:00'),
          autoExtendStatus: 'enabled',
          country: 'SG',
          capabilities: ['VOICE', 'SMS'],
        },
        { number: '+16501234567', mode: 'fax', country: 'US', state: 'CA', capabilities: ['FAX'] },
      ],
    });
  });

  test('updateForwarding sends forward_to_sms', async () => {
    fake.reply('number/update_forwarding', ok());
    await hoiio.number.updateForwarding({
      number: '+6566028085',
      forwardTo: 'https://a.example/voice',
      forwardToSms: 'https://a.example/sms',
      mode: 'fax',
    });
    expect(sent('number/update_forwarding')).toEqual({
      number: '+6566028085',
      forward_to: 'https://a.example/voice',
      forward_to_sms: 'https://a.example/sms',
      mode: 'fax',
    });
  });

  test('countries, choices (objects or plain strings), rates and subscribe', async () => {
    fake.reply(
      'number/get_countries',
      ok({
        entries_count: '2',
        entries: [
          { code: 'SG', name: 'Singapore', prefix: '65' },
          {
            code: 'US',
            name: 'United States',
            prefix: '1',
            states: [{ code: 'US-CA', name: 'California', capability: ['VOICE', 'SMS'] }],
          },
        ],
      }),
    );
    fake.reply(
      'number/get_choices',
      ok({
        total_entries_count: '41',
        entries_count: '1',
        entries: [{ number: '+16501110000', capability: ['VOICE'] }],
      }),
      ok({ total_entries_count: '1', entries_count: '1', entries: ['+6566660000'] }),
    );
    fake.reply(
      'number/get_rates',
      ok({
        currency: 'SGD',
        entries_count: '2',
        entries: [
          { duration: '1', rate: '10.00' },
          { duration: '12', rate: '100.00' },
        ],
      }),
    );
    fake.reply('number/subscribe', ok({ currency: 'SGD', debit: '10.00', expiry: '2013-07-01' }));

    expect(await hoiio.number.getCountries()).toStrictEqual({
      entriesCount: 2,
      entries: [
        { code: 'SG', name: 'Singapore', prefix: '65' },
        {
          code: 'US',
          name: 'United States',
          prefix: '1',
          states: [{ code: 'US-CA', name: 'California', capabilities: ['VOICE', 'SMS'] }],
        },
      ],
    });
    expect(await hoiio.number.getChoices({ country: 'US', state: 'US-CA', page: 2 })).toStrictEqual({
      totalEntriesCount: 41,
      entriesCount: 1,
      entries: [{ number: '+16501110000', capabilities: ['VOICE'] }],
    });
    expect(sent('number/get_choices')).toEqual({ country: 'US', state: 'US-CA', page: '2' });
    expect((await hoiio.number.getChoices({ country: 'SG' })).entries).toStrictEqual([
      { number: '+6566660000', capabilities: [] },
    ]);
    expect(await hoiio.number.getRates({ country: 'SG' })).toStrictEqual({
      currency: 'SGD',
      entriesCount: 2,
      entries: [
        { duration: 1, rate: '10.00' },
        { duration: 12, rate: '100.00' },
      ],
    });
    expect(await hoiio.number.subscribe({ number: '+6566660000', duration: 'auto_extend' })).toStrictEqual({
      currency: 'SGD',
      debit: '10.00',
      expiry: sgt('2013-07-01T00:00:00'),
    });
    expect(sent('number/subscribe')).toEqual({ number: '+6566660000', duration: 'auto_extend' });
  });
});

describe('account', () => {
  test('getBalance maps the documented example; amounts stay decimal strings', async () => {
    fake.reply('user/get_balance', {
      json: { status: 'success_ok', currency: 'SGD', balance: '54.650', points: '50.000', bonus: '4.650' },
    });
    expect(await hoiio.account.getBalance()).toStrictEqual({
      currency: 'SGD',
      balance: '54.650',
      points: '50.000',
      bonus: '4.650',
    });
    expect(sent('user/get_balance')).toEqual({});
  });

  test('getInfo maps the profile', async () => {
    fake.reply(
      'user/get_info',
      ok({
        uid: 'AA-1234',
        name: 'Ops',
        mobile_number: '+6511111111',
        caller_ids: ['+6511111111', 'p'],
        country: 'SG',
        prefix: '+65',
        currency: 'SGD',
        timezone: 'GMT+0800',
        user_status: 'active',
        sms_rebrand_status: 'enabled',
        call_rebrand_status: 'disabled',
      }),
    );
    expect(await hoiio.account.getInfo()).toStrictEqual({
      uid: 'AA-1234',
      name: 'Ops',
      mobileNumber: '+6511111111',
      callerIds: ['+6511111111', 'p'],
      country: 'SG',
      prefix: '+65',
      currency: 'SGD',
      timeZone: 'GMT+0800',
      userStatus: 'active',
      smsRebrandStatus: 'enabled',
      callRebrandStatus: 'disabled',
    });
  });

  test('a garbled amount or date is a HoiioParseError naming the field', async () => {
    fake.reply('user/get_balance', ok({ currency: 'SGD', balance: '5e3', points: '1', bonus: '0' }));
    fake.reply('sms/query_status', ok({ txn_ref: 'AA-S-1', date: '2012-02-31 10:00:00' }));
    expect(await hoiio.account.getBalance().catch((e: unknown) => e)).toMatchObject({ field: 'balance' });
    const err = await hoiio.sms.queryStatus({ txnRef: 'AA-S-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HoiioParseError);
    expect(err).toMatchObject({ field: 'date', endpoint: 'sms/query_status' });
  });
});
