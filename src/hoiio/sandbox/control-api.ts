/**
 * The sandbox's own JSON API (design.md §5) under `<root>/api/`: `outbox`, `numbers`,
 * `trigger/{sms,fax,call}`, `reset`; plus `account` (read, or set balance/trial/sender-name
 * rebranding for demos and tests), `log` (inbound events and notification deliveries) and
 * `magic-numbers`. Bodies are JSON objects (form-encoded works too); errors are `400 {error}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMoney, roundMoney } from '../money.js';
import { toE164 } from '../phone-number.js';
import type { SandboxContext } from './context.js';
import { hoiioDate } from './endpoint.js';
import { decodeForm, MalformedParamsError, parseJsonObject, readBody, sendJson } from './http-io.js';
import type { CallerOutcome, IvrEngine } from './ivr-engine.js';
import { SANDBOX_MAGIC_HOSTS, SANDBOX_MAGIC_NUMBERS } from './magic-numbers.js';
import { activeEntry } from './open-account.js';
import { faxFields, INCOMING_FAX_FAILURES, receiveFax } from './open-fax.js';
import { receiveSms } from './open-sms.js';
import { buildOutbox } from './outbox.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from './state.js';

/** What the JSON API needs from the sandbox. */
export interface ControlDeps {
  ctx: SandboxContext;
  ivr: IvrEngine;
  reset(): void;
}

class BadRequest extends Error {
  readonly code = 'sandbox_bad_request';
}

const DIGITS = 'digits';
const OUTCOMES: readonly CallerOutcome[] = ['hangup', 'voicemail', 'answer'];
const MAX_PAGES = 100;
const MAX_SECONDS = 3600;

function str(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new BadRequest(`${name} must be a string`);
  return v;
}

function int(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = str(body, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequest(`${name} must be a whole number ${min}–${max}`);
  return n;
}

function phone(body: Record<string, unknown>, name: string, fallback?: string): string {
  const v = str(body, name) ?? fallback;
  if (v === undefined) throw new BadRequest(`${name} is required`);
  const parsed = toE164(v, 'SG');
  if (!parsed.ok) throw new BadRequest(`${name}: ${parsed.problem}`);
  return parsed.e164;
}

function ownNumber(deps: ControlDeps, number: string, mode: 'voice' | 'fax' | 'sms') {
  const entry = deps.ctx.state.numbers.get(number);
  if (!entry) throw new BadRequest(`to: ${number} is not one of the sandbox's numbers (see api/numbers)`);
  if (mode === 'sms' && !entry.capabilities.includes('SMS')) throw new BadRequest(`to: ${number} cannot receive SMS`);
  if (mode !== 'sms' && entry.mode !== mode) {
    throw new BadRequest(`to: ${number} is in ${entry.mode} mode (change it with number/update_forwarding)`);
  }
  return entry;
}

function trialAllows(deps: ControlDeps, from: string): void {
  const { trial, mobileNumber } = deps.ctx.state.account;
  if (trial && from !== mobileNumber) throw new BadRequest('trial accounts only receive from the registered number');
}

function triggerSms(deps: ControlDeps, body: Record<string, unknown>) {
  const from = phone(body, 'from');
  const to = phone(body, 'to', SANDBOX_VOICE_NUMBER);
  const msg = str(body, 'msg');
  if (msg === undefined) throw new BadRequest('msg is required');
  if (msg.length > 2000) throw new BadRequest('msg is longer than 2000 characters');
  ownNumber(deps, to, 'sms');
  trialAllows(deps, from);
  const refs = receiveSms(deps.ctx, from, to, msg);
  return { txn_ref: refs[0], txn_refs: refs };
}

function triggerFax(deps: ControlDeps, body: Record<string, unknown>) {
  const from = phone(body, 'from');
  const to = phone(body, 'to', SANDBOX_FAX_NUMBER);
  const pages = int(body, 'pages', 1, MAX_PAGES) ?? 1;
  const fail = str(body, 'fail');
  if (fail !== undefined && !(INCOMING_FAX_FAILURES as readonly string[]).includes(fail)) {
    throw new BadRequest(`fail must be one of ${INCOMING_FAX_FAILURES.join(', ')}`);
  }
  ownNumber(deps, to, 'fax');
  trialAllows(deps, from);
  const txn = receiveFax(deps.ctx, from, to, pages, fail as (typeof INCOMING_FAX_FAILURES)[number] | undefined);
  return { txn_ref: txn.txn_ref };
}

function digitsOf(body: Record<string, unknown>): string[] {
  const v = body[DIGITS];
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v.map(String) : String(v).split(',');
  if (list.some((d) => !/^[0-9*#]*$/.test(d))) throw new BadRequest('digits may hold only 0-9, * and #');
  return list;
}

function triggerCall(deps: ControlDeps, body: Record<string, unknown>) {
  const from = phone(body, 'from');
  const to = phone(body, 'to', SANDBOX_VOICE_NUMBER);
  const outcome = str(body, 'outcome') ?? 'answer';
  if (!OUTCOMES.includes(outcome as CallerOutcome)) throw new BadRequest(`outcome must be ${OUTCOMES.join(', ')}`);
  const digits = digitsOf(body);
  const seconds = int(body, 'seconds', 1, MAX_SECONDS) ?? (outcome === 'answer' ? 90 : 20);
  ownNumber(deps, to, 'voice');
  trialAllows(deps, from);
  const s = deps.ivr.incoming(from, to, { outcome: outcome as CallerOutcome, digits, seconds });
  return { txn_ref: s.txn.txn_ref, session: s.session };
}

function account(deps: ControlDeps) {
  const a = deps.ctx.state.account;
  return {
    app_id: a.appId,
    currency: a.currency,
    balance: deps.ctx.state.balance(),
    mobile_number: a.mobileNumber,
    trial: a.trial,
    sms_rebrand: a.smsRebrand,
  };
}

function updateAccount(deps: ControlDeps, body: Record<string, unknown>) {
  const a = deps.ctx.state.account;
  const balance = str(body, 'balance');
  if (balance !== undefined) {
    if (!isMoney(balance)) throw new BadRequest('balance must be a decimal amount such as "5.000"');
    a.points = roundMoney(balance);
    a.bonus = '0.000';
  }
  const flag = (name: string): boolean | undefined => {
    const v = body[name];
    return v === undefined ? undefined : v === true || v === 'true';
  };
  a.trial = flag('trial') ?? a.trial;
  a.smsRebrand = flag('sms_rebrand') ?? a.smsRebrand;
  return account(deps);
}

function log(deps: ControlDeps) {
  const { ctx } = deps;
  const inbound: (Record<string, unknown> & { seq: number })[] = [];
  for (const txn of ctx.state.txns.values()) {
    if (txn.direction !== 'incoming') continue;
    const base = { type: 'inbound', seq: txn.seq, txn_ref: txn.txn_ref, date: hoiioDate(txn.date) };
    if (txn.kind === 'sms') inbound.push({ ...base, kind: 'sms', from: txn.src, to: txn.dest, msg: txn.msg });
    if (txn.kind === 'fax') {
      const f = faxFields(ctx, txn);
      inbound.push({ ...base, kind: 'fax', from: txn.src, to: txn.dest, status: txn.fax_status, ...f });
    }
    if (txn.kind === 'call') {
      const s = txn.session ? deps.ivr.sessions.get(txn.session) : undefined;
      inbound.push({ ...base, kind: 'call', from: txn.dest1, to: txn.number, session: txn.session, status: s?.state });
    }
  }
  return {
    inbound: inbound.sort((a, b) => b.seq - a.seq),
    notifications: [...ctx.notifier.log].reverse(),
  };
}

async function readInput(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 1024 * 1024);
  if (body === undefined) throw new BadRequest('body too large');
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    try {
      return Object.fromEntries(decodeForm(body.toString('utf8')));
    } catch (error) {
      if (error instanceof MalformedParamsError) throw new BadRequest('the form body is not decodable');
      throw error;
    }
  }
  const json = parseJsonObject(body);
  if (!json) throw new BadRequest('the body must be a JSON object');
  return json;
}

/** Handles `api/<route>`; answers the HTTP status sent. */
export async function handleControlApi(
  deps: ControlDeps,
  route: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<number> {
  const reply = (status: number, value: unknown): number => {
    sendJson(res, status, value);
    return status;
  };
  const method = req.method ?? 'GET';
  const gets: Record<string, () => unknown> = {
    outbox: () => ({ items: buildOutbox(deps.ctx, deps.ivr.sessions.values()) }),
    numbers: () => ({
      items: [...deps.ctx.state.numbers.values()].map((n) => ({
        ...activeEntry(n),
        forward_to_sms: n.forward_to_sms,
      })),
    }),
    account: () => account(deps),
    log: () => log(deps),
    'magic-numbers': () => ({
      items: Object.entries(SANDBOX_MAGIC_NUMBERS).map(([number, m]) => ({ number, ...m })),
      hosts: SANDBOX_MAGIC_HOSTS,
    }),
  };
  const posts: Record<string, (body: Record<string, unknown>) => unknown> = {
    'trigger/sms': (b) => triggerSms(deps, b),
    'trigger/fax': (b) => triggerFax(deps, b),
    'trigger/call': (b) => triggerCall(deps, b),
    reset: () => {
      deps.reset();
      return { ok: true };
    },
    account: (b) => updateAccount(deps, b),
  };
  const get = gets[route];
  const post = posts[route];
  try {
    if (method === 'GET' && get) {
      await readBody(req, 0);
      return reply(200, get());
    }
    if (method === 'POST' && post) return reply(200, post(await readInput(req)));
    await readBody(req, 0);
    if (get || post) return reply(405, { error: `${method} is not allowed on api/${route}` });
    return reply(404, { error: `no such sandbox API: api/${route.slice(0, 80)}` });
  } catch (error) {
    if (error instanceof BadRequest) return reply(400, { error: error.message });
    throw error;
  }
}
