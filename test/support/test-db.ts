import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createPgliteSnapshot, type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';

/** An engine the DB suite runs on. */
export type TestEngine = 'pglite' | 'postgres';

/** A test file's own migrated database. `close()` also drops it (PostgreSQL). */
export interface TestDatabase extends DatabaseHandle {
  /** Empties every table (identities restart); the schema stays. Call between tests. */
  reset(): Promise<void>;
  /** PostgreSQL only: this database's URL, e.g. for a child process. */
  databaseUrl?: string;
}

/** `['pglite']`, plus `'postgres'` when TEST_DATABASE_URL is set. Use with `describe.each`. */
export function testEngines(): TestEngine[] {
  const { TEST_DATABASE_URL } = process.env;
  return TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Opens a fresh, migrated database for one test file: PGlite in memory restored from the snapshot
 * made in test/global-setup.ts, or a PostgreSQL database cloned from the migrated template.
 * Open it in `beforeAll`, `reset()` in `beforeEach`, `close()` in `afterAll`.
 */
export async function openTestDatabase(engine: TestEngine = 'pglite'): Promise<TestDatabase> {
  return engine === 'pglite' ? openPgliteTestDatabase() : openPostgresTestDatabase();
}

/**
 * Call inside a `describe` (or at the top of a file): opens `engine`'s test database before the block's tests,
 * empties it before each test and closes it after the block. The result stands for that database while it is open
 * (reading it outside the block's hooks and tests throws).
 */
export function useTestDatabase(engine: TestEngine = 'pglite'): TestDatabase {
  let database: TestDatabase | undefined;
  const current = (): TestDatabase => {
    if (!database) throw Object.assign(new Error('the test database is not open'), { code: 'test_db_not_open' });
    return database;
  };
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.close();
    database = undefined;
  });
  beforeEach(async () => {
    await current().reset();
  });
  return new Proxy({} as TestDatabase, {
    get: (_, key) => Reflect.get(current(), key),
    has: (_, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) => {
      const found = Reflect.getOwnPropertyDescriptor(current(), key);
      return found && { ...found, configurable: true };
    },
  });
}

async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const handle = await openDatabase({ pgliteSnapshot: await pgliteSnapshot() });
  return { ...handle, reset: () => truncateAll(handle.db) };
}

/**
 * A migrated PGlite DATA_DIR in a new temp directory, for tests that start the app (or a worker) as
 * a child process with `DATA_DIR`.
 */
export async function prepareTestDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoiio-slack-data-'));
  const handle = await openDatabase({ dataDir: dir, pgliteSnapshot: await pgliteSnapshot() });
  await handle.close();
  return dir;
}

async function pgliteSnapshot(): Promise<Blob> {
  const path = safeInject('pgliteSnapshotPath');
  // Without the global setup (another vitest config), migrate from scratch: slower, same result.
  if (!path) return createPgliteSnapshot((db) => migrateToLatest(db).then(() => undefined));
  return new Blob([await readFile(path)]);
}

async function openPostgresTestDatabase(): Promise<TestDatabase> {
  const { TEST_DATABASE_URL: baseUrl } = process.env;
  if (!baseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const template = safeInject('postgresTemplate');
  const name = `${template || `hoiio_t_${process.pid}`}_${randomBytes(4).toString('hex')}`;
  await withDatabase(baseUrl, (db) =>
    template
      ? sql`CREATE DATABASE ${sql.id(name)} TEMPLATE ${sql.id(template)}`.execute(db)
      : sql`CREATE DATABASE ${sql.id(name)}`.execute(db),
  );
  const databaseUrl = databaseUrlFor(baseUrl, name);
  const handle = await openDatabase({ databaseUrl, poolMax: 10 });
  if (!template) await migrateToLatest(handle.db);
  return {
    ...handle,
    databaseUrl,
    reset: () => truncateAll(handle.db),
    async close() {
      await handle.close();
      await dropDatabase(baseUrl, name);
    },
  };
}

function safeInject<K extends 'pgliteSnapshotPath' | 'postgresTemplate'>(key: K): string {
  try {
    return inject(key) ?? '';
  } catch {
    return '';
  }
}

/** Truncates every table of the public schema but kysely's migration bookkeeping. */
export async function truncateAll(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_migration%'`.execute(db);
  if (rows.length === 0) return;
  const list = rows.map((r) => `"${r.tablename}"`).join(', ');
  await sql.raw(`TRUNCATE ${list} RESTART IDENTITY CASCADE`).execute(db);
}

/** `baseUrl` with its database name replaced by `name`. */
export function databaseUrlFor(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` on a one-connection pool to `url` (CREATE/DROP DATABASE need no transaction). */
export async function withDatabase<T>(url: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ databaseUrl: url, poolMax: 1 });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** Drops database `name`, disconnecting whoever is still on it. */
export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withDatabase(baseUrl, (db) => sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db));
}
