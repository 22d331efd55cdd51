import { join, resolve } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Database } from './database.js';
import { resilientPool } from './resilient-pool.js';

export { DataDirLockedError } from './data-dir-lock.js';

/** The slice of a logger (pino, console) the database layer uses. */
export interface DbLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** An open database: the kysely instance plus what differs between engines. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: 'pglite' | 'postgres';
  /** Closes the pool or PGlite and releases the `DATA_DIR` lock. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the database answers `select 1`; throws otherwise. */
  ping(): Promise<void>;
  /**
   * Calls `onNotify` for each `NOTIFY` on `channel` (payload ignored). Resolves once listening;
   * the result unsubscribes. On PostgreSQL a dedicated connection listens and reconnects after errors
   * (notifications sent while it was down are lost: callers also poll).
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`: use a `pg` pool. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files (in `<dataDir>/pgdata`, locked by `<dataDir>/hoiio-slack.lock`). Unset with no `databaseUrl`: in memory. */
  dataDir?: string;
  logger?: DbLogger;
  /** Pool size on PostgreSQL (default 10). */
  poolMax?: number;
  /** PGlite only: start an in-memory database from a `dumpDataDir()` tarball (tests). */
  pgliteSnapshot?: Blob;
}

const INT8 = 20;
const DATE = 1082;

/** int8 → number on both engines, refusing (not rounding) values beyond 2^53. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

const keepText = (value: string): string => value;

const silentLogger: DbLogger = { info() {}, warn() {}, error() {} };

/**
 * Opens the database: a `pg` pool when `databaseUrl` is set, else PGlite in `dataDir` (taking its
 * lock file), else PGlite in memory. Does not migrate (see `migrateToLatest`). Both engines return
 * the same JavaScript types (see `Database`).
 * @throws DataDirLockedError when another live process holds `dataDir`.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const logger = options.logger ?? silentLogger;
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10, logger);
  return openPglite(options, logger);
}

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8) return parseInt8;
  if (oid === DATE) return keepText;
  return pg.types.getTypeParser(oid, format ?? 'text');
}

const pgTypes = { getTypeParser: typeParser } as unknown as pg.CustomTypesConfig;

async function openPostgres(connectionString: string, max: number, logger: DbLogger): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString, max, types: pgTypes });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger.warn({ err: { message: error.message } }, 'postgres idle client error'));
  // A checked-out client's error (the server going away mid-query) must not crash the process either: the query in
  // flight fails on its own, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: { message: error.message } }, 'postgres client error'));
  });
  // Every idle client may be dead after a server restart: one more attempt than the pool holds reaches a live one.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: resilientPool(pool, max + 1) }) });
  const listener = new PgListener(connectionString, logger);
  let closed = false;
  return {
    db,
    engine: 'postgres',
    ping: () => ping(db),
    listen: (channel, onNotify) => listener.listen(channel, onNotify),
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
      await db.destroy();
    },
  };
}

async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** One connection for LISTEN, shared by every subscription of a handle; reconnects after errors. */
class PgListener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly subscribers = new Map<string, Set<() => void>>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly logger: DbLogger,
  ) {}

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let set = this.subscribers.get(channel);
    const fresh = !set;
    if (!set) {
      set = new Set();
      this.subscribers.set(channel, set);
    }
    set.add(onNotify);
    const client = await this.connect();
    if (fresh) await client.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      set.delete(onNotify);
      if (set.size > 0 || this.subscribers.get(channel) !== set) return;
      this.subscribers.delete(channel);
      await this.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
    };
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString, types: pgTypes });
      client.on('notification', (message) => {
        for (const notify of this.subscribers.get(message.channel) ?? []) notify();
      });
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client, undefined));
      try {
        await client.connect();
        for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (error) {
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
        throw error;
      } finally {
        this.connecting = undefined;
      }
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    this.logger.warn({ err: error ? { message: error.message } : undefined }, 'postgres LISTEN connection lost');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retry || this.closed || this.subscribers.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect().catch((error: Error) => {
        this.logger.warn({ err: { message: error.message } }, 'postgres LISTEN reconnect failed');
        this.scheduleReconnect();
      });
    }, 1000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function openPglite(options: OpenDatabaseOptions, logger: DbLogger): Promise<DatabaseHandle> {
  let lock: DataDirLock | undefined;
  let dataDir: string | undefined;
  if (options.dataDir !== undefined) {
    const dir = resolve(options.dataDir);
    lock = acquireDataDirLock(dir, (stale) =>
      logger.warn({ dataDir: dir, stalePid: stale.pid, staleHost: stale.host }, 'took over a stale DATA_DIR lock'),
    );
    dataDir = join(dir, 'pgdata');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(options.pgliteSnapshot ? { loadDataDir: options.pgliteSnapshot } : {}),
      parsers: { [pgliteTypes.INT8]: parseInt8, [pgliteTypes.DATE]: keepText },
    });
  } catch (error) {
    lock?.release();
    throw Object.assign(new Error('Could not open the embedded database', { cause: error }), {
      code: 'pglite_open_failed',
    });
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const subscribers = new Map<string, Set<() => void>>();
  const stopNotifications = pglite.onNotification((channel) => {
    for (const notify of subscribers.get(channel) ?? []) notify();
  });
  let closed = false;
  return {
    db,
    engine: 'pglite',
    ping: () => ping(db),
    // LISTEN goes through kysely so it queues behind an open transaction instead of joining it.
    async listen(channel, onNotify) {
      let set = subscribers.get(channel);
      if (!set) {
        set = new Set();
        subscribers.set(channel, set);
        await sql`LISTEN ${sql.id(channel)}`.execute(db);
      }
      set.add(onNotify);
      return async () => {
        set.delete(onNotify);
        if (set.size > 0 || subscribers.get(channel) !== set) return;
        subscribers.delete(channel);
        if (!closed) await sql`UNLISTEN ${sql.id(channel)}`.execute(db);
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      stopNotifications();
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Makes a PGlite `dumpDataDir` tarball: opens an in-memory PGlite, runs `prepare` (e.g. migrations)
 * and dumps it. Restoring one (`pgliteSnapshot`) takes about a third of a fresh start. For tests.
 */
export async function createPgliteSnapshot(prepare: (db: Kysely<Database>) => Promise<void>): Promise<Blob> {
  const pglite = await PGlite.create({ parsers: { [pgliteTypes.INT8]: parseInt8, [pgliteTypes.DATE]: keepText } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  try {
    await prepare(db);
    return await pglite.dumpDataDir('none');
  } finally {
    await db.destroy();
  }
}
