/**
 * A scripted Hoiio on loopback for client tests: node:http on port 0 under `/open/`, recording
 * every request (method, endpoint, query, form or multipart params, uploaded files) and answering
 * the replies queued per endpoint. It can hang until the client gives up, reset the connection,
 * answer non-JSON or any HTTP status. A request nobody scripted gets a 500 and makes `stop()` throw.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file part received in a multipart request. */
export interface FakeUpload {
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** One request as the fake received it. */
export interface FakeHoiioRequest {
  method: string;
  /** The endpoint below `/open/`, e.g. `sms/send`. */
  endpoint: string;
  /** The raw query string without `?` (to check percent-encoding). */
  rawQuery: string;
  query: Record<string, string>;
  /** Form or multipart text fields of the body. */
  body: Record<string, string>;
  /** Query and body merged (body wins). */
  params: Record<string, string>;
  contentType: string | undefined;
  rawBody: Buffer;
  files: FakeUpload[];
}

/** What the fake answers to one request. */
export type FakeReply =
  | { json: unknown; httpStatus?: number; delayMs?: number }
  | { body: string; httpStatus?: number; contentType?: string }
  | { hang: true }
  | { reset: true };

/** `{"status":"success_ok", ...fields}`. */
export function ok(fields: Record<string, unknown> = {}): FakeReply {
  return { json: { status: 'success_ok', ...fields } };
}

/** `{"status": status}` with HTTP 200 (or `httpStatus`). */
export function status(s: string, httpStatus = 200): FakeReply {
  return { json: { status: s }, httpStatus };
}

/** The running fake. */
export interface FakeHoiio {
  /** e.g. `http://127.0.0.1:41234/open/`. */
  readonly baseUrl: string;
  /** Every request received, in order (unexpected ones too). */
  readonly requests: FakeHoiioRequest[];
  /** Requests for which no reply was scripted. */
  readonly unexpected: FakeHoiioRequest[];
  /** Queues replies for `endpoint`, used once each in order. */
  reply(endpoint: string, ...replies: FakeReply[]): void;
  /** Answers `endpoint` with `reply` every time (after any queued replies). */
  always(endpoint: string, reply: FakeReply): void;
  /** The requests received for `endpoint`. */
  requestsTo(endpoint: string): FakeHoiioRequest[];
  /** Closes every connection and the server; throws if a request was not scripted. */
  stop(): Promise<void>;
}

function record(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

async function parseBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ body: Record<string, string>; files: FakeUpload[] }> {
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
    const body: Record<string, string> = {};
    const files: FakeUpload[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') body[field] = value;
      else
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          data: new Uint8Array(await value.arrayBuffer()),
        });
    }
    return { body, files };
  }
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    return { body: record(new URLSearchParams(raw.toString('utf8'))), files: [] };
  }
  return { body: {}, files: [] };
}

/** Starts a fake Hoiio on 127.0.0.1, port 0. */
export async function startFakeHoiio(): Promise<FakeHoiio> {
  const requests: FakeHoiioRequest[] = [];
  const unexpected: FakeHoiioRequest[] = [];
  const queued = new Map<string, FakeReply[]>();
  const standing = new Map<string, FakeReply>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = req.headers['content-type'];
    const { body, files } = await parseBody(contentType, rawBody);
    const query = record(url.searchParams);
    const endpoint = url.pathname.replace(/^\/open\//, '');
    const request: FakeHoiioRequest = {
      method: req.method ?? '',
      endpoint,
      rawQuery: url.search.replace(/^\?/, ''),
      query,
      body,
      params: { ...query, ...body },
      contentType,
      rawBody,
      files,
    };
    requests.push(request);

    const reply = queued.get(endpoint)?.shift() ?? standing.get(endpoint);
    if (!reply) {
      unexpected.push(request);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"fake_hoiio_unexpected"}');
      return;
    }
    if ('hang' in reply) return; // answered never; the client's abort closes the socket
    if ('reset' in reply) {
      req.socket.resetAndDestroy();
      return;
    }
    if ('json' in reply) {
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.httpStatus ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      };
      if (reply.delayMs === undefined) send();
      else {
        const timer = setTimeout(send, reply.delayMs);
        res.on('close', () => clearTimeout(timer));
      }
      return;
    }
    res.writeHead(reply.httpStatus ?? 200, { 'content-type': reply.contentType ?? 'text/html' }).end(reply.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/open/`,
    requests,
    unexpected,
    reply(endpoint, ...replies) {
      const list = queued.get(endpoint) ?? [];
      list.push(...replies);
      queued.set(endpoint, list);
    },
    always(endpoint, reply) {
      standing.set(endpoint, reply);
    },
    requestsTo(endpoint) {
      return requests.filter((r) => r.endpoint === endpoint);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (unexpected.length > 0) {
        throw new Error(`fake Hoiio got unscripted requests: ${unexpected.map((r) => r.endpoint).join(', ')}`);
      }
    },
  };
}
