import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { describeUrl, errorForStatus, formatBytes, MediaFetchError } from './errors.js';
import { hasMagic, MAGIC_LENGTH, type MediaKind } from './magic.js';
import { type MediaHostRule, matchMediaHost } from './media-hosts.js';
import { isPublicAddress, publicOnlyLookup } from './public-address.js';

/** Default size caps: 25 MiB for a fax PDF, 20 MiB for a recording. */
export const MEDIA_MAX_BYTES: Readonly<Record<MediaKind, number>> = { pdf: 25 * 1024 * 1024, mp3: 20 * 1024 * 1024 };

export interface FetchMediaOptions {
  kind: MediaKind;
  /** The allowlist, from `parseMediaHosts(HOIIO_MEDIA_HOSTS)`. */
  hosts: readonly MediaHostRule[];
  /** Default `MEDIA_MAX_BYTES[kind]`. */
  maxBytes?: number;
  /** Until the TCP (and TLS) connection is up. Default 5 s. */
  connectTimeoutMs?: number;
  /** For the whole download. Default 60 s. */
  totalTimeoutMs?: number;
  /** DNS resolution (tests); its answers are still filtered to public addresses for https. */
  lookup?: LookupFunction;
  /** Extra trusted CA certificates (tests), added to Node's roots. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  signal?: AbortSignal;
}

export interface FetchedMedia {
  bytes: Buffer;
  contentType: string | undefined;
}

const defaultLookup = dns.lookup as LookupFunction;

function withExtraCa(ca: NonNullable<FetchMediaOptions['ca']>): Array<string | Buffer> {
  return [...tls.rootCertificates, ...(Array.isArray(ca) ? ca : [ca as string | Buffer])];
}

/**
 * Downloads untrusted media (a fax PDF, a recording) from a Hoiio URL: https only to allowlisted
 * hosts at public addresses (checked after DNS and on the connected socket), or plain http to an
 * allowlisted `http://host:port` origin; no redirects; size cap enforced while streaming; connect
 * and total timeouts; magic bytes checked whatever the content type says.
 * @throws MediaFetchError; `retryable` tells whether a later attempt may succeed, `expired` that the
 *   URL needs refreshing (query_status).
 */
export async function fetchMedia(url: string, options: FetchMediaOptions): Promise<FetchedMedia> {
  const describe = describeUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // No cause: the parser's error carries the whole input, query string included.
    throw new MediaFetchError('scheme_not_allowed', 'Media URL does not parse');
  }
  const transport = matchMediaHost(parsed, options.hosts, describe);
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (transport === 'https' && isIP(literal) !== 0 && !isPublicAddress(literal)) {
    throw new MediaFetchError('address_not_allowed', `Media host is not a public address: ${describe}`);
  }
  if (options.signal?.aborted) {
    throw new MediaFetchError('aborted', `Media fetch aborted: ${describe}`, { cause: options.signal.reason });
  }
  return download(parsed, transport, describe, options);
}

function download(
  url: URL,
  transport: 'https' | 'http',
  describe: string,
  options: FetchMediaOptions,
): Promise<FetchedMedia> {
  const { kind, signal } = options;
  const maxBytes = options.maxBytes ?? MEDIA_MAX_BYTES[kind];
  const baseLookup = options.lookup ?? defaultLookup;
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    agent: false, // a fresh socket each time, so the connected address is always checked
    headers: {
      'user-agent': 'hoiio-slack',
      accept: kind === 'pdf' ? 'application/pdf, */*;q=0.1' : 'audio/mpeg, */*;q=0.1',
      'accept-encoding': 'identity', // the cap counts real bytes; no decompression bombs
    },
    lookup:
      transport === 'https'
        ? publicOnlyLookup(
            baseLookup,
            () => new MediaFetchError('address_not_allowed', `Media host resolves to no public address: ${describe}`),
          )
        : baseLookup,
    ...(transport === 'https' && options.ca !== undefined ? { ca: withExtraCa(options.ca) } : {}),
  };

  return new Promise<FetchedMedia>((resolve, reject) => {
    let settled = false;
    const req = (transport === 'https' ? https : http).request(url, requestOptions);
    const connectTimer = setTimeout(
      () => fail(new MediaFetchError('timeout', `Media host did not connect in time: ${describe}`)),
      options.connectTimeoutMs ?? 5_000,
    );
    const totalTimer = setTimeout(
      () => fail(new MediaFetchError('timeout', `Media download took too long: ${describe}`)),
      options.totalTimeoutMs ?? 60_000,
    );
    const onAbort = (): void =>
      fail(new MediaFetchError('aborted', `Media fetch aborted: ${describe}`, { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });

    function finish(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    }
    function fail(error: MediaFetchError): void {
      if (!finish()) return;
      req.destroy();
      reject(error);
    }

    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        if (transport === 'https' && !isPublicAddress(socket.remoteAddress ?? '')) {
          fail(new MediaFetchError('address_not_allowed', `Media host connected to a non-public address: ${describe}`));
          return;
        }
        if (transport === 'http') clearTimeout(connectTimer);
      });
      if (transport === 'https') socket.once('secureConnect', () => clearTimeout(connectTimer));
    });

    req.on('error', (error) => {
      fail(
        error instanceof MediaFetchError
          ? error
          : new MediaFetchError('network', `Media download failed: ${describe}`, { cause: error }),
      );
    });

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const statusError = errorForStatus(status, describe);
      if (statusError) return fail(statusError);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        return fail(
          new MediaFetchError(
            'too_large',
            `Media is ${formatBytes(declared)}, over the ${formatBytes(maxBytes)} cap: ${describe}`,
          ),
        );
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let magicChecked = false;
      const badMagic = (): MediaFetchError =>
        new MediaFetchError('bad_magic', `Media is not a ${kind.toUpperCase()} file: ${describe}`);
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > maxBytes) {
          return fail(new MediaFetchError('too_large', `Media exceeds the ${formatBytes(maxBytes)} cap: ${describe}`));
        }
        chunks.push(chunk);
        if (!magicChecked && received >= MAGIC_LENGTH[kind]) {
          magicChecked = true;
          if (!hasMagic(kind, Buffer.concat(chunks))) fail(badMagic());
        }
      });
      res.on('end', () => {
        if (settled) return;
        const bytes = Buffer.concat(chunks, received);
        if (!magicChecked && !hasMagic(kind, bytes)) return fail(badMagic());
        finish();
        resolve({ bytes, contentType: res.headers['content-type'] });
      });
      res.on('close', () => {
        if (!res.complete) fail(new MediaFetchError('network', `Media download was cut off: ${describe}`));
      });
      return undefined;
    });

    req.end();
  });
}
