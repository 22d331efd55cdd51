import { PermanentJobError, RetryAfterError } from '../db/job-errors.js';
import { JobWorker, type JobHandler as WorkerJobHandler } from '../db/job-worker.js';
import { markInboundEvent } from '../db/repositories/inbound-events.js';
import { requestIdOf, withLogContext } from '../log-context.js';
import type { Logger } from '../logger.js';
import type { BotDeps } from './deps.js';
import type { JobHandler, JobRegistry } from './features/index.js';
import { QUEUE } from './ids.js';
import { scheduleJobsPurge } from './jobs-purge.js';
import type { Metrics } from './routes/metrics.js';

/**
 * "There is work now": request handlers call `wake()` after committing jobs so the in-process worker claims at
 * once (PostgreSQL also wakes it through NOTIFY; PGlite would otherwise wait for the next poll).
 */
export class JobWake {
  readonly #listeners = new Set<() => void>();

  wake(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export interface JobRunnerOptions {
  /** Jobs run at once (default 8: Slack posts wait on pacing, IVR relays must not queue behind them). */
  readonly concurrency?: number;
  /** Poll interval (default 1000 ms). */
  readonly pollMs?: number;
  readonly leaseMs?: number;
  /** Backoff of failed jobs (default: the queue's, 1 s doubling to 5 min). */
  readonly backoff?: { baseMs?: number; capMs?: number };
}

/** The one JobWorker of this process, for every registered queue. */
export interface JobRunner {
  readonly worker: JobWorker;
  /** Resolves when nothing runnable is left (tests). */
  whenIdle(): Promise<void>;
  /** Stops claiming; in-flight jobs finish (or are released after `timeoutMs`). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Starts one JobWorker for every queue registered in `bot.jobs`, with metrics per queue, wake-ups from
 * `deps.jobWake`, and a dead `inbound.relay` job marking its event `failed`.
 */
export async function startJobRunner(
  bot: { readonly deps: BotDeps; readonly jobs: JobRegistry },
  options: JobRunnerOptions = {},
): Promise<JobRunner> {
  const { deps, jobs } = bot;
  const { database, jobWake: wake, logger, metrics } = deps;
  const handlers: Record<string, WorkerJobHandler> = {};
  const jobLog = logger.child({ component: 'jobs' });
  for (const [queue, handler] of Object.entries(jobs.toRecord())) {
    handlers[queue] = measured(queue, handler, metrics, jobLog);
  }
  const worker = new JobWorker({
    handle: database,
    handlers,
    concurrency: options.concurrency ?? 8,
    pollMs: options.pollMs ?? 1000,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
    logger: logger.child({ component: 'jobs' }),
  });
  worker.on('job:dead', (job, error) => {
    if (job.queue !== QUEUE.inboundRelay) return;
    const eventId = (job.payload as { eventId?: unknown } | null)?.eventId;
    if (typeof eventId !== 'number') return;
    const reason = error instanceof Error ? error.message.slice(0, 500) : 'gave up';
    markInboundEvent(deps.db, eventId, 'failed', { error: reason }).catch((err: unknown) =>
      logger.error({ err, eventId }, 'could not mark the inbound event failed'),
    );
  });
  await worker.start();
  if (jobs.get(QUEUE.jobsPurge) !== undefined) await scheduleJobsPurge(deps.db, deps.clock.now());
  const unsubscribe = wake.subscribe(() => worker.wake());
  let stopping: Promise<void> | undefined;
  return {
    worker,
    whenIdle: () => worker.whenIdle(),
    stop: (stopOptions) => {
      stopping ??= (async () => {
        unsubscribe();
        await worker.stop(stopOptions);
      })();
      return stopping;
    },
  };
}

/**
 * Runs a job in its log context (the request id it carries, its id and queue: every line the handler logs has
 * them, and jobs it enqueues inherit the request id), counts it, and logs its outcome.
 */
function measured(queue: string, handler: JobHandler, metrics: Metrics, log: Logger): WorkerJobHandler {
  return (job, context) => {
    const requestId = requestIdOf(job.payload);
    const logContext = { ...(requestId !== undefined ? { request_id: requestId } : {}), job_id: job.id, queue };
    return withLogContext(logContext, async () => {
      const started = process.hrtime.bigint();
      let outcome = 'done';
      try {
        await handler(job, context);
      } catch (error) {
        outcome =
          error instanceof RetryAfterError ? 'retry_after' : error instanceof PermanentJobError ? 'dead' : 'retry';
        throw error;
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.jobsProcessed.inc({ queue, outcome });
        metrics.jobDuration.observe({ queue }, seconds);
        // The worker logs failures with their error; this line ties each attempt to its request.
        log.info({ attempt: job.attempts, outcome, seconds }, outcome === 'done' ? 'job done' : 'job attempt failed');
      }
    });
  };
}
