import { sql } from 'kysely';
import { beforeEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import { countJobs, enqueueJob, findJobById } from '../../../src/db/job-queue.js';
import { JobWorker } from '../../../src/db/job-worker.js';
import { testEngines, useTestDatabase } from '../../support/test-db.js';
import { type Child, startChild } from './child-process.js';

const engines = testEngines().filter((e) => e === 'postgres');

describe.skipIf(engines.length === 0)('worker processes on one PostgreSQL', () => {
  const t = useTestDatabase('postgres');
  beforeEach(async () => {
    await sql`create table if not exists test_job_runs (job_id bigint not null, owner text not null)`.execute(t.db);
  });

  function start(owner: string, env: Record<string, string> = {}): Child {
    const child = startChild(['worker', owner], { DATABASE_URL: t.databaseUrl!, ...env });
    onTestFinished(async () => {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      await child.exited;
    });
    return child;
  }

  async function runs(): Promise<Array<{ job_id: number; owner: string }>> {
    const { rows } = await sql<{ job_id: number; owner: string }>`select job_id, owner from test_job_runs`.execute(
      t.db,
    );
    return rows;
  }

  test('two worker processes complete 1000 jobs, each exactly once', async () => {
    const a = start('A');
    const b = start('B');
    await Promise.all([a.waitForLine(/ready/), b.waitForLine(/ready/)]);
    // Every `count` job records its run in test_job_runs: locked, no job can finish, so a worker holds at most its
    // concurrency (8) of the 1001 jobs and the other must claim some however fast the first one is.
    let unlock: () => void = () => undefined;
    const unlocked = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    let onLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => {
      onLocked = resolve;
    });
    const holding = t.db.transaction().execute(async (trx) => {
      await sql`lock table test_job_runs in exclusive mode`.execute(trx);
      onLocked();
      await unlocked;
    });
    onTestFinished(async () => {
      unlock();
      await holding;
    });
    await Promise.race([locked, holding]);
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 1000; i += 100) {
        await trx
          .insertInto('jobs')
          .values(
            Array.from({ length: 100 }, (_, k) => ({
              queue: 'count',
              payload: JSON.stringify({ n: i + k }),
              max_age_ms: 86_400_000,
              deadline_at: new Date(Date.now() + 86_400_000),
            })),
          )
          .execute();
      }
      await enqueueJob(trx, { queue: 'count', payload: { n: 1000 } }); // and NOTIFY
    });
    // Both processes claim jobs (SKIP LOCKED shares the work rather than serialising it); then the runs may proceed.
    await vi.waitFor(
      async () => {
        const owners = await t.db
          .selectFrom('jobs')
          .select('lease_owner')
          .distinct()
          .where('state', '=', 'running')
          .execute();
        expect(new Set(owners.map((o) => o.lease_owner))).toEqual(new Set(['A', 'B']));
      },
      { timeout: 60_000, interval: 50 },
    );
    unlock();
    await holding;
    await vi.waitFor(
      async () => expect(await countJobs(t.db)).toEqual([{ queue: 'count', state: 'done', count: 1001 }]),
      { timeout: 60_000, interval: 100 },
    );
    const all = await runs();
    expect(all).toHaveLength(1001);
    expect(new Set(all.map((r) => r.job_id)).size).toBe(1001);
    // Both processes took part.
    expect(new Set(all.map((r) => r.owner))).toEqual(new Set(['A', 'B']));
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  test('a worker killed mid-job: the job runs again after its lease expires, and only once more', async () => {
    const doomed = start('doomed', { LEASE_MS: '1500' });
    await doomed.waitForLine(/ready/);
    const job = (await enqueueJob(t.db, { queue: 'hang' }))!;
    await doomed.waitForLine(new RegExp(`started ${job.id}`));
    doomed.proc.kill('SIGKILL');
    await doomed.exited;
    expect((await findJobById(t.db, job.id))?.state).toBe('running');

    const survivor = new JobWorker({
      handle: t,
      owner: 'survivor',
      pollMs: 50,
      handlers: {
        hang: async (j) => {
          await sql`insert into test_job_runs (job_id, owner) values (${j.id}, 'survivor')`.execute(t.db);
        },
      },
    });
    onTestFinished(() => survivor.stop());
    const done = new Promise((resolve) => survivor.once('job:done', resolve));
    await survivor.start();
    await done; // only after the lease expired: the job was still `running` under the dead owner
    await survivor.whenIdle();
    expect(await findJobById(t.db, job.id)).toMatchObject({ state: 'done', attempts: 2 });
    expect((await runs()).map((r) => r.owner).sort()).toEqual(['doomed', 'survivor']);
  });
});
