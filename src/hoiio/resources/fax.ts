/** `fax/…` endpoints: send a PDF, history, rate, status. */
import type { RequestOptions } from '../hoiio-client.js';
import { filePart } from '../internal/form-encoding.js';
import { paginate } from '../internal/paginate.js';
import { compact, type WireReader } from '../internal/wire.js';
import type { Money } from '../money.js';
import {
  type ChargeWire,
  type HistoryPageParams,
  type HistoryRange,
  type HoiioPage,
  HoiioResource,
  historyParams,
  readCharge,
} from './hoiio-resource.js';

/** A fax's status, verbatim: `answered`, `unanswered`, `failed`, `busy`, `ongoing`. */
export type FaxStatus = 'answered' | 'unanswered' | 'failed' | 'busy' | 'ongoing' | (string & {});

/** Which faxes `fax/get_history` lists. */
export type FaxHistoryType = 'incoming' | 'outgoing' | 'all';

/** `fax/send` parameters. */
export interface FaxSendParams {
  /** The fax number, E.164. */
  dest: string;
  /** The PDF: A4 or Letter pages, at most 2 MB. Sent as a multipart file part. */
  file: Uint8Array;
  /** The file name (also the name when downloading from `fax_url`). Default `fax.pdf`. */
  filename?: string | undefined;
  callerId?: string | undefined;
  /** Header printed on each page (alphanumerics and spaces, ≤ 100); `''` prints none; default Hoiio's. */
  faxHeader?: string | undefined;
  tag?: string | undefined;
  /** Receives the outgoing fax result. */
  notifyUrl?: string | undefined;
}

/** `fax/send` result. */
export interface FaxSendResult {
  txnRef: string;
}

/** `fax/get_history` parameters. */
export interface FaxGetHistoryParams extends HistoryPageParams {
  /** Default (Hoiio's) `all`. */
  type?: FaxHistoryType | undefined;
}

/** The filters of `fax.history()`. */
export interface FaxHistoryFilter extends HistoryRange {
  type?: FaxHistoryType | undefined;
}

/** One fax as `fax/query_status` and `fax/get_history` describe it. */
export interface FaxRecord {
  txnRef: string;
  tag?: string;
  /** The sender; absent for outgoing faxes. */
  src?: string;
  dest?: string;
  faxStatus?: FaxStatus;
  faxPages?: number;
  /** A pre-signed URL of the PDF; may be absent. */
  faxUrl?: string;
  date?: Date;
  /** Whole minutes. */
  duration?: number;
  currency?: string;
  /** Per-minute charge. */
  rate?: Money;
  debit?: Money;
  /** Why a fax failed (`busy`, `non_recoverable`, `file_err`, …). */
  faxErrorCode?: string;
}

/** `fax/get_history` result: one page. */
export type FaxGetHistoryResult = HoiioPage<FaxRecord>;

/** `fax/get_rate` parameters: an outgoing destination, or your number for receiving. */
export type FaxGetRateParams = { dest: string; incoming?: never } | { incoming: string; dest?: never };

/** `fax/get_rate` result. */
export interface FaxGetRateResult {
  currency: string;
  /** Per minute. */
  rate: Money;
}

/** `fax/query_status` parameters. */
export interface FaxQueryStatusParams {
  txnRef: string;
}

/** `fax/query_status` result. */
export type FaxQueryStatusResult = FaxRecord;

interface FaxRecordWire extends ChargeWire {
  txn_ref: string;
  tag?: string;
  src?: string;
  dest?: string;
  fax_status?: string;
  fax_pages?: string;
  fax_url?: string;
  date?: string;
  duration?: string;
  fax_error_code?: string;
}

interface FaxGetRateWire {
  currency: string;
  rate: string;
}

function readFaxRecord(w: WireReader<FaxRecordWire>): FaxRecord {
  return compact({
    txnRef: w.reqStr('txn_ref'),
    tag: w.str('tag'),
    src: w.str('src'),
    dest: w.str('dest'),
    faxStatus: w.str('fax_status'),
    faxPages: w.int('fax_pages'),
    faxUrl: w.str('fax_url'),
    date: w.date('date'),
    duration: w.int('duration'),
    ...readCharge(w),
    faxErrorCode: w.str('fax_error_code'),
  });
}

/** The `fax/…` endpoints. Sends are never retried by default. */
export class Fax extends HoiioResource {
  /**
   * Sends a PDF fax (`fax/send`) as a multipart POST (whatever the client's method). Not retried by default.
   * @throws HoiioInvalidRequestError (`dest`, `file`), HoiioInsufficientCreditError,
   *   HoiioServiceError (concurrent limit), HoiioTimeoutError, …
   */
  async send(params: FaxSendParams, options?: RequestOptions): Promise<FaxSendResult> {
    const filename = params.filename ?? 'fax.pdf';
    return this.invokeForTxnRef(
      'fax/send',
      {
        dest: params.dest,
        file: filePart(params.file, filename, 'application/pdf'),
        filename,
        caller_id: params.callerId,
        fax_header: params.faxHeader,
        tag: params.tag,
        notify_url: params.notifyUrl,
      },
      options,
    );
  }

  /**
   * One page of fax history (`fax/get_history`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`type`, `from`, `to`, `page`), …
   */
  async getHistory(params: FaxGetHistoryParams = {}, options?: RequestOptions): Promise<FaxGetHistoryResult> {
    return this.invokePage('fax/get_history', { ...historyParams(params), type: params.type }, readFaxRecord, options);
  }

  /**
   * Every fax matching the filter, page after page, until `total_entries_count` were yielded.
   * @throws as `getHistory`, while iterating.
   */
  history(filter: FaxHistoryFilter = {}, options?: RequestOptions): AsyncGenerator<FaxRecord, void, undefined> {
    return paginate((page) => this.getHistory({ ...filter, page }, options));
  }

  /**
   * Per-minute price of sending to `dest` or receiving on your number (`fax/get_rate`).
   * @throws HoiioInvalidRequestError (`dest`), HoiioServiceError, …
   */
  async getRate(params: FaxGetRateParams, options?: RequestOptions): Promise<FaxGetRateResult> {
    const w = await this.invoke<FaxGetRateWire>(
      'fax/get_rate',
      { dest: params.dest, incoming: params.incoming },
      options,
    );
    return { currency: w.reqStr('currency'), rate: w.reqMoney('rate') };
  }

  /**
   * The status of one fax (`fax/query_status`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`txn_ref`), HoiioRateLimitError, …
   */
  async queryStatus(params: FaxQueryStatusParams, options?: RequestOptions): Promise<FaxQueryStatusResult> {
    return this.invokeQueryStatus('fax/query_status', params.txnRef, readFaxRecord, options);
  }
}
