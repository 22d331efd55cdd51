/**
 * `fax/*`: send (Base64 `file` parameter or multipart part), history, rate, query status; and
 * incoming faxes (api/trigger/fax) with a generated PDF behind a signed URL.
 */
import { multiplyMoney } from '../money.js';
import { type SandboxContext, STEP_MS } from './context.js';
import { amount, type EndpointResult, type EndpointSpec, hoiioDate, requireCredit, requireLine } from './endpoint.js';
import { generateFaxPdf, inspectFaxFile } from './fax-pdf.js';
import { magicBehaviour, type SandboxMagicBehaviour } from './magic-numbers.js';
import { faxRate, INCOMING_RATES, SANDBOX_CURRENCY } from './rates.js';
import type { CallStatus, FaxTxn } from './state.js';
import {
  checkCallerId,
  checkHistoryFilter,
  checkNotifyUrl,
  checkNumber,
  checkTag,
  fail,
  historyPage,
  type Params,
} from './validation.js';

const FAX_HEADER = /^[A-Za-z0-9 ]{0,100}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Incoming fax failure codes (api/trigger/fax `fail`). */
export const INCOMING_FAX_FAILURES = [
  'busy',
  'non_recoverable',
  'cannot_establish_transmission',
  'invalid_res',
  'invalid_size',
] as const;

const OUTCOMES: Partial<Record<SandboxMagicBehaviour, { status: CallStatus; code?: string }>> = {
  fax_busy: { status: 'busy', code: 'busy' },
  fax_unanswered: { status: 'unanswered' },
  fax_file_err: { status: 'failed', code: 'file_err' },
  fax_non_recoverable: { status: 'failed', code: 'non_recoverable' },
  fax_cannot_establish_transmission: { status: 'failed', code: 'cannot_establish_transmission' },
};

/** A fax as query_status, get_history and notifications describe it. */
export type FaxWire = {
  txn_ref: string;
  tag?: string;
  src?: string;
  dest: string;
  fax_status: string;
  fax_pages: string;
  fax_error_code?: string;
  fax_url?: string;
  date: string;
  duration?: string;
  currency: string;
  rate: string;
  debit?: string;
};

/** Fields of a fax in query_status, get_history and notifications (`fax_url` freshly signed). */
export function faxFields(ctx: SandboxContext, txn: FaxTxn): FaxWire {
  const hasFile = txn.media !== undefined && ctx.media.get(txn.media) !== undefined;
  return {
    txn_ref: txn.txn_ref,
    ...(txn.tag !== undefined ? { tag: txn.tag } : {}),
    ...(txn.src !== undefined ? { src: txn.src } : {}),
    dest: txn.dest,
    fax_status: txn.fax_status,
    fax_pages: String(txn.fax_pages),
    ...(txn.fax_error_code !== undefined ? { fax_error_code: txn.fax_error_code } : {}),
    ...(hasFile && txn.media !== undefined ? { fax_url: ctx.media.url(txn.media) } : {}),
    date: hoiioDate(txn.date),
    ...(txn.duration !== undefined ? { duration: String(txn.duration) } : {}),
    currency: SANDBOX_CURRENCY,
    rate: txn.rate,
    ...(txn.debit !== undefined ? { debit: amount(txn.debit) } : {}),
  };
}

/** The fax file: a multipart part, or Base64 in the `file` parameter (spaces read as `+`). */
function fileBytes(p: Params): { bytes: Uint8Array; filename?: string } | undefined {
  const part = p.file('file');
  if (part) return { bytes: part.bytes, filename: part.filename };
  const text = p.get('file');
  if (text === undefined) return undefined;
  const compact = text.replace(/ /g, '+').replace(/[\r\n\t]/g, '');
  if (!BASE64.test(compact)) return { bytes: new Uint8Array() };
  return {
    bytes: new Uint8Array(
      Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'),
    ),
  };
}

async function send(ctx: SandboxContext, p: Params): Promise<EndpointResult> {
  const [dest] = p.require('dest') as [string];
  const file = fileBytes(p);
  if (!file) fail('error_file_param_missing');
  checkNumber(dest, 'error_dest_invalid');
  const rate = faxRate(dest);
  if (magicBehaviour(dest, 'fax') === 'not_supported' || rate === undefined) fail('error_dest_not_supported');
  const inspected = await inspectFaxFile(file.bytes);
  if ('problem' in inspected) fail(inspected.problem);
  const filename = p.get('filename') ?? file.filename ?? 'fax.pdf';
  checkCallerId(p, ctx.state.callerIds());
  const header = p.raw('fax_header');
  if (header !== undefined && !FAX_HEADER.test(header)) fail('error_fax_header_invalid');
  const tag = checkTag(p);
  const notifyUrl = checkNotifyUrl(p);
  requireCredit(ctx, multiplyMoney(rate, inspected.pages));
  requireLine(ctx);
  const txnRef = `AA-C-${ctx.state.nextId()}`;
  const txn = ctx.state.add<FaxTxn>({
    kind: 'fax',
    seq: ctx.state.nextSeq(),
    direction: 'outgoing',
    txn_ref: txnRef,
    dest,
    fax_status: 'ongoing',
    fax_pages: inspected.pages,
    date: ctx.now(),
    rate,
    media: ctx.media.put('outfax', `${txnRef}.pdf`, 'application/pdf', file.bytes, filename),
    filename,
    live: true,
  });
  if (tag !== undefined) txn.tag = tag;
  ctx.touched(txn);
  ctx.scheduler.after(STEP_MS.fax, () => {
    const behaviour = magicBehaviour(dest, 'fax');
    const result = behaviour ? OUTCOMES[behaviour] : undefined;
    txn.live = false;
    txn.fax_status = result?.status ?? 'answered';
    if (result?.code !== undefined) txn.fax_error_code = result.code;
    const minutes = result ? 0 : txn.fax_pages;
    if (result) txn.fax_pages = 0;
    txn.duration = minutes;
    txn.debit = amount(multiplyMoney(rate, minutes));
    ctx.state.debit(txn.debit);
    ctx.touched(txn);
    if (!notifyUrl) return;
    const f = faxFields(ctx, txn);
    ctx.notifier.send(
      notifyUrl,
      {
        txn_ref: txnRef,
        tag: tag ?? '',
        dest,
        fax_status: f.fax_status,
        fax_pages: f.fax_pages,
        fax_error_code: f.fax_error_code,
        date: f.date,
        duration: f.duration,
        currency: f.currency,
        rate: f.rate,
        debit: f.debit,
      },
      txnRef,
    );
  });
  return { txn_ref: txnRef };
}

/** Receives a fax on one of the account's numbers (api/trigger/fax); the notification follows. */
export function receiveFax(
  ctx: SandboxContext,
  from: string,
  to: string,
  pages: number,
  failure: (typeof INCOMING_FAX_FAILURES)[number] | undefined,
): FaxTxn {
  const txnRef = `AA-C-${ctx.state.nextId()}`;
  const txn = ctx.state.add<FaxTxn>({
    kind: 'fax',
    seq: ctx.state.nextSeq(),
    direction: 'incoming',
    txn_ref: txnRef,
    src: from,
    dest: to,
    fax_status: 'ongoing',
    fax_pages: failure ? 0 : pages,
    date: ctx.now(),
    rate: INCOMING_RATES.fax,
    live: true,
  });
  const url = ctx.state.numbers.get(to)?.forward_to ?? '';
  ctx.scheduler.after(STEP_MS.fax, () => {
    const finish = (media: string | undefined): void => {
      txn.live = false;
      txn.fax_status = failure ? 'failed' : 'answered';
      if (failure) txn.fax_error_code = failure;
      if (media) txn.media = media;
      txn.duration = failure ? 0 : pages;
      txn.debit = amount(multiplyMoney(txn.rate, txn.duration));
      ctx.state.debit(txn.debit);
      const f = faxFields(ctx, txn);
      ctx.notifier.send(
        url,
        {
          txn_ref: txnRef,
          fax_status: f.fax_status,
          from,
          to,
          fax_url: f.fax_url,
          fax_pages: f.fax_pages,
          date: f.date,
          duration: f.duration,
          currency: f.currency,
          rate: f.rate,
          debit: f.debit,
          fax_error_code: f.fax_error_code,
        },
        txnRef,
      );
    };
    if (failure) return finish(undefined);
    ctx.scheduler.track(
      generateFaxPdf({ from, to, date: txn.date, pages, txnRef }).then((pdf) =>
        finish(ctx.media.put('infax', `fax-${txnRef}.pdf`, 'application/pdf', pdf)),
      ),
    );
  });
  return txn;
}

function history(ctx: SandboxContext, p: Params): EndpointResult {
  const filter = checkHistoryFilter(p);
  const type = p.get('type') ?? 'all';
  if (type !== 'all' && type !== 'incoming' && type !== 'outgoing') fail('error_invalid_type');
  const items = [...ctx.state.txns.values()].filter(
    (t): t is FaxTxn => t.kind === 'fax' && (type === 'all' || t.direction === type),
  );
  return historyPage(items, filter, (t) => faxFields(ctx, t));
}

function rate(ctx: SandboxContext, p: Params): EndpointResult {
  const dest = p.get('dest');
  const incoming = p.get('incoming');
  if (dest !== undefined && incoming !== undefined) fail('error_dest_incoming_both_present');
  if (dest === undefined && incoming === undefined) fail('error_dest_incoming_both_missing');
  if (incoming !== undefined) {
    checkNumber(incoming, 'error_dest_invalid');
    if (!ctx.state.numbers.get(incoming)?.capabilities.includes('FAX')) fail('error_service_not_available');
    return { currency: SANDBOX_CURRENCY, rate: INCOMING_RATES.fax };
  }
  checkNumber(dest as string, 'error_dest_invalid');
  const r = faxRate(dest as string);
  if (r === undefined || magicBehaviour(dest as string, 'fax') === 'not_supported') fail('error_service_not_available');
  return { currency: SANDBOX_CURRENCY, rate: r };
}

function queryStatus(ctx: SandboxContext, p: Params): EndpointResult {
  const [ref] = p.require('txn_ref') as [string];
  const txn = ctx.state.txns.get(ref);
  if (txn?.kind !== 'fax') fail('error_invalid_txn_ref');
  return faxFields(ctx, txn);
}

/** The `fax/*` endpoints. */
export const FAX_ENDPOINTS: Record<string, EndpointSpec> = {
  'fax/send': { handler: send },
  'fax/get_history': { handler: history, query: true },
  'fax/get_rate': { handler: rate, query: true },
  'fax/query_status': { handler: queryStatus, query: true },
};
