import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { HoiioClient, Money } from '../../../hoiio/index.js';
import type { Clock } from '../../deps.js';

/** The price of one SMS part to a destination. */
export interface SmsRate {
  readonly currency: string;
  readonly rate: Money;
}

const HOUR_MS = 60 * 60 * 1000;
const FAILURE_MS = 60 * 1000;
const RATE_TIMEOUT_MS = 2500;

/**
 * `sms/get_rate` answers, cached in memory per destination country for about an hour (a failure for a minute, so a
 * Hoiio outage does not turn every keystroke into a request). Concurrent lookups for one country share one request.
 */
export class SmsRateCache {
  readonly #entries = new Map<string, { at: number; rate: Promise<SmsRate | undefined> }>();
  readonly #hoiio: HoiioClient;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(hoiio: HoiioClient, clock: Clock, ttlMs = HOUR_MS) {
    this.#hoiio = hoiio;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The rate to `dest` (E.164), or undefined when Hoiio cannot tell us now. Never throws. */
  async get(dest: string): Promise<SmsRate | undefined> {
    const key = countryKey(dest);
    const now = this.#clock.now().getTime();
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      const settled = await Promise.race([hit.rate, Promise.resolve(PENDING)]);
      const ttl = settled === undefined ? FAILURE_MS : this.#ttlMs;
      if (settled === PENDING || now - hit.at < ttl) return hit.rate;
    }
    const rate = this.#hoiio.sms
      .getRate({ dest }, { timeoutMs: RATE_TIMEOUT_MS, maxRetries: 0 })
      .then((r) => ({ currency: r.currency, rate: r.rate }))
      .catch(() => undefined);
    this.#entries.set(key, { at: now, rate });
    return rate;
  }

  /** The cached rate to `dest` if it is known and fresh, without asking Hoiio. */
  async peek(dest: string): Promise<SmsRate | undefined> {
    const hit = this.#entries.get(countryKey(dest));
    if (hit === undefined || this.#clock.now().getTime() - hit.at >= this.#ttlMs) return undefined;
    const settled = await Promise.race([hit.rate, Promise.resolve(PENDING)]);
    return settled === PENDING ? undefined : settled;
  }
}

const PENDING = Symbol('pending');

/** The ISO country of an E.164 number, or its calling code when the country is ambiguous. */
function countryKey(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country ?? `+${parsed?.countryCallingCode ?? e164.slice(0, 4)}`;
}
