import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REQUEST_ID_HEADER, requestIdFor, withLogContext } from '../log-context.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './routes/metrics.js';

/** A node-style handler for one mounted path prefix. Throwing (or rejecting) answers 500. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** 1 MiB: the largest request body accepted on `/slack/events`. */
export const SLACK_BODY_LIMIT = 1024 * 1024;
/** 64 KiB: the largest request body accepted on `/hoiio/…` webhooks. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** Request lines and headers up to 1 MiB: Hoiio notifications may arrive as long GET query strings. */
export const MAX_HEADER_SIZE = 1024 * 1024;
/**
 * 8 MiB in sandbox mode: the embedded sandbox accepts a 2 MB fax PDF Base64- and URL-encoded in a GET query string
 * (the same as SANDBOX_MAX_HEADER_SIZE in src/hoiio/sandbox/server.ts).
 */
export const SANDBOX_MAX_HEADER_SIZE = 8 * 1024 * 1024;
// After a 413 the rest of the body is read and dropped so the client can read the answer; past this, hang up.
const DISCARD_LIMIT = 16 * 1024 * 1024;

/**
 * Path prefix → handler. `/hoiio` serves `/hoiio` and everything below `/hoiio/`; the longest prefix wins.
 */
export class RouteTable {
  readonly #routes = new Map<string, RouteHandler>();

  mount(prefix: string, handler: RouteHandler): void {
    const key = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
    if (!key.startsWith('/')) throw new RouteError('route_invalid', `A route prefix starts with "/": ${prefix}`);
    if (this.#routes.has(key)) throw new RouteError('route_conflict', `A route is already mounted at ${key}`);
    this.#routes.set(key, handler);
  }

  /** The handler and its prefix (the metrics label) for `path`, if any. */
  match(path: string): { prefix: string; handler: RouteHandler } | undefined {
    let best: { prefix: string; handler: RouteHandler } | undefined;
    for (const [prefix, handler] of this.#routes) {
      const hit = path === prefix || path.startsWith(prefix === '/' ? '/' : `${prefix}/`);
      if (hit && (best === undefined || prefix.length > best.prefix.length)) best = { prefix, handler };
    }
    return best;
  }

  prefixes(): string[] {
    return [...this.#routes.keys()];
  }
}

export class RouteError extends Error {
  constructor(
    readonly code: 'route_invalid' | 'route_conflict',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RouteError';
  }
}

/**
 * Reads a request body of at most `limit` bytes (also without Content-Length, e.g. chunked). Above the limit it
 * answers 413 itself and resolves `undefined`: the caller must then do nothing else.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge(req, res);
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        tooLarge(req, res);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BodyReadError('Could not read the request body', { cause: error }));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export class BodyReadError extends Error {
  readonly code = 'body_read_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BodyReadError';
  }
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ ok: false, error: 'request body too large' }));
  }
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.socket.destroy();
  });
  req.on('error', () => {
    // the client went away mid-body; nothing is left to answer
  });
  req.resume();
}

export interface HttpServerOptions {
  readonly routes: RouteTable;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Bolt's request listener for POST /slack/events (HTTP mode); absent in Socket Mode. */
  readonly slackListener?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Default {@link MAX_HEADER_SIZE}. */
  readonly maxHeaderSize?: number;
}

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The one HTTP listener: Bolt at /slack/events (body capped at 1 MiB), the route table, 404 for the rest. Each
 * request runs in a log context with its request id (its `X-Request-Id` when well-formed, else a fresh one; answered
 * in the same header), which jobs it enqueues inherit; Slack requests and webhooks get an info line with it.
 */
export function createHttpServer({
  routes,
  logger,
  metrics,
  slackListener,
  maxHeaderSize = MAX_HEADER_SIZE,
}: HttpServerOptions): Server {
  const log = logger.child({ component: 'http' });
  return createServer({ maxHeaderSize }, (req, res) => {
    const requestId = requestIdFor(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    withLogContext({ request_id: requestId }, () => handle(req, res, requestId));
  });

  function handle(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const started = process.hrtime.bigint();
    let label = 'unmatched';
    let slackKind: string | undefined;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ route: label, method: req.method ?? '', status: String(res.statusCode) });
      metrics.httpDuration.observe({ route: label }, seconds);
      if (slackKind !== undefined) metrics.slackAck.observe({ kind: slackKind }, seconds);
      // The intake line of a flow (its request id follows into the jobs); the path is logged with the token masked.
      const intake = label === SLACK_EVENTS_PATH || label === '/hoiio';
      const line = {
        request_id: requestId,
        method: req.method,
        route: label,
        status: res.statusCode,
        seconds,
        ...(slackKind ? { kind: slackKind } : {}),
      };
      // Webhook paths hold the token: the logger masks it (`/hoiio/****/sms`).
      if (label === '/hoiio') log.info({ ...line, path: pathOf(req.url) }, 'webhook request');
      else if (intake) log.info(line, 'slack request');
      else log.debug({ ...line, path: pathOf(req.url) }, 'request');
    });
    const fail = (error: unknown) => {
      log.error({ err: error, method: req.method, path: pathOf(req.url) }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end(res.headersSent ? undefined : JSON.stringify({ ok: false, error: 'internal' }));
    };
    const path = pathOf(req.url);
    if (path === undefined) {
      res.writeHead(400).end();
      return;
    }
    if (path === SLACK_EVENTS_PATH && slackListener !== undefined) {
      label = SLACK_EVENTS_PATH;
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      readBody(req, res, SLACK_BODY_LIMIT).then((body) => {
        if (body === undefined) return;
        slackKind = slackRequestKind(body, req.headers['content-type']);
        // Bolt reuses a body already buffered on `rawBody` and verifies the signature over exactly these bytes.
        Object.assign(req, { rawBody: body });
        try {
          slackListener(req, res);
        } catch (error) {
          // Bolt throws for requests it does not own; never let that take the process down.
          fail(error);
        }
      }, fail);
      return;
    }
    const route = routes.match(path);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'not found' }));
      return;
    }
    label = route.prefix;
    try {
      Promise.resolve(route.handler(req, res)).catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}

/** What a Slack request is (`slash_command`, `block_actions`, `view_submission`, `event_callback`…), for metrics. */
export function slackRequestKind(body: Buffer, contentType: string | undefined): string {
  try {
    if (contentType?.startsWith('application/json')) {
      const type = (JSON.parse(body.toString('utf8')) as { type?: unknown }).type;
      return typeof type === 'string' ? type.slice(0, 40) : 'unknown';
    }
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.has('command')) return 'slash_command';
    const payload = form.get('payload');
    if (payload !== null) {
      const type = (JSON.parse(payload) as { type?: unknown }).type;
      return typeof type === 'string' ? type.slice(0, 40) : 'unknown';
    }
  } catch {
    // not JSON: Bolt will refuse it
  }
  return 'unknown';
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** Listens on `port`/`host` (port 0: any free port) and resolves the bound address as a URL. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const { address, port: bound } = server.address() as AddressInfo;
      const shown =
        address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
      resolve(`http://${shown}:${bound}`);
    });
  });
}

/** Stops accepting, closes idle keep-alive connections, and after `graceMs` cuts the rest. */
export function close(server: Server, graceMs = 5000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
