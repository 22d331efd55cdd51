/**
 * `number/*` (countries, choices, rates, subscribe, forwarding, active numbers), `user/*`
 * (balance, info) and `connect/get_token`.
 */
import { formatHoiioDate } from '../hoiio-time.js';
import type { SandboxContext } from './context.js';
import { amount, type EndpointResult, type EndpointSpec, requireCredit } from './endpoint.js';
import { NUMBER_RATES, SANDBOX_CURRENCY } from './rates.js';
import type { NumberState } from './state.js';
import { checkInt, checkNumber, fail, type Params, urlProblem } from './validation.js';

interface Country {
  code: string;
  name: string;
  prefix: string;
  states?: { code: string; name: string; capability: string[] }[];
  capability: string[];
}

const COUNTRIES: readonly Country[] = [
  { code: 'SG', name: 'Singapore', prefix: '65', capability: ['VOICE', 'FAX', 'SMS'] },
  { code: 'HK', name: 'Hong Kong', prefix: '852', capability: ['VOICE'] },
  {
    code: 'US',
    name: 'United States',
    prefix: '1',
    capability: ['VOICE', 'SMS'],
    states: [
      { code: 'US-CA', name: 'California', capability: ['VOICE', 'SMS'] },
      { code: 'US-NY', name: 'New York', capability: ['VOICE', 'SMS'] },
    ],
  },
];

const CHOICES_PER_PAGE = 20;
const MONTH_MS = 30 * 24 * 60 * 60 * 1000;

interface Choice {
  number: string;
  country: string;
  state?: string;
  capability: string[];
}

/** The numbers for sale: 30 per country (or US state). */
function choices(country: string, state?: string): Choice[] {
  const make = (count: number, f: (i: number) => string, capability: string[], st?: string): Choice[] =>
    Array.from({ length: count }, (_, i) => ({
      number: f(i),
      country,
      capability,
      ...(st !== undefined ? { state: st } : {}),
    }));
  const pad = (i: number) => String(10 + i).padStart(2, '0');
  switch (country) {
    case 'SG':
      return make(30, (i) => `+65315900${pad(i)}`, ['VOICE', 'FAX', 'SMS']);
    case 'HK':
      return make(30, (i) => `+852218000${pad(i)}`, ['VOICE']);
    case 'US':
      if (state === 'US-CA') return make(30, (i) => `+141555501${pad(i)}`, ['VOICE', 'SMS'], state);
      if (state === 'US-NY') return make(30, (i) => `+121255501${pad(i)}`, ['VOICE', 'SMS'], state);
      return [];
    default:
      return [];
  }
}

function allChoices(): Choice[] {
  return [...choices('SG'), ...choices('HK'), ...choices('US', 'US-CA'), ...choices('US', 'US-NY')];
}

function getCountries(): EndpointResult {
  return {
    entries_count: String(COUNTRIES.length),
    entries: COUNTRIES.map((c) => ({
      code: c.code,
      name: c.name,
      prefix: c.prefix,
      capability: c.capability,
      ...(c.states ? { states: c.states } : {}),
    })),
  };
}

function getChoices(ctx: SandboxContext, p: Params): EndpointResult {
  const [country] = p.require('country') as [string];
  const code = country.toUpperCase();
  if (code === 'US' && p.get('state') === undefined) fail('error_state_param_missing');
  const page = checkInt(p.get('page'), 1, 1_000_000, 'error_page_invalid') ?? 1;
  const state = p.get('state')?.toUpperCase();
  const available = choices(code, state && !state.startsWith('US-') ? `US-${state}` : state).filter(
    (c) => !ctx.state.numbers.has(c.number),
  );
  if (available.length === 0) fail('error_no_number_available');
  const slice = available.slice((page - 1) * CHOICES_PER_PAGE, page * CHOICES_PER_PAGE);
  return {
    total_entries_count: String(available.length),
    entries_count: String(slice.length),
    entries: slice.map((c) => ({ number: c.number, capability: c.capability })),
  };
}

function getRates(_ctx: SandboxContext, p: Params): EndpointResult {
  const [country] = p.require('country') as [string];
  const rates = NUMBER_RATES[country.toUpperCase()];
  if (!rates) fail('error_no_number_available');
  return { currency: SANDBOX_CURRENCY, entries_count: String(rates.length), entries: rates };
}

function subscribe(ctx: SandboxContext, p: Params): EndpointResult {
  const [number, duration] = p.require('number', 'duration') as [string, string];
  checkNumber(number, 'error_number_invalid');
  if (!['1', '3', '12', 'auto_extend'].includes(duration)) fail('error_invalid_duration');
  const owned = ctx.state.numbers.get(number);
  const choice = owned ? undefined : allChoices().find((c) => c.number === number);
  if (!owned && !choice) fail('error_number_not_available');
  const country = owned?.country ?? choice?.country ?? 'SG';
  const months = duration === 'auto_extend' ? 1 : Number(duration);
  const rate = NUMBER_RATES[country]?.find((r) => r.duration === String(months))?.rate ?? '10.000';
  if (ctx.state.account.trial) fail('error_not_allowed_for_trial');
  requireCredit(ctx, rate);
  ctx.state.debit(rate);
  const base = owned && owned.expiry > ctx.now() ? owned.expiry : ctx.now();
  const expiry = new Date(base.getTime() + months * MONTH_MS);
  if (owned) {
    owned.expiry = expiry;
    if (duration === 'auto_extend') owned.auto_extend = true;
  } else if (choice) {
    const entry: NumberState = {
      number,
      country,
      mode: 'voice',
      capabilities: choice.capability.filter((c) => c !== 'FAX' || country === 'SG'),
      forward_to: '',
      forward_to_sms: '',
      expiry,
      auto_extend: duration === 'auto_extend',
    };
    if (choice.state !== undefined) entry.state = choice.state;
    ctx.state.numbers.set(number, entry);
  }
  return { currency: SANDBOX_CURRENCY, debit: amount(rate), expiry: formatHoiioDate(expiry) };
}

function forwardingUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return value;
  const problem = urlProblem(value);
  if (problem === 'unresolvable') fail('error_unable_to_resolve_forward_to');
  if (problem !== undefined) fail('error_forward_to_invalid');
  return value;
}

function updateForwarding(ctx: SandboxContext, p: Params): EndpointResult {
  const [number] = p.require('number') as [string];
  checkNumber(number, 'error_number_invalid');
  const entry = ctx.state.numbers.get(number);
  if (!entry) fail('error_number_not_assigned');
  const forwardTo = forwardingUrl(p.raw('forward_to'));
  // Hoiio's SDKs disagree on the name: accept both.
  const forwardSms = forwardingUrl(p.raw('forward_to_sms') ?? p.raw('forward_sms_to'));
  const mode = p.get('mode');
  if (mode !== undefined && mode !== 'voice' && mode !== 'fax') fail('error_mode_invalid');
  if (mode === 'fax' && !entry.capabilities.includes('FAX')) fail('error_mode_invalid');
  if (forwardSms && !entry.capabilities.includes('SMS')) fail('error_incoming_sms_not_supported');
  if (forwardTo !== undefined) entry.forward_to = forwardTo;
  if (forwardSms !== undefined) entry.forward_to_sms = forwardSms;
  if (mode !== undefined) entry.mode = mode;
  return {};
}

/** One number as `number/get_active` lists it. */
export function activeEntry(n: NumberState): Record<string, unknown> {
  return {
    number: n.number,
    forward_to: n.forward_to,
    forward_sms_to: n.forward_to_sms,
    mode: n.mode,
    expiry: formatHoiioDate(n.expiry),
    auto_extend_status: n.auto_extend ? 'enabled' : 'disabled',
    country: n.country,
    ...(n.state !== undefined ? { state: n.state } : {}),
    capabilities: n.capabilities,
  };
}

function getActive(ctx: SandboxContext): EndpointResult {
  const entries = [...ctx.state.numbers.values()].map(activeEntry);
  return { entries_count: String(entries.length), entries };
}

function getBalance(ctx: SandboxContext): EndpointResult {
  const a = ctx.state.account;
  return { currency: a.currency, balance: ctx.state.balance(), points: amount(a.points), bonus: amount(a.bonus) };
}

function getInfo(ctx: SandboxContext): EndpointResult {
  const a = ctx.state.account;
  return {
    uid: a.uid,
    name: a.name,
    mobile_number: a.mobileNumber,
    caller_ids: [a.mobileNumber, ...ctx.state.numbers.keys(), 'p'],
    email: a.email,
    country: a.country,
    prefix: a.prefix,
    currency: a.currency,
    time_zone: 'GMT+0800 (Asia/Singapore)',
    user_status: a.trial ? 'trial' : 'active',
    sms_rebrand_status: a.smsRebrand ? 'enabled' : 'disabled',
    call_rebrand_status: a.callRebrand ? 'enabled' : 'disabled',
  };
}

function getToken(ctx: SandboxContext, p: Params): EndpointResult {
  const [code] = p.require('code', 'app_secret') as [string];
  if (code === 'expired') fail('error_code_expired');
  if (code !== 'sandbox') fail('error_invalid_code');
  return { access_token: ctx.state.account.accessToken };
}

/** The `number/*`, `user/*` and `connect/*` endpoints. */
export const ACCOUNT_ENDPOINTS: Record<string, EndpointSpec> = {
  'number/get_countries': { handler: getCountries, query: true },
  'number/get_choices': { handler: getChoices, query: true },
  'number/get_rates': { handler: getRates, query: true },
  'number/subscribe': { handler: subscribe },
  'number/update_forwarding': { handler: updateForwarding },
  'number/get_active': { handler: getActive, query: true },
  'user/get_balance': { handler: getBalance, query: true },
  'user/get_info': { handler: getInfo, query: true },
  'connect/get_token': { handler: getToken, noAccessToken: true },
};
