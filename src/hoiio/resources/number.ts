/** `number/…` endpoints: find, buy and configure Hoiio numbers. */
import type { RequestOptions } from '../hoiio-client.js';
import { compact, type WireReader } from '../internal/wire.js';
import type { Money } from '../money.js';
import { HoiioResource } from './hoiio-resource.js';

/** A capability of a number, verbatim: `VOICE`, `SMS`, `FAX`. */
export type NumberCapability = 'VOICE' | 'SMS' | 'FAX' | (string & {});

/** What a number receives: voice calls (IVR) or faxes. */
export type NumberMode = 'voice' | 'fax';

/** A state of a country that has numbers for sale (US only). */
export interface NumberState {
  /** ISO 3166-2. */
  code: string;
  name: string;
  capabilities: NumberCapability[];
}

/** A country with numbers for sale. */
export interface NumberCountry {
  /** ISO 3166-1 alpha-2. */
  code: string;
  name: string;
  /** Dialling prefix without `+`, e.g. `1`. */
  prefix?: string;
  /** Only for countries with states. */
  states?: NumberState[];
}

/** `number/get_countries` result. */
export interface NumberGetCountriesResult {
  entriesCount: number;
  entries: NumberCountry[];
}

/** `number/get_choices` parameters. */
export interface NumberGetChoicesParams {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2; required for the US. */
  state?: string | undefined;
  /** 1-based; pages hold up to 20 numbers. */
  page?: number | undefined;
}

/** A number for sale. */
export interface NumberChoice {
  number: string;
  /** Empty when Hoiio lists plain numbers (older API). */
  capabilities: NumberCapability[];
}

/** `number/get_choices` result. */
export interface NumberGetChoicesResult {
  totalEntriesCount: number;
  entriesCount: number;
  entries: NumberChoice[];
}

/** `number/get_rates` parameters. */
export interface NumberGetRatesParams {
  country: string;
}

/** A subscription price. */
export interface NumberRate {
  /** Months: 1, 3 or 12. */
  duration: number;
  rate: Money;
}

/** `number/get_rates` result. */
export interface NumberGetRatesResult {
  currency: string;
  entriesCount: number;
  entries: NumberRate[];
}

/** `number/subscribe` parameters. */
export interface NumberSubscribeParams {
  number: string;
  /** Months, or `auto_extend`. */
  duration: 1 | 3 | 12 | 'auto_extend';
}

/** `number/subscribe` result. */
export interface NumberSubscribeResult {
  currency: string;
  debit: Money;
  /** When the subscription ends (midnight GMT+8 when Hoiio gives a plain date). */
  expiry: Date;
}

/** `number/update_forwarding` parameters. */
export interface NumberUpdateForwardingParams {
  number: string;
  /** URL for incoming voice calls (IVR Answer) or faxes, per `mode`. */
  forwardTo?: string | undefined;
  /** URL for incoming SMS (sent as `forward_to_sms`). */
  forwardToSms?: string | undefined;
  /** Default (Hoiio's) `voice`. */
  mode?: NumberMode | undefined;
}

/** One of your numbers, as `number/get_active` lists it. */
export interface ActiveNumber {
  number: string;
  forwardTo?: string;
  forwardSmsTo?: string;
  mode?: NumberMode | (string & {});
  expiry?: Date;
  /** `enabled` or `disabled`, verbatim. */
  autoExtendStatus?: 'enabled' | 'disabled' | (string & {});
  country?: string;
  state?: string;
  capabilities: NumberCapability[];
}

/** `number/get_active` result. */
export interface NumberGetActiveResult {
  entriesCount: number;
  entries: ActiveNumber[];
}

interface NumberStateWire {
  code: string;
  name: string;
  capability?: string[];
  capabilities?: string[];
}

interface NumberCountryWire {
  code: string;
  name: string;
  prefix?: string;
  states?: NumberStateWire[];
}

interface NumberChoiceWire {
  number: string;
  capability?: string[];
  capabilities?: string[];
}

interface NumberListWire<E> {
  total_entries_count?: string;
  entries_count?: string;
  currency?: string;
  entries?: E[];
}

interface NumberRateWire {
  duration: string;
  rate: string;
}

interface NumberSubscribeWire {
  currency: string;
  debit: string;
  expiry: string;
}

interface ActiveNumberWire {
  number: string;
  forward_to?: string;
  forward_sms_to?: string;
  mode?: string;
  expiry?: string;
  auto_extend_status?: string;
  country?: string;
  state?: string;
  capabilities?: string[];
  capability?: string[];
}

function capabilities(w: WireReader<{ capabilities?: string[]; capability?: string[] }>): NumberCapability[] {
  const list = w.list('capabilities');
  return list.length > 0 ? list : w.list('capability');
}

/** The `number/…` endpoints (named `NumberResource` so as not to shadow the global `Number`). */
export class NumberResource extends HoiioResource {
  /**
   * Countries (and US states) with numbers for sale (`number/get_countries`).
   * @throws HoiioAuthError, HoiioTimeoutError, …
   */
  async getCountries(options?: RequestOptions): Promise<NumberGetCountriesResult> {
    const w = await this.invoke<NumberListWire<NumberCountryWire>>('number/get_countries', {}, options);
    const entries = w.objects('entries').map((c) => {
      const states = c
        .objects('states')
        .map((s) => ({ code: s.reqStr('code'), name: s.reqStr('name'), capabilities: capabilities(s) }));
      return compact({
        code: c.reqStr('code'),
        name: c.reqStr('name'),
        prefix: c.str('prefix'),
        states: states.length > 0 ? states : undefined,
      });
    });
    return { entriesCount: w.int('entries_count') ?? entries.length, entries };
  }

  /**
   * One page of numbers for sale (`number/get_choices`).
   * @throws HoiioInvalidRequestError (`country`, `state`), …
   */
  async getChoices(params: NumberGetChoicesParams, options?: RequestOptions): Promise<NumberGetChoicesResult> {
    const w = await this.invoke<NumberListWire<NumberChoiceWire | string>>(
      'number/get_choices',
      { country: params.country, state: params.state, page: params.page },
      options,
    );
    const entries = w.items('entries').map((e): NumberChoice => {
      if (typeof e === 'string') return { number: e, capabilities: [] };
      const c = w.child<NumberChoiceWire>(typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {});
      return { number: c.reqStr('number'), capabilities: capabilities(c) };
    });
    return {
      totalEntriesCount: w.int('total_entries_count') ?? entries.length,
      entriesCount: w.int('entries_count') ?? entries.length,
      entries,
    };
  }

  /**
   * Subscription prices in a country (`number/get_rates`).
   * @throws HoiioInvalidRequestError (`country`), …
   */
  async getRates(params: NumberGetRatesParams, options?: RequestOptions): Promise<NumberGetRatesResult> {
    const w = await this.invoke<NumberListWire<NumberRateWire>>(
      'number/get_rates',
      { country: params.country },
      options,
    );
    const entries = w.objects('entries').map((r) => ({ duration: r.reqInt('duration'), rate: r.reqMoney('rate') }));
    return { currency: w.reqStr('currency'), entriesCount: w.int('entries_count') ?? entries.length, entries };
  }

  /**
   * Buys or extends a number (`number/subscribe`). Charges the account; not retried by default.
   * @throws HoiioInvalidRequestError (`number`, `duration`), HoiioInsufficientCreditError, …
   */
  async subscribe(params: NumberSubscribeParams, options?: RequestOptions): Promise<NumberSubscribeResult> {
    const w = await this.invoke<NumberSubscribeWire>(
      'number/subscribe',
      { number: params.number, duration: params.duration },
      options,
    );
    return { currency: w.reqStr('currency'), debit: w.reqMoney('debit'), expiry: w.reqDate('expiry') };
  }

  /**
   * Sets where a number's calls/faxes and SMS are forwarded, and its mode (`number/update_forwarding`).
   * Sends the SMS URL as `forward_to_sms`. Not retried by default.
   * @throws HoiioInvalidRequestError (`number`, `forward_to`, `mode`), …
   */
  async updateForwarding(params: NumberUpdateForwardingParams, options?: RequestOptions): Promise<void> {
    await this.invoke(
      'number/update_forwarding',
      { number: params.number, forward_to: params.forwardTo, forward_to_sms: params.forwardToSms, mode: params.mode },
      options,
    );
  }

  /**
   * Your numbers and their configuration (`number/get_active`).
   * @throws HoiioAuthError, HoiioTimeoutError, …
   */
  async getActive(options?: RequestOptions): Promise<NumberGetActiveResult> {
    const w = await this.invoke<NumberListWire<ActiveNumberWire>>('number/get_active', {}, options);
    const entries = w.objects('entries').map((n) =>
      compact({
        number: n.reqStr('number'),
        forwardTo: n.str('forward_to'),
        forwardSmsTo: n.str('forward_sms_to'),
        mode: n.str('mode'),
        expiry: n.date('expiry'),
        autoExtendStatus: n.str('auto_extend_status'),
        country: n.str('country'),
        state: n.str('state'),
        capabilities: capabilities(n),
      }),
    );
    return { entriesCount: w.int('entries_count') ?? entries.length, entries };
  }
}
