/**
 * The sandbox on its own HTTP server (`npm run sandbox`, tests). The server accepts request lines
 * up to {@link SANDBOX_MAX_HEADER_SIZE}: the Python SDK sends a fax as a Base64 `file` parameter
 * in the query string of a GET.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox } from './sandbox.js';
import type { Sandbox, SandboxOptions } from './types.js';

/**
 * The `maxHeaderSize` a server hosting the sandbox needs (8 MiB): a 2 MB PDF, Base64 and
 * URL-encoded in a GET query string, fits. An application embedding the sandbox must pass it to
 * `http.createServer({ maxHeaderSize })` (Node's default is 16 KiB).
 */
export const SANDBOX_MAX_HEADER_SIZE = 8 * 1024 * 1024;

/** Options of {@link startSandboxServer}. */
export type SandboxServerOptions = Omit<SandboxOptions, 'publicUrl' | 'basePath'> & {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Absolute URL others reach the sandbox at (default `http://<host>:<port>`). */
  publicUrl?: string;
};

/** A running standalone sandbox. */
export interface SandboxServer {
  /** Root URL, e.g. `http://127.0.0.1:4010` (the Hoiio API is at `${url}/open/`). */
  url: string;
  sandbox: Sandbox;
  /** Closes the sandbox (timers, in-flight notifications), then the server. */
  close(): Promise<void>;
}

/** Starts the sandbox alone on `host:port`, mounted at the root. */
export async function startSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const { port = 4010, host = '127.0.0.1', publicUrl, ...rest } = options;
  let sandbox: Sandbox | undefined;
  const server = createServer({ maxHeaderSize: SANDBOX_MAX_HEADER_SIZE }, (req, res) => {
    if (sandbox) sandbox.handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = (publicUrl ?? `http://${hostPart}:${address.port}`).replace(/\/+$/, '');
  const created = createSandbox({ ...rest, basePath: '', publicUrl: url });
  sandbox = created;
  return {
    url,
    sandbox: created,
    close: async () => {
      await created.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
