/**
 * The Hoiio Open API client: options, the one `request()` pipeline every endpoint goes through
 * (credentials, form encoding, GET or POST, timeout, JSON at any HTTP status, typed errors,
 * retries for reads), and one resource per endpoint group.
 */
import {
  errorFromStatus,
  HoiioAbortError,
  HoiioError,
  HoiioNetworkError,
  HoiioParseError,
  HoiioTimeoutError,
} from './errors.js';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, sleep as defaultSleep } from './internal/backoff.js';
import { isReadEndpoint } from './internal/endpoints.js';
import {
  type HoiioParams,
  hasFile,
  MalformedParamError,
  toFormUrlEncoded,
  toMultipart,
} from './internal/form-encoding.js';
import { Account } from './resources/account.js';
import { Conference } from './resources/conference.js';
import { Fax } from './resources/fax.js';
import { Ivr } from './resources/ivr.js';
import { NumberResource } from './resources/number.js';
import { Sms } from './resources/sms.js';
import { Voice } from './resources/voice.js';
import { SUCCESS_STATUS } from './status.js';

export type { BackoffOptions } from './internal/backoff.js';
export type { HoiioFilePart, HoiioParams, HoiioParamValue } from './internal/form-encoding.js';

/** The logging the client does: pino's `logger.debug(obj, msg)` shape. Never given credentials. */
export interface HoiioLogger {
  debug(data: Record<string, unknown>, msg: string): void;
  info(data: Record<string, unknown>, msg: string): void;
  warn(data: Record<string, unknown>, msg: string): void;
}

/** One finished attempt, for metrics (`onAttempt`). */
export interface HoiioAttempt {
  /** e.g. `sms/send`. */
  endpoint: string;
  method: string;
  /** 0 for the first try. */
  attempt: number;
  durationMs: number;
  /** Absent when no response arrived. */
  httpStatus?: number;
  /** Hoiio's status, when the body had one. */
  status?: string;
  /** The error's `code` when the attempt failed. */
  errorCode?: string;
}

/** Per-call options of every client method. */
export interface RequestOptions {
  /** Aborts the call (and any wait before a retry) with `HoiioAbortError`. */
  signal?: AbortSignal | undefined;
  /** Timeout of each attempt in ms, until the whole body is read. Default: the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /**
   * How many times to repeat the call after a retryable error. Default: the client's `maxRetries`
   * for reads and 0 for everything else — a send repeated after a timeout could be paid twice.
   */
  maxRetries?: number | undefined;
}

/** Options of `new HoiioClient()`. */
export interface HoiioClientOptions {
  /** The application id from the Hoiio Developer Portal. */
  appId: string;
  /** The application access token. A secret: never logged nor put in error messages. */
  accessToken: string;
  /** API base URL. Default `https://secure.hoiio.com/open/`. */
  baseUrl?: string | undefined;
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Timeout of each attempt in ms. Default 15000. */
  timeoutMs?: number | undefined;
  /** HTTP method for every call (Hoiio accepts both). Default `POST`; fax/send is always a multipart POST. */
  method?: 'GET' | 'POST' | undefined;
  /** Receives one line per attempt (endpoint, duration, status). Default: silent. */
  logger?: HoiioLogger | undefined;
  /** Retries of read endpoints after retryable errors. Default 2. Sends are never retried by default. */
  maxRetries?: number | undefined;
  /** Backoff between retries. Default `{ baseMs: 500, maxMs: 8000 }`. */
  backoff?: Partial<BackoffOptions> | undefined;
  /** Waits between retries; tests inject an instant one. Default: a timer that honours the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Called after every attempt (for metrics such as a latency histogram). Must not throw. */
  onAttempt?: ((attempt: HoiioAttempt) => void) | undefined;
  /** Monotonic clock in ms for the logged durations. Default `performance.now`. */
  now?: () => number;
}

/** A successful Hoiio response: a JSON object whose `status` is `success_ok`. */
export type HoiioResponse = Readonly<Record<string, unknown>> & { readonly status: string };

const DEFAULT_BASE_URL = 'https://secure.hoiio.com/open/';
const SILENT: HoiioLogger = { debug() {}, info() {}, warn() {} };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Hoiio Open API client. Every endpoint is a method of a resource: `client.sms.send()`,
 * `client.account.getBalance()` (Hoiio's `user/…` paths), and so on.
 *
 * @throws HoiioError (code `hoiio_config`) from the constructor when credentials are empty or an
 * option is out of range.
 */
export class HoiioClient {
  /** `sms/…`: send, bulk send, history, rates, status. */
  readonly sms: Sms;
  /** `voice/…`: two-way callback, the older conference, hangup, history, rates, status. */
  readonly voice: Voice;
  /** `conference/…`: the newer conference call and moderation. */
  readonly conference: Conference;
  /** `ivr/…`: call-flow blocks (dial, play, gather, record, monitor, hold, unhold, transfer, hangup). */
  readonly ivr: Ivr;
  /** `fax/…`: send a PDF, history, rates, status. */
  readonly fax: Fax;
  /** `number/…`: buy and configure Hoiio numbers. */
  readonly number: NumberResource;
  /** `user/…`: balance and account profile. */
  readonly account: Account;

  readonly #appId: string;
  readonly #accessToken: string;
  readonly #baseUrl: URL;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #method: 'GET' | 'POST';
  readonly #logger: HoiioLogger;
  readonly #maxRetries: number;
  readonly #backoff: BackoffOptions;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #onAttempt: (attempt: HoiioAttempt) => void;

  constructor(options: HoiioClientOptions) {
    if (!options.appId || !options.accessToken) {
      throw new HoiioError('Hoiio appId and accessToken are required', 'hoiio_config', false);
    }
    this.#appId = options.appId;
    this.#accessToken = options.accessToken;
    const base = options.baseUrl ?? DEFAULT_BASE_URL;
    try {
      this.#baseUrl = new URL(base.endsWith('/') ? base : `${base}/`);
    } catch (cause) {
      throw new HoiioError('Hoiio baseUrl is not a valid URL', 'hoiio_config', false, { cause });
    }
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = positive(options.timeoutMs ?? 15_000, 'timeoutMs');
    this.#method = options.method ?? 'POST';
    this.#logger = options.logger ?? SILENT;
    this.#maxRetries = count(options.maxRetries ?? 2, 'maxRetries');
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
    this.#onAttempt = options.onAttempt ?? (() => {});

    this.sms = new Sms(this);
    this.voice = new Voice(this);
    this.conference = new Conference(this);
    this.ivr = new Ivr(this);
    this.fax = new Fax(this);
    this.number = new NumberResource(this);
    this.account = new Account(this);
  }

  /** The base URL every endpoint path is resolved against (always ends with `/`). */
  get baseUrl(): string {
    return this.#baseUrl.href;
  }

  /**
   * Calls one endpoint: adds `app_id` and `access_token`, form-encodes `params` (or multipart when
   * one is a file), sends GET or POST, and parses the JSON body whatever the HTTP status.
   * Retryable failures of read endpoints are retried with capped exponential backoff and jitter;
   * other endpoints only when `options.maxRetries` says so.
   *
   * @param endpoint the path below the base URL, e.g. `sms/send` or `ivr/middle/play`.
   * @returns the response object (its `status` is `success_ok`), fields unconverted.
   * @throws HoiioApiError (or a subclass, via `errorFromStatus`) for a non-success `status`;
   *   HoiioTimeoutError, HoiioNetworkError, HoiioParseError (not a JSON object with a `status`),
   *   HoiioAbortError (the caller's signal).
   */
  async request(endpoint: string, params: HoiioParams = {}, options: RequestOptions = {}): Promise<HoiioResponse> {
    const path = endpoint.replace(/^\/+/, '');
    const maxRetries = count(options.maxRetries ?? (isReadEndpoint(path) ? this.#maxRetries : 0), 'maxRetries');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(path, params, options, attempt);
      } catch (err) {
        if (!(err instanceof HoiioError) || !err.retryable || attempt >= maxRetries) throw err;
        const base = err.code === 'hoiio_rate_limit' ? Math.max(this.#backoff.baseMs, 2000) : this.#backoff.baseMs;
        const delayMs = backoffDelay(attempt, { baseMs: base, maxMs: this.#backoff.maxMs }, this.#random);
        this.#logger.warn({ endpoint: path, attempt, delayMs, code: err.code }, 'hoiio request retry');
        try {
          await this.#sleep(delayMs, options.signal);
        } catch (cause) {
          throw new HoiioAbortError(path, { cause });
        }
      }
    }
  }

  async #attempt(
    endpoint: string,
    params: HoiioParams,
    options: RequestOptions,
    attempt: number,
  ): Promise<HoiioResponse> {
    const { signal } = options;
    if (signal?.aborted) throw new HoiioAbortError(endpoint, { cause: signal.reason });
    const timeoutMs = positive(options.timeoutMs ?? this.#timeoutMs, 'timeoutMs');
    const { url, init } = this.#build(endpoint, params);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = this.#now();
    const log = { endpoint, method: init.method, attempt };
    let httpStatus: number;
    let body: string;
    try {
      const res = await this.#fetch(url, { ...init, signal: controller.signal, redirect: 'error' });
      httpStatus = res.status;
      body = await res.text();
    } catch (cause) {
      const err = timedOut
        ? new HoiioTimeoutError(endpoint, timeoutMs, { cause })
        : signal?.aborted
          ? new HoiioAbortError(endpoint, { cause: signal.reason })
          : new HoiioNetworkError(endpoint, { cause });
      const durationMs = this.#elapsed(started);
      this.#logger.warn({ ...log, durationMs, code: err.code }, 'hoiio request failed');
      this.#onAttempt({ ...log, durationMs, errorCode: err.code });
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const durationMs = this.#elapsed(started);
    const json = this.#parse(endpoint, httpStatus, body, log, durationMs);
    const status = this.#mask(json.status);
    if (status === SUCCESS_STATUS) {
      this.#logger.debug({ ...log, durationMs, httpStatus, status }, 'hoiio request');
      this.#onAttempt({ ...log, durationMs, httpStatus, status });
      return json;
    }
    const err = errorFromStatus(status, endpoint, { httpStatus });
    this.#logger.info({ ...log, durationMs, httpStatus, status, code: err.code }, 'hoiio request rejected');
    this.#onAttempt({ ...log, durationMs, httpStatus, status, errorCode: err.code });
    throw err;
  }

  #build(endpoint: string, params: HoiioParams): { url: URL; init: RequestInit & { method: string } } {
    const url = new URL(endpoint, this.#baseUrl);
    const all: HoiioParams = { ...params, app_id: this.#appId, access_token: this.#accessToken };
    try {
      if (hasFile(all)) return { url, init: { method: 'POST', body: toMultipart(all) } };
      const form = toFormUrlEncoded(all);
      if (this.#method === 'GET') {
        url.search = form;
        return { url, init: { method: 'GET' } };
      }
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      return { url, init: { method: 'POST', headers, body: form } };
    } catch (cause) {
      if (!(cause instanceof MalformedParamError)) throw cause;
      // What Hoiio itself answers for bytes it cannot decode, without a round trip.
      throw errorFromStatus('error_malformed_params', endpoint, { cause });
    }
  }

  #parse(
    endpoint: string,
    httpStatus: number,
    body: string,
    log: { endpoint: string; method: string; attempt: number },
    durationMs: number,
  ): HoiioResponse {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      // No `cause`: V8's SyntaxError quotes the body, which is masked only in our snippet.
      json = undefined;
    }
    if (isRecord(json)) {
      const { status } = json;
      if (typeof status === 'string') return { ...json, status };
    }
    const err = new HoiioParseError(endpoint, json === undefined ? 'the body is not JSON' : 'no status in the body', {
      httpStatus,
      snippet: this.#mask(body.slice(0, 200)).replace(/\p{Cc}+/gu, ' '),
    });
    this.#logger.warn({ ...log, durationMs, httpStatus, code: err.code }, 'hoiio request failed');
    this.#onAttempt({ ...log, durationMs, httpStatus, errorCode: err.code });
    throw err;
  }

  #mask(text: string): string {
    let out = text;
    for (const secret of [this.#accessToken, this.#appId]) {
      if (secret.length > 0) out = out.split(secret).join('***');
    }
    return out;
  }

  #elapsed(started: number): number {
    return Math.round((this.#now() - started) * 10) / 10;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new HoiioError(`Hoiio ${name} must be positive`, 'hoiio_config', false);
  return value;
}

function count(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HoiioError(`Hoiio ${name} must be a whole number ≥ 0`, 'hoiio_config', false);
  }
  return value;
}
