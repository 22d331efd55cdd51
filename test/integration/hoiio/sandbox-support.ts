/**
 * Test support for the sandbox tests: a loopback notification receiver that records every POST
 * (path, query, body, signature) and lets a test wait for one, and a sandbox on port 0.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { type SandboxServerOptions, startSandboxServer } from '../../../src/hoiio/sandbox/server.js';
import { verifyHoiioSignature } from '../../../src/hoiio/webhook-signature.js';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  form: URLSearchParams;
  signature: string | undefined;
  contentType: string | undefined;
  /** Whether X-Hoiio-Signature is the HMAC of the body keyed by `sandbox`. */
  signed: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves with the first (already received or future) notification matching `match`. */
  waitFor(match: (r: Received) => boolean): Promise<Received>;
  /** Runs `fn` on every notification as it arrives (an application's webhook logic). */
  onNotification(fn: (r: Received) => void | Promise<void>): void;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}

/** Starts a receiver on 127.0.0.1:0; closed when the test finishes. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const events = new EventEmitter();
  const handlers: ((r: Received) => void | Promise<void>)[] = [];
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const signature = req.headers['x-hoiio-signature'];
    const sig = typeof signature === 'string' ? signature : undefined;
    const r: Received = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      body,
      form: new URLSearchParams(body),
      signature: sig,
      contentType: req.headers['content-type'],
      signed: verifyHoiioSignature(body, sig, 'sandbox'),
    };
    received.push(r);
    res.end('ok');
    events.emit('received', r);
    for (const fn of handlers) await fn(r);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor: (match) => {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const listener = (r: Received) => {
          if (!match(r)) return;
          events.off('received', listener);
          resolve(r);
        };
        events.on('received', listener);
      });
    },
    onNotification: (fn) => handlers.push(fn),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  onTestFinished(() => receiver.close());
  return receiver;
}

/** Starts a sandbox on port 0 with tiny delays; closed when the test finishes. */
export async function startTestSandbox(options: SandboxServerOptions = {}) {
  const server = await startSandboxServer({ port: 0, timeScale: 0.005, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** Calls the Hoiio API of a sandbox with raw fetch (POST, form-encoded), credentials included. */
export async function hoiio(
  base: string,
  api: string,
  params: Record<string, string> = {},
  credentials: Record<string, string> = { app_id: 'sandbox', access_token: 'sandbox' },
): Promise<any> {
  const res = await fetch(`${base}/open/${api}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...credentials, ...params }).toString(),
  });
  return res.json();
}

/** POSTs JSON to the sandbox's own API. */
export async function control(base: string, path: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: any = await res.json();
  return { status: res.status, json };
}
