import { pathToFileURL } from 'node:url';
import { type Kysely, type MigrationResult, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { DbLogger } from './open-database.js';

// Migrations are written against an untyped schema (they define it), so the runner takes any Kysely.
// biome-ignore lint/suspicious/noExplicitAny: a migration runner accepts every database type.
type AnyKysely = Kysely<any>;

/** Thrown when a migration fails; `results` says which ones ran. */
export class MigrationError extends Error {
  readonly code = 'migration_failed';
  constructor(
    message: string,
    readonly results: readonly MigrationResult[],
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Our session-level advisory lock key (any constant; distinct from kysely's own). */
const MIGRATION_LOCK_KEY = 7_406_150_501;

function migrator(db: AnyKysely): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Runs `fn` on one connection holding a session-level advisory lock, so instances starting together
 * migrate one after another (kysely's own lock is taken only after it has created its tables, which
 * races on a fresh database). PGlite has one connection; the lock is trivially ours there.
 */
async function underLock<T>(db: AnyKysely, fn: (conn: AnyKysely) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

function check(results: readonly MigrationResult[] | undefined, error: unknown, what: string): MigrationResult[] {
  const list = [...(results ?? [])];
  if (error) {
    const failed = list.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`${what} failed at ${failed}`, list, { cause: error });
  }
  return list;
}

/**
 * Applies every pending migration from `migrations/index.ts`. Safe when several instances start
 * together on one PostgreSQL (an advisory lock serialises them; latecomers find nothing to do).
 * @returns the migrations applied by this call.
 * @throws MigrationError when one fails (it and later ones are not applied).
 */
export async function migrateToLatest(db: AnyKysely, logger?: DbLogger): Promise<MigrationResult[]> {
  const results = await underLock(db, async (conn) => {
    const { results, error } = await migrator(conn).migrateToLatest();
    return check(results, error, 'Migration');
  });
  for (const r of results) logger?.info({ migration: r.migrationName, status: r.status }, 'migration applied');
  return results;
}

/** Reverts migrations down to none (or one step with `{ steps: 1 }`). For tests. */
export async function migrateDown(db: AnyKysely, options: { steps?: number } = {}): Promise<MigrationResult[]> {
  return underLock(db, async (conn) => {
    const m = migrator(conn);
    const { results, error } =
      options.steps === undefined ? await m.migrateTo(NO_MIGRATIONS) : await stepDown(m, options.steps);
    return check(results, error, 'Migrating down');
  });
}

async function stepDown(m: Migrator, steps: number) {
  let last: Awaited<ReturnType<Migrator['migrateDown']>> = {};
  const all: MigrationResult[] = [];
  for (let i = 0; i < steps; i++) {
    last = await m.migrateDown();
    all.push(...(last.results ?? []));
    if (last.error || (last.results ?? []).length === 0) break;
  }
  return { results: all, error: last.error };
}

/** CLI: `tsx src/db/migrate.ts` (npm run db:migrate). */
async function main(): Promise<void> {
  // src/config.ts is the app's one env reader, but this CLI needs only these two variables and must
  // not require Slack credentials, so it reads them directly.
  const { openDatabase } = await import('./open-database.js');
  const { DATABASE_URL, DATA_DIR } = process.env;
  const databaseUrl = DATABASE_URL || undefined;
  const dataDir = DATA_DIR || './data';
  const logger: DbLogger = {
    info: (obj, msg) => console.log(msg ?? '', JSON.stringify(obj)),
    warn: (obj, msg) => console.warn(msg ?? '', JSON.stringify(obj)),
    error: (obj, msg) => console.error(msg ?? '', JSON.stringify(obj)),
  };
  const handle = await openDatabase(databaseUrl ? { databaseUrl, logger } : { dataDir, logger });
  try {
    const applied = await migrateToLatest(handle.db, logger);
    console.log(`${handle.engine}: ${applied.length} migration(s) applied; the schema is up to date.`);
  } finally {
    await handle.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`db:migrate failed: ${message}`);
    process.exitCode = 1;
  });
}
