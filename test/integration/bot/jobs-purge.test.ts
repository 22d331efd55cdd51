import { describe, expect, test } from 'vitest';
import { QUEUE } from '../../../src/bot/ids.js';
import { DONE_JOB_RETENTION_MS, runJobsPurge, scheduleJobsPurge } from '../../../src/bot/jobs-purge.js';
import { enqueueJob } from '../../../src/db/job-queue.js';
import { createLogger } from '../../../src/logger.js';
import { testEngines, useTestDatabase } from '../../support/test-db.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(testEngines())('jobs purge on %s', (engine) => {
  const t = useTestDatabase(engine);

  async function finishedJob(key: string, daysAgo: number, state: 'done' | 'dead' = 'done') {
    const job = await enqueueJob(t.db, { queue: 'x', dedupeKey: key });
    const at = new Date(Date.now() - daysAgo * DAY);
    await t.db
      .updateTable('jobs')
      .set({ state, finished_at: at })
      .where('id', '=', job?.id as number)
      .execute();
  }

  test('deletes finished jobs past retention, keeps recent ones and dead ones, and schedules the next hour once', async () => {
    expect(DONE_JOB_RETENTION_MS).toBeGreaterThan(31 * DAY);
    await finishedJob('old', 40);
    await finishedJob('recent', 20);
    await finishedJob('dead-old', 40, 'dead');
    const now = new Date('2026-11-25T17:59:30Z');
    const handler = runJobsPurge({ db: t.db, clock: { now: () => now }, logger: createLogger({ level: 'silent' }) });
    await handler({ queue: QUEUE.jobsPurge, payload: {}, attempts: 1 }, {} as never);
    await scheduleJobsPurge(t.db, now); // a second instance starting in the same hour adds nothing

    const rows = await t.db.selectFrom('jobs').select(['dedupe_key', 'state', 'run_at']).orderBy('id').execute();
    expect(rows.map((r) => r.dedupe_key)).toEqual(['recent', 'dead-old', 'jobs.purge:2026-11-25T18:00:00.000Z']);
    expect(rows[2]?.run_at.toISOString()).toBe('2026-11-25T18:00:00.000Z');
  });
});
