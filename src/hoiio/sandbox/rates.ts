/**
 * The sandbox's price list (SGD). Outgoing prices depend on the destination's country prefix;
 * faxes reach only Singapore, Hong Kong and Malaysia, as on Hoiio.
 */
import { addMoney, type Money } from '../money.js';

/** The account currency. */
export const SANDBOX_CURRENCY = 'SGD';

interface CountryRates {
  prefix: string;
  country: string;
  /** Per SMS part. */
  sms: Money;
  /** Per minute, one outgoing leg. */
  call: Money;
  /** Per minute (a page takes a minute in the sandbox); absent where fax is not served. */
  fax?: Money;
}

const COUNTRIES: readonly CountryRates[] = [
  { prefix: '+65', country: 'SG', sms: '0.038', call: '0.020', fax: '0.015' },
  { prefix: '+852', country: 'HK', sms: '0.045', call: '0.030', fax: '0.030' },
  { prefix: '+60', country: 'MY', sms: '0.050', call: '0.040', fax: '0.040' },
  { prefix: '+1', country: 'US', sms: '0.060', call: '0.030' },
  { prefix: '+44', country: 'GB', sms: '0.070', call: '0.050' },
];
const OTHER: CountryRates = { prefix: '+', country: 'ZZ', sms: '0.080', call: '0.120' };

/** Incoming prices: per received SMS, per minute of an incoming call or fax. */
export const INCOMING_RATES = { sms: '0.010', call: '0.010', fax: '0.015' } as const;

function ratesOf(number: string): CountryRates {
  return COUNTRIES.find((c) => number.startsWith(c.prefix)) ?? OTHER;
}

/** ISO country of an E.164 number as far as the price list knows (`ZZ` otherwise). */
export function countryOf(number: string): string {
  return ratesOf(number).country;
}

/** Price of one SMS part to `dest`. */
export function smsRate(dest: string): Money {
  return ratesOf(dest).sms;
}

/** Per-minute price of one outgoing call leg to `dest`. */
export function callRate(dest: string): Money {
  return ratesOf(dest).call;
}

/** Per-minute price of a two-way callback (both legs). */
export function callbackRate(dest1: string, dest2: string): Money {
  return addMoney(callRate(dest1), callRate(dest2));
}

/** Per-minute price of a fax to `dest`, or undefined where fax is not served. */
export function faxRate(dest: string): Money | undefined {
  return ratesOf(dest).fax;
}

/** Monthly subscription prices of a number, by country. */
export const NUMBER_RATES: Readonly<Record<string, readonly { duration: string; rate: Money }[]>> = {
  SG: [
    { duration: '1', rate: '10.000' },
    { duration: '3', rate: '28.000' },
    { duration: '12', rate: '100.000' },
  ],
  US: [
    { duration: '1', rate: '5.000' },
    { duration: '3', rate: '14.000' },
    { duration: '12', rate: '50.000' },
  ],
  HK: [
    { duration: '1', rate: '12.000' },
    { duration: '3', rate: '33.000' },
    { duration: '12', rate: '120.000' },
  ],
};
