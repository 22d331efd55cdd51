import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { enqueueJob, purgeDoneJobs } from '../db/job-queue.js';
import type { BotDeps } from './deps.js';
import type { JobHandler } from './features/index.js';
import { QUEUE } from './ids.js';

const HOUR_MS = 60 * 60 * 1000;
/**
 * Finished jobs are kept 35 days: their dedupe keys must outlive every window they guard (the longest is the
 * once-a-month spend warning); the facts themselves live in `transactions` and `inbound_events`.
 */
export const DONE_JOB_RETENTION_MS = 35 * 24 * HOUR_MS;

/**
 * Schedules the purge for the start of the next hour. The dedupe key is that hour, so however many instances
 * start or purges run, one purge job exists per hour.
 */
export async function scheduleJobsPurge(db: Kysely<Database>, now: Date): Promise<void> {
  const next = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  await enqueueJob(db, {
    queue: QUEUE.jobsPurge,
    dedupeKey: `jobs.purge:${next.toISOString()}`,
    runAt: next,
  });
}

/** The `jobs.purge` handler: deletes finished jobs past retention, then schedules the next hour's purge. */
export function runJobsPurge({ db, clock, logger }: Pick<BotDeps, 'db' | 'clock' | 'logger'>): JobHandler {
  return async () => {
    const deleted = await purgeDoneJobs(db, DONE_JOB_RETENTION_MS);
    if (deleted > 0) logger.info({ deleted }, 'finished jobs purged');
    await scheduleJobsPurge(db, clock.now());
  };
}
