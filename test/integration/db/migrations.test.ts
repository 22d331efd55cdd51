import { sql } from 'kysely';
import { describe, expect, onTestFinished, test } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { json } from '../../../src/db/json.js';
import { migrateDown, migrateToLatest } from '../../../src/db/migrate.js';
import { openDatabase } from '../../../src/db/open-database.js';
import {
  databaseUrlFor,
  dropDatabase,
  type TestDatabase,
  testEngines,
  useTestDatabase,
  withDatabase,
} from '../../support/test-db.js';

async function tableNames(t: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'
    ORDER BY tablename`.execute(t.db);
  return rows.map((r) => r.tablename);
}

describe.each(testEngines())('schema on %s', (engine) => {
  const t = useTestDatabase(engine);

  test('migrations go up, down and up again', async () => {
    const all = [
      'audit_log',
      'contact_threads',
      'contacts',
      'inbound_events',
      'ivr_sessions',
      'jobs',
      'number_routes',
      'opt_outs',
      'settings',
      'transactions',
      'user_profiles',
    ];
    expect(await tableNames(t)).toEqual(all);
    expect(await migrateToLatest(t.db)).toEqual([]); // already there
    const down = await migrateDown(t.db);
    expect(down.map((r) => r.direction)).toEqual(Object.keys(migrations).map(() => 'Down'));
    expect(await tableNames(t)).toEqual([]);
    const up = await migrateToLatest(t.db);
    expect(up.map((r) => r.migrationName)).toEqual(Object.keys(migrations));
    expect(await tableNames(t)).toEqual(all);
  });

  test('both engines return the same JavaScript types', async () => {
    const [row] = await t.db
      .insertInto('transactions')
      .values({ kind: 'sms', direction: 'out', status: 'queued', rate: '0.038', debit: '0.076', raw: json([1, 'a']) })
      .returningAll()
      .execute();
    expect(typeof row?.id).toBe('number');
    expect(row?.rate).toBe('0.038');
    expect(row?.created_at).toBeInstanceOf(Date);
    expect(row?.raw).toEqual([1, 'a']);
    expect(row?.meta).toEqual({});
    const { rows } = await sql<{ c: unknown; d: unknown; a: unknown }>`
      select count(*) as c, date '2024-02-29' as d, array['x', 'y']::text[] as a from transactions`.execute(t.db);
    expect(rows[0]).toEqual({ c: 1, d: '2024-02-29', a: ['x', 'y'] });
    await expect(sql`select 9007199254740993::int8 as big`.execute(t.db)).rejects.toThrow(/MAX_SAFE_INTEGER/);
  });

  const bad: Array<[string, () => Promise<unknown>]> = [
    ['a direction that is not in/out', () => insertTxn({ direction: 'sideways' })],
    ['an unknown status', () => insertTxn({ status: 'teleported' })],
    ['a number that is not E.164', () => insertTxn({ to_number: '91234567' })],
    ['a negative debit', () => insertTxn({ debit: '-1' })],
    ['a lower-case currency', () => insertTxn({ currency: 'sgd' })],
    ['a parent that does not exist', () => insertTxn({ parent_id: 999_999 })],
    [
      'a running job without a lease',
      () =>
        sql`insert into jobs (queue, state, max_age_ms, deadline_at) values ('q', 'running', 1000, now())`.execute(
          t.db,
        ),
    ],
    [
      'an unknown job state',
      () =>
        sql`insert into jobs (queue, state, max_age_ms, deadline_at) values ('q', 'lost', 1000, now())`.execute(t.db),
    ],
    [
      'an unknown inbound event state',
      () =>
        sql`insert into inbound_events (kind, dedupe_key, params, state) values ('sms', 'k', '{}', 'x')`.execute(t.db),
    ],
    [
      'a route with a bad number',
      () => sql`insert into number_routes (number, channel_id) values ('+0', 'C1')`.execute(t.db),
    ],
    [
      'a ring timeout out of range',
      () =>
        sql`insert into number_routes (number, channel_id, ring_timeout) values ('+6561234567', 'C1', 1)`.execute(t.db),
    ],
    [
      'an empty contact name',
      () => sql`insert into contacts (number, name) values ('+6591234567', '  ')`.execute(t.db),
    ],
  ];

  function insertTxn(overrides: Record<string, unknown>) {
    const row = { kind: 'sms', direction: 'out', status: 'queued', ...overrides };
    const cols = Object.keys(row);
    return sql`insert into transactions (${sql.join(cols.map((c) => sql.id(c)))}) values (${sql.join(Object.values(row))})`.execute(
      t.db,
    );
  }

  test.each(bad)('constraints reject %s', async (_what, insert) => {
    await expect(insert()).rejects.toThrow(/violates/);
  });

  test('unique keys reject a second txn_ref, tag or dedupe key', async () => {
    await insertTxn({ txn_ref: 'AA-1', tag: 't1' });
    await expect(insertTxn({ txn_ref: 'AA-1' })).rejects.toThrow(/duplicate key/);
    await expect(insertTxn({ tag: 't1' })).rejects.toThrow(/duplicate key/);
    await insertTxn({}); // nulls do not collide
    await insertTxn({});
    const event = sql`insert into inbound_events (kind, dedupe_key, params) values ('sms', 'sms:AA-2', '{}')`;
    await event.execute(t.db);
    await expect(event.execute(t.db)).rejects.toThrow(/duplicate key/);
  });
});

describe.skipIf(!testEngines().includes('postgres'))('migrations on a fresh PostgreSQL', () => {
  test('instances starting together migrate once, safely', async () => {
    const baseUrl = process.env['TEST_DATABASE_URL']!;
    const name = `hoiio_migrate_race_${process.pid}`;
    await dropDatabase(baseUrl, name);
    await withDatabase(baseUrl, (db) => sql`CREATE DATABASE ${sql.id(name)}`.execute(db));
    onTestFinished(() => dropDatabase(baseUrl, name));
    const handles = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ databaseUrl: databaseUrlFor(baseUrl, name), poolMax: 2 })),
    );
    onTestFinished(() => Promise.all(handles.map((h) => h.close())).then(() => undefined));
    const applied = await Promise.all(handles.map((h) => migrateToLatest(h.db)));
    expect(applied.map((a) => a.length).sort()).toEqual([0, 0, 0, Object.keys(migrations).length]);
  });
});
