// The PostgreSQL the benches use, and a scratch database on it per bench (created, then dropped).
import pg from 'pg';

/** BENCH_DATABASE_URL, else TEST_DATABASE_URL; undefined: PGlite only. `bench/run.ts` may set the first. */
export function benchDatabaseUrl(): string | undefined {
  const { BENCH_DATABASE_URL, TEST_DATABASE_URL } = process.env;
  return BENCH_DATABASE_URL || TEST_DATABASE_URL || undefined;
}

async function admin(baseUrl: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Creates `hoiio_bench_<label>_<pid>` next to `baseUrl`'s database; `drop()` removes it. */
export async function scratchDatabase(
  baseUrl: string,
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hoiio_bench_${label}_${process.pid}`;
  await admin(baseUrl, `drop database if exists ${name} with (force)`);
  await admin(baseUrl, `create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(baseUrl, `drop database if exists ${name} with (force)`) };
}

/** Whether a PostgreSQL answers at `url` within `timeoutMs`. */
export async function reachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
