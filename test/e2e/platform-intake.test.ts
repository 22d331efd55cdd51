import { describe, expect, onTestFinished, test } from 'vitest';
import type { Feature } from '../../src/bot/features/index.js';
import type { InboundHandler, NotificationOf } from '../../src/bot/inbound/inbound-registry.js';
import { PermanentJobError } from '../../src/db/job-errors.js';
import { signHoiioBody } from '../../src/hoiio/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testEngines, useTestDatabase } from '../support/test-db.js';

/** A tiny relay feature for incoming SMS, registered through the public registry; it records what it got. */
function recordingRelay(
  seen: NotificationOf<'sms.incoming'>[],
  behave: InboundHandler<'sms.incoming'> = async () => undefined,
): Feature {
  return {
    name: 'test-relay',
    register({ inbound }) {
      inbound.register('sms.incoming', async (n, ctx) => {
        seen.push(n);
        return behave(n, ctx);
      });
    },
  };
}

function smsParams(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    txn_ref: 'AA-SI-424242',
    from: '+6591234567',
    to: '+6531580001',
    msg: 'Is my parcel ready?',
    date: '2025-11-25 10:00:00',
    currency: 'SGD',
    debit: '0.010',
    ...overrides,
  });
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe.each(testEngines())('webhook intake and relay (%s)', (engine) => {
  const database = useTestDatabase(engine);

  async function start(feature?: Feature): Promise<TestApp> {
    const t = await startTestApp({ database, features: [], extraFeatures: feature ? [feature] : [] });
    onTestFinished(() => t.stop());
    return t;
  }

  const events = () => database.db.selectFrom('inbound_events').selectAll().orderBy('id').execute();
  const relayJobs = () => database.db.selectFrom('jobs').selectAll().where('queue', '=', 'inbound.relay').execute();

  test('an SMS triggered in the sandbox reaches the intake, is stored once and relayed to the handler', async () => {
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(recordingRelay(seen));
    const { txn_ref: txnRef } = await t.sandbox.trigger.sms({ from: '+6591234567', msg: 'hello <!channel>' });
    await t.whenIdle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'sms.incoming', txnRef, from: '+6591234567', msg: 'hello <!channel>' });
    const stored = await events();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'sms', state: 'processed', txn_ref: txnRef });
    expect(stored[0]?.processed_at).toBeInstanceOf(Date);
    expect(await relayJobs()).toMatchObject([{ state: 'done' }]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('hoiio_slack_webhooks_total{kind="sms",outcome="stored"} 1');
    expect(t.logs.join('')).not.toContain(t.deps.webhookUrls.token);
  });

  test('the same notification 5 times at once: five 200s, one event, one job, one relay', async () => {
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(recordingRelay(seen));
    const body = smsParams().toString();
    const signature = signHoiioBody(body, 'sandbox');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(t.webhookUrl('sms'), body, { 'x-hoiio-signature': signature })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await t.whenIdle();
    expect(await events()).toHaveLength(1);
    expect(await relayJobs()).toHaveLength(1);
    expect(seen.map((n) => n.txnRef)).toEqual(['AA-SI-424242']);
    // a later replay is a duplicate too
    expect((await post(t.webhookUrl('sms'), body)).status).toBe(200);
    await t.whenIdle();
    expect(seen).toHaveLength(1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('hoiio_slack_webhooks_total{kind="sms",outcome="duplicate"} 5');
  });

  test('GET with the parameters in the query string works like a POST', async () => {
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(recordingRelay(seen));
    const res = await fetch(`${t.webhookUrl('sms')}?${smsParams({ txn_ref: 'AA-SI-77' }).toString()}`);
    expect(res.status).toBe(200);
    await t.whenIdle();
    expect(seen.map((n) => n.txnRef)).toEqual(['AA-SI-77']);
  });

  test('a wrong token is 401 and stores nothing, whatever the method or kind', async () => {
    const t = await start();
    const wrong = `${t.url}/hoiio/${'x'.repeat(43)}/sms`;
    expect((await post(wrong, smsParams().toString())).status).toBe(401);
    expect((await fetch(`${wrong}?${smsParams().toString()}`)).status).toBe(401);
    expect((await post(`${t.url}/hoiio/${t.deps.webhookUrls.token.slice(1)}/sms`, 'a=1')).status).toBe(401);
    expect((await post(`${t.url}/hoiio`, 'a=1')).status).toBe(401);
    expect((await post(t.webhookUrl('sms').replace('/sms', '/nope'), 'a=1')).status).toBe(404);
    expect(await events()).toEqual([]);
  });

  test('a body over 64 KiB is 413 and stores nothing', async () => {
    const t = await start();
    const big = smsParams({ msg: 'x'.repeat(64 * 1024) }).toString();
    expect((await post(t.webhookUrl('sms'), big)).status).toBe(413);
    expect(await events()).toEqual([]);
  });

  test('a bad X-Hoiio-Signature is 401; a good one or none is accepted', async () => {
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(recordingRelay(seen));
    const body = smsParams().toString();
    const forged = signHoiioBody(body, 'not-the-access-token');
    expect((await post(t.webhookUrl('sms'), body, { 'x-hoiio-signature': forged })).status).toBe(401);
    expect((await post(t.webhookUrl('sms'), body, { 'x-hoiio-signature': 'garbage' })).status).toBe(401);
    expect(await events()).toEqual([]);
    const signature = signHoiioBody(body, 'sandbox');
    expect((await post(t.webhookUrl('sms'), body, { 'x-hoiio-signature': signature })).status).toBe(200);
    await t.whenIdle();
    expect(seen).toHaveLength(1);
  });

  test('a payload that can never be processed is 400 with the reason and kept as rejected, once', async () => {
    const t = await start();
    const res = await post(t.webhookUrl('sms'), 'hello=world');
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { ok: boolean; error: string };
    expect(answer.ok).toBe(false);
    expect(answer.error.length).toBeGreaterThan(5);
    const bad = await post(t.webhookUrl('fax'), smsParams({ from: 'not a number' }).toString());
    expect(bad.status).toBe(400);
    expect((await post(t.webhookUrl('sms'), 'hello=world')).status).toBe(400);
    const stored = await events();
    expect(stored.map((e) => [e.kind, e.state])).toEqual([
      ['sms', 'rejected'],
      ['fax', 'rejected'],
    ]);
    expect(stored[0]?.params).toEqual({ hello: 'world' });
    expect(stored[0]?.error).toBe(answer.error);
    expect(await relayJobs()).toEqual([]);
  });

  test('the dispatcher records how each event ended', async () => {
    let calls = 0;
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(
      recordingRelay(seen, async (n) => {
        if (n.msg === 'forged') return { state: 'unverified', reason: 'query_status does not know it' };
        if (n.msg === 'broken') throw new PermanentJobError('cannot ever work');
        if (n.msg === 'flaky' && ++calls === 1) throw new Error('Hoiio unreachable');
        return undefined;
      }),
    );
    for (const [i, msg] of ['forged', 'broken', 'flaky'].entries()) {
      expect((await post(t.webhookUrl('sms'), smsParams({ txn_ref: `AA-SI-${i}`, msg }).toString())).status).toBe(200);
    }
    // a kind nobody handles (no fax feature here)
    const fax = new URLSearchParams({
      txn_ref: 'AA-SI-900',
      fax_status: 'failed',
      from: '+6591234567',
      to: '+6531580002',
      fax_error_code: 'busy',
    });
    expect((await post(t.webhookUrl('fax'), fax.toString())).status).toBe(200);
    await t.whenIdle();
    const byRef = Object.fromEntries((await events()).map((e) => [e.txn_ref, [e.state, e.error]]));
    expect(byRef).toEqual({
      'AA-SI-0': ['unverified', 'query_status does not know it'],
      'AA-SI-1': ['failed', 'cannot ever work'],
      'AA-SI-2': ['processed', null],
      'AA-SI-900': ['ignored', 'no handler for fax.incoming'],
    });
    expect(seen.filter((n) => n.msg === 'flaky')).toHaveLength(2);
    const jobs = await relayJobs();
    expect(jobs.map((j) => j.state).sort()).toEqual(['dead', 'done', 'done', 'done']);
  });

  test('after a restart the same webhook URLs work and nothing is relayed twice', async () => {
    const seen: NotificationOf<'sms.incoming'>[] = [];
    const t = await start(recordingRelay(seen));
    const before = t.webhookUrl('sms');
    await t.sandbox.trigger.sms({ from: '+6591234567', msg: 'one' });
    await t.whenIdle();
    await t.restart();
    expect(t.webhookUrl('sms')).toBe(before);
    await t.sandbox.trigger.sms({ from: '+6591234567', msg: 'two' });
    await t.whenIdle();
    expect(seen.map((n) => n.msg)).toEqual(['one', 'two']);
  });
});
