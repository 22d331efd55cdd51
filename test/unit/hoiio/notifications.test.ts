import { describe, expect, test } from 'vitest';
import {
  type HoiioNotification,
  HoiioNotificationError,
  mergeParams,
  type NotificationHint,
  parseNotification,
} from '../../../src/hoiio/notifications.js';
import * as fx from '../../fixtures/notifications/index.js';

function parse(encoded: string, hint?: NotificationHint): HoiioNotification {
  return parseNotification(mergeParams(fx.params(encoded), new URLSearchParams()), hint);
}

function failure(run: () => unknown): HoiioNotificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HoiioNotificationError);
    return error as HoiioNotificationError;
  }
  throw new Error('expected a HoiioNotificationError');
}

/** `2012-06-06 11:15:20` GMT+8 is 03:15:20 UTC. */
const gmt8 = (iso: string) => new Date(`${iso}+08:00`);

describe('SMS delivery status (§5.2)', () => {
  test('the captured real example, with tag= and a .0 date', () => {
    const n = parse(fx.capturedSmsDelivered, 'status');
    expect(n).toEqual({
      kind: 'sms.status',
      txnRef: 'AA-S-471804',
      smsStatus: 'delivered',
      dest: '+6500000000',
      splitCount: 1,
      date: new Date('2012-06-06T03:15:20.000Z'),
      currency: 'SGD',
      rate: '0.032',
      debit: '0.032',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.capturedSmsDelivered)),
    });
    if (n.kind !== 'sms.status') throw new Error('kind');
    expect(n.tag).toBeUndefined();
    expect(n.bulkTxnRef).toBeUndefined();
  });

  test('a bulk-send message carries bulkTxnRef', () => {
    expect(parse(fx.bulkSmsQueued)).toMatchObject({
      kind: 'sms.status',
      txnRef: 'AA-S-141147',
      bulkTxnRef: 'AA-B-147',
      smsStatus: 'queued',
      tag: 'promo',
      splitCount: 2,
      rate: '0.038',
      debit: '0.076',
      date: gmt8('2013-01-02T09:00:01'),
    });
  });

  test.each(['queued', 'delivered', 'failed', 'error'])('sms_status=%s', (status) => {
    expect(parse(`txn_ref=AA-S-1&sms_status=${status}`)).toMatchObject({ kind: 'sms.status', smsStatus: status });
  });
});

describe('incoming SMS (§5.3)', () => {
  test("Hoiio's documented example", () => {
    expect(parse(fx.docsIncomingSms, 'sms')).toEqual({
      kind: 'sms.incoming',
      txnRef: 'AA-SI-85',
      from: '+16201234567',
      to: '+16501234567',
      msg: 'hoiio world',
      date: gmt8('2012-10-30T12:20:50'),
      currency: 'SGD',
      debit: '0.013',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.docsIncomingSms)),
    });
  });

  test('is recognised without a hint, keeps the text verbatim, allows an empty text', () => {
    expect(parse(fx.docsIncomingSms)).toMatchObject({ kind: 'sms.incoming' });
    const text = '  Line 1\nLine 2 €  ';
    const n = parse(`txn_ref=AA-SI-86&from=%2B6591234567&to=%2B16501234567&msg=${encodeURIComponent(text)}`, 'sms');
    expect(n).toMatchObject({ kind: 'sms.incoming', msg: text });
    expect(parse('txn_ref=AA-SI-87&from=%2B6591234567&to=%2B16501234567&msg=', 'sms')).toMatchObject({ msg: '' });
  });
});

describe('call status (§5.4)', () => {
  test('the captured real example', () => {
    expect(parse(fx.capturedCallEnded, 'status')).toEqual({
      kind: 'call.status',
      txnRef: 'AA-C-2517398',
      dest1: '+6500000000',
      dest2: '+6500000000',
      callStatusDest1: 'answered',
      callStatusDest2: 'failed',
      duration: 0,
      date: new Date('2012-06-06T03:10:36.000Z'),
      currency: 'SGD',
      rate: '0.036',
      debit: '0.000',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.capturedCallEnded)),
    });
  });
});

describe('IVR notifications (§5.5)', () => {
  test('answer: an incoming call, ringing', () => {
    expect(parse(fx.ivrAnswer, 'voice')).toEqual({
      kind: 'ivr',
      block: 'answer',
      callState: 'ringing',
      session: 'S4643',
      txnRef: 'AA-C-3060515',
      from: '+6591234567',
      to: '+6566028085',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.ivrAnswer)),
    });
  });

  test("gather: the documented example's digits and tag", () => {
    expect(parse(fx.docsGather, 'voice')).toMatchObject({
      kind: 'ivr',
      block: 'gather',
      callState: 'ongoing',
      session: 'S10279',
      txnRef: 'AA-C-3070102',
      tag: 'askZip',
      digits: '12345',
    });
  });

  test('gather: an empty answer (timeout) and * #', () => {
    const base = 'ivr_block=gather&session=S1&txn_ref=AA-C-1&call_state=ongoing';
    expect(parse(`${base}&digits=`)).toMatchObject({ digits: '' });
    expect(parse(base)).toMatchObject({ digits: '' });
    expect(parse(`${base}&digits=*12%23`)).toMatchObject({ digits: '*12#' });
  });

  test('record: every field of the Record block notification, call ended with billing', () => {
    const n = parse(fx.docsRecordSuccessEnded, 'voice');
    expect(n).toEqual({
      kind: 'ivr',
      block: 'record',
      callState: 'ended',
      session: 'S4643',
      txnRef: 'AA-C-3060515',
      from: '+6591234567',
      to: '+6566028085',
      tag: 'voicemail',
      recordStatus: 'success',
      recordUrl:
        'https://hoiio.s3.amazonaws.com/recordings/rec-100.mp3?Expires=1640069813&AWSAccessKeyId=AKIAJR6MXIPT57P5JSDQ&Signature=V32sDkOZ4hXJb%2Ffh3BFSiy%2Bkg%2F0%3D',
      date: gmt8('2012-06-06T11:20:00'),
      duration: 2,
      currency: 'SGD',
      rate: '0.050',
      debit: '0.100',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.docsRecordSuccessEnded)),
    });
  });

  test('record: failed (hung up before recording), no url; .0 date', () => {
    const n = parse(fx.recordFailed, 'voice');
    expect(n).toMatchObject({ block: 'record', recordStatus: 'failed', callState: 'ended', duration: 1 });
    expect(n).not.toHaveProperty('recordUrl', expect.anything());
    expect(n).toMatchObject({ date: new Date('2012-06-06T03:20:00.000Z') });
  });

  test('record: an ongoing call without billing fields', () => {
    const n = parse(
      'ivr_block=record&session=S9&txn_ref=AA-C-9&call_state=ongoing&record_status=success&record_url=https%3A%2F%2Fh.example%2Fr.mp3',
    );
    expect(n).toMatchObject({ block: 'record', callState: 'ongoing', recordUrl: 'https://h.example/r.mp3' });
    if (n.kind !== 'ivr') throw new Error('kind');
    expect(n.date).toBeUndefined();
    expect(n.debit).toBeUndefined();
  });

  test.each([
    ['dial', 'dest=%2B6591234567&dial_status=answered', { dest: '+6591234567', dialStatus: 'answered' }],
    ['dial', 'dest=%2B6591234567&dial_status=busy&call_state_x=1', { dialStatus: 'busy' }],
    ['play', '', {}],
    [
      'monitor',
      'monitor_url=https%3A%2F%2Fhoiio.s3.amazonaws.com%2Fm.mp3',
      { monitorUrl: 'https://hoiio.s3.amazonaws.com/m.mp3' },
    ],
    ['transfer', 'transfer_status=unanswered', { transferStatus: 'unanswered' }],
    ['transfer', 'transfer_status=answered&room=R1234', { transferStatus: 'answered', room: 'R1234' }],
    ['hangup', '', {}],
    ['unhold', '', {}],
  ])('%s block', (block, fields, expected) => {
    const n = parse(`ivr_block=${block}&session=S1&txn_ref=AA-C-1&call_state=ongoing&${fields}`, 'voice');
    expect(n).toMatchObject({ kind: 'ivr', block, ...expected });
  });

  test('older notifications without ivr_block: the block is told from its fields', () => {
    const base = 'session=S1&txn_ref=AA-C-1';
    expect(parse(`${base}&call_state=ringing&from=%2B6591234567&to=%2B6566028085`, 'voice')).toMatchObject({
      block: 'answer',
    });
    expect(parse(`${base}&call_state=ongoing&digits=1`, 'voice')).toMatchObject({ block: 'gather' });
    expect(parse(`${base}&call_state=ended&record_status=failed`, 'voice')).toMatchObject({ block: 'record' });
    expect(parse(`${base}&call_state=ended&transfer_status=busy`, 'voice')).toMatchObject({ block: 'transfer' });
    expect(parse(`${base}&call_state=ended&dial_status=unanswered`, 'status')).toMatchObject({ block: 'dial' });
    expect(failure(() => parse(`${base}&call_state=ongoing`, 'voice')).field).toBe('ivr_block');
  });

  test('values are read case-insensitively where Hoiio documents lowercase words', () => {
    expect(parse('ivr_block=Record&session=S1&txn_ref=AA-C-1&call_state=ENDED&record_status=Failed')).toMatchObject({
      block: 'record',
      callState: 'ended',
      recordStatus: 'failed',
    });
  });
});

describe('faxes (§5.6, §5.7)', () => {
  test('incoming fax received', () => {
    const n = parse(fx.docsFaxReceived, 'fax');
    expect(n).toEqual({
      kind: 'fax.incoming',
      txnRef: 'AA-C-3060997',
      faxStatus: 'answered',
      from: '+6562223333',
      to: '+6566028090',
      faxUrl:
        'https://hoiio.s3.amazonaws.com/infax/fax-1.pdf?Expires=1640069813&AWSAccessKeyId=42GA2R6P2T57JSDQ&Signature=V32sD4hXJb%2Bfh3BFSiy%2Bkg%2F0%3D',
      date: gmt8('2012-06-06T11:30:00'),
      duration: 1,
      currency: 'SGD',
      debit: '0.015',
      extra: {},
      raw: Object.fromEntries(fx.params(fx.docsFaxReceived)),
    });
  });

  test('incoming fax failed: code and explanation', () => {
    expect(parse(fx.faxReceiveFailed, 'fax')).toMatchObject({
      kind: 'fax.incoming',
      faxStatus: 'failed',
      faxErrorCode: 'invalid_size',
      faxErrorExplanation: expect.stringMatching(/A4 or Letter/),
    });
  });

  test.each([
    ['busy', /busy/],
    ['non_recoverable', /IDD/],
    ['cannot_establish_transmission', /could not be reached/],
    ['invalid_res', /resolution/],
    ['invalid_size', /A4 or Letter/],
    ['some_new_code', /did not explain/],
  ])('incoming fax failed with %s', (code, explanation) => {
    const n = parse(`txn_ref=AA-C-5&fax_status=failed&from=%2B6562223333&to=%2B6566028090&fax_error_code=${code}`);
    expect(n).toMatchObject({
      kind: 'fax.incoming',
      faxErrorCode: code,
      faxErrorExplanation: expect.stringMatching(explanation),
    });
  });

  test('a failed fax without a code still gets an explanation', () => {
    const n = parse('txn_ref=AA-C-5&fax_status=failed&from=%2B6562223333&to=%2B6566028090', 'fax');
    expect(n).toMatchObject({ faxErrorExplanation: expect.stringMatching(/did not explain/) });
    if (n.kind !== 'fax.incoming') throw new Error('kind');
    expect(n.faxErrorCode).toBeUndefined();
  });

  test('outgoing fax result', () => {
    expect(parse(fx.faxSentFailed, 'status')).toMatchObject({
      kind: 'fax.outgoing',
      txnRef: 'AA-C-3061000',
      tag: 'inv-42',
      dest: '+6562223333',
      faxStatus: 'failed',
      faxPages: 3,
      duration: 1,
      rate: '0.015',
      debit: '0.015',
      faxErrorCode: 'file_err',
      faxErrorExplanation: expect.stringMatching(/PDF\/A/),
    });
    const ok = parse('txn_ref=AA-C-7&dest=%2B6562223333&fax_status=answered&fax_pages=2', 'status');
    expect(ok).toMatchObject({ kind: 'fax.outgoing', faxStatus: 'answered', faxPages: 2 });
    if (ok.kind !== 'fax.outgoing') throw new Error('kind');
    expect(ok.faxErrorExplanation).toBeUndefined();
  });

  test('without a hint, from/to tell an incoming fax from an outgoing one', () => {
    expect(parse(fx.docsFaxReceived)).toMatchObject({ kind: 'fax.incoming' });
    expect(parse(fx.faxSentFailed)).toMatchObject({ kind: 'fax.outgoing' });
  });
});

describe('extra and pass-on parameters', () => {
  test('unknown fields are kept in extra, known ones are not', () => {
    const n = parse(`${fx.capturedSmsDelivered}&src=HOIIO&carrier_code=42`);
    expect(n.extra).toEqual({ src: 'HOIIO', carrier_code: '42' });
    expect(n.raw).toMatchObject({ src: 'HOIIO', txn_ref: 'AA-S-471804' });
  });

  test('pass-on query parameters of a notify_url come back in extra when Hoiio posts a body', () => {
    const n = parseNotification(
      mergeParams(new URLSearchParams('app_state=gather&step=2'), fx.params(fx.docsGather)),
      'voice',
    );
    expect(n).toMatchObject({
      kind: 'ivr',
      block: 'gather',
      digits: '12345',
      extra: { app_state: 'gather', step: '2' },
    });
  });

  test('a key such as __proto__ stays plain data', () => {
    const n = parse(`${fx.capturedSmsDelivered}&__proto__=x&constructor=y`);
    expect(Object.getPrototypeOf(n.extra)).toBe(Object.prototype);
    expect(Object.hasOwn(n.extra, '__proto__')).toBe(true);
    expect(n.extra.constructor).toBe('y');
  });
});

describe('missing required fields', () => {
  test.each([
    ['sms.status without txn_ref', 'sms_status=delivered&dest=%2B6591234567', 'status', 'txn_ref'],
    ['sms.status with an empty txn_ref', 'txn_ref=&sms_status=delivered', 'status', 'txn_ref'],
    ['incoming SMS without from', 'txn_ref=AA-SI-1&to=%2B16501234567&msg=hi', 'sms', 'from'],
    ['incoming SMS without to', 'txn_ref=AA-SI-1&from=%2B16501234567&msg=hi', 'sms', 'to'],
    ['incoming SMS without msg', 'txn_ref=AA-SI-1&from=%2B6591234567&to=%2B16501234567', 'sms', 'msg'],
    ['incoming SMS without txn_ref', 'from=%2B6591234567&to=%2B16501234567&msg=hi', 'sms', 'txn_ref'],
    ['call status without txn_ref', 'call_status_dest1=answered&call_status_dest2=busy', 'status', 'txn_ref'],
    ['IVR without session', 'ivr_block=gather&txn_ref=AA-C-1&call_state=ongoing&digits=1', 'voice', 'session'],
    ['IVR without call_state', 'ivr_block=gather&session=S1&txn_ref=AA-C-1&digits=1', 'voice', 'call_state'],
    ['IVR without txn_ref', 'ivr_block=answer&session=S1&call_state=ringing', 'voice', 'txn_ref'],
    ['voice hint, nothing at all', 'foo=bar', 'voice', 'ivr_block'],
    [
      'a successful recording without record_url',
      'ivr_block=record&session=S1&txn_ref=AA-C-1&call_state=ongoing&record_status=success',
      'voice',
      'record_url',
    ],
    [
      'a received fax without fax_url',
      'txn_ref=AA-C-1&fax_status=answered&from=%2B65622&to=%2B65660',
      'fax',
      'fax_url',
    ],
    ['an incoming fax without from', 'txn_ref=AA-C-1&fax_status=failed&to=%2B6566028090', 'fax', 'from'],
    ['an outgoing fax without txn_ref', 'fax_status=answered&dest=%2B6562223333', 'status', 'txn_ref'],
  ] as const)('%s', (_name, encoded, hint, field) => {
    const error = failure(() => parse(encoded, hint));
    expect(error).toMatchObject({ code: 'hoiio_notification_invalid', problem: 'missing', field });
    expect(error.message).toContain(field);
  });
});

describe('malformed values', () => {
  test.each([
    ['date', `${fx.capturedSmsDelivered.replace('2012-06-06+11%3A15%3A20.0', '06%2F06%2F2012')}`],
    ['date', `${fx.capturedSmsDelivered.replace('2012-06-06', '2012-02-31')}`],
    ['debit', fx.capturedSmsDelivered.replace('debit=0.032', 'debit=1e3')],
    ['rate', fx.capturedSmsDelivered.replace('rate=0.032', 'rate=abc')],
    ['split_count', fx.capturedSmsDelivered.replace('split_count=1', 'split_count=-1')],
    ['sms_status', fx.capturedSmsDelivered.replace('sms_status=delivered', 'sms_status=teleported')],
    ['currency', fx.capturedSmsDelivered.replace('currency=SGD', 'currency=dollars')],
    ['txn_ref', fx.capturedSmsDelivered.replace('txn_ref=AA-S-471804', 'txn_ref=%3Cscript%3E')],
    ['duration', fx.capturedCallEnded.replace('duration=0', 'duration=1.5')],
    ['call_status_dest2', fx.capturedCallEnded.replace('call_status_dest2=failed', 'call_status_dest2=maybe')],
    ['digits', fx.docsGather.replace('digits=12345', 'digits=12a')],
    ['call_state', fx.docsGather.replace('call_state=ongoing', 'call_state=paused')],
    ['ivr_block', fx.docsGather.replace('ivr_block=gather', 'ivr_block=dance')],
    [
      'record_url',
      fx.recordFailed.replace('record_status=failed', 'record_status=success&record_url=ftp%3A%2F%2Fx%2Fr.mp3'),
    ],
    ['record_url', fx.recordFailed.replace('record_status=failed', 'record_status=success&record_url=not%20a%20url')],
    ['fax_url', fx.docsFaxReceived.replace(/fax_url=[^&]+/, 'fax_url=javascript%3Aalert(1)')],
    ['fax_status', fx.docsFaxReceived.replace('fax_status=answered', 'fax_status=sent')],
    ['from', fx.docsIncomingSms.replace('from=%2B16201234567', `from=${'9'.repeat(100)}`)],
  ])('%s', (field, encoded) => {
    const error = failure(() => parse(encoded));
    expect(error).toMatchObject({ code: 'hoiio_notification_invalid', problem: 'malformed', field });
  });

  test('the message names the field but never echoes the value', () => {
    const secret = 'SECRET-VALUE-123';
    const error = failure(() => parse(fx.capturedSmsDelivered.replace('debit=0.032', `debit=${secret}`)));
    expect(error.message).toContain('debit');
    expect(error.message).not.toContain(secret);
  });

  test('a date error keeps its cause', () => {
    const error = failure(() => parse(fx.capturedSmsDelivered.replace('2012-06-06', '2012-13-06')));
    expect(error.cause).toMatchObject({ code: 'hoiio_time_format' });
  });
});

describe('unrecognisable payloads', () => {
  test.each([
    ['empty', '', undefined],
    ['unrelated fields', 'hello=world&foo=bar', undefined],
    ['empty at the status URL', '', 'status'],
  ] as const)('%s', (_name, encoded, hint) => {
    const error = failure(() => parse(encoded, hint));
    expect(error).toMatchObject({ code: 'hoiio_notification_invalid', problem: 'unrecognised', field: undefined });
    expect(error.reason).toMatch(/not a Hoiio notification/);
  });

  test.each([
    [fx.capturedSmsDelivered, 'sms', /sms\.status notification cannot arrive at the SMS forwarding URL/],
    [fx.docsIncomingSms, 'status', /sms\.incoming .* status URL/],
    [fx.docsFaxReceived, 'voice', /fax\.incoming notification cannot arrive at the voice forwarding URL/],
    [fx.docsGather, 'fax', /ivr notification cannot arrive at the fax forwarding URL/],
    [fx.capturedCallEnded, 'voice', /call\.status/],
  ] as const)('a notification at the wrong URL is refused (%#)', (encoded, hint, reason) => {
    const error = failure(() => parse(encoded, hint));
    expect(error.problem).toBe('unrecognised');
    expect(error.reason).toMatch(reason);
  });

  test('an IVR Dial notification may come to the status URL', () => {
    expect(parse('ivr_block=dial&session=S1&txn_ref=AA-C-1&call_state=ended&dial_status=busy', 'status')).toMatchObject(
      { kind: 'ivr', dialStatus: 'busy' },
    );
  });

  test('values that are not strings, and non-objects', () => {
    const bad = { txn_ref: 'AA-S-1', sms_status: 42 } as unknown as Record<string, string>;
    expect(failure(() => parseNotification(bad))).toMatchObject({ problem: 'malformed', field: 'sms_status' });
    expect(failure(() => parseNotification(null as unknown as Record<string, string>)).problem).toBe('unrecognised');
    expect(
      failure(() => parseNotification(fx as unknown as Record<string, string>, 'bogus' as NotificationHint)).problem,
    ).toBe('unrecognised');
  });

  test('an object whose getters throw is reported, not rethrown', () => {
    const hostile = Object.defineProperty({}, 'txn_ref', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }) as Record<string, string>;
    const error = failure(() => parseNotification(hostile));
    expect(error.cause).toBeInstanceOf(Error);
  });
});
