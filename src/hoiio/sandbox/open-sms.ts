/**
 * `sms/*`: send, bulk send, history, rate, query status. Sent SMS go queued → delivered (or
 * failed/error on magic numbers), each step notified to `notify_url`.
 */
import { addMoney, multiplyMoney } from '../money.js';
import { countSmsSegments, HOIIO_MAX_SMS_SEGMENTS } from '../sms-segments.js';
import { type SandboxContext, STEP_MS } from './context.js';
import {
  amount,
  type EndpointResult,
  type EndpointSpec,
  hoiioDate,
  requireCredit,
  requireTrialAllows,
} from './endpoint.js';
import { magicBehaviour } from './magic-numbers.js';
import { INCOMING_RATES, SANDBOX_CURRENCY, smsRate } from './rates.js';
import type { SmsTxn } from './state.js';
import {
  checkHistoryFilter,
  checkNotifyUrl,
  checkNumber,
  checkTag,
  fail,
  historyPage,
  type Params,
  validNumber,
} from './validation.js';

/** Countries where a sender name is shown as a `Fr:<name>` prefix instead (and the USA). */
const PREFIX_SENDER = ['+86', '+253', '+62', '+60', '+27', '+84', '+1'];
const SENDER_NAME = /^(?=.*[A-Za-z0-9])[A-Za-z0-9 ]{3,11}$/;
const MAX_BULK = 1000;

interface Segments {
  split_count: number;
  is_unicode: boolean;
}

function segmentsOf(text: string): Segments {
  const c = countSmsSegments(text);
  return { split_count: c.segments, is_unicode: c.encoding === 'UCS-2' };
}

function checkMsgSize(text: string): void {
  if (countSmsSegments(text).segments > HOIIO_MAX_SMS_SEGMENTS) fail('error_msg_too_big');
}

/** The msg parameter: absent → missing; empty → `error_msg_empty` (checked with the values). */
function requireMsg(p: Params): string {
  const msg = p.raw('msg');
  if (msg === undefined) fail('error_msg_param_missing');
  return msg;
}

function checkSenderName(ctx: SandboxContext, p: Params): string | undefined {
  const sender = p.get('sender_name');
  if (sender === undefined) return undefined;
  if (!ctx.state.account.smsRebrand) fail('error_sms_rebrand_not_enabled');
  if (!SENDER_NAME.test(sender)) fail('error_invalid_sender_name');
  return sender;
}

/** What the recipient receives: the `Fr:` prefix where sender names are not honoured. */
function deliveredText(dest: string, msg: string, sender: string | undefined): string {
  return sender !== undefined && PREFIX_SENDER.some((c) => dest.startsWith(c)) ? `Fr:${sender}\n${msg}` : msg;
}

/** An SMS as query_status, get_history and notifications describe it. */
export type SmsWire = {
  txn_ref: string;
  tag?: string;
  sms_status: string;
  src: string;
  dest: string;
  date: string;
  split_count: string;
  msg: string;
  currency: string;
  rate: string;
  debit: string;
  bulk_txn_ref?: string;
};

/** Fields of an SMS in query_status, get_history and notifications. */
export function smsFields(txn: SmsTxn): SmsWire {
  return {
    txn_ref: txn.txn_ref,
    ...(txn.tag !== undefined ? { tag: txn.tag } : {}),
    sms_status: txn.sms_status,
    src: txn.src,
    dest: txn.dest,
    date: hoiioDate(txn.date),
    split_count: String(txn.split_count),
    msg: txn.msg,
    currency: SANDBOX_CURRENCY,
    rate: txn.rate,
    debit: amount(txn.debit),
    ...(txn.bulk_txn_ref !== undefined ? { bulk_txn_ref: txn.bulk_txn_ref } : {}),
  };
}

function notifySms(ctx: SandboxContext, txn: SmsTxn, url: string | undefined): void {
  if (!url) return;
  const f = smsFields(txn);
  ctx.notifier.send(
    url,
    {
      txn_ref: f.txn_ref,
      bulk_txn_ref: f.bulk_txn_ref,
      tag: txn.tag ?? '',
      dest: f.dest,
      sms_status: f.sms_status,
      date: f.date,
      split_count: f.split_count,
      currency: f.currency,
      rate: f.rate,
      debit: f.debit,
    },
    txn.txn_ref,
  );
}

interface OutgoingSms {
  dest: string;
  msg: string;
  text: string;
  sender?: string | undefined;
  tag?: string | undefined;
  notifyUrl?: string | undefined;
  bulkTxnRef?: string;
}

function createSms(ctx: SandboxContext, sms: OutgoingSms): SmsTxn {
  const seg = segmentsOf(sms.text);
  const rate = smsRate(sms.dest);
  const debit = amount(multiplyMoney(rate, seg.split_count));
  ctx.state.debit(debit);
  const txn: SmsTxn = ctx.state.add({
    kind: 'sms',
    seq: ctx.state.nextSeq(),
    direction: 'outgoing',
    txn_ref: `AA-S-${ctx.state.nextId()}`,
    src: sms.sender ?? ctx.state.account.mobileNumber,
    dest: sms.dest,
    msg: sms.msg,
    date: ctx.now(),
    ...seg,
    rate,
    debit,
    sms_status: 'queued',
  });
  if (sms.tag !== undefined) txn.tag = sms.tag;
  if (sms.sender !== undefined) txn.sender_name = sms.sender;
  if (sms.bulkTxnRef !== undefined) txn.bulk_txn_ref = sms.bulkTxnRef;
  ctx.touched(txn);
  ctx.scheduler.after(STEP_MS.smsQueued, () => notifySms(ctx, txn, sms.notifyUrl));
  const behaviour = magicBehaviour(sms.dest, 'sms');
  if (behaviour !== 'sms_queued') {
    ctx.scheduler.after(STEP_MS.smsDelivered, () => {
      txn.sms_status = behaviour === 'sms_failed' ? 'failed' : behaviour === 'sms_error' ? 'error' : 'delivered';
      ctx.touched(txn);
      notifySms(ctx, txn, sms.notifyUrl);
    });
  }
  return txn;
}

function checkDest(dest: string): void {
  checkNumber(dest, 'error_dest_invalid');
  if (magicBehaviour(dest, 'sms') === 'not_supported') fail('error_dest_not_supported');
}

function send(ctx: SandboxContext, p: Params): EndpointResult {
  const [dest] = p.require('dest') as [string];
  const msg = requireMsg(p);
  checkDest(dest);
  if (msg === '') fail('error_msg_empty');
  checkMsgSize(msg);
  const sender = checkSenderName(ctx, p);
  const text = deliveredText(dest, msg, sender);
  checkMsgSize(text);
  const tag = checkTag(p);
  const notifyUrl = checkNotifyUrl(p);
  requireTrialAllows(ctx, dest);
  requireCredit(ctx, multiplyMoney(smsRate(dest), segmentsOf(text).split_count));
  const txn = createSms(ctx, { dest, msg, text, sender, tag, notifyUrl });
  return { txn_ref: txn.txn_ref };
}

function render(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => {
    const v = vars[key];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  });
}

function bulkRecipients(p: Params, msg: string): { dest: string; msg: string }[] | 'too_many' {
  const recipients = p.get('recipients');
  let list: { dest: string; msg: string }[];
  if (recipients !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(recipients);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    if (parsed.length > MAX_BULK) return 'too_many';
    list = parsed.flatMap((r: unknown) => {
      if (r === null || typeof r !== 'object') return [];
      const vars = r as Record<string, unknown>;
      const { dest } = vars as { dest?: unknown };
      return typeof dest === 'string' ? [{ dest: dest.trim(), msg: render(msg, vars) }] : [];
    });
  } else {
    const dests = (p.get('dest') ?? '').split(',').map((d) => d.trim());
    if (dests.length > MAX_BULK) return 'too_many';
    list = dests.map((dest) => ({ dest, msg }));
  }
  return list.filter((r) => validNumber(r.dest));
}

function bulkSend(ctx: SandboxContext, p: Params): EndpointResult {
  if (p.get('dest') === undefined && p.get('recipients') === undefined) fail('error_dest_param_missing');
  const msg = requireMsg(p);
  const recipients = bulkRecipients(p, msg);
  if (recipients === 'too_many') fail('error_dest_too_many');
  if (recipients.length === 0) fail('error_no_valid_dests');
  if (msg === '') fail('error_msg_empty');
  const sender = checkSenderName(ctx, p);
  const texts = recipients.map((r) => ({ ...r, text: deliveredText(r.dest, r.msg, sender) }));
  for (const r of texts) checkMsgSize(r.text);
  const tag = checkTag(p);
  const notifyUrl = checkNotifyUrl(p);
  requireTrialAllows(ctx, ...texts.map((r) => r.dest));
  const sendable = texts.filter((r) => magicBehaviour(r.dest, 'sms') !== 'not_supported');
  const total = sendable.reduce(
    (sum, r) => addMoney(sum, multiplyMoney(smsRate(r.dest), segmentsOf(r.text).split_count)),
    '0',
  );
  requireCredit(ctx, total);
  const bulkTxnRef = `AA-B-${ctx.state.nextId()}`;
  for (const r of sendable) {
    createSms(ctx, { dest: r.dest, msg: r.msg, text: r.text, sender, tag, notifyUrl, bulkTxnRef });
  }
  return { bulk_txn_ref: bulkTxnRef };
}

function history(ctx: SandboxContext, p: Params): EndpointResult {
  const filter = checkHistoryFilter(p);
  const items = [...ctx.state.txns.values()].filter((t): t is SmsTxn => t.kind === 'sms');
  return historyPage(items, filter, smsFields);
}

function rate(ctx: SandboxContext, p: Params): EndpointResult {
  const dest = p.get('dest');
  const incoming = p.get('incoming');
  if (dest !== undefined && incoming !== undefined) fail('error_dest_incoming_both_present');
  if (dest === undefined && incoming === undefined) fail('error_dest_incoming_both_missing');
  if (incoming !== undefined) {
    checkNumber(incoming, 'error_dest_invalid');
    const number = ctx.state.numbers.get(incoming);
    if (!number?.capabilities.includes('SMS')) fail('error_incoming_sms_not_supported');
    return { currency: SANDBOX_CURRENCY, rate: INCOMING_RATES.sms };
  }
  checkDest(dest as string);
  const r = smsRate(dest as string);
  const msg = p.raw('msg');
  if (msg === undefined) return { currency: SANDBOX_CURRENCY, rate: r };
  const seg = segmentsOf(msg);
  return {
    currency: SANDBOX_CURRENCY,
    rate: r,
    split_count: String(seg.split_count),
    total_cost: amount(multiplyMoney(r, seg.split_count)),
    is_unicode: seg.is_unicode,
  };
}

function queryStatus(ctx: SandboxContext, p: Params): EndpointResult {
  const [ref] = p.require('txn_ref') as [string];
  const txn = ctx.state.txns.get(ref);
  if (txn?.kind !== 'sms') fail('error_invalid_txn_ref');
  return smsFields(txn);
}

/** Receives an SMS on one of the account's numbers (api/trigger/sms): one notification per ≤152-character part. */
export function receiveSms(ctx: SandboxContext, from: string, to: string, msg: string): string[] {
  const parts = Array.from(msg).length > 160 ? (msg.match(/[\s\S]{1,152}/gu) ?? [msg]) : [msg];
  const url = ctx.state.numbers.get(to)?.forward_to_sms ?? '';
  return parts.map((part) => {
    const debit = amount(INCOMING_RATES.sms);
    ctx.state.debit(debit);
    const txn = ctx.state.add<SmsTxn>({
      kind: 'sms',
      seq: ctx.state.nextSeq(),
      direction: 'incoming',
      txn_ref: `AA-SI-${ctx.state.nextId()}`,
      src: from,
      dest: to,
      msg: part,
      date: ctx.now(),
      ...segmentsOf(part),
      rate: INCOMING_RATES.sms,
      debit,
      sms_status: 'received',
    });
    ctx.scheduler.after(STEP_MS.smsQueued, () =>
      ctx.notifier.send(
        url,
        {
          txn_ref: txn.txn_ref,
          msg: part,
          from,
          to,
          date: hoiioDate(txn.date),
          currency: SANDBOX_CURRENCY,
          debit,
        },
        `in:${to}:${from}`,
      ),
    );
    return txn.txn_ref;
  });
}

/** The `sms/*` endpoints. */
export const SMS_ENDPOINTS: Record<string, EndpointSpec> = {
  'sms/send': { handler: send },
  'sms/bulk_send': { handler: bulkSend },
  'sms/get_history': { handler: history, query: true },
  'sms/get_rate': { handler: rate, query: true },
  'sms/query_status': { handler: queryStatus, query: true },
};
