/**
 * Request parameters of the Hoiio API and their checks, in Hoiio's order: required parameters
 * first (`error_<name>_param_missing`), then values (numbers, lengths, URLs, dates).
 */
import { parseHoiioDateTime } from '../hoiio-time.js';
import { isE164 } from '../phone-number.js';
import type { UploadedFile } from './http-io.js';
import { SANDBOX_MAGIC_HOSTS } from './magic-numbers.js';

/** Thrown by an endpoint to answer an error status (HTTP 200, `{status}`). */
export class HoiioStatusError extends Error {
  readonly code = 'sandbox_hoiio_status';
  constructor(readonly status: string) {
    super(status);
    this.name = 'HoiioStatusError';
  }
}

/** Answers `status` from the current endpoint. */
export function fail(status: string): never {
  throw new HoiioStatusError(status);
}

/** Longest `tag`. */
export const MAX_TAG = 256;
/** Longest `notify_url` (and forwarding URL). */
export const MAX_URL = 4000;

/** Read access to one request's parameters. */
export class Params {
  constructor(
    private readonly values: Map<string, string>,
    private readonly files = new Map<string, UploadedFile>(),
  ) {}

  /** The value, or undefined when absent; an empty string counts as absent. */
  get(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  /** The value as sent, empty strings included. */
  raw(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Whether the parameter was sent at all (even empty). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** An uploaded file part. */
  file(name: string): UploadedFile | undefined {
    return this.files.get(name);
  }

  /** Every value, for recording what an application sent (credentials removed). */
  record(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) if (k !== 'access_token' && k !== 'app_id') out[k] = v;
    return out;
  }

  /** Checks each name in order; answers `error_<name>_param_missing` for the first one absent. */
  require(...names: string[]): string[] {
    return names.map((name) => {
      const v = this.get(name);
      if (v === undefined) fail(`error_${name}_param_missing`);
      return v;
    });
  }
}

/** Whether `value` is a valid E.164 number. */
export function validNumber(value: string): boolean {
  return isE164(value);
}

/** Checks an E.164 number, answering `status` when it is not one. */
export function checkNumber(value: string, status: string): string {
  if (!isE164(value)) fail(status);
  return value;
}

/** Checks `tag` (≤ 256 characters). */
export function checkTag(p: Params): string | undefined {
  const tag = p.get('tag');
  if (tag !== undefined && tag.length > MAX_TAG) fail('error_tag_invalid_length');
  return tag;
}

/** Answers the problem with a URL an application wants notified, or undefined when it is fine. */
export function urlProblem(value: string): 'invalid' | 'unresolvable' | 'bad_tls' | undefined {
  if (value.length > MAX_URL) return 'invalid';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'invalid'; // not a URL is exactly the answer
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return 'invalid';
  const host = url.hostname.toLowerCase();
  if (host.endsWith(SANDBOX_MAGIC_HOSTS.unresolvable)) return 'unresolvable';
  if (url.protocol === 'https:' && host.endsWith(SANDBOX_MAGIC_HOSTS.badTls)) return 'bad_tls';
  return undefined;
}

/** Checks a notify URL parameter (default `notify_url`). */
export function checkNotifyUrl(p: Params, name = 'notify_url'): string | undefined {
  const value = p.get(name);
  if (value === undefined) return undefined;
  const problem = urlProblem(value);
  if (problem === 'invalid') fail('error_invalid_notify_url');
  if (problem === 'unresolvable') fail('error_unable_to_resolve_notify_url');
  if (problem === 'bad_tls') fail('error_unable_to_complete_ssl_handshake_notify_url');
  return value;
}

/** Parses a whole number in [min, max], answering `status` otherwise. */
export function checkInt(value: string | undefined, min: number, max: number, status: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) fail(status);
  const n = Number(value.trim());
  if (n < min || n > max) fail(status);
  return n;
}

/** Checks `caller_id` against the account's allowed ids. */
export function checkCallerId(p: Params, allowed: string[]): string | undefined {
  const callerId = p.get('caller_id');
  if (callerId !== undefined && !allowed.includes(callerId)) fail('error_caller_id_invalid');
  return callerId;
}

/** History filters: `from`, `to` (GMT+8 `YYYY-MM-DD HH:MM:SS`) and `page` (1-based). */
export interface HistoryFilter {
  from?: Date;
  to?: Date;
  page: number;
}

/** Checks `from`, `to` and `page`. */
export function checkHistoryFilter(p: Params): HistoryFilter {
  const date = (name: 'from' | 'to'): Date | undefined => {
    const v = p.get(name);
    if (v === undefined) return undefined;
    try {
      return parseHoiioDateTime(v);
    } catch {
      return fail(`error_${name}_invalid`);
    }
  };
  const from = date('from');
  const to = date('to');
  if (from && to && to.getTime() < from.getTime()) fail('error_to_before_from');
  const page = checkInt(p.get('page'), 1, 1_000_000, 'error_page_invalid') ?? 1;
  const filter: HistoryFilter = { page };
  if (from) filter.from = from;
  if (to) filter.to = to;
  return filter;
}

/** One page of a history: Hoiio's `total_entries_count`, `entries_count` and `entries`. */
export function historyPage<T extends { date: Date }>(
  items: T[],
  filter: HistoryFilter,
  render: (item: T) => Record<string, unknown>,
  pageSize = 100,
): Record<string, unknown> {
  const matching = items
    .filter((i) => (!filter.from || i.date >= filter.from) && (!filter.to || i.date <= filter.to))
    .sort((a, b) => a.date.getTime() - b.date.getTime());
  const page = matching.slice((filter.page - 1) * pageSize, filter.page * pageSize);
  return {
    total_entries_count: String(matching.length),
    entries_count: String(page.length),
    entries: page.map(render),
  };
}
