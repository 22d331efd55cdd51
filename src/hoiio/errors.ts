/**
 * The Hoiio error tree. Every error has a stable `code` and `retryable`; errors from a Hoiio
 * `status` are `HoiioApiError`s (subclassed by what a caller can do about them). Messages name the
 * endpoint and the status, never credentials or parameter values.
 */
import { classifyStatus, type HoiioSessionErrorKind } from './status.js';

/** Options shared by every Hoiio error constructor. */
export interface HoiioErrorOptions {
  cause?: unknown;
}

/** The base of every error thrown by the Hoiio client. */
export class HoiioError extends Error {
  /** A stable machine-readable code, e.g. `hoiio_timeout`. */
  readonly code: string;
  /** Whether the same request may succeed if repeated later (the client retries reads on these). */
  readonly retryable: boolean;

  constructor(message: string, code: string, retryable: boolean, options?: HoiioErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HoiioError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** Details of a Hoiio API error besides its status. */
export interface HoiioApiErrorOptions extends HoiioErrorOptions {
  /** The HTTP status of the response that carried the error status. */
  httpStatus?: number;
}

/**
 * Hoiio answered with a `status` other than `success_ok`. Unknown statuses are plain
 * `HoiioApiError`s; known ones are subclasses. `status` is Hoiio's string, verbatim.
 */
export class HoiioApiError extends HoiioError {
  /** Hoiio's status string, e.g. `error_dest_invalid`. */
  readonly status: string;
  /** The endpoint path, e.g. `sms/send`. */
  readonly endpoint: string;
  /** The HTTP status of the response, when known. */
  readonly httpStatus: number | undefined;
  /** A short plain-language meaning of the status, safe to show to users. */
  readonly meaning: string;

  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions, code = 'hoiio_api', retryable = false) {
    super(`Hoiio ${endpoint} failed: ${printable(status)}`, code, retryable, options);
    this.name = 'HoiioApiError';
    this.status = status;
    this.endpoint = endpoint;
    this.httpStatus = options?.httpStatus;
    this.meaning = classifyStatus(status).meaning;
  }
}

/** Credentials or the account itself are not accepted (invalid token or app id, suspended, trial limits). */
export class HoiioAuthError extends HoiioApiError {
  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_auth', false);
    this.name = 'HoiioAuthError';
  }
}

/** The account has too little credit for a chargeable request (`error_insufficient_credit`). */
export class HoiioInsufficientCreditError extends HoiioApiError {
  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_insufficient_credit', false);
    this.name = 'HoiioInsufficientCreditError';
  }
}

/** A request parameter is missing or not valid; `param` names it when the status does (`dest`). */
export class HoiioInvalidRequestError extends HoiioApiError {
  /** The wire name of the parameter at fault (`dest`, `notify_url`), when known. */
  readonly param: string | undefined;

  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_invalid_request', false);
    this.name = 'HoiioInvalidRequestError';
    this.param = classifyStatus(status).param;
  }
}

/** The per-API request limit was exceeded (`error_rate_limit_exceeded`). Retryable. */
export class HoiioRateLimitError extends HoiioApiError {
  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_rate_limit', true);
    this.name = 'HoiioRateLimitError';
  }
}

/** An IVR block referred to a session that is not usable now; `kind` says why. */
export class HoiioSessionError extends HoiioApiError {
  /** `not_ready` | `ended` | `invalid` | `access_denied` | `not_on_hold`. */
  readonly kind: HoiioSessionErrorKind;

  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_session', false);
    this.name = 'HoiioSessionError';
    this.kind = classifyStatus(status).session ?? 'invalid';
  }
}

/**
 * Hoiio cannot serve the request now (internal error, a service not available, the concurrent
 * call limit). Retryable: nothing was done or charged.
 */
export class HoiioServiceError extends HoiioApiError {
  constructor(status: string, endpoint: string, options?: HoiioApiErrorOptions) {
    super(status, endpoint, options, 'hoiio_service', true);
    this.name = 'HoiioServiceError';
  }
}

/**
 * The request could not be completed on the network (refused, reset, DNS). For a send the
 * outcome is unknown: it may have been processed. Retryable for reads.
 */
export class HoiioNetworkError extends HoiioError {
  /** The endpoint path. */
  readonly endpoint: string;

  constructor(endpoint: string, options?: HoiioErrorOptions) {
    super(`Hoiio ${endpoint} failed: network error${networkCode(options?.cause)}`, 'hoiio_network', true, options);
    this.name = 'HoiioNetworkError';
    this.endpoint = endpoint;
  }
}

/** No complete answer within the timeout. For a send the outcome is unknown. Retryable for reads. */
export class HoiioTimeoutError extends HoiioError {
  /** The endpoint path. */
  readonly endpoint: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(endpoint: string, timeoutMs: number, options?: HoiioErrorOptions) {
    super(`Hoiio ${endpoint} timed out after ${timeoutMs} ms`, 'hoiio_timeout', true, options);
    this.name = 'HoiioTimeoutError';
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `signal` aborted the request (or the wait before a retry). Not retryable. */
export class HoiioAbortError extends HoiioError {
  /** The endpoint path. */
  readonly endpoint: string;

  constructor(endpoint: string, options?: HoiioErrorOptions) {
    super(`Hoiio ${endpoint} was aborted`, 'hoiio_aborted', false, options);
    this.name = 'HoiioAbortError';
    this.endpoint = endpoint;
  }
}

/** Details of a response the client could not understand. */
export interface HoiioParseErrorOptions extends HoiioErrorOptions {
  /** The HTTP status of the response. */
  httpStatus?: number;
  /** The start of the body, credentials removed. */
  snippet?: string;
  /** The wire field that was missing or malformed, for a success response. */
  field?: string;
}

/**
 * The response was not a JSON object with a `status`, or a success response lacked or garbled a
 * field. Retryable when the HTTP status was 5xx or 429 (a proxy error page, an overloaded server).
 */
export class HoiioParseError extends HoiioError {
  /** The endpoint path. */
  readonly endpoint: string;
  /** The HTTP status of the response, when known. */
  readonly httpStatus: number | undefined;
  /** Up to 200 characters of the body with credentials masked, when the body was not JSON. */
  readonly snippet: string | undefined;
  /** The wire field at fault, when a success response was incomplete. */
  readonly field: string | undefined;

  constructor(endpoint: string, detail: string, options?: HoiioParseErrorOptions) {
    const http = options?.httpStatus;
    const retryable = http !== undefined && (http >= 500 || http === 429);
    const where = http === undefined ? '' : ` (HTTP ${http})`;
    const snippet = options?.snippet === undefined ? '' : `: ${JSON.stringify(options.snippet)}`;
    super(
      `Hoiio ${endpoint} answered something unexpected${where}: ${detail}${snippet}`,
      'hoiio_parse',
      retryable,
      options,
    );
    this.name = 'HoiioParseError';
    this.endpoint = endpoint;
    this.httpStatus = http;
    this.snippet = options?.snippet;
    this.field = options?.field;
  }
}

function printable(status: string): string {
  return /^[a-z0-9_]{1,100}$/.test(status) ? status : JSON.stringify(status.slice(0, 100));
}

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed call may nonetheless have been processed by Hoiio: a timeout, an abort, a
 * reset or an unreadable answer. A send failing this way must be reconciled (query_status or
 * history by its `tag`), never sent again. False for Hoiio error statuses (nothing was done) and
 * for connections that were never made (refused, DNS).
 */
export function isOutcomeUnknown(err: unknown): boolean {
  if (err instanceof HoiioTimeoutError || err instanceof HoiioParseError || err instanceof HoiioAbortError) return true;
  if (err instanceof HoiioNetworkError) return !NEVER_CONNECTED.has(networkCode(err.cause).slice(2, -1));
  if (err instanceof HoiioApiError) return false;
  return !(err instanceof HoiioError && err.code === 'hoiio_config');
}

function networkCode(cause: unknown): string {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }).
  let e: unknown = cause;
  for (let depth = 0; depth < 4 && e instanceof Object; depth++) {
    const code: unknown = Reflect.get(e, 'code');
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return ` (${code})`;
    e = Reflect.get(e, 'cause');
  }
  return '';
}

/**
 * The typed error for a non-success `status` from `endpoint`: `HoiioAuthError`,
 * `HoiioInsufficientCreditError`, `HoiioInvalidRequestError` (with `param`), `HoiioRateLimitError`,
 * `HoiioSessionError` (with `kind`), `HoiioServiceError`, or a plain `HoiioApiError` for anything
 * else, including statuses nobody has seen before. Never throws.
 */
export function errorFromStatus(status: string, endpoint: string, options?: HoiioApiErrorOptions): HoiioApiError {
  switch (classifyStatus(status).class) {
    case 'auth':
      return new HoiioAuthError(status, endpoint, options);
    case 'insufficient_credit':
      return new HoiioInsufficientCreditError(status, endpoint, options);
    case 'invalid_request':
      return new HoiioInvalidRequestError(status, endpoint, options);
    case 'rate_limit':
      return new HoiioRateLimitError(status, endpoint, options);
    case 'session':
      return new HoiioSessionError(status, endpoint, options);
    case 'service':
      return new HoiioServiceError(status, endpoint, options);
    default:
      return new HoiioApiError(status, endpoint, options);
  }
}
