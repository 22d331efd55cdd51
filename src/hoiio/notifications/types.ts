/**
 * The notifications Hoiio POSTs to our URLs (hoiio-api.md §5), as a union on `kind`. Field names
 * are camelCase; amounts are decimal strings (`Money`); dates are `Date`s (converted from GMT+8);
 * counts are numbers. Every notification keeps the merged parameters as received in `raw` and the
 * parameters it does not know (including pass-on query parameters) in `extra`.
 */
import type { Money } from '../money.js';

/** `sms_status` of a delivery notification. */
export const SMS_STATUSES = ['queued', 'delivered', 'failed', 'error'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** Outcome of a call leg, a Dial, a Transfer or an outgoing fax (`ongoing` while still live). */
export const CALL_STATUSES = ['answered', 'unanswered', 'failed', 'busy', 'ongoing'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** `ivr_block`: which IVR block a notification reports on. */
export const IVR_BLOCKS = [
  'answer',
  'dial',
  'play',
  'gather',
  'record',
  'monitor',
  'transfer',
  'hangup',
  'unhold',
] as const;
export type IvrBlock = (typeof IVR_BLOCKS)[number];

/** `call_state` of an IVR call. */
export const CALL_STATES = ['ringing', 'ongoing', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** `record_status` of a Record block. */
export const RECORD_STATUSES = ['success', 'failed'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** `fax_status` of a fax. Incoming faxes are only `answered` or `failed`. */
export const FAX_STATUSES = ['answered', 'unanswered', 'failed', 'busy', 'ongoing'] as const;
export type FaxStatus = (typeof FAX_STATUSES)[number];

/** What every notification carries. */
export interface NotificationBase {
  /** Hoiio's transaction reference (`AA-S-471804`, `AA-C-2517398`, `AA-SI-85`). */
  txnRef: string;
  /** Parameters this parser does not know, pass-on query parameters included. */
  extra: Record<string, string>;
  /** All parameters as received (after {@link mergeParams}). */
  raw: Record<string, string>;
}

/** What Hoiio bills, when it says. */
export interface Billing {
  date?: Date | undefined;
  currency?: string | undefined;
  rate?: Money | undefined;
  debit?: Money | undefined;
}

/** Delivery status of an outbound SMS (to the `notify_url` of sms/send or sms/bulk_send). */
export interface SmsStatusNotification extends NotificationBase, Billing {
  kind: 'sms.status';
  smsStatus: SmsStatus;
  tag?: string | undefined;
  /** Present for messages of a bulk send. */
  bulkTxnRef?: string | undefined;
  dest?: string | undefined;
  splitCount?: number | undefined;
}

/** An SMS received on one of our numbers (to the number's SMS forwarding URL). */
export interface IncomingSmsNotification extends NotificationBase {
  kind: 'sms.incoming';
  from: string;
  /** Our Hoiio number. */
  to: string;
  /** The text, verbatim (may be empty). Long texts arrive as several notifications. */
  msg: string;
  date?: Date | undefined;
  currency?: string | undefined;
  debit?: Money | undefined;
}

/** A two-way callback or conference leg ended (to voice/call, voice/conference, conference/call `notify_url`). */
export interface CallStatusNotification extends NotificationBase, Billing {
  kind: 'call.status';
  tag?: string | undefined;
  dest1?: string | undefined;
  dest2?: string | undefined;
  callStatusDest1?: CallStatus | undefined;
  callStatusDest2?: CallStatus | undefined;
  /** Whole minutes. */
  duration?: number | undefined;
}

/** An IVR block finished, or an incoming call arrived (`block: 'answer'`, `callState: 'ringing'`). */
export interface IvrNotification extends NotificationBase, Billing {
  kind: 'ivr';
  block: IvrBlock;
  callState: CallState;
  session: string;
  tag?: string | undefined;
  /** Caller id, incoming calls only. */
  from?: string | undefined;
  /** Our Hoiio number, incoming calls only. */
  to?: string | undefined;
  /** The dialled number, Dial-started calls only. */
  dest?: string | undefined;
  /** Gather: keys pressed (`0-9`, `*`, `#`); empty when the caller typed nothing. */
  digits?: string | undefined;
  recordStatus?: RecordStatus | undefined;
  /** Record: the MP3, present when `recordStatus` is `success`. */
  recordUrl?: string | undefined;
  /** Monitor: the MP3 of the conversation, at call end. */
  monitorUrl?: string | undefined;
  transferStatus?: CallStatus | undefined;
  dialStatus?: CallStatus | undefined;
  /** Transfer into a conference: the room id. */
  room?: string | undefined;
  /** Whole minutes; with the billing fields, only when `callState` is `ended`. */
  duration?: number | undefined;
}

/** Result of an outgoing fax (to fax/send `notify_url`). */
export interface OutgoingFaxNotification extends NotificationBase, Billing {
  kind: 'fax.outgoing';
  faxStatus: FaxStatus;
  tag?: string | undefined;
  dest?: string | undefined;
  faxPages?: number | undefined;
  duration?: number | undefined;
  faxErrorCode?: string | undefined;
  /** A plain-language explanation, whenever the fax was not `answered`. */
  faxErrorExplanation?: string | undefined;
}

/** A fax received on one of our numbers (to the number's forwarding URL in fax mode). */
export interface IncomingFaxNotification extends NotificationBase, Billing {
  kind: 'fax.incoming';
  faxStatus: FaxStatus;
  from: string;
  /** Our Hoiio number. */
  to: string;
  /** The PDF; required when `faxStatus` is `answered`. */
  faxUrl?: string | undefined;
  faxPages?: number | undefined;
  duration?: number | undefined;
  faxErrorCode?: string | undefined;
  /** A plain-language explanation, whenever the fax was not `answered`. */
  faxErrorExplanation?: string | undefined;
}

/** Every Hoiio notification, discriminated on `kind`. */
export type HoiioNotification =
  | SmsStatusNotification
  | IncomingSmsNotification
  | CallStatusNotification
  | IvrNotification
  | OutgoingFaxNotification
  | IncomingFaxNotification;

/** The `kind`s of {@link HoiioNotification}. */
export type HoiioNotificationKind = HoiioNotification['kind'];

/** Which of our webhook URLs received the notification: narrows what it may be. */
export type NotificationHint = 'sms' | 'voice' | 'fax' | 'status';
