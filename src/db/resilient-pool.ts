/**
 * A `pg` pool for kysely that survives connections the server dropped while they sat idle (PostgreSQL restarted,
 * `pg_terminate_backend`, a failover, a NAT timeout). `pg` only learns that an idle connection is gone when the
 * server's goodbye reaches it, which can be after the pool has handed the connection out again; the first statement
 * then fails though the database is up again.
 *
 * When the first statement of a checkout is harmless to repeat (`begin`, `start transaction` or a `select`: nothing
 * was changed before it) and it fails because the connection is gone, the broken client is discarded and the
 * statement runs again on another one, up to `attempts` times. Anything else fails as it did: a write that may have
 * reached the server is never repeated here (callers retry those through their own idempotency keys).
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Statements that change nothing, so repeating them on another connection is always safe. */
const HARMLESS_FIRST_STATEMENT = /^\s*(begin|start\s+transaction|select)\b/i;

/** Server-side codes of a connection that is going or gone (admin/crash shutdown, cannot connect now). */
const GONE_CODES = new Set(['57P01', '57P02', '57P03']);
const GONE_MESSAGE = /Connection terminated|not queryable|ECONNRESET|EPIPE|socket hang up/i;

/** True when `error` says the connection itself failed (not the statement). */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (GONE_CODES.has(code) || code.startsWith('08') || code === 'ECONNRESET')) return true;
  return typeof message === 'string' && GONE_MESSAGE.test(message);
}

/** Wraps `pool` for kysely's `PostgresDialect`; `attempts` should exceed the pool size (every idle client may be dead). */
export function resilientPool(pool: pg.Pool, attempts: number): PostgresPool {
  return {
    connect: async () => new RetryingClient(pool, await pool.connect(), attempts),
    end: () => pool.end(),
  };
}

class RetryingClient implements PostgresPoolClient {
  #client: pg.PoolClient;
  #first = true;
  /** The current client went back to the pool (broken) and no other could be had: nothing left to release. */
  #released = false;

  constructor(
    private readonly pool: pg.Pool,
    client: pg.PoolClient,
    private readonly attempts: number,
  ) {
    this.#client = client;
  }

  // biome-ignore lint/suspicious/noExplicitAny: kysely's PostgresPoolClient.query is overloaded (text or cursor).
  query(...args: any[]): any {
    const [text, params] = args;
    const retryable = this.#first && typeof text === 'string' && HARMLESS_FIRST_STATEMENT.test(text);
    this.#first = false;
    if (!retryable) return (this.#client.query as (...a: unknown[]) => unknown)(...args);
    return this.#retrying(text, params);
  }

  async #retrying(text: string, params: readonly unknown[] | undefined): Promise<pg.QueryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#client.query(text, params as unknown[] | undefined);
      } catch (error) {
        if (attempt >= this.attempts || !isConnectionLost(error)) throw error;
        this.#client.release(error as Error); // destroys it: the pool opens a new connection on demand
        this.#released = true;
        this.#client = await this.pool.connect(); // the database down: this throws, and the caller sees why
        this.#released = false;
      }
    }
  }

  release(destroy?: boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.#client.release(destroy);
  }
}
