/** The base of every resource: holds the client and reads its responses through a `WireReader`. */
import type { HoiioClient, RequestOptions } from '../hoiio-client.js';
import { formatHoiioDateTime } from '../hoiio-time.js';
import type { HoiioParams } from '../internal/form-encoding.js';
import { WireReader } from '../internal/wire.js';
import type { Money } from '../money.js';

/** The base class of `client.sms`, `client.voice`, …; each method is one endpoint. */
export abstract class HoiioResource {
  /** @param client the client whose `request()` pipeline every method uses. */
  constructor(protected readonly client: HoiioClient) {}

  /** Calls `endpoint` and returns a typed reader over the success response. */
  protected async invoke<W>(endpoint: string, params: HoiioParams, options?: RequestOptions): Promise<WireReader<W>> {
    const data = await this.client.request(endpoint, params, options);
    return new WireReader<W>(endpoint, data);
  }

  /** Calls an endpoint that answers with the new transaction's `txn_ref` (a send or a call). */
  protected async invokeForTxnRef(
    endpoint: string,
    params: HoiioParams,
    options?: RequestOptions,
  ): Promise<{ txnRef: string }> {
    const w = await this.invoke<{ txn_ref: string }>(endpoint, params, options);
    return { txnRef: w.reqStr('txn_ref') };
  }

  /** Calls a `…/get_history` endpoint and maps each entry of the page with `entry`. */
  protected async invokePage<X, E>(
    endpoint: string,
    params: HoiioParams,
    entry: (e: WireReader<X>) => E,
    options?: RequestOptions,
  ): Promise<HoiioPage<E>> {
    return readPage(await this.invoke<PageWire<X>>(endpoint, params, options), entry);
  }

  /** Calls a `…/query_status` endpoint for `txnRef` and maps the record with `record`. */
  protected async invokeQueryStatus<X, R>(
    endpoint: string,
    txnRef: string,
    record: (w: WireReader<X>) => R,
    options?: RequestOptions,
  ): Promise<R> {
    return record(await this.invoke<X>(endpoint, { txn_ref: txnRef }, options));
  }
}

/** A date-range filter of the history endpoints. */
export interface HistoryRange {
  /** Only entries at or after this instant (sent as GMT+8). Default: from the earliest. */
  from?: Date | undefined;
  /** Only entries up to this instant (sent as GMT+8). Default: up to now. */
  to?: Date | undefined;
}

/** The filters of one history page. */
export interface HistoryPageParams extends HistoryRange {
  /** 1-based page number; pages hold up to 100 entries. Default 1. */
  page?: number | undefined;
}

/** One page of a paged list. */
export interface HoiioPage<E> {
  /** How many entries match in all pages. */
  totalEntriesCount: number;
  /** How many entries are on this page. */
  entriesCount: number;
  /** This page's entries. */
  entries: E[];
}

/** The wire shape common to paged lists. */
export interface PageWire<E> {
  total_entries_count?: string | number;
  entries_count?: string | number;
  entries?: E[];
}

/** Wire parameters for a history page. */
export function historyParams(p: HistoryPageParams): HoiioParams {
  return {
    from: p.from && formatHoiioDateTime(p.from),
    to: p.to && formatHoiioDateTime(p.to),
    page: p.page,
  };
}

/** Maps a paged wire response; `entries_count` and `total_entries_count` default to the page's length. */
export function readPage<E, X>(w: WireReader<PageWire<X>>, entry: (e: WireReader<X>) => E): HoiioPage<E> {
  const entries = w.objects('entries').map(entry);
  return {
    totalEntriesCount: w.int('total_entries_count') ?? entries.length,
    entriesCount: w.int('entries_count') ?? entries.length,
    entries,
  };
}

/** The wire fields of what a transaction record (SMS, call, fax) cost. */
export interface ChargeWire {
  currency?: string;
  rate?: string;
  debit?: string;
}

/** A record's `currency`, `rate` and `debit`, each undefined when absent: spread into the record's `compact()`. */
export function readCharge(w: WireReader<ChargeWire>): {
  currency: string | undefined;
  rate: Money | undefined;
  debit: Money | undefined;
} {
  return { currency: w.str('currency'), rate: w.money('rate'), debit: w.money('debit') };
}
