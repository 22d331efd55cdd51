import { MediaFetchError } from './errors.js';

/**
 * One entry of `HOIIO_MEDIA_HOSTS`: https to a host (exactly, or its subdomains with `*.`), or plain
 * http to exactly one origin (a separately run sandbox), whatever its address.
 */
export type MediaHostRule =
  | { readonly kind: 'https'; readonly host: string; readonly port: string; readonly subdomains: boolean }
  | { readonly kind: 'http-origin'; readonly origin: string };

/** A `HOIIO_MEDIA_HOSTS` entry that cannot be understood. */
export class MediaHostsError extends Error {
  override readonly name = 'MediaHostsError';
  readonly code = 'invalid_media_hosts';
}

function parseEntry(entry: string): MediaHostRule {
  const lower = entry.toLowerCase();
  if (lower.startsWith('http://')) {
    const url = parseOriginOnly(entry);
    return { kind: 'http-origin', origin: url.origin };
  }
  const wildcard = lower.startsWith('*.') || lower.startsWith('https://*.');
  const withoutWildcard = entry.replace(/^(https:\/\/)?\*\./i, '$1');
  const url = parseOriginOnly(/^https:\/\//i.test(withoutWildcard) ? withoutWildcard : `https://${withoutWildcard}`);
  if (url.protocol !== 'https:') throw new MediaHostsError(`Not an https host: ${JSON.stringify(entry)}`);
  return { kind: 'https', host: url.hostname, port: url.port, subdomains: wildcard };
}

function parseOriginOnly(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new MediaHostsError(`Not a host or origin: ${JSON.stringify(text)}`, { cause });
  }
  const extra = url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname);
  if (extra || text.endsWith('?') || text.endsWith('#')) {
    throw new MediaHostsError(`Expected a host or origin without path, query or credentials: ${JSON.stringify(text)}`);
  }
  return url;
}

/**
 * Parses `HOIIO_MEDIA_HOSTS`: comma-separated entries, blanks ignored.
 * - `hoiio.s3.amazonaws.com` (or `https://…`, optionally with `:port`): https to exactly that host;
 * - `*.example.com`: https to any subdomain of example.com (not example.com itself);
 * - `http://host:port`: plain http to exactly that origin, loopback included.
 * @throws MediaHostsError (code `invalid_media_hosts`) naming the first bad entry.
 */
export function parseMediaHosts(value: string): MediaHostRule[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseEntry);
}

type HttpsRule = Extract<MediaHostRule, { kind: 'https' }>;

function hostnameMatches(rule: HttpsRule, hostname: string): boolean {
  if (hostname === rule.host) return !rule.subdomains;
  return rule.subdomains && hostname.endsWith(`.${rule.host}`);
}

/** How a URL that passed the allowlist is fetched: `https` must reach a public address, `http` need not. */
export type MediaTransport = 'https' | 'http';

/**
 * Checks a URL against the rules.
 * @throws MediaFetchError `scheme_not_allowed` (not https, or http to an https-only host) or
 *   `host_not_allowed` (no rule for the host, or credentials in the URL).
 */
export function matchMediaHost(url: URL, rules: readonly MediaHostRule[], describe: string): MediaTransport {
  if (url.username || url.password) {
    throw new MediaFetchError('host_not_allowed', `Media URL with credentials refused: ${describe}`);
  }
  if (url.protocol === 'https:') {
    const allowed = rules.some(
      (rule) => rule.kind === 'https' && rule.port === url.port && hostnameMatches(rule, url.hostname),
    );
    if (allowed) return 'https';
    throw new MediaFetchError('host_not_allowed', `Media host not allowed: ${describe}`);
  }
  if (url.protocol === 'http:') {
    if (rules.some((rule) => rule.kind === 'http-origin' && rule.origin === url.origin)) return 'http';
    if (!rules.some((rule) => rule.kind === 'https' && hostnameMatches(rule, url.hostname))) {
      throw new MediaFetchError('host_not_allowed', `Media host not allowed: ${describe}`);
    }
  }
  throw new MediaFetchError('scheme_not_allowed', `Media URL scheme not allowed (https only): ${describe}`);
}
