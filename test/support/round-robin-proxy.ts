/**
 * A round-robin HTTP load balancer on 127.0.0.1 (port 0): each request goes to the next upstream in turn, as a
 * load balancer in front of several app instances would send Slack's requests and Hoiio's webhooks. Records which
 * upstream served each request, so a test can show both instances took traffic.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface BalancedRequest {
  readonly path: string;
  /** Index of the upstream that got it. */
  readonly upstream: number;
  /** The upstream's status, 502 when it could not be reached. */
  readonly status: number;
}

export class RoundRobinProxy {
  readonly #upstreams: URL[];
  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((req, res) => this.#handle(req, res));
  #next = 0;
  #port = 0;
  readonly requests: BalancedRequest[] = [];

  private constructor(upstreams: readonly string[]) {
    if (upstreams.length === 0) throw new Error('RoundRobinProxy needs at least one upstream');
    this.#upstreams = upstreams.map((u) => new URL(u));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(upstreams: readonly string[]): Promise<RoundRobinProxy> {
    const proxy = new RoundRobinProxy(upstreams);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.#port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Requests served by each upstream, by index. */
  served(): number[] {
    const counts = this.#upstreams.map(() => 0);
    for (const r of this.requests) counts[r.upstream] = (counts[r.upstream] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const index = this.#next;
    this.#next = (this.#next + 1) % this.#upstreams.length;
    const target = this.#upstreams[index] as URL;
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        this.requests.push({ path, upstream: index, status: answer.statusCode ?? 502 });
      },
    );
    upstream.once('error', () => {
      this.requests.push({ path, upstream: index, status: 502 });
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  }
}
