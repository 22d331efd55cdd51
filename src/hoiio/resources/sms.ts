/** `sms/…` endpoints: send, bulk send, history, rate, status. */
import type { RequestOptions } from '../hoiio-client.js';
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

/** Delivery status of an SMS, verbatim: `queued`, `delivered`, `failed`, `error`, `received` (inbound). */
export type SmsStatus = 'queued' | 'delivered' | 'failed' | 'error' | 'received' | (string & {});

/** Options shared by both SMS sends. */
export interface SmsSendCommon {
  /** The text; up to 3 parts (459 GSM-7 or 201 Unicode characters). */
  msg: string;
  /** Sender name shown instead of the registered number (needs SMS rebranding on the account). */
  senderName?: string | undefined;
  /** Your reference (≤ 256 characters), echoed in notifications, status and history. */
  tag?: string | undefined;
  /** Receives delivery notifications, possibly several as the status evolves. */
  notifyUrl?: string | undefined;
}

/** `sms/send` parameters. */
export interface SmsSendParams extends SmsSendCommon {
  /** E.164 mobile number, e.g. `+6591234567`. */
  dest: string;
}

/** `sms/send` result. */
export interface SmsSendResult {
  txnRef: string;
}

/** One recipient of a templated bulk SMS: its number plus the template's variables. */
export type SmsBulkRecipient = { dest: string } & Readonly<Record<string, string>>;

/** `sms/bulk_send` parameters: a plain list of numbers, or recipients for a Mustache template. */
export type SmsBulkSendParams = SmsBulkSendToNumbers | SmsBulkSendToRecipients;

/** A bulk SMS to a list of numbers. */
export interface SmsBulkSendToNumbers extends SmsSendCommon {
  /** Up to 1000 E.164 numbers. */
  dest: readonly string[];
  recipients?: never;
}

/** A templated bulk SMS: `msg` may use `{{variable}}` from each recipient. */
export interface SmsBulkSendToRecipients extends SmsSendCommon {
  /** Up to 1000 recipients. */
  recipients: readonly SmsBulkRecipient[];
  dest?: never;
}

/** `sms/bulk_send` result. Per-message results arrive as notifications carrying this reference. */
export interface SmsBulkSendResult {
  bulkTxnRef: string;
}

/** `sms/get_history` parameters. */
export type SmsGetHistoryParams = HistoryPageParams;

/** One SMS as `sms/query_status` and `sms/get_history` describe it. */
export interface SmsRecord {
  txnRef: string;
  tag?: string;
  smsStatus?: SmsStatus;
  /** The sender shown (registered number or sender name). */
  src?: string;
  dest?: string;
  date?: Date;
  splitCount?: number;
  msg?: string;
  currency?: string;
  /** Price per part. */
  rate?: Money;
  /** Total billed. */
  debit?: Money;
}

/** `sms/get_history` result: one page. */
export type SmsGetHistoryResult = HoiioPage<SmsRecord>;

/** `sms/get_rate` parameters: an outgoing destination (optionally with the text), or your number for incoming. */
export type SmsGetRateParams = SmsGetRateOutgoing | SmsGetRateIncoming;

/** The price of sending to `dest`. */
export interface SmsGetRateOutgoing {
  dest: string;
  /** When given, the result includes parts, total and encoding. */
  msg?: string | undefined;
  incoming?: never;
}

/** The price of receiving on your Hoiio number. */
export interface SmsGetRateIncoming {
  /** Your Hoiio number. */
  incoming: string;
  dest?: never;
  msg?: never;
}

/** `sms/get_rate` result. */
export interface SmsGetRateResult {
  currency: string;
  /** Price per SMS part (per message for incoming). */
  rate: Money;
  splitCount?: number;
  totalCost?: Money;
  isUnicode?: boolean;
}

/** `sms/query_status` parameters. */
export interface SmsQueryStatusParams {
  txnRef: string;
}

/** `sms/query_status` result. */
export type SmsQueryStatusResult = SmsRecord;

interface SmsRecordWire extends ChargeWire {
  txn_ref: string;
  tag?: string;
  sms_status?: string;
  src?: string;
  dest?: string;
  date?: string;
  split_count?: string;
  msg?: string;
}

interface SmsBulkSendWire {
  bulk_txn_ref?: string;
  /** Returned instead of `bulk_txn_ref` by the 2012 API. */
  txn_ref?: string;
}

interface SmsGetRateWire {
  currency: string;
  rate: string;
  split_count?: string;
  total_cost?: string;
  is_unicode?: boolean | string;
}

function readSmsRecord(w: WireReader<SmsRecordWire>): SmsRecord {
  return compact({
    txnRef: w.reqStr('txn_ref'),
    tag: w.str('tag'),
    smsStatus: w.str('sms_status'),
    src: w.str('src'),
    dest: w.str('dest'),
    date: w.date('date'),
    splitCount: w.int('split_count'),
    msg: w.str('msg'),
    ...readCharge(w),
  });
}

/** The `sms/…` endpoints. Sends are never retried unless `maxRetries` is passed for the call. */
export class Sms extends HoiioResource {
  /**
   * Sends one SMS (`sms/send`). Not retried by default: Hoiio has no idempotency key.
   * @throws HoiioInvalidRequestError (e.g. `param: 'dest'`), HoiioInsufficientCreditError, HoiioTimeoutError, …
   */
  async send(params: SmsSendParams, options?: RequestOptions): Promise<SmsSendResult> {
    return this.invokeForTxnRef(
      'sms/send',
      {
        dest: params.dest,
        msg: params.msg,
        sender_name: params.senderName,
        tag: params.tag,
        notify_url: params.notifyUrl,
      },
      options,
    );
  }

  /**
   * Sends one text to up to 1000 numbers (`sms/bulk_send`); success means accepted, not delivered.
   * Not retried by default.
   * @throws HoiioInvalidRequestError, HoiioInsufficientCreditError, HoiioTimeoutError, …
   */
  async bulkSend(params: SmsBulkSendParams, options?: RequestOptions): Promise<SmsBulkSendResult> {
    const w = await this.invoke<SmsBulkSendWire>(
      'sms/bulk_send',
      {
        dest: params.dest?.join(','),
        recipients: params.recipients && JSON.stringify(params.recipients),
        msg: params.msg,
        sender_name: params.senderName,
        tag: params.tag,
        notify_url: params.notifyUrl,
      },
      options,
    );
    return { bulkTxnRef: w.str('bulk_txn_ref') ?? w.reqStr('txn_ref') };
  }

  /**
   * One page of SMS history (`sms/get_history`), up to 100 entries. Retried on transient errors.
   * @throws HoiioInvalidRequestError (`from`, `to`, `page`), HoiioRateLimitError, …
   */
  async getHistory(params: SmsGetHistoryParams = {}, options?: RequestOptions): Promise<SmsGetHistoryResult> {
    return this.invokePage('sms/get_history', historyParams(params), readSmsRecord, options);
  }

  /**
   * Every SMS in the range, page after page, until `total_entries_count` were yielded.
   * @throws as `getHistory`, while iterating.
   */
  history(range: HistoryRange = {}, options?: RequestOptions): AsyncGenerator<SmsRecord, void, undefined> {
    return paginate((page) => this.getHistory({ ...range, page }, options));
  }

  /**
   * The price of an outgoing SMS (with `msg`: its parts, total and encoding) or of receiving one
   * on your number (`sms/get_rate`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`dest`), …
   */
  async getRate(params: SmsGetRateParams, options?: RequestOptions): Promise<SmsGetRateResult> {
    const w = await this.invoke<SmsGetRateWire>(
      'sms/get_rate',
      { dest: params.dest, msg: params.msg, incoming: params.incoming },
      options,
    );
    return compact({
      currency: w.reqStr('currency'),
      rate: w.reqMoney('rate'),
      splitCount: w.int('split_count'),
      totalCost: w.money('total_cost'),
      isUnicode: w.bool('is_unicode'),
    });
  }

  /**
   * The status of one SMS (`sms/query_status`). Retried on transient errors.
   * @throws HoiioInvalidRequestError (`txn_ref`), HoiioRateLimitError, …
   */
  async queryStatus(params: SmsQueryStatusParams, options?: RequestOptions): Promise<SmsQueryStatusResult> {
    return this.invokeQueryStatus('sms/query_status', params.txnRef, readSmsRecord, options);
  }
}
