import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../src/db/migrate.js';
import { createPgliteSnapshot, openDatabase } from '../src/db/open-database.js';
import { databaseUrlFor, dropDatabase, withDatabase } from './support/test-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a migrated PGlite `dumpDataDir` tarball. */
    pgliteSnapshotPath: string;
    /** Name of the migrated template database on TEST_DATABASE_URL ('' when unset). */
    postgresTemplate: string;
  }
}

/**
 * Migrates once per run: a PGlite snapshot in the temp dir, and, when TEST_DATABASE_URL is set, a
 * template database that each test file clones (test/support/test-db.ts). Names are unique per run
 * so parallel runs on one server do not collide; teardown drops everything this run created.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const snapshot = await createPgliteSnapshot((db) => migrateToLatest(db).then(() => undefined));
  const snapshotPath = join(tmpdir(), `hoiio-slack-pglite-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
  await writeFile(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('pgliteSnapshotPath', snapshotPath);

  const { TEST_DATABASE_URL: baseUrl } = process.env;
  let template = '';
  if (baseUrl) {
    template = `hoiio_tpl_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withDatabase(baseUrl, (db) => sql`CREATE DATABASE ${sql.id(template)}`.execute(db));
    const handle = await openDatabase({ databaseUrl: databaseUrlFor(baseUrl, template) });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
  }
  project.provide('postgresTemplate', template);

  return async () => {
    const { rm } = await import('node:fs/promises');
    await rm(snapshotPath, { force: true });
    if (baseUrl && template) {
      // Per-file databases are named after the template; drop any a crashed file left behind.
      const names = await withDatabase(baseUrl, (db) =>
        sql<{ datname: string }>`SELECT datname FROM pg_database WHERE datname LIKE ${`${template}%`}`.execute(db),
      );
      for (const { datname } of names.rows) await dropDatabase(baseUrl, datname);
    }
  };
}
