/**
 * Notifications as an application receives them on a loopback receiver: POSTed asynchronously,
 * parameters in the form body and the query string, pass-on parameters kept, `X-Hoiio-Signature`
 * valid, and every one parseable by our own notification parser. Media behind expiring signed URLs.
 */
import { describe, expect, test } from 'vitest';
import { inspectPdf } from '../../../src/bot/media/pdf.js';
import { mergeParams, parseNotification } from '../../../src/hoiio/notifications.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from '../../../src/hoiio/sandbox/state.js';
import type { SandboxNotificationEvent } from '../../../src/hoiio/sandbox/types.js';
import { control, hoiio, type Received, startReceiver, startTestSandbox } from './sandbox-support.js';

const merged = (r: Received) => mergeParams(r.query, r.form);

async function setup(extra: { now?: () => Date } = {}) {
  const receiver = await startReceiver();
  const server = await startTestSandbox({
    forwarding: {
      voice: `${receiver.url}/hoiio/tok/voice`,
      fax: `${receiver.url}/hoiio/tok/fax`,
      sms: `${receiver.url}/hoiio/tok/sms`,
    },
    ...extra,
  });
  return { receiver, server, status: `${receiver.url}/hoiio/tok/status` };
}

describe('sandbox notifications', () => {
  test('an SMS is notified queued then delivered: signed POST, params in body and query, pass-on params kept', async () => {
    const { receiver, server, status } = await setup();
    const events: SandboxNotificationEvent[] = [];
    server.sandbox.events.on('notification', (e: SandboxNotificationEvent) => events.push(e));
    const sent = await hoiio(server.url, 'sms/send', {
      dest: '+6591112222',
      msg: 'Hello there',
      tag: 'job-7',
      notify_url: `${status}?app_state=sms&n=1`,
    });
    await server.sandbox.whenIdle();
    const mine = receiver.received.filter((r) => r.form.get('txn_ref') === sent.txn_ref);
    expect(mine.map((r) => r.form.get('sms_status'))).toEqual(['queued', 'delivered']);
    for (const r of mine) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/hoiio/tok/status');
      expect(r.contentType).toBe('application/x-www-form-urlencoded');
      expect(r.signed).toBe(true);
      expect(r.query.get('app_state')).toBe('sms');
      expect(r.query.get('n')).toBe('1');
      for (const [k, v] of r.form) expect(r.query.get(k)).toBe(v);
      expect(Object.fromEntries(r.form)).toMatchObject({
        tag: 'job-7',
        dest: '+6591112222',
        split_count: '1',
        currency: 'SGD',
        rate: '0.038',
        debit: '0.038',
      });
      expect(r.form.get('date')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(parseNotification(merged(r), 'status')).toMatchObject({ kind: 'sms.status', txnRef: sent.txn_ref });
    }
    expect(events.map(({ params: { sms_status }, status }) => [sms_status, status])).toEqual([
      ['queued', 200],
      ['delivered', 200],
    ]);
    const balance = await hoiio(server.url, 'user/get_balance');
    expect(balance.balance).toBe('99.962');
  });

  test('a signature made with another key does not verify; the body is what is signed', async () => {
    const { receiver, server, status } = await setup();
    await hoiio(server.url, 'sms/send', { dest: '+6591112222', msg: 'x', notify_url: status });
    const r = await receiver.waitFor((x) => x.form.get('sms_status') === 'delivered');
    const { verifyHoiioSignature } = await import('../../../src/hoiio/webhook-signature.js');
    expect(verifyHoiioSignature(r.body, r.signature, 'sandbox')).toBe(true);
    expect(verifyHoiioSignature(r.body, r.signature, 'another-token')).toBe(false);
    expect(verifyHoiioSignature(`${r.body}&x=1`, r.signature, 'sandbox')).toBe(false);
  });

  test.each([
    ['+6590000031', ['queued', 'failed']],
    ['+6590000033', ['queued', 'error']],
    ['+6590000032', ['queued']],
  ])('magic SMS destination %s ends as %j', async (dest, statuses) => {
    const { receiver, server, status } = await setup();
    const sent = await hoiio(server.url, 'sms/send', { dest, msg: 'hi', notify_url: status });
    await server.sandbox.whenIdle();
    const seen = receiver.received.filter((r) => r.form.get('txn_ref') === sent.txn_ref);
    expect(seen.map((r) => r.form.get('sms_status'))).toEqual(statuses);
    expect((await hoiio(server.url, 'sms/query_status', { txn_ref: sent.txn_ref as string })).sms_status).toBe(
      statuses.at(-1),
    );
  });

  test('a two-way call rings leg 1, then leg 2, then one call status notification with duration and debit', async () => {
    const { receiver, server, status } = await setup();
    const legs: string[] = [];
    server.sandbox.events.on(
      'outbox',
      (item: { kind: string; call_status_dest1?: string; call_status_dest2?: string }) => {
        if (item.kind === 'call') legs.push(`${item.call_status_dest1}/${item.call_status_dest2}`);
      },
    );
    const call = await hoiio(server.url, 'voice/call', { dest2: '+6591110002', notify_url: `${status}?c=1` });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === call.txn_ref);
    expect(legs).toEqual(['ongoing/ongoing', 'answered/ongoing', 'answered/answered', 'answered/answered']);
    expect(Object.fromEntries(r.form)).toMatchObject({
      dest1: '+6591234567',
      dest2: '+6591110002',
      call_status_dest1: 'answered',
      call_status_dest2: 'answered',
      duration: '2',
      rate: '0.040',
      debit: '0.080',
    });
    expect(r.query.get('c')).toBe('1');
    expect(parseNotification(merged(r), 'status')).toMatchObject({ kind: 'call.status' });
    await server.sandbox.whenIdle();
    expect(receiver.received.filter((x) => x.form.get('txn_ref') === call.txn_ref)).toHaveLength(1);
  });

  test.each([
    ['+6590000011', 'busy', 'unanswered'],
    ['+6590000012', 'unanswered', 'unanswered'],
    ['+6590000013', 'failed', 'unanswered'],
  ])('a callback whose first leg is %s ends %s with nothing billed', async (dest1, first, second) => {
    const { receiver, server, status } = await setup();
    const call = await hoiio(server.url, 'voice/call', { dest1, dest2: '+6591110002', notify_url: status });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === call.txn_ref);
    expect(Object.fromEntries(r.form)).toMatchObject({
      call_status_dest1: first,
      call_status_dest2: second,
      duration: '0',
      debit: '0.000',
    });
  });

  test('a sent fax ends with a result notification with its pages; magic numbers fail with their code', async () => {
    const { receiver, server, status } = await setup();
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    for (let i = 0; i < 2; i++) doc.addPage([612, 792]);
    const file = Buffer.from(await doc.save()).toString('base64');
    const ok = await hoiio(server.url, 'fax/send', { dest: '+6562220000', file, notify_url: status, tag: 'f1' });
    const bad = await hoiio(server.url, 'fax/send', { dest: '+6560000023', file, notify_url: status });
    const busy = await hoiio(server.url, 'fax/send', { dest: '+6560000021', file, notify_url: status });
    const result = (ref: unknown) => receiver.waitFor((x) => x.form.get('txn_ref') === ref);
    expect(Object.fromEntries((await result(ok.txn_ref)).form)).toMatchObject({
      tag: 'f1',
      fax_status: 'answered',
      fax_pages: '2',
      duration: '2',
      rate: '0.015',
      debit: '0.030',
    });
    expect(Object.fromEntries((await result(bad.txn_ref)).form)).toMatchObject({
      fax_status: 'failed',
      fax_error_code: 'file_err',
      debit: '0.000',
    });
    const busyResult = await result(busy.txn_ref);
    expect(busyResult.form.get('fax_error_code')).toBe('busy');
    expect(parseNotification(merged(busyResult), 'status')).toMatchObject({ kind: 'fax.outgoing' });
  });

  test('an incoming SMS goes to the SMS forwarding URL; a long one arrives in parts of at most 152 characters', async () => {
    const { receiver, server } = await setup();
    const short = await control(server.url, 'trigger/sms', { from: '+65 9876 5432', msg: 'Is my order ready?' });
    expect(short.status).toBe(200);
    expect(short.json.txn_ref).toMatch(/^AA-SI-\d+$/);
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === short.json.txn_ref);
    expect(r.path).toBe('/hoiio/tok/sms');
    expect(Object.fromEntries(r.form)).toMatchObject({
      msg: 'Is my order ready?',
      from: '+6598765432',
      to: SANDBOX_VOICE_NUMBER,
      currency: 'SGD',
      debit: '0.010',
    });
    expect(parseNotification(merged(r), 'sms')).toMatchObject({ kind: 'sms.incoming' });
    const long = await control(server.url, 'trigger/sms', { from: '+6598765432', msg: 'y'.repeat(400) });
    expect(long.json.txn_refs).toHaveLength(3);
    await server.sandbox.whenIdle();
    const parts = receiver.received.filter((x) =>
      (long.json.txn_refs as string[]).includes(x.form.get('txn_ref') ?? ''),
    );
    expect(parts.map((p) => p.form.get('msg')?.length)).toEqual([152, 152, 96]);
    const history = await hoiio(server.url, 'sms/get_history');
    expect(history.total_entries_count).toBe('4');
  });

  test('an incoming fax brings a signed URL to a generated PDF of the requested pages', async () => {
    const { receiver, server } = await setup();
    const t = await control(server.url, 'trigger/fax', { from: '+6562000001', pages: 3 });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === t.json.txn_ref);
    expect(r.path).toBe('/hoiio/tok/fax');
    expect(Object.fromEntries(r.form)).toMatchObject({
      fax_status: 'answered',
      from: '+6562000001',
      to: SANDBOX_FAX_NUMBER,
      fax_pages: '3',
      duration: '3',
      debit: '0.045',
    });
    const parsed = parseNotification(merged(r), 'fax');
    expect(parsed).toMatchObject({ kind: 'fax.incoming' });
    const url = new URL(r.form.get('fax_url') as string);
    expect(url.searchParams.get('Expires')).toMatch(/^\d+$/);
    expect(url.searchParams.get('Signature')).toBeTruthy();
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = await inspectPdf(new Uint8Array(await res.arrayBuffer()), { maxTextChars: 2000 });
    expect(pdf.pages).toBe(3);
    expect(pdf.text).toContain('Page 1 of 3');
    expect(pdf.text).toContain('+6562000001');
  });

  test('a failed incoming fax has its code and no URL', async () => {
    const { receiver, server } = await setup();
    const t = await control(server.url, 'trigger/fax', { from: '+6562000001', fail: 'invalid_size' });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === t.json.txn_ref);
    expect(Object.fromEntries(r.form)).toMatchObject({ fax_status: 'failed', fax_error_code: 'invalid_size' });
    expect(r.form.has('fax_url')).toBe(false);
  });

  test('media URLs expire, and a tampered or unsigned URL is refused', async () => {
    let now = Date.now();
    const { receiver, server } = await setup({ now: () => new Date(now) });
    const t = await control(server.url, 'trigger/fax', { from: '+6562000001' });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === t.json.txn_ref);
    const url = new URL(r.form.get('fax_url') as string);
    expect((await fetch(url)).status).toBe(200);
    const tampered = new URL(url);
    tampered.searchParams.set('Expires', String(Number(url.searchParams.get('Expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    expect((await fetch(url.origin + url.pathname)).status).toBe(403);
    now += 3601_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    const fresh = await hoiio(server.url, 'fax/query_status', { txn_ref: t.json.txn_ref as string });
    expect((await fetch(fresh.fax_url as string)).status).toBe(200);
  });

  test('number/update_forwarding moves notifications to the new URLs (forward_sms_to accepted too)', async () => {
    const { receiver, server } = await setup();
    const set = await hoiio(server.url, 'number/update_forwarding', {
      number: SANDBOX_VOICE_NUMBER,
      forward_sms_to: `${receiver.url}/elsewhere/sms?k=v`,
    });
    expect(set.status).toBe('success_ok');
    const t = await control(server.url, 'trigger/sms', { from: '+6598765432', msg: 'moved' });
    const r = await receiver.waitFor((x) => x.form.get('txn_ref') === t.json.txn_ref);
    expect(r.path).toBe('/elsewhere/sms');
    expect(r.query.get('k')).toBe('v');
    const numbers = (await (await fetch(`${server.url}/api/numbers`)).json()) as { items: Record<string, unknown>[] };
    expect(numbers.items).toContainEqual(
      expect.objectContaining({ number: SANDBOX_VOICE_NUMBER, forward_to_sms: `${receiver.url}/elsewhere/sms?k=v` }),
    );
  });

  test('an unreachable notify URL is reported as status 0 and changes nothing else', async () => {
    const { server } = await setup();
    const events: SandboxNotificationEvent[] = [];
    server.sandbox.events.on('notification', (e: SandboxNotificationEvent) => events.push(e));
    const sent = await hoiio(server.url, 'sms/send', {
      dest: '+6591112222',
      msg: 'x',
      notify_url: 'http://127.0.0.1:1/',
    });
    await server.sandbox.whenIdle();
    expect(events.map((e) => e.status)).toEqual([0, 0]);
    expect((await hoiio(server.url, 'sms/query_status', { txn_ref: sent.txn_ref as string })).sms_status).toBe(
      'delivered',
    );
  });
});
