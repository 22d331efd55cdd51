/**
 * A TCP proxy on 127.0.0.1 in front of one upstream port (PostgreSQL), able to make every connection open now go
 * dead the way a server restart does to a pooled connection that sits idle: nothing tells the client, and its next
 * bytes find the connection closed. Connections made afterwards work.
 *
 * ```ts
 * const proxy = await TcpProxy.start(5432);
 * // connect to 127.0.0.1:proxy.port …
 * proxy.severOpen(); // the pool's idle connections are dead, and do not know it yet
 * ```
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

export class TcpProxy {
  readonly #pairs = new Set<Pair>();
  readonly #server: Server;
  /** Connections accepted so far. */
  accepted = 0;
  /** When false, new connections are closed at once (the server is still down). */
  accepting = true;

  private constructor(upstreamPort: number) {
    this.#server = createServer((client) => {
      if (!this.accepting) {
        client.destroy();
        return;
      }
      this.accepted++;
      const upstream = connect(upstreamPort, '127.0.0.1');
      const pair = { client, upstream };
      this.#pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  }

  static async start(upstreamPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(upstreamPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Connections open now. */
  get open(): number {
    return this.#pairs.size;
  }

  /**
   * Every open connection loses its server without the client being told: the upstream side is closed, and the
   * client's socket is destroyed when it next sends anything. Returns how many were severed.
   */
  severOpen(): number {
    const pairs = [...this.#pairs];
    for (const pair of pairs) {
      this.#pairs.delete(pair);
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream
        .removeAllListeners('close')
        .removeAllListeners('error')
        .on('error', () => undefined);
      pair.client.removeAllListeners('close');
      pair.upstream.destroy();
      pair.client.once('data', () => pair.client.destroy());
      pair.client.resume(); // unpipe paused it
    }
    return pairs.length;
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
