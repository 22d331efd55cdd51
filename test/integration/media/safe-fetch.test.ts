import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { MediaFetchError } from '../../../src/bot/media/errors.js';
import { parseMediaHosts } from '../../../src/bot/media/media-hosts.js';
import { fetchMedia } from '../../../src/bot/media/safe-fetch.js';
import { closed, type Handler, type RecordingServer, startServer } from './media-server.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MP3_FRAME = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413)]);
const SECRET_QUERY = '?Expires=1700000000&AWSAccessKeyId=AKIDEXAMPLE&Signature=s3cr3tSignature%3D';

async function serve(handler: Handler): Promise<RecordingServer> {
  const server = await startServer(handler);
  onTestFinished(() => server.close());
  return server;
}

function servePdf(body: Buffer = PDF, contentType = 'application/pdf'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  };
}

async function refusal(promise: Promise<unknown>): Promise<MediaFetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaFetchError);
  return error as MediaFetchError;
}

/** A lookup that answers `addresses` for any name and records the names asked. */
function fakeLookup(addresses: Array<{ address: string; family: number }>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    const first = addresses[0];
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
  };
  return Object.assign(lookup, { asked });
}

describe('allowed origins', () => {
  test('downloads a PDF over an http://host:port origin rule, loopback included', async () => {
    const server = await serve(servePdf());
    const media = await fetchMedia(`${server.origin}/infax/fax-1.pdf${SECRET_QUERY}`, {
      kind: 'pdf',
      hosts: parseMediaHosts(`hoiio.s3.amazonaws.com, ${server.origin}`),
    });
    expect(media.bytes.equals(PDF)).toBe(true);
    expect(media.contentType).toBe('application/pdf');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe(`/infax/fax-1.pdf${SECRET_QUERY}`);
    expect(server.requests[0]?.headers['accept-encoding']).toBe('identity');
  });

  test('downloads an MP3, even when the content type is generic', async () => {
    const body = Buffer.concat([MP3_FRAME, MP3_FRAME]);
    const server = await serve(servePdf(body, 'application/octet-stream'));
    const media = await fetchMedia(`${server.origin}/recordings/rec-1.mp3`, {
      kind: 'mp3',
      hosts: parseMediaHosts(server.origin),
    });
    expect(media.bytes.equals(body)).toBe(true);
  });
});

describe('refused before any connection', () => {
  let tlsDir: string;
  let key: Buffer;
  let cert: Buffer;

  beforeAll(() => {
    tlsDir = mkdtempSync(join(tmpdir(), 'media-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(tlsDir, 'key.pem'),
        '-out',
        join(tlsDir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:media.test',
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(tlsDir, 'key.pem'));
    cert = readFileSync(join(tlsDir, 'cert.pem'));
  });
  afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

  test('https to 127.0.0.1 with a trusted certificate is refused as a private address', async () => {
    const server = await startServer(servePdf(), { key, cert });
    onTestFinished(() => server.close());
    // Control: the certificate really is trusted with `ca`, so only the address check can refuse.
    const control = https.get(`${server.origin}/control`, { ca: cert, agent: false });
    const [res] = (await once(control, 'response')) as [import('node:http').IncomingMessage];
    res.resume();
    expect(res.statusCode).toBe(200);
    const before = server.connections.length;

    const error = await refusal(
      fetchMedia(`${server.origin}/fax.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(`127.0.0.1:${server.port}`),
        ca: cert,
      }),
    );
    expect(error.code).toBe('address_not_allowed');
    expect(error.retryable).toBe(false);
    expect(server.connections.length).toBe(before);
  });

  test.each([
    ['10.0.0.1', 4],
    ['127.0.0.1', 4],
    ['::1', 6],
    ['169.254.169.254', 4],
    ['::ffff:127.0.0.1', 6],
    ['100.64.0.1', 4],
    ['fd00::1', 6],
  ])('an allowed host resolving to %s is refused without connecting', async (address, family) => {
    const server = await serve(servePdf());
    const lookup = fakeLookup([{ address, family }]);
    const error = await refusal(
      fetchMedia(`https://media.test:${server.port}/fax.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(`media.test:${server.port}`),
        lookup,
      }),
    );
    expect(error.code).toBe('address_not_allowed');
    expect(lookup.asked).toEqual(['media.test']);
    expect(server.connections).toHaveLength(0);
  });

  test('several private answers are all refused', async () => {
    const server = await serve(servePdf());
    const lookup = fakeLookup([
      { address: '127.0.0.1', family: 4 },
      { address: '192.168.1.10', family: 4 },
      { address: '::1', family: 6 },
    ]);
    const error = await refusal(
      fetchMedia(`https://cdn.media.test:${server.port}/rec.mp3`, {
        kind: 'mp3',
        hosts: parseMediaHosts(`*.media.test:${server.port}`),
        lookup,
      }),
    );
    expect(error.code).toBe('address_not_allowed');
    expect(server.connections).toHaveLength(0);
  });

  test('a host on no rule is refused', async () => {
    const server = await serve(servePdf());
    const lookup = fakeLookup([{ address: '127.0.0.1', family: 4 }]);
    const hosts = parseMediaHosts(`hoiio.s3.amazonaws.com, http://127.0.0.1:1`);
    for (const url of [
      `https://evil.test:${server.port}/x.pdf`,
      `${server.origin}/x.pdf`,
      'https://hoiio.s3.amazonaws.com.evil.test/x.pdf',
    ]) {
      const error = await refusal(fetchMedia(url, { kind: 'pdf', hosts, lookup }));
      expect(error.code).toBe('host_not_allowed');
    }
    expect(lookup.asked).toEqual([]);
    expect(server.connections).toHaveLength(0);
  });

  test('plain http to an https-only host, and other schemes, are refused', async () => {
    const server = await serve(servePdf());
    const lookup = fakeLookup([{ address: '127.0.0.1', family: 4 }]);
    const hosts = parseMediaHosts(`media.test:${server.port}, media.test`);
    for (const url of [
      `http://media.test:${server.port}/x.pdf`,
      'ftp://media.test/x.pdf',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const error = await refusal(fetchMedia(url, { kind: 'pdf', hosts, lookup }));
      expect(error.code).toBe('scheme_not_allowed');
    }
    expect(lookup.asked).toEqual([]);
    expect(server.connections).toHaveLength(0);
  });
});

describe('answers that are refused', () => {
  test('a redirect is not followed, and its target receives nothing', async () => {
    const target = await serve(servePdf());
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `${target.origin}/fax.pdf` });
      res.end();
    });
    const error = await refusal(
      fetchMedia(`${server.origin}/fax.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(`${server.origin},${target.origin}`),
      }),
    );
    expect(error.code).toBe('redirect');
    expect(error.status).toBe(302);
    expect(server.requests).toHaveLength(1);
    expect(target.connections).toHaveLength(0);
  });

  test('an endless body is cut at the cap and the connection closed', async () => {
    let written = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      res.write(PDF.subarray(0, 5));
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      pump();
    });
    const maxBytes = 256 * 1024;
    const error = await refusal(
      fetchMedia(`${server.origin}/endless.pdf`, { kind: 'pdf', hosts: parseMediaHosts(server.origin), maxBytes }),
    );
    expect(error.code).toBe('too_large');
    expect(error.retryable).toBe(false);
    expect(server.connections).toHaveLength(1);
    await closed(server.connections[0]);
    expect(written).toBeLessThan(64 * 1024 * 1024); // the server was stopped, not drained to exhaustion
  });

  test('a Content-Length over the cap is refused before reading the body', async () => {
    // Headers only, no body: a client that waited for the body would time out instead.
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(1024 * 1024 + 1) });
      res.flushHeaders();
    });
    const error = await refusal(
      fetchMedia(`${server.origin}/big.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(server.origin),
        maxBytes: 1024 * 1024,
      }),
    );
    expect(error.code).toBe('too_large');
  });

  test('HTML served as application/pdf fails the magic check', async () => {
    const server = await serve(servePdf(Buffer.from('<!doctype html><html><body>login</body></html>')));
    const error = await refusal(
      fetchMedia(`${server.origin}/fax.pdf`, { kind: 'pdf', hosts: parseMediaHosts(server.origin) }),
    );
    expect(error.code).toBe('bad_magic');
  });

  test('a PDF fetched as an MP3, and an empty body, fail the magic check', async () => {
    const server = await serve((req, res) => res.end(req.url === '/empty' ? '' : PDF));
    const hosts = parseMediaHosts(server.origin);
    expect((await refusal(fetchMedia(`${server.origin}/rec.mp3`, { kind: 'mp3', hosts }))).code).toBe('bad_magic');
    expect((await refusal(fetchMedia(`${server.origin}/empty`, { kind: 'pdf', hosts }))).code).toBe('bad_magic');
  });

  test('a server that never answers times out', async () => {
    const server = await serve(() => {});
    const error = await refusal(
      fetchMedia(`${server.origin}/slow.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(server.origin),
        totalTimeoutMs: 150,
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(true);
    // The total timeout, not the connect one (5 s), whichever phase the 150 ms ran out in.
    expect(error.message).toMatch(/took too long/);
    // On a loaded machine the 150 ms may run out before the server has read the request: at most one, never
    // repeated.
    expect(server.requests.length).toBeLessThanOrEqual(1);
  });

  test('a body that stalls halfway times out', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(PDF);
    });
    const error = await refusal(
      fetchMedia(`${server.origin}/stall.pdf`, {
        kind: 'pdf',
        hosts: parseMediaHosts(server.origin),
        totalTimeoutMs: 150,
      }),
    );
    expect(error.code).toBe('timeout');
  });

  test.each([
    [503, 'http_status', true],
    [500, 'http_status', true],
    [429, 'http_status', true],
    [404, 'http_status', false],
    [403, 'expired', false],
    [410, 'expired', false],
  ] as const)('HTTP %i -> %s, retryable %s', async (status, code, retryable) => {
    const server = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code></Error>');
    });
    const error = await refusal(
      fetchMedia(`${server.origin}/fax.pdf`, { kind: 'pdf', hosts: parseMediaHosts(server.origin) }),
    );
    expect(error).toMatchObject({ code, retryable, status });
  });

  test('a connection cut mid-body is a retryable network error', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(PDF, () => res.socket?.destroy());
    });
    const error = await refusal(
      fetchMedia(`${server.origin}/cut.pdf`, { kind: 'pdf', hosts: parseMediaHosts(server.origin) }),
    );
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
  });

  test('a refused connection is a retryable network error', async () => {
    const server = await startServer(servePdf());
    const origin = server.origin;
    await server.close();
    const error = await refusal(fetchMedia(`${origin}/fax.pdf`, { kind: 'pdf', hosts: parseMediaHosts(origin) }));
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('an abort signal stops the download', async () => {
    let requestSeen: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      requestSeen = resolve;
    });
    const server = await serve(() => requestSeen());
    const controller = new AbortController();
    const pending = fetchMedia(`${server.origin}/fax.pdf`, {
      kind: 'pdf',
      hosts: parseMediaHosts(server.origin),
      signal: controller.signal,
    });
    await seen;
    controller.abort(new Error('shutting down'));
    const error = await refusal(pending);
    expect(error.code).toBe('aborted');
    await closed(server.connections[0]);
  });
});

test('error messages never contain the query string of a pre-signed URL', async () => {
  const server = await serve((req, res) => {
    if (req.url?.startsWith('/redirect')) res.writeHead(302, { location: `/elsewhere${SECRET_QUERY}` }).end();
    else if (req.url?.startsWith('/html')) res.end('<html>');
    else if (req.url?.startsWith('/gone')) res.writeHead(403).end();
    else res.writeHead(503).end();
  });
  const hosts = parseMediaHosts(`hoiio.s3.amazonaws.com, ${server.origin}`);
  const urls = [
    `${server.origin}/redirect/fax.pdf${SECRET_QUERY}`,
    `${server.origin}/html/fax.pdf${SECRET_QUERY}`,
    `${server.origin}/gone/fax.pdf${SECRET_QUERY}`,
    `${server.origin}/down/fax.pdf${SECRET_QUERY}`,
    `https://other.example/fax.pdf${SECRET_QUERY}`,
    `http://hoiio.s3.amazonaws.com/fax.pdf${SECRET_QUERY}`,
    `https://hoiio.s3.amazonaws.com:99999/fax.pdf${SECRET_QUERY}`,
  ];
  const codes: string[] = [];
  for (const url of urls) {
    const error = await refusal(fetchMedia(url, { kind: 'pdf', hosts }));
    codes.push(error.code);
    const text = `${error.message} ${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)}`;
    expect(text).not.toMatch(/s3cr3t|AKIDEXAMPLE|Expires/);
  }
  expect(codes).toEqual([
    'redirect',
    'bad_magic',
    'expired',
    'http_status',
    'host_not_allowed',
    'scheme_not_allowed',
    'scheme_not_allowed',
  ]);
  const described = await refusal(fetchMedia(urls[3] ?? '', { kind: 'pdf', hosts }));
  expect(described.message).toContain(`${server.origin}/down/fax.pdf`);
});
