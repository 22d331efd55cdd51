import { explainFaxError } from '../fax-errors.js';
import { FieldReader } from './field-reader.js';
import { HoiioNotificationError } from './notification-error.js';
import {
  type Billing,
  CALL_STATES,
  CALL_STATUSES,
  type CallStatusNotification,
  FAX_STATUSES,
  type HoiioNotification,
  type HoiioNotificationKind,
  type IncomingFaxNotification,
  type IncomingSmsNotification,
  IVR_BLOCKS,
  type IvrBlock,
  type IvrNotification,
  type NotificationHint,
  type OutgoingFaxNotification,
  RECORD_STATUSES,
  SMS_STATUSES,
  type SmsStatusNotification,
} from './types.js';

/** Which kinds each of our URLs may receive. */
const ALLOWED: Record<NotificationHint, readonly HoiioNotificationKind[]> = {
  sms: ['sms.incoming'],
  voice: ['ivr'],
  fax: ['fax.incoming'],
  status: ['sms.status', 'call.status', 'fax.outgoing', 'ivr'],
};

const URL_NAME: Record<NotificationHint, string> = {
  sms: 'SMS forwarding',
  voice: 'voice forwarding',
  fax: 'fax forwarding',
  status: 'status',
};

const DIGITS = /^[0-9*#]{0,255}$/;
const SESSION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function kindOf(f: FieldReader, hint: NotificationHint | undefined): HoiioNotificationKind | undefined {
  if (f.has('ivr_block') || (f.has('session') && f.has('call_state'))) return 'ivr';
  if (f.has('fax_status')) {
    if (hint === 'fax') return 'fax.incoming';
    if (hint === 'status') return 'fax.outgoing';
    return f.has('from') && f.has('to') && !f.has('dest') ? 'fax.incoming' : 'fax.outgoing';
  }
  if (f.has('sms_status')) return 'sms.status';
  if (f.has('call_status_dest1') || f.has('call_status_dest2')) return 'call.status';
  // An incoming SMS may have an empty msg: its presence is what counts.
  if (f.exists('msg') && f.has('from') && f.has('to')) return 'sms.incoming';
  if (hint === 'sms') return 'sms.incoming';
  if (hint === 'voice') return 'ivr';
  if (hint === 'fax') return 'fax.incoming';
  return undefined;
}

function billing(f: FieldReader): Billing {
  return { date: f.date('date'), currency: f.currency('currency'), rate: f.money('rate'), debit: f.money('debit') };
}

function smsStatus(f: FieldReader): Omit<SmsStatusNotification, 'extra' | 'raw'> {
  return {
    kind: 'sms.status',
    txnRef: f.requiredId('txn_ref'),
    smsStatus: f.requiredOneOf('sms_status', SMS_STATUSES),
    tag: f.text('tag'),
    bulkTxnRef: f.id('bulk_txn_ref'),
    dest: f.phone('dest'),
    splitCount: f.count('split_count'),
    ...billing(f),
  };
}

function incomingSms(f: FieldReader): Omit<IncomingSmsNotification, 'extra' | 'raw'> {
  const txnRef = f.requiredId('txn_ref');
  const from = f.requiredPhone('from');
  const to = f.requiredPhone('to');
  const msg = f.present('msg');
  if (msg === undefined) throw new HoiioNotificationError('missing', 'required parameter "msg" is missing', 'msg');
  return {
    kind: 'sms.incoming',
    txnRef,
    from,
    to,
    msg,
    date: f.date('date'),
    currency: f.currency('currency'),
    debit: f.money('debit'),
  };
}

function callStatus(f: FieldReader): Omit<CallStatusNotification, 'extra' | 'raw'> {
  return {
    kind: 'call.status',
    txnRef: f.requiredId('txn_ref'),
    tag: f.text('tag'),
    dest1: f.phone('dest1'),
    dest2: f.phone('dest2'),
    callStatusDest1: f.oneOf('call_status_dest1', CALL_STATUSES),
    callStatusDest2: f.oneOf('call_status_dest2', CALL_STATUSES),
    duration: f.count('duration'),
    ...billing(f),
  };
}

/** Older notifications have no `ivr_block`: tell the block from the fields it carries. */
function inferBlock(f: FieldReader): IvrBlock | undefined {
  if (f.has('record_status') || f.has('record_url')) return 'record';
  if (f.has('monitor_url')) return 'monitor';
  if (f.has('transfer_status')) return 'transfer';
  if (f.has('dial_status')) return 'dial';
  if (f.has('digits')) return 'gather';
  if (f.optional('call_state')?.trim().toLowerCase() === 'ringing') return 'answer';
  return undefined;
}

function ivr(f: FieldReader): Omit<IvrNotification, 'extra' | 'raw'> {
  const block = f.oneOf('ivr_block', IVR_BLOCKS) ?? inferBlock(f);
  if (block === undefined) {
    throw new HoiioNotificationError('missing', 'required parameter "ivr_block" is missing', 'ivr_block');
  }
  const session = f.requiredId('session', SESSION);
  const txnRef = f.requiredId('txn_ref');
  const callState = f.requiredOneOf('call_state', CALL_STATES);
  const digits = f.present('digits')?.trim();
  if (digits !== undefined && !DIGITS.test(digits)) {
    throw new HoiioNotificationError('malformed', 'parameter "digits" may only hold 0-9, * and #', 'digits');
  }
  const recordStatus = f.oneOf('record_status', RECORD_STATUSES);
  const recordUrl = f.url('record_url');
  if (recordStatus === 'success' && recordUrl === undefined) {
    throw new HoiioNotificationError(
      'missing',
      'required parameter "record_url" is missing for a successful recording',
      'record_url',
    );
  }
  return {
    kind: 'ivr',
    block,
    callState,
    session,
    txnRef,
    tag: f.text('tag'),
    from: f.phone('from'),
    to: f.phone('to'),
    dest: f.phone('dest'),
    digits: digits ?? (block === 'gather' ? '' : undefined),
    recordStatus,
    recordUrl,
    monitorUrl: f.url('monitor_url'),
    transferStatus: f.oneOf('transfer_status', CALL_STATUSES),
    dialStatus: f.oneOf('dial_status', CALL_STATUSES),
    room: f.id('room', SESSION),
    duration: f.count('duration'),
    ...billing(f),
  };
}

function faxError(f: FieldReader, answered: boolean): { faxErrorCode?: string; faxErrorExplanation?: string } {
  const code = f.optional('fax_error_code')?.trim();
  if (answered && code === undefined) return {};
  return {
    ...(code === undefined ? {} : { faxErrorCode: code.slice(0, 64) }),
    faxErrorExplanation: explainFaxError(code),
  };
}

function outgoingFax(f: FieldReader): Omit<OutgoingFaxNotification, 'extra' | 'raw'> {
  const txnRef = f.requiredId('txn_ref');
  const faxStatus = f.requiredOneOf('fax_status', FAX_STATUSES);
  return {
    kind: 'fax.outgoing',
    txnRef,
    faxStatus,
    tag: f.text('tag'),
    dest: f.phone('dest'),
    faxPages: f.count('fax_pages'),
    duration: f.count('duration'),
    ...billing(f),
    ...faxError(f, faxStatus === 'answered'),
  };
}

function incomingFax(f: FieldReader): Omit<IncomingFaxNotification, 'extra' | 'raw'> {
  const txnRef = f.requiredId('txn_ref');
  const faxStatus = f.requiredOneOf('fax_status', FAX_STATUSES);
  const from = f.requiredPhone('from');
  const to = f.requiredPhone('to');
  const faxUrl = f.url('fax_url');
  if (faxStatus === 'answered' && faxUrl === undefined) {
    throw new HoiioNotificationError(
      'missing',
      'required parameter "fax_url" is missing for a received fax',
      'fax_url',
    );
  }
  return {
    kind: 'fax.incoming',
    txnRef,
    faxStatus,
    from,
    to,
    faxUrl,
    faxPages: f.count('fax_pages'),
    duration: f.count('duration'),
    ...billing(f),
    ...faxError(f, faxStatus === 'answered'),
  };
}

const BUILD = {
  'sms.status': smsStatus,
  'sms.incoming': incomingSms,
  'call.status': callStatus,
  ivr,
  'fax.outgoing': outgoingFax,
  'fax.incoming': incomingFax,
} as const satisfies Record<HoiioNotificationKind, (f: FieldReader) => Omit<HoiioNotification, 'extra' | 'raw'>>;

function parse(params: Record<string, string>, hint: NotificationHint | undefined): HoiioNotification {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HoiioNotificationError('unrecognised', 'the parameters are not a set of name/value pairs');
  }
  if (hint !== undefined && !Object.hasOwn(ALLOWED, hint)) {
    throw new HoiioNotificationError('unrecognised', 'unknown notification URL');
  }
  const raw: Record<string, string> = Object.fromEntries(Object.entries(params));
  const f = new FieldReader(raw);
  const kind = kindOf(f, hint);
  if (kind === undefined) {
    throw new HoiioNotificationError(
      'unrecognised',
      'not a Hoiio notification: none of sms_status, call_status_dest1/2, fax_status, ivr_block/session, or an incoming SMS',
    );
  }
  if (hint !== undefined && !ALLOWED[hint].includes(kind)) {
    throw new HoiioNotificationError(
      'unrecognised',
      `a ${kind} notification cannot arrive at the ${URL_NAME[hint]} URL`,
    );
  }
  const fields = BUILD[kind](f);
  return { ...fields, extra: f.extra(), raw } as HoiioNotification;
}

/**
 * Parses the parameters of a Hoiio notification (merge query and body with {@link mergeParams}
 * first) into a {@link HoiioNotification}. `hint` says which of our URLs received it and narrows
 * what it may be: `sms` → incoming SMS, `voice` → IVR, `fax` → incoming fax, `status` → SMS
 * delivery, call status, outgoing fax or IVR. Without a hint the kind is told from the fields.
 *
 * Empty values count as absent; undocumented parameters are kept in `extra`.
 * @throws HoiioNotificationError (code `hoiio_notification_invalid`, and nothing else, for any
 *   input) when a required field is missing, a value is malformed, or the payload is not a Hoiio
 *   notification; `field` names the parameter at fault.
 */
export function parseNotification(params: Record<string, string>, hint?: NotificationHint): HoiioNotification {
  try {
    return parse(params, hint);
  } catch (error) {
    if (error instanceof HoiioNotificationError) throw error;
    throw new HoiioNotificationError('unrecognised', 'the parameters could not be read', undefined, { cause: error });
  }
}
