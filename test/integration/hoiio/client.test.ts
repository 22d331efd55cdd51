import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  HoiioAbortError,
  HoiioApiError,
  HoiioAuthError,
  HoiioError,
  HoiioInsufficientCreditError,
  HoiioInvalidRequestError,
  HoiioNetworkError,
  HoiioParseError,
  HoiioRateLimitError,
  HoiioServiceError,
  HoiioSessionError,
  HoiioTimeoutError,
  isOutcomeUnknown,
} from '../../../src/hoiio/errors.js';
import {
  type HoiioAttempt,
  HoiioClient,
  type HoiioClientOptions,
  type HoiioLogger,
} from '../../../src/hoiio/hoiio-client.js';
import { type FakeHoiio, ok, startFakeHoiio, status } from '../../support/fake-hoiio.js';

const APP_ID = 'app-7f3c91';
const TOKEN = 'tok-SECRET-5b8e2d44a1';

let fake: FakeHoiio;
let sleeps: number[];
let logs: { level: string; data: Record<string, unknown>; msg: string }[];

const logger: HoiioLogger = {
  debug: (data, msg) => logs.push({ level: 'debug', data, msg }),
  info: (data, msg) => logs.push({ level: 'info', data, msg }),
  warn: (data, msg) => logs.push({ level: 'warn', data, msg }),
};

function client(options: Partial<HoiioClientOptions> = {}): HoiioClient {
  return new HoiioClient({
    appId: APP_ID,
    accessToken: TOKEN,
    baseUrl: fake.baseUrl,
    logger,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = await startFakeHoiio();
  sleeps = [];
  logs = [];
});
afterEach(async () => {
  await fake.stop();
});

describe('encoding', () => {
  test('POST is form-encoded with credentials, + as %2B and Unicode as UTF-8', async () => {
    fake.reply('sms/send', ok({ txn_ref: 'AA-S-141147' }));
    const result = await client().sms.send({ dest: '+6591234567', msg: 'Grüße 😀 a+b & c=d', tag: 'ref 1' });
    expect(result).toEqual({ txnRef: 'AA-S-141147' });

    const [req] = fake.requestsTo('sms/send');
    expect(req?.method).toBe('POST');
    expect(req?.contentType).toBe('application/x-www-form-urlencoded');
    const raw = req?.rawBody.toString('utf8') ?? '';
    expect(raw).toContain('dest=%2B6591234567');
    expect(raw).toContain(`msg=${encodeURIComponent('Grüße 😀 a+b & c=d')}`);
    expect(raw).not.toContain('+');
    expect(req?.params).toEqual({
      dest: '+6591234567',
      msg: 'Grüße 😀 a+b & c=d',
      tag: 'ref 1',
      app_id: APP_ID,
      access_token: TOKEN,
    });
    expect(req?.rawQuery).toBe('');
  });

  test('GET puts everything in the query string, encoded the same way', async () => {
    fake.reply('sms/send', ok({ txn_ref: 'AA-S-2' }));
    await client({ method: 'GET' }).sms.send({ dest: '+6591234567', msg: 'ñ +1' });
    const [req] = fake.requestsTo('sms/send');
    expect(req?.method).toBe('GET');
    expect(req?.rawBody.length).toBe(0);
    expect(req?.rawQuery).toContain('dest=%2B6591234567');
    expect(req?.rawQuery).toContain('msg=%C3%B1%20%2B1');
    expect(req?.query).toMatchObject({ dest: '+6591234567', msg: 'ñ +1', app_id: APP_ID, access_token: TOKEN });
  });

  test('optional parameters that are not given are not sent; an empty string is', async () => {
    fake.reply('fax/send', ok({ txn_ref: 'AA-C-1' }));
    await client().fax.send({ dest: '+6561234567', file: new Uint8Array([37, 80, 68, 70]), faxHeader: '' });
    const [req] = fake.requestsTo('fax/send');
    expect(req?.params).not.toHaveProperty('tag');
    expect(req?.params).not.toHaveProperty('notify_url');
    expect(req?.params).toMatchObject({ fax_header: '' });
  });

  test('a caller cannot override the credentials through params', async () => {
    fake.reply('user/get_info', ok({ uid: 'AA-1' }));
    await client().request('user/get_info', { access_token: 'other', app_id: 'other' });
    expect(fake.requests[0]?.params).toMatchObject({ app_id: APP_ID, access_token: TOKEN });
  });

  test('a lone surrogate is refused before any request, as Hoiio would', async () => {
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'bad \ud800' }));
    expect(err).toBeInstanceOf(HoiioInvalidRequestError);
    expect((err as HoiioInvalidRequestError).status).toBe('error_malformed_params');
    expect(fake.requests).toHaveLength(0);
  });

  test('fax/send is multipart with the exact PDF bytes and the filename, even in GET mode', async () => {
    const pdf = new Uint8Array(70_000);
    for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 31 + 7) % 256; // every byte value, incl. CR/LF and 0
    pdf.set([37, 80, 68, 70, 45], 0); // %PDF-
    fake.reply('fax/send', ok({ txn_ref: 'AA-C-3060997' }));
    const result = await client({ method: 'GET' }).fax.send({
      dest: '+6561234567',
      file: pdf,
      filename: 'invoice 42.pdf',
      tag: 'fax-1',
      notifyUrl: 'https://app.example/hoiio/t/status?x=1',
    });
    expect(result).toEqual({ txnRef: 'AA-C-3060997' });
    const [req] = fake.requestsTo('fax/send');
    expect(req?.method).toBe('POST');
    expect(req?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(req?.files).toHaveLength(1);
    expect(req?.files[0]?.field).toBe('file');
    expect(req?.files[0]?.filename).toBe('invoice 42.pdf');
    expect(req?.files[0]?.contentType).toBe('application/pdf');
    expect(Buffer.from(req?.files[0]?.data ?? []).equals(Buffer.from(pdf))).toBe(true);
    expect(req?.body).toEqual({
      dest: '+6561234567',
      filename: 'invoice 42.pdf',
      tag: 'fax-1',
      notify_url: 'https://app.example/hoiio/t/status?x=1',
      app_id: APP_ID,
      access_token: TOKEN,
    });
    expect(req?.rawQuery).toBe('');
  });

  test('the base URL may lack its trailing slash', async () => {
    fake.reply('user/get_balance', ok({ currency: 'SGD', balance: '1.000', points: '1.000', bonus: '0.000' }));
    const c = client({ baseUrl: fake.baseUrl.replace(/\/$/, '') });
    expect(c.baseUrl).toBe(fake.baseUrl);
    await c.account.getBalance();
    expect(fake.requests[0]?.endpoint).toBe('user/get_balance');
  });
});

describe('errors', () => {
  test.each([
    ['error_invalid_access_token', HoiioAuthError],
    ['error_invalid_app_id', HoiioAuthError],
    ['error_insufficient_credit', HoiioInsufficientCreditError],
    ['error_dest_invalid', HoiioInvalidRequestError],
    ['error_rate_limit_exceeded', HoiioRateLimitError],
    ['error_session_not_ready', HoiioSessionError],
    ['error_internal_server_error', HoiioServiceError],
    ['error_concurrent_call_limit_reached', HoiioServiceError],
    ['error_never_seen_before', HoiioApiError],
  ] as const)('%s becomes %s', async (s, Kind) => {
    fake.reply('sms/send', status(s));
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(Kind);
    expect(err).toBeInstanceOf(HoiioApiError);
    expect((err as HoiioApiError).constructor).toBe(Kind);
    expect((err as HoiioApiError).status).toBe(s);
    expect((err as HoiioApiError).endpoint).toBe('sms/send');
    expect((err as HoiioApiError).httpStatus).toBe(200);
    expect((err as Error).message).toContain(s);
  });

  test('an invalid request names the parameter', async () => {
    fake.reply('sms/send', status('error_dest_invalid'), status('error_msg_param_missing'));
    const c = client();
    const a = await caught(c.sms.send({ dest: '12', msg: 'x' }));
    expect(a).toMatchObject({ code: 'hoiio_invalid_request', param: 'dest', retryable: false });
    const b = await caught(c.sms.send({ dest: '+6591234567', msg: '' }));
    expect(b).toMatchObject({ param: 'msg' });
  });

  test('session errors say which kind', async () => {
    fake.reply('ivr/middle/unhold', status('error_session_not_on_hold'));
    fake.reply('ivr/middle/play', status('error_session_ended'));
    const c = client();
    expect(await caught(c.ivr.unhold({ session: 'S1' }))).toMatchObject({ kind: 'not_on_hold' });
    expect(await caught(c.ivr.play({ session: 'S1', msg: 'hi' }))).toMatchObject({ kind: 'ended' });
  });

  test('a JSON error status is read from a non-200 response too', async () => {
    fake.reply('sms/send', status('error_insufficient_credit', 402));
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioInsufficientCreditError);
    expect((err as HoiioApiError).httpStatus).toBe(402);
  });

  test('a success body wins whatever the HTTP status', async () => {
    fake.reply('sms/send', { json: { status: 'success_ok', txn_ref: 'AA-S-9' }, httpStatus: 202 });
    expect(await client().sms.send({ dest: '+6591234567', msg: 'x' })).toEqual({ txnRef: 'AA-S-9' });
  });

  test('a non-JSON body is a HoiioParseError with the HTTP status and a snippet, credentials masked', async () => {
    fake.reply('sms/send', {
      body: `<html><body>Bad Gateway for ${TOKEN} / ${APP_ID}\n</body></html>`,
      httpStatus: 502,
    });
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioParseError);
    const e = err as HoiioParseError;
    expect(e.httpStatus).toBe(502);
    expect(e.snippet).toContain('Bad Gateway');
    expect(e.retryable).toBe(true);
    for (const text of [e.message, e.snippet ?? '', JSON.stringify(e), String(e.cause ?? '')]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(APP_ID);
    }
  });

  test('JSON without a status is a HoiioParseError; a 200 one is not retryable', async () => {
    fake.reply('user/get_info', { json: ['not', 'an', 'object'] });
    const err = await caught(client().account.getInfo());
    expect(err).toBeInstanceOf(HoiioParseError);
    expect((err as HoiioParseError).retryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  test('a success response missing a required field is a HoiioParseError naming it', async () => {
    fake.reply('sms/send', ok({}));
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioParseError);
    expect(err).toMatchObject({ field: 'txn_ref', endpoint: 'sms/send' });
  });

  test('a connection reset is a HoiioNetworkError', async () => {
    fake.reply('sms/send', { reset: true });
    const err = await caught(client().sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioNetworkError);
    expect(err).toMatchObject({ code: 'hoiio_network', retryable: true, endpoint: 'sms/send' });
    expect((err as Error).cause).toBeDefined();
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  test('a refused connection is a HoiioNetworkError', async () => {
    const closed = await startFakeHoiio();
    await closed.stop(); // its port is now free: nothing listens there
    const c = client({ baseUrl: closed.baseUrl });
    const err = await caught(c.sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioNetworkError);
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect(isOutcomeUnknown(err)).toBe(false);
  });

  test('no answer within the timeout is a HoiioTimeoutError', async () => {
    fake.reply('sms/send', { hang: true });
    const err = await caught(client({ timeoutMs: 150 }).sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioTimeoutError);
    expect(err).toMatchObject({ code: 'hoiio_timeout', timeoutMs: 150, retryable: true });
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  test('a per-call timeoutMs overrides the client one', async () => {
    fake.reply('user/get_balance', { hang: true });
    const err = await caught(client({ timeoutMs: 60_000 }).account.getBalance({ timeoutMs: 100, maxRetries: 0 }));
    expect(err).toMatchObject({ timeoutMs: 100 });
  });

  test("the caller's signal aborts with HoiioAbortError, not retried", async () => {
    fake.reply('user/get_balance', { hang: true });
    const controller = new AbortController();
    const pending = client().account.getBalance({ signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    const err = await caught(pending);
    expect(err).toBeInstanceOf(HoiioAbortError);
    expect(err).toMatchObject({ retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  test('an already aborted signal sends nothing', async () => {
    const err = await caught(client().account.getBalance({ signal: AbortSignal.abort() }));
    expect(err).toBeInstanceOf(HoiioAbortError);
    expect(fake.requests).toHaveLength(0);
  });

  test('every error is a HoiioError with a code; none carries a credential', async () => {
    fake.reply('sms/send', status('error_invalid_access_token'), { reset: true }, { hang: true }, { body: 'oops' });
    const c = client({ timeoutMs: 100 });
    for (let i = 0; i < 4; i++) {
      const err = await caught(c.sms.send({ dest: '+6591234567', msg: 'x' }));
      expect(err).toBeInstanceOf(HoiioError);
      expect((err as HoiioError).code).toMatch(/^hoiio_/);
      expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(TOKEN);
    }
  });

  test('options out of range and empty credentials are refused at construction', () => {
    expect(() => new HoiioClient({ appId: '', accessToken: TOKEN })).toThrow(HoiioError);
    expect(() => client({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => client({ maxRetries: -1 })).toThrow(/maxRetries/);
  });
});

describe('retries', () => {
  test('a send is not retried after a timeout', async () => {
    fake.reply('sms/send', { hang: true });
    fake.always('sms/send', ok({ txn_ref: 'AA-S-never' }));
    // Counted on the client: the request may still be unread by the fake when the 100 ms run out.
    const attempts: HoiioAttempt[] = [];
    const c = client({ timeoutMs: 100, onAttempt: (a) => attempts.push(a) });
    const err = await caught(c.sms.send({ dest: '+6591234567', msg: 'x' }));
    expect(err).toBeInstanceOf(HoiioTimeoutError);
    expect(attempts.map((a) => a.errorCode)).toEqual(['hoiio_timeout']);
    expect(fake.requestsTo('sms/send').length).toBeLessThanOrEqual(1);
    expect(sleeps).toEqual([]);
  });

  test.each([
    ['sms/send', (c: HoiioClient) => c.sms.send({ dest: '+6591234567', msg: 'x' })],
    ['voice/call', (c: HoiioClient) => c.voice.call({ dest2: '+6561234567' })],
    ['fax/send', (c: HoiioClient) => c.fax.send({ dest: '+6561234567', file: new Uint8Array([1]) })],
    ['ivr/start/dial', (c: HoiioClient) => c.ivr.dial({ dest: '+6561234567' })],
    ['conference/call', (c: HoiioClient) => c.conference.call({ dest: ['+6561234567'] })],
    ['number/subscribe', (c: HoiioClient) => c.number.subscribe({ number: '+6561234567', duration: 1 })],
  ] as const)('%s is not retried after a 5xx, a reset or a rate limit', async (endpoint, send) => {
    fake.reply(
      endpoint,
      { body: 'Service Unavailable', httpStatus: 503 },
      { reset: true },
      status('error_rate_limit_exceeded'),
    );
    const c = client();
    expect(await caught(send(c))).toBeInstanceOf(HoiioParseError);
    expect(await caught(send(c))).toBeInstanceOf(HoiioNetworkError);
    expect(await caught(send(c))).toBeInstanceOf(HoiioRateLimitError);
    expect(fake.requestsTo(endpoint)).toHaveLength(3);
    expect(sleeps).toEqual([]);
  });

  test('a send is retried when the caller opts in for that call', async () => {
    fake.reply('sms/send', status('error_concurrent_call_limit_reached'), ok({ txn_ref: 'AA-S-3' }));
    const result = await client().sms.send({ dest: '+6591234567', msg: 'x' }, { maxRetries: 1 });
    expect(result).toEqual({ txnRef: 'AA-S-3' });
    expect(fake.requestsTo('sms/send')).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  test('a read is retried after a timeout', async () => {
    // Every attempt hangs, so each one times out however slow the machine is.
    fake.always('sms/query_status', { hang: true });
    const attempts: HoiioAttempt[] = [];
    const c = client({ timeoutMs: 100, maxRetries: 1, onAttempt: (a) => attempts.push(a) });
    const err = await caught(c.sms.queryStatus({ txnRef: 'AA-S-1' }));
    expect(err).toBeInstanceOf(HoiioTimeoutError);
    expect(attempts.map((a) => [a.attempt, a.errorCode])).toEqual([
      [0, 'hoiio_timeout'],
      [1, 'hoiio_timeout'],
    ]);
    expect(sleeps).toEqual([375]);
  });

  test('a read is retried after a reset, a 5xx and a rate limit, then succeeds', async () => {
    fake.reply(
      'sms/query_status',
      { reset: true },
      { body: '<h1>502</h1>', httpStatus: 502 },
      status('error_rate_limit_exceeded'),
      ok({ txn_ref: 'AA-S-1', sms_status: 'delivered' }),
    );
    // A timeout far beyond any reply: a slow machine cannot turn an answer into a timeout.
    const result = await client({ timeoutMs: 60_000, maxRetries: 3 }).sms.queryStatus({ txnRef: 'AA-S-1' });
    expect(result).toEqual({ txnRef: 'AA-S-1', smsStatus: 'delivered' });
    expect(fake.requestsTo('sms/query_status')).toHaveLength(4);
    // capped exponential backoff with jitter 0.5 → 3/4 of each ceiling; the rate limit waits longer (1500 otherwise)
    expect(sleeps).toEqual([375, 750, 6000]);
  });

  test('a read gives up after maxRetries (default 2) with the last error', async () => {
    fake.always('user/get_balance', status('error_internal_server_error', 500));
    const err = await caught(client().account.getBalance());
    expect(err).toBeInstanceOf(HoiioServiceError);
    expect(fake.requestsTo('user/get_balance')).toHaveLength(3);
    expect(sleeps).toEqual([375, 750]);
  });

  test('backoff is capped and jittered', async () => {
    fake.always('voice/query_status', { body: 'down', httpStatus: 503 });
    let i = 0;
    const draws = [0, 0.999, 0, 0.999, 0, 0.999];
    const c = client({ maxRetries: 6, backoff: { baseMs: 100, maxMs: 1000 }, random: () => draws[i++] ?? 0 });
    await caught(c.voice.queryStatus({ txnRef: 'AA-C-1' }));
    expect(sleeps).toEqual([50, 200, 200, 800, 500, 1000]);
  });

  test('a read is not retried after a non-retryable error', async () => {
    fake.reply('sms/query_status', status('error_invalid_txn_ref'));
    expect(await caught(client().sms.queryStatus({ txnRef: 'nope' }))).toBeInstanceOf(HoiioInvalidRequestError);
    expect(fake.requests).toHaveLength(1);
  });

  test('per-call maxRetries 0 turns retries off for a read', async () => {
    fake.reply('user/get_balance', { reset: true });
    expect(await caught(client().account.getBalance({ maxRetries: 0 }))).toBeInstanceOf(HoiioNetworkError);
    expect(fake.requests).toHaveLength(1);
  });

  test('an abort during the backoff wait stops the retries', async () => {
    fake.always('user/get_balance', status('error_rate_limit_exceeded'));
    const controller = new AbortController();
    const c = client({
      sleep: async (ms) => {
        sleeps.push(ms);
        controller.abort();
        throw new Error('aborted while waiting');
      },
    });
    expect(await caught(c.account.getBalance({ signal: controller.signal }))).toBeInstanceOf(HoiioAbortError);
    expect(fake.requests).toHaveLength(1);
  });

  test('the real sleep honours the signal', async () => {
    fake.always('user/get_balance', status('error_rate_limit_exceeded'));
    const controller = new AbortController();
    const c = new HoiioClient({
      appId: APP_ID,
      accessToken: TOKEN,
      baseUrl: fake.baseUrl,
      backoff: { baseMs: 60_000 },
    });
    const pending = c.account.getBalance({ signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    expect(await caught(pending)).toBeInstanceOf(HoiioAbortError);
  });
});

describe('logging', () => {
  test('onAttempt reports every attempt for metrics', async () => {
    fake.reply('user/get_balance', { reset: true }, status('error_rate_limit_exceeded'), {
      body: 'x',
      httpStatus: 503,
    });
    fake.reply('sms/send', ok({ txn_ref: 'AA-S-1' }));
    const attempts: unknown[] = [];
    const c = client({ onAttempt: (a) => attempts.push(a) });
    await caught(c.account.getBalance());
    await c.sms.send({ dest: '+6591234567', msg: 'x' });
    expect(attempts).toEqual([
      {
        endpoint: 'user/get_balance',
        method: 'POST',
        attempt: 0,
        durationMs: expect.any(Number),
        errorCode: 'hoiio_network',
      },
      {
        endpoint: 'user/get_balance',
        method: 'POST',
        attempt: 1,
        durationMs: expect.any(Number),
        httpStatus: 200,
        status: 'error_rate_limit_exceeded',
        errorCode: 'hoiio_rate_limit',
      },
      {
        endpoint: 'user/get_balance',
        method: 'POST',
        attempt: 2,
        durationMs: expect.any(Number),
        httpStatus: 503,
        errorCode: 'hoiio_parse',
      },
      {
        endpoint: 'sms/send',
        method: 'POST',
        attempt: 0,
        durationMs: expect.any(Number),
        httpStatus: 200,
        status: 'success_ok',
      },
    ]);
  });

  test('a pino logger fits HoiioLogger', () => {
    const lines: string[] = [];
    const log: HoiioLogger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    log.debug({ endpoint: 'sms/send' }, 'hoiio request');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ endpoint: 'sms/send', msg: 'hoiio request' });
  });

  test('logs endpoint, duration and status per attempt, never credentials', async () => {
    fake.reply('sms/query_status', { reset: true }, ok({ txn_ref: 'AA-S-1' }));
    fake.reply('sms/send', status('error_dest_invalid'));
    const c = client({ method: 'GET' });
    await c.sms.queryStatus({ txnRef: 'AA-S-1' });
    await caught(c.sms.send({ dest: '1', msg: 'x' }));
    expect(logs.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'hoiio request failed'],
      ['warn', 'hoiio request retry'],
      ['debug', 'hoiio request'],
      ['info', 'hoiio request rejected'],
    ]);
    expect(logs[2]?.data).toMatchObject({
      endpoint: 'sms/query_status',
      method: 'GET',
      httpStatus: 200,
      status: 'success_ok',
    });
    expect(logs[2]?.data).toMatchObject({ durationMs: expect.any(Number) });
    expect(logs[3]?.data).toMatchObject({ endpoint: 'sms/send', status: 'error_dest_invalid' });
    const all = JSON.stringify(logs);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(APP_ID);
  });
});
