/**
 * An HTTP proxy on 127.0.0.1 in front of one upstream (the fake Slack, a sandbox) whose behaviour a test switches
 * at will, to make that service fail the way real ones do:
 * - `pass`: forwarded unchanged;
 * - `status`: answered by the proxy with that HTTP status (5xx, or 429 with `retryAfter` seconds) — nothing reaches
 *   the upstream;
 * - `reset`: the connection is destroyed before anything is forwarded (nothing reached the upstream);
 * - `lose-answer`: forwarded, the upstream acts on it, then the connection is destroyed before the answer is
 *   relayed (the caller cannot know the outcome);
 * - `refuse`: the proxy stops listening, so connections are refused (`setFault({ kind: 'pass' })` listens again on
 *   the same port).
 * Every request is recorded with the fault applied to it; `waitForRequests` waits on them (no sleeps).
 */
import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'lose-answer' }
  | { readonly kind: 'refuse' };

/** A fault for every request, or one chosen per request path (e.g. only `/open/sms/send`). */
export type FaultRule = Fault | ((path: string) => Fault);

export interface ProxiedRequest {
  readonly method: string;
  /** Path without the query string (which may carry credentials). */
  readonly path: string;
  readonly fault: Fault['kind'];
  /** The upstream's status (pass, lose-answer), or the proxy's (status); 0 for reset. */
  readonly status: number;
  readonly seq: number;
}

const PASS: Fault = { kind: 'pass' };

export class FaultProxy extends EventEmitter<{ request: [ProxiedRequest] }> {
  readonly #upstream: URL;
  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((req, res) => this.#handle(req, res));
  #rule: FaultRule = PASS;
  #port = 0;
  #listening = false;
  readonly requests: ProxiedRequest[] = [];

  private constructor(upstream: string) {
    super();
    this.#upstream = new URL(upstream);
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a proxy to `upstream` (an origin such as `http://127.0.0.1:4010`) on 127.0.0.1, port 0. */
  static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstream);
    await proxy.#listen();
    return proxy;
  }

  /** `http://127.0.0.1:<port>`: stable across `refuse`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Applies `rule` from now on; leaving `refuse` listens again on the same port. */
  async setFault(rule: FaultRule): Promise<void> {
    this.#rule = rule;
    if (typeof rule !== 'function' && rule.kind === 'refuse') {
      if (this.#listening) {
        this.#listening = false;
        const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
        for (const socket of this.#sockets) socket.destroy();
        await closed;
      }
    } else if (!this.#listening) {
      await this.#listen();
    }
  }

  /** Resolves once `count` requests matching `predicate` have been recorded (past ones count). */
  waitForRequests(count: number, predicate: (r: ProxiedRequest) => boolean = () => true): Promise<void> {
    if (this.requests.filter(predicate).length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.requests.filter(predicate).length < count) return;
        this.off('request', check);
        resolve();
      };
      this.on('request', check);
    });
  }

  async close(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async #listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#listening = true;
  }

  #record(req: IncomingMessage, fault: Fault['kind'], status: number): void {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path, fault, status, seq: this.requests.length + 1 };
    this.requests.push(entry);
    this.emit('request', entry);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const fault = typeof this.#rule === 'function' ? this.#rule(path) : this.#rule;
    switch (fault.kind) {
      case 'status': {
        req.resume();
        req.once('end', () => {
          const headers: Record<string, string> = { 'content-type': 'text/plain' };
          if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
          res.writeHead(fault.status, headers).end(`fault proxy: ${fault.status}`);
          this.#record(req, 'status', fault.status);
        });
        return;
      }
      case 'reset':
      case 'refuse': // a request on a connection accepted just before the proxy stopped listening
        req.socket.destroy();
        this.#record(req, fault.kind, 0);
        return;
      case 'pass':
      case 'lose-answer':
        this.#forward(req, res, fault.kind);
        return;
    }
  }

  #forward(req: IncomingMessage, res: ServerResponse, kind: 'pass' | 'lose-answer'): void {
    const headers = { ...req.headers, host: this.#upstream.host };
    const upstream = httpRequest(
      {
        protocol: this.#upstream.protocol,
        hostname: this.#upstream.hostname,
        port: this.#upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        if (kind === 'lose-answer') {
          // The upstream has acted; its answer is read in full, then the caller's connection is cut.
          answer.resume();
          answer.once('end', () => {
            req.socket.destroy();
            this.#record(req, kind, answer.statusCode ?? 0);
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => this.#record(req, kind, answer.statusCode ?? 0));
      },
    );
    upstream.once('error', () => {
      req.socket.destroy();
      this.#record(req, kind, 0);
    });
    req.pipe(upstream);
  }
}
