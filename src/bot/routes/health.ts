import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';

export interface HealthOptions {
  /** Resolves when the database answers. */
  readonly checkDatabase: () => Promise<unknown>;
  readonly logger: Logger;
  /** A check slower than this counts as down; default 2000 ms. */
  readonly timeoutMs?: number;
}

/** `GET /healthz`: 200 `{"ok":true}` when the database answers in time, else 503 `{"ok":false}`. */
export function healthRoute({ checkDatabase, logger, timeoutMs = 2000 }: HealthOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const ok = await withTimeout(checkDatabase(), timeoutMs).then(
      () => true,
      (error: unknown) => {
        logger.warn({ err: error }, 'health check: database did not answer');
        return false;
      },
    );
    const body = JSON.stringify(ok ? { ok: true } : { ok: false, database: 'down' });
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('database check timed out'), { code: 'timeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
