import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  errorFromStatus,
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
import { classifyStatus, HOIIO_STATUSES, type HoiioStatusClass } from '../../../src/hoiio/status.js';

const CLASS_OF: Record<Exclude<HoiioStatusClass, 'success'>, typeof HoiioApiError> = {
  api: HoiioApiError,
  auth: HoiioAuthError,
  insufficient_credit: HoiioInsufficientCreditError,
  invalid_request: HoiioInvalidRequestError,
  rate_limit: HoiioRateLimitError,
  session: HoiioSessionError,
  service: HoiioServiceError,
};

describe('errorFromStatus', () => {
  test('every known status becomes the class status.ts names, with its meaning', () => {
    const statuses = Object.entries(HOIIO_STATUSES).filter(([, info]) => info.class !== 'success');
    expect(statuses.length).toBeGreaterThan(100);
    for (const [status, info] of statuses) {
      const err = errorFromStatus(status, 'sms/send');
      expect(err.constructor, status).toBe(CLASS_OF[info.class as Exclude<HoiioStatusClass, 'success'>]);
      expect(err.status).toBe(status);
      expect(err.meaning).toBe(info.meaning);
      expect(err.meaning.length).toBeGreaterThan(3);
    }
  });

  test.each([
    ['error_invalid_access_token', HoiioAuthError, 'hoiio_auth', false],
    ['error_access_token_param_missing', HoiioAuthError, 'hoiio_auth', false],
    ['error_not_allowed_for_trial', HoiioAuthError, 'hoiio_auth', false],
    ['error_insufficient_credit', HoiioInsufficientCreditError, 'hoiio_insufficient_credit', false],
    ['error_dest_invalid', HoiioInvalidRequestError, 'hoiio_invalid_request', false],
    ['error_malformed_params', HoiioInvalidRequestError, 'hoiio_invalid_request', false],
    ['error_rate_limit_exceeded', HoiioRateLimitError, 'hoiio_rate_limit', true],
    ['error_session_not_ready', HoiioSessionError, 'hoiio_session', false],
    ['error_internal_server_error', HoiioServiceError, 'hoiio_service', true],
    ['error_sms_service_not_available', HoiioServiceError, 'hoiio_service', true],
    ['error_call_service_not_available', HoiioServiceError, 'hoiio_service', true],
    ['error_service_not_available', HoiioServiceError, 'hoiio_service', true],
    ['error_concurrent_call_limit_reached', HoiioServiceError, 'hoiio_service', true],
    ['error_monitor_in_progress', HoiioApiError, 'hoiio_api', false],
  ] as const)('%s → %s', (status, Kind, code, retryable) => {
    const err = errorFromStatus(status, 'ivr/start/dial', { httpStatus: 200 });
    expect(err.constructor).toBe(Kind);
    expect(err).toBeInstanceOf(HoiioError);
    expect(err).toMatchObject({ code, retryable, status, endpoint: 'ivr/start/dial', httpStatus: 200 });
    expect(err.message).toBe(`Hoiio ivr/start/dial failed: ${status}`);
  });

  test.each([
    ['error_dest_invalid', 'dest'],
    ['error_dest_param_missing', 'dest'],
    ['error_invalid_destination', 'dest'],
    ['error_dest2_not_supported', 'dest2'],
    ['error_same_dest1_dest2', 'dest2'],
    ['error_msg_too_big', 'msg'],
    ['error_msg_invalid_language', 'msg'],
    ['error_tag_invalid_length', 'tag'],
    ['error_invalid_notify_url', 'notify_url'],
    ['error_unable_to_resolve_notify_url', 'notify_url'],
    ['error_invalid_sender_name', 'sender_name'],
    ['error_txn_ref_param_missing', 'txn_ref'],
    ['error_invalid_txn_ref', 'txn_ref'],
    ['error_caller_id_invalid', 'caller_id'],
    ['error_invalid_max_duration', 'max_duration'],
    ['error_max_duration_invalid', 'max_duration'],
    ['error_on_failure_invalid', 'on_failure'],
    ['error_file_too_big', 'file'],
    ['error_page_size_invalid', 'file'],
    ['error_page_invalid', 'page'],
    ['error_forward_to_invalid', 'forward_to'],
    ['error_state_param_missing', 'state'],
    // not in the table: classed by shape
    ['error_widget_param_missing', 'widget'],
    ['error_sender_id_invalid', 'sender_id'],
    ['error_invalid_colour', 'colour'],
  ])('%s names param %s', (status, param) => {
    const err = errorFromStatus(status, 'sms/send');
    expect(err).toBeInstanceOf(HoiioInvalidRequestError);
    expect((err as HoiioInvalidRequestError).param).toBe(param);
  });

  test('malformed params and the generic missing-param status name no parameter', () => {
    expect(errorFromStatus('error_malformed_params', 'x/y')).toMatchObject({ param: undefined });
    expect(errorFromStatus('error_param_missing', 'x/y')).toBeInstanceOf(HoiioInvalidRequestError);
  });

  test.each([
    ['error_session_not_ready', 'not_ready'],
    ['error_session_ended', 'ended'],
    ['error_invalid_session', 'invalid'],
    ['error_session_access_denied', 'access_denied'],
    ['error_session_not_on_hold', 'not_on_hold'],
  ] as const)('%s is a session error of kind %s', (status, kind) => {
    const err = errorFromStatus(status, 'ivr/middle/play');
    expect(err).toBeInstanceOf(HoiioSessionError);
    expect((err as HoiioSessionError).kind).toBe(kind);
  });

  test('an unknown service outage is classed as a service error', () => {
    expect(errorFromStatus('error_fax_service_not_available', 'fax/send')).toBeInstanceOf(HoiioServiceError);
  });

  test('any string is a HoiioApiError, never a crash', () => {
    for (const s of ['', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'success_okay']) {
      expect(errorFromStatus(s, 'sms/send')).toBeInstanceOf(HoiioApiError);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const err = errorFromStatus(s, 'sms/send');
        return err instanceof HoiioApiError && err.status === s && typeof err.retryable === 'boolean';
      }),
    );
  });

  test('classifyStatus knows success_ok', () => {
    expect(classifyStatus('success_ok').class).toBe('success');
  });
});

describe('transport errors', () => {
  test('network errors are retryable and name the socket code, not the cause text', () => {
    const cause = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 access_token=s3cret'), {
        code: 'ECONNREFUSED',
      }),
    });
    const err = new HoiioNetworkError('user/get_balance', { cause });
    expect(err).toMatchObject({ code: 'hoiio_network', retryable: true, endpoint: 'user/get_balance' });
    expect(err.message).toBe('Hoiio user/get_balance failed: network error (ECONNREFUSED)');
    expect(err.cause).toBe(cause);
  });

  test('timeouts carry the elapsed limit', () => {
    const err = new HoiioTimeoutError('sms/send', 15000);
    expect(err).toMatchObject({ code: 'hoiio_timeout', retryable: true, timeoutMs: 15000 });
    expect(err.message).toBe('Hoiio sms/send timed out after 15000 ms');
  });

  test.each([
    [500, true],
    [503, true],
    [429, true],
    [200, false],
    [404, false],
    [undefined, false],
  ])('a parse error at HTTP %s is retryable: %s', (httpStatus, retryable) => {
    const err = new HoiioParseError(
      'sms/send',
      'the body is not JSON',
      httpStatus === undefined ? {} : { httpStatus, snippet: '<h1>x</h1>' },
    );
    expect(err.retryable).toBe(retryable);
    expect(err.code).toBe('hoiio_parse');
  });
});

describe('isOutcomeUnknown', () => {
  const withCode = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code }) });
  test.each([
    ['a timeout', new HoiioTimeoutError('sms/send', 100), true],
    ['a reset', new HoiioNetworkError('sms/send', { cause: withCode('ECONNRESET') }), true],
    [
      'a socket closed without a code',
      new HoiioNetworkError('sms/send', { cause: new TypeError('fetch failed') }),
      true,
    ],
    ['an unreadable answer', new HoiioParseError('sms/send', 'the body is not JSON', { httpStatus: 502 }), true],
    ['an unknown error', new Error('boom'), true],
    ['a refused connection', new HoiioNetworkError('sms/send', { cause: withCode('ECONNREFUSED') }), false],
    ['a DNS failure', new HoiioNetworkError('sms/send', { cause: withCode('ENOTFOUND') }), false],
    ['an API status', errorFromStatus('error_concurrent_call_limit_reached', 'sms/send'), false],
    ['a config error', new HoiioError('bad', 'hoiio_config', false), false],
  ])('%s → %s', (_name, err, unknown) => {
    expect(isOutcomeUnknown(err)).toBe(unknown);
  });
});

test('a status that is not an identifier is quoted and cut in the message', () => {
  const err = errorFromStatus(`weird status\n${'x'.repeat(300)}`, 'sms/send');
  expect(err.message.length).toBeLessThan(140);
  expect(err.message).toContain('"weird status\\n');
});
