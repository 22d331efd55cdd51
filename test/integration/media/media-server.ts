import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A loopback server for the media tests that records every connection and request it sees. */
export interface RecordingServer {
  origin: string;
  port: number;
  /** Connections accepted (TCP level: counts even those that never send a request). */
  connections: Socket[];
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Resolves when the socket is closed (whether by an error or not). */
export function closed(socket: Socket | undefined): Promise<void> {
  if (socket === undefined || socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function startServer(
  handler: Handler,
  tlsOptions?: { key: string | Buffer; cert: string | Buffer },
): Promise<RecordingServer> {
  const connections: Socket[] = [];
  const requests: RecordingServer['requests'] = [];
  const listener: Handler = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server: Server = tlsOptions ? https.createServer(tlsOptions, listener) : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
    socket.on('error', () => {}); // a client that hangs up mid-body is what several tests do on purpose
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tlsOptions ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    connections,
    requests,
    async close() {
      for (const socket of connections) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
