/**
 * The sandbox driven the way the official Python SDK (hoiiopie, hoiio-api.md §7) drives Hoiio:
 * every call an HTTP GET with all parameters in the query string (a fax as a Base64 `file`, so the
 * request line is hundreds of KB), only the body read whatever the HTTP status, and the response
 * "sanitised" as hoiiopie does: `txn_refs` split on commas, dates parsed as `%Y-%m-%d %H:%M:%S`,
 * counts through `int()`, amounts through `float()`, `entries` recursively.
 */
import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import { startReceiver, startTestSandbox } from './sandbox-support.js';

const INTS = new Set(['split_count', 'duration', 'talktime', 'entries_count', 'total_entries_count']);
const FLOATS = new Set(['rate', 'total_cost', 'debit', 'balance', 'points', 'bonus']);
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** Python's int() of a str: digits only (a JSON number would pass in Python too, but Hoiio sends strings). */
function pyInt(key: string, v: unknown): number {
  if (typeof v !== 'string' || !/^\s*[+-]?\d+\s*$/.test(v)) throw new Error(`int(${key}=${JSON.stringify(v)}) fails`);
  return Number(v);
}

function pyFloat(key: string, v: unknown): number {
  if (typeof v !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(v)) {
    throw new Error(`float(${key}=${JSON.stringify(v)}) fails`);
  }
  return Number(v);
}

/** hoiiopie's Response type sanitising, strict about what Python would reject. */
function sanitise(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(json)) {
    if (key === 'txn_refs') {
      if (typeof v !== 'string') throw new Error('txn_refs is not a string: .split(",") fails');
      out[key] = v.split(',');
    } else if (key === 'date') {
      if (typeof v !== 'string' || !DATETIME.test(v)) throw new Error(`date ${JSON.stringify(v)} does not parse`);
      out[key] = v;
    } else if (key === 'expiry') {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`expiry ${JSON.stringify(v)}`);
      out[key] = v;
    } else if (INTS.has(key)) out[key] = pyInt(key, v);
    else if (FLOATS.has(key)) out[key] = pyFloat(key, v);
    else if (key === 'entries') {
      if (!Array.isArray(v)) throw new Error('entries is not a list');
      out[key] = v.map((e: unknown) =>
        typeof e === 'object' && e !== null ? sanitise(e as Record<string, unknown>) : e,
      );
    } else out[key] = v;
  }
  return out;
}

/** A TypeScript stand-in for hoiiopie's HTTP layer: requests.get(url, params=...), then res.json(). */
function hoiiopie(base: string) {
  const get = async (api: string, params: Record<string, string | undefined>): Promise<any> => {
    const q = new URLSearchParams({ app_id: 'sandbox', access_token: 'sandbox' });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.append(k, v);
    const res = await fetch(`${base}/open/${api}?${q.toString()}`); // HTTP status deliberately ignored
    const json = (await res.json()) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error('HoiioException: not a JSON object');
    const r: any = sanitise(json);
    return { ...r, isSuccess: () => r.status === 'success_ok' };
  };
  return {
    voice: {
      call: (dest1: string, dest2: string, kw = {}) => get('voice/call', { dest1, dest2, ...kw }),
      conference: (...dests: string[]) => get('voice/conference', { dest: dests.join(',') }),
      hangup: (txn_ref: string) => get('voice/hangup', { txn_ref }),
      history: (kw = {}) => get('voice/get_history', kw),
      rate: (dest1: string, dest2: string) => get('voice/get_rate', { dest1, dest2 }),
      status: (txn_ref: string) => get('voice/query_status', { txn_ref }),
    },
    sms: {
      send: (msg: string, dest: string, kw = {}) => get('sms/send', { msg, dest, ...kw }),
      bulk_send: (msg: string, ...dests: string[]) => get('sms/bulk_send', { msg, dest: dests.join(',') }),
      history: (kw = {}) => get('sms/get_history', kw),
      rate: (msg: string, dest: string) => get('sms/get_rate', { msg, dest }),
      rate_in: (dest: string) => get('sms/get_rate', { incoming: dest }),
      status: (txn_ref: string) => get('sms/query_status', { txn_ref }),
    },
    fax: {
      send: (dest: string, file: Uint8Array, kw = {}) =>
        get('fax/send', { dest, file: Buffer.from(file).toString('base64'), ...kw }),
      history: (kw = {}) => get('fax/get_history', kw),
      rate: (dest: string) => get('fax/get_rate', { dest }),
      rate_in: (dest: string) => get('fax/get_rate', { incoming: dest }),
      status: (txn_ref: string) => get('fax/query_status', { txn_ref }),
    },
    ivr: {
      dial: (dest: string, kw = {}) => get('ivr/start/dial', { dest, ...kw }),
      play: (session: string, msg: string, kw = {}) => get('ivr/middle/play', { session, msg, ...kw }),
      gather: (session: string, kw = {}) => get('ivr/middle/gather', { session, ...kw }),
      record: (session: string, kw = {}) => get('ivr/middle/record', { session, ...kw }),
      monitor: (session: string, kw = {}) => get('ivr/middle/monitor', { session, ...kw }),
      transfer: (session: string, dest: string, kw = {}) => get('ivr/end/transfer', { session, dest, ...kw }),
      hangup: (session: string, kw = {}) => get('ivr/end/hangup', { session, ...kw }),
    },
    number: {
      available_countries: () => get('number/get_countries', {}),
      available_numbers: (country: string, state?: string) => get('number/get_choices', { country, state }),
      rate: (country: string) => get('number/get_rates', { country }),
      subscribe: (number: string, duration: string) => get('number/subscribe', { number, duration }),
      configure: (number: string, kw = {}) => get('number/update_forwarding', { number, ...kw }),
      subscribed_numbers: () => get('number/get_active', {}),
    },
    account: {
      balance: () => get('user/get_balance', {}),
      info: () => get('user/get_info', {}),
    },
  };
}

/** A valid A4 PDF of a few hundred KB (an attachment pads it), as a scanned fax would be. */
async function bigPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  doc.addPage([595.28, 841.89]);
  const padding = new Uint8Array(randomBytes(450 * 1024)); // incompressible
  await doc.attach(padding, 'scan.bin', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

describe('the sandbox as the Python SDK (hoiiopie) sees it', () => {
  test('every endpoint over GET with the query string, fax as Base64 in a request line of hundreds of KB', async () => {
    const receiver = await startReceiver();
    const server = await startTestSandbox({ forwarding: { voice: `${receiver.url}/voice` } });
    const h = hoiiopie(server.url);
    const notify = `${receiver.url}/status?app_state=py`;

    const sms = await h.sms.send('Hello + welcome & more', '+6591112222', { notify_url: notify, tag: 'a b' });
    expect(sms.isSuccess()).toBe(true);
    const bulk = await h.sms.bulk_send('Hi', '+6591112223', '+6591112224');
    expect(bulk.bulk_txn_ref).toMatch(/^AA-B-\d+$/);
    await server.sandbox.whenIdle();
    const smsStatus = await h.sms.status(sms.txn_ref as string);
    expect(smsStatus).toMatchObject({
      msg: 'Hello + welcome & more',
      tag: 'a b',
      split_count: 1,
      debit: 0.038,
      rate: 0.038,
    });
    expect((await h.sms.history()).entries_count).toBe(3);
    expect(await h.sms.rate('x'.repeat(161), '+6591112222')).toMatchObject({
      split_count: 2,
      total_cost: 0.076,
      is_unicode: false,
    });
    expect(await h.sms.rate_in(SANDBOX_VOICE_NUMBER)).toMatchObject({ rate: 0.01 });

    const call = await h.voice.call('+6591110001', '+6591110002', { notify_url: notify });
    const conf = await h.voice.conference('+6591110003', '+6591110004');
    expect(conf.txn_refs).toHaveLength(2);
    await server.sandbox.whenIdle();
    expect(await h.voice.status(call.txn_ref as string)).toMatchObject({ duration: 2, debit: 0.08 });
    const live = await h.voice.call('+6591110001', '+6590000014');
    expect((await h.voice.hangup(live.txn_ref as string)).status).toBe('success_ok');
    expect((await h.voice.history()).total_entries_count).toBe(4);
    expect((await h.voice.rate('+6591110001', '+6591110002')).talktime).toBeGreaterThan(0);

    const file = await bigPdf();
    expect(file.length).toBeGreaterThan(400 * 1024);
    const fax = await h.fax.send('+6562220000', file, { filename: 'scan.pdf', notify_url: notify });
    expect(fax.status).toBe('success_ok');
    await server.sandbox.whenIdle();
    const faxStatus = await h.fax.status(fax.txn_ref as string);
    expect(faxStatus).toMatchObject({ fax_status: 'answered', fax_pages: '2', debit: 0.03 });
    const pdf = new Uint8Array(await (await fetch(faxStatus.fax_url as string)).arrayBuffer());
    expect(Buffer.from(pdf).equals(Buffer.from(file))).toBe(true);
    expect((await h.fax.history({ type: 'outgoing' })).entries_count).toBe(1);
    expect((await h.fax.rate('+6562220000')).rate).toBe(0.015);
    expect((await h.fax.rate_in(SANDBOX_FAX_NUMBER)).rate).toBe(0.015);

    const dial = await h.ivr.dial('+6591110009', { msg: 'Hello', notify_url: notify });
    const session = dial.session as string;
    const step = async (block: string) =>
      receiver.waitFor((r) => r.form.get('session') === session && r.form.get('ivr_block') === block);
    await step('dial');
    expect((await h.ivr.play(session, 'Welcome', { notify_url: notify })).isSuccess()).toBe(true);
    await step('play');
    expect(
      (await h.ivr.gather(session, { max_digits: '1', timeout: '60', attempts: '3', notify_url: notify })).isSuccess(),
    ).toBe(true);
    await step('gather');
    expect((await h.ivr.record(session, { max_duration: '60', notify_url: notify })).isSuccess()).toBe(true);
    await step('record');
    expect((await h.ivr.monitor(session, { notify_url: notify })).isSuccess()).toBe(true);
    await step('monitor');
    expect(
      (await h.ivr.transfer(session, '+6590000012', { on_failure: 'continue', notify_url: notify })).isSuccess(),
    ).toBe(true);
    await step('transfer');
    expect((await h.ivr.hangup(session, { notify_url: notify })).isSuccess()).toBe(true);
    await step('hangup');
    const ivrStatus = await h.voice.status(dial.txn_ref as string);
    expect(ivrStatus).toMatchObject({ call_status_dest1: 'answered', call_status_dest2: 'unanswered' });
    expect(receiver.received.every((r) => r.query.get('app_state') === 'py')).toBe(true);

    const countries = await h.number.available_countries();
    expect(countries.entries_count).toBe(3);
    const choices = await h.number.available_numbers('US', 'CA');
    expect(choices).toMatchObject({ entries_count: 20, total_entries_count: 30 });
    expect((await h.number.rate('SG')).entries_count).toBe(3);
    const sub = await h.number.subscribe((choices.entries as { number: string }[])[0]?.number as string, '12');
    expect(sub).toMatchObject({ debit: 50, currency: 'SGD' });
    expect(sub.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(
      (
        await h.number.configure(SANDBOX_VOICE_NUMBER, {
          forward_to: `${receiver.url}/voice`,
          forward_sms_to: `${receiver.url}/sms`,
          mode: 'voice',
        })
      ).isSuccess(),
    ).toBe(true);
    const active = await h.number.subscribed_numbers();
    expect(active.entries).toContainEqual(
      expect.objectContaining({ number: SANDBOX_VOICE_NUMBER, forward_sms_to: `${receiver.url}/sms` }),
    );
    expect(await h.account.balance()).toMatchObject({ currency: 'SGD' });
    const info = await h.account.info();
    expect(String(info.prefix).replace('+', '')).toBe('65');
  });

  test('errors and unknown paths still answer a JSON object with a status, whatever the HTTP status', async () => {
    const server = await startTestSandbox();
    const h = hoiiopie(server.url);
    expect((await h.sms.send('', '+6591112222')).status).toBe('error_msg_empty');
    const unknown = await fetch(`${server.url}/open/voice/teleport?app_id=sandbox&access_token=sandbox`);
    const body: any = await unknown.json();
    expect(typeof body.status).toBe('string');
    const deep = await fetch(`${server.url}/open/a/b/c/d`);
    const deepBody: any = await deep.json();
    expect(typeof deepBody.status).toBe('string');
  });

  test('a "+" sent unencoded in a query string reads as a space, as in any form decoding', async () => {
    const server = await startTestSandbox();
    const res = await fetch(
      `${server.url}/open/sms/send?app_id=sandbox&access_token=sandbox&dest=+6591112222&msg=hi+there`,
    );
    expect(await res.json()).toEqual({ status: 'error_dest_invalid' });
    const ok = await fetch(
      `${server.url}/open/sms/send?app_id=sandbox&access_token=sandbox&dest=%2B6591112222&msg=hi+there`,
    );
    const sent = (await ok.json()) as { txn_ref: string };
    const status = (await (
      await fetch(`${server.url}/open/sms/query_status?app_id=sandbox&access_token=sandbox&txn_ref=${sent.txn_ref}`)
    ).json()) as { msg: string };
    expect(status.msg).toBe('hi there');
  });
});
