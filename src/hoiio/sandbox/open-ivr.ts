/**
 * `ivr/*`: Dial, the Middle blocks (Play, Gather, Record, Monitor, Hold, Unhold) and the End blocks
 * (Transfer, Hangup). Parameters are checked first, then the session's state.
 */
import type { SandboxContext } from './context.js';
import { type EndpointResult, type EndpointSpec, requireCredit, requireLine, requireTrialAllows } from './endpoint.js';
import type { BlockParams, IvrEngine } from './ivr-engine.js';
import { magicBehaviour } from './magic-numbers.js';
import { callRate } from './rates.js';
import {
  checkCallerId,
  checkInt,
  checkNotifyUrl,
  checkNumber,
  checkTag,
  fail,
  type Params,
  urlProblem,
} from './validation.js';

/** Longest text-to-speech message. */
const MAX_IVR_MSG = 1000;
const LANGUAGES = new Set(
  'en en-us en-gb en-au en-in zh zh-cn zh-hk zh-tw ms id ja ko th vi fr de es it pt ru nl ar hi ta'.split(' '),
);
const GENDERS = new Set(['male', 'female']);
const AUDIO = /\.(mp3|wav|gsm)$/i;
const ROOM = /^[A-Za-z0-9._]{0,32}$/;

function checkAudioUrl(text: string): void {
  const value = text.trim();
  const problem = urlProblem(value);
  if (problem === 'invalid') fail('error_msg_invalid_url');
  if (problem !== undefined) fail('error_msg_download_failed');
  if (!AUDIO.test(new URL(value).pathname)) fail('error_msg_invalid_file_format');
}

function checkSpeechAttributes(attrs: string): void {
  for (const [, name, value] of attrs.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) {
    if (name === 'language' && !LANGUAGES.has((value ?? '').toLowerCase())) fail('error_msg_invalid_language');
    if (name === 'gender' && !GENDERS.has((value ?? '').toLowerCase())) fail('error_msg_invalid_gender');
  }
}

/** Checks an IVR `msg`: length, `<speech>` and `<url>` markup. */
export function checkIvrMsg(p: Params): string | undefined {
  const msg = p.get('msg');
  if (msg === undefined) return undefined;
  if (msg.length > MAX_IVR_MSG) fail('error_msg_invalid_length');
  if (!msg.includes('<')) return msg;
  const open: { name: string; start: number }[] = [];
  for (const m of msg.matchAll(/<(\/?)([A-Za-z]*)([^>]*)>/g)) {
    const [tag, closing, name = '', attrs = ''] = m;
    const lower = name.toLowerCase();
    if (lower !== 'speech' && lower !== 'url') fail('error_msg_invalid_xml');
    if (closing) {
      const top = open.pop();
      if (!top || top.name !== lower) fail('error_msg_invalid_xml');
      if (lower === 'url') checkAudioUrl(msg.slice(top.start, m.index));
    } else {
      if (lower === 'speech') checkSpeechAttributes(attrs);
      open.push({ name: lower, start: (m.index ?? 0) + tag.length });
    }
  }
  if (open.length > 0 || msg.replace(/<\/?[A-Za-z]*[^>]*>/g, '').includes('<')) fail('error_msg_invalid_xml');
  return msg;
}

function dial(ctx: SandboxContext, ivr: IvrEngine, p: Params): EndpointResult {
  const [dest] = p.require('dest') as [string];
  checkNumber(dest, 'error_dest_invalid');
  if (magicBehaviour(dest, 'ivr') === 'not_supported') fail('error_dest_not_supported');
  const msg = checkIvrMsg(p);
  checkCallerId(p, ctx.state.callerIds());
  checkInt(p.get('max_duration'), 1, 86_400, 'error_invalid_max_duration');
  const tag = checkTag(p);
  const notifyUrl = checkNotifyUrl(p);
  requireTrialAllows(ctx, dest);
  requireCredit(ctx, callRate(dest));
  requireLine(ctx);
  const s = ivr.dial(dest, { msg, tag, notifyUrl }, p.record());
  return { txn_ref: s.txn.txn_ref, session: s.session };
}

type BlockReader = (ctx: SandboxContext, p: Params) => BlockParams;

const common = (p: Params): BlockParams => ({ msg: checkIvrMsg(p), tag: checkTag(p), notifyUrl: checkNotifyUrl(p) });

const READERS: Record<string, BlockReader> = {
  play: (_ctx, p) => common(p),
  gather: (_ctx, p) => {
    const msg = checkIvrMsg(p);
    const maxDigits = checkInt(p.get('max_digits'), 0, 255, 'error_invalid_max_digits');
    checkInt(p.get('timeout'), 1, 600, 'error_invalid_timeout');
    checkInt(p.get('attempts'), 1, 10, 'error_invalid_attempts');
    return { msg, maxDigits, tag: checkTag(p), notifyUrl: checkNotifyUrl(p) };
  },
  record: (_ctx, p) => {
    const msg = checkIvrMsg(p);
    const maxDuration = checkInt(p.get('max_duration'), 1, 86_400, 'error_invalid_max_duration');
    return { msg, maxDuration, tag: checkTag(p), notifyUrl: checkNotifyUrl(p) };
  },
  monitor: (_ctx, p) => ({ ...common(p), monitorNotifyUrl: checkNotifyUrl(p, 'monitor_notify_url') }),
  hold: (_ctx, p) => ({ msg: checkIvrMsg(p) }),
  unhold: (_ctx, p) => ({ tag: checkTag(p), notifyUrl: checkNotifyUrl(p) }),
  transfer: (ctx, p) => {
    const dest = p.get('dest') as string;
    if (dest.startsWith('room:')) {
      if (!ROOM.test(dest.slice(5))) fail('error_invalid_room');
    } else {
      checkNumber(dest, 'error_dest_invalid');
      if (magicBehaviour(dest, 'ivr') === 'not_supported') fail('error_dest_not_supported');
    }
    const msg = checkIvrMsg(p);
    checkCallerId(p, ctx.state.callerIds());
    const onFailure = p.get('on_failure') ?? 'hangup';
    if (onFailure !== 'hangup' && onFailure !== 'continue') fail('error_on_failure_invalid');
    return { dest, msg, onFailure, tag: checkTag(p), notifyUrl: checkNotifyUrl(p) };
  },
  hangup: (_ctx, p) => ({ ...common(p), force: p.get('force') === 'enabled' }),
};

function block(name: string, required: string[], ivr: () => IvrEngine): EndpointSpec {
  const reader = READERS[name] as BlockReader;
  return {
    handler: (ctx, p) => {
      const [session] = p.require('session', ...required) as [string];
      const params = reader(ctx, p);
      const s = ivr().check(session, name, params.force === true);
      return ivr().run(s, name, params, p.record());
    },
  };
}

/** The `ivr/*` endpoints, bound to the sandbox's IVR engine. */
export function ivrEndpoints(ivr: () => IvrEngine): Record<string, EndpointSpec> {
  return {
    'ivr/start/dial': { handler: (ctx, p) => dial(ctx, ivr(), p) },
    'ivr/middle/play': block('play', [], ivr),
    'ivr/middle/gather': block('gather', [], ivr),
    'ivr/middle/record': block('record', [], ivr),
    'ivr/middle/monitor': block('monitor', [], ivr),
    'ivr/middle/hold': block('hold', [], ivr),
    'ivr/middle/unhold': block('unhold', [], ivr),
    'ivr/end/transfer': block('transfer', ['dest'], ivr),
    'ivr/end/hangup': block('hangup', [], ivr),
  };
}
