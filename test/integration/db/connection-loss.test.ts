/**
 * PostgreSQL restarts under a running app: its pooled connections die while idle and the pool does not know yet.
 * The first statement of the next checkout must not fail the user's request when it is safe to repeat (a
 * transaction's `begin`, a read), and a write that may have reached the server must never be repeated.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { type DatabaseHandle, openDatabase } from '../../../src/db/open-database.js';
import { isConnectionLost } from '../../../src/db/resilient-pool.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { openTestDatabase, type TestDatabase } from '../../support/test-db.js';

const POOL = 3;

describe.skipIf(!process.env['TEST_DATABASE_URL'])('PostgreSQL connections lost while idle', () => {
  let direct: TestDatabase;
  let proxy: TcpProxy;
  let handle: DatabaseHandle;
  let db: Kysely<Database>;

  /** Fills the pool with POOL open connections (each checked out at once, then returned idle). */
  async function fillPool(): Promise<void> {
    let arrived = 0;
    let allHere!: () => void;
    const barrier = new Promise<void>((resolve) => {
      allHere = resolve;
    });
    await Promise.all(
      Array.from({ length: POOL }, () =>
        db.connection().execute(async (conn) => {
          try {
            await sql`select 1`.execute(conn);
          } finally {
            if (++arrived === POOL) allHere(); // a failure must not leave the others waiting
          }
          await barrier;
        }),
      ),
    );
    expect(proxy.open).toBe(POOL);
  }

  const probeRows = async () =>
    (await sql<{ note: string }>`select note from probe order by note`.execute(direct.db)).rows.map((r) => r.note);

  beforeAll(async () => {
    direct = await openTestDatabase('postgres');
    await sql`create table probe (note text not null)`.execute(direct.db);
    const url = new URL(direct.databaseUrl ?? '');
    proxy = await TcpProxy.start(Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    handle = await openDatabase({ databaseUrl: url.toString(), poolMax: POOL });
    db = handle.db;
  });

  afterAll(async () => {
    await handle?.close();
    await proxy?.close();
    await direct?.close();
  });

  beforeEach(async () => {
    await sql`truncate probe`.execute(direct.db);
    await fillPool();
  });

  test('a transaction runs on a live connection when every pooled one died', async () => {
    expect(proxy.severOpen()).toBe(POOL);
    const accepted = proxy.accepted;
    await db.transaction().execute((trx) => sql`insert into probe (note) values ('after restart')`.execute(trx));
    expect(await probeRows()).toEqual(['after restart']);
    expect(proxy.accepted).toBe(accepted + 1); // one new connection; the dead ones were discarded
  });

  test('a read runs on a live connection when every pooled one died', async () => {
    proxy.severOpen();
    const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(db);
    expect(rows).toEqual([{ answer: 42 }]);
  });

  test('a write outside a transaction is not repeated: it fails as a lost connection and changes nothing twice', async () => {
    proxy.severOpen();
    const error = await sql`insert into probe (note) values ('maybe')`.execute(db).catch((e: unknown) => e);
    expect(isConnectionLost(error)).toBe(true);
    expect(await probeRows()).toEqual([]);
    // The broken client left the pool: what follows works.
    await db.transaction().execute((trx) => sql`insert into probe (note) values ('next')`.execute(trx));
    expect(await probeRows()).toEqual(['next']);
  });

  test('the server still down: the request fails with the connection error, and works once it is back', async () => {
    proxy.severOpen();
    proxy.accepting = false;
    try {
      const error = await db
        .transaction()
        .execute((trx) => sql`insert into probe (note) values ('while down')`.execute(trx))
        .catch((e: unknown) => e);
      expect(isConnectionLost(error)).toBe(true);
    } finally {
      proxy.accepting = true;
    }
    await db.transaction().execute((trx) => sql`insert into probe (note) values ('back')`.execute(trx));
    expect(await probeRows()).toEqual(['back']);
  });

  test('an error of the statement itself is not retried', async () => {
    const accepted = proxy.accepted;
    const error = await sql`select * from no_such_table`.execute(db).catch((e: unknown) => e);
    expect(isConnectionLost(error)).toBe(false);
    expect((error as { code?: string }).code).toBe('42P01');
    expect(proxy.accepted).toBe(accepted);
  });
});
