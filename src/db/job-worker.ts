import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { JobLeaseLostError, PermanentJobError, RetryAfterError } from './job-errors.js';
import {
  claimJobs,
  completeJob,
  type FailJobOptions,
  failJob,
  JOB_NOTIFY_CHANNEL,
  type Job,
  releaseJob,
  renewLease,
} from './job-queue.js';
import type { DatabaseHandle, DbLogger } from './open-database.js';

/** What a handler gets besides its job. */
export interface JobContext {
  /** Aborted when the worker stops past its timeout or the lease is lost. */
  signal: AbortSignal;
  /** Extends the lease now (the worker also renews it every `leaseMs / 3`). Throws JobLeaseLostError. */
  renewLease(): Promise<void>;
}

/** A queue's handler. Throw RetryAfterError or PermanentJobError to steer the retry; anything else backs off. */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;

export interface JobWorkerOptions {
  handle: DatabaseHandle;
  /** Queue name → handler. The worker claims only these queues. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /** Poll interval when nothing wakes the worker (default 1000 ms). */
  pollMs?: number;
  /** Lease length (default 60 s); renewed automatically while a handler runs. */
  leaseMs?: number;
  logger?: DbLogger;
  /** Lease owner id (default `host:pid:random`). */
  owner?: string;
  /** Backoff for failures (see `failJob`). */
  backoff?: FailJobOptions['backoff'];
}

/** Events: `job:done` (job), `job:failed` (job, error, runAt: Date), `job:dead` (job, error). */
export interface JobWorkerEvents {
  'job:done': [job: Job];
  'job:failed': [job: Job, error: unknown, runAt: Date];
  'job:dead': [job: Job, error: unknown];
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
  released: boolean;
}

interface IdleWaiter {
  fromCycle: number;
  resolve: () => void;
}

const noop = () => undefined;
const silent: DbLogger = { info: noop, warn: noop, error: noop };

/**
 * Runs jobs from the durable queue: claims up to `concurrency` at a time, runs each queue's handler,
 * completes or fails them (backoff, `dead` after max age), renews leases, and wakes on NOTIFY (both
 * engines) or every `pollMs`. `stop()` lets in-flight jobs finish, then releases the rest.
 */
export class JobWorker extends EventEmitter<JobWorkerEvents> {
  readonly owner: string;
  private readonly handle: DatabaseHandle;
  private readonly handlers: Record<string, JobHandler>;
  private readonly queues: string[];
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly logger: DbLogger;
  private readonly backoff: FailJobOptions['backoff'];
  private readonly running = new Set<Running>();
  private idleWaiters: IdleWaiter[] = [];
  private state: 'new' | 'started' | 'stopping' | 'stopped' = 'new';
  private cycle = 0;
  private claimFailures = 0;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(options: JobWorkerOptions) {
    super();
    this.handle = options.handle;
    this.handlers = options.handlers;
    this.queues = Object.keys(options.handlers);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.logger = options.logger ?? silent;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.backoff = options.backoff;
  }

  /** Starts listening and the claim loop. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw Object.assign(new Error('JobWorker already started'), { code: 'worker_started' });
    this.state = 'started';
    try {
      this.unlisten = await this.handle.listen(JOB_NOTIFY_CHANNEL, () => this.wake());
    } catch (error) {
      this.logger.warn({ err: errorInfo(error) }, 'job worker: LISTEN failed; polling only');
    }
    this.loop = this.run();
  }

  /** Makes the loop claim now (also called on NOTIFY). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Resolves when a claim that started after this call found nothing runnable and no job is in
   * flight: every job runnable now is done, failed to a later `run_at`, or dead. For tests.
   */
  whenIdle(): Promise<void> {
    if (this.state !== 'started') return Promise.reject(new Error('JobWorker is not running'));
    return new Promise((resolve) => {
      this.idleWaiters.push({ fromCycle: this.cycle + 1, resolve });
      this.wake();
    });
  }

  /** Same as {@link whenIdle}. */
  drain(): Promise<void> {
    return this.whenIdle();
  }

  /**
   * Stops claiming; waits up to `timeoutMs` (default 10 s) for in-flight jobs, then aborts the rest
   * and releases them to the queue (not counted as an attempt).
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    if (this.state !== 'started') return this.loop;
    this.state = 'stopping';
    this.wake();
    await this.loop;
    const inFlight = [...this.running];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 10_000);
    });
    const outcome = await Promise.race([
      Promise.all(inFlight.map((r) => r.done)).then(() => 'done' as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      for (const r of this.running) {
        r.released = true;
        r.controller.abort(new Error('worker stopping'));
        await releaseJob(this.handle.db, r.job).catch((error: unknown) =>
          this.logger.warn({ jobId: r.job.id, err: errorInfo(error) }, 'job worker: release failed'),
        );
      }
    }
    await this.unlisten?.().catch(noop);
    this.state = 'stopped';
    for (const w of this.idleWaiters.splice(0)) w.resolve();
  }

  private async run(): Promise<void> {
    while (this.state === 'started') {
      this.woken = false;
      const free = this.concurrency - this.running.size;
      let claimed: Job[] = [];
      if (free > 0) {
        const cycle = ++this.cycle;
        try {
          claimed = await claimJobs(this.handle.db, {
            queues: this.queues,
            limit: free,
            leaseMs: this.leaseMs,
            owner: this.owner,
          });
          if (this.claimFailures > 0) {
            this.logger.info({ failures: this.claimFailures }, 'job worker: claiming works again');
            this.claimFailures = 0;
          }
        } catch (error) {
          // During a database outage this fails on every poll: log the first failure, then one line in 60.
          this.claimFailures += 1;
          if (this.claimFailures % 60 === 1) {
            this.logger.error({ err: errorInfo(error), failures: this.claimFailures }, 'job worker: claim failed');
          }
        }
        if (this.state !== 'started') {
          for (const job of claimed) await releaseJob(this.handle.db, job).catch(noop);
          break;
        }
        for (const job of claimed) this.execute(job);
        if (claimed.length === 0 && this.running.size === 0) this.resolveIdle(cycle);
      }
      // More may be waiting if we filled every free slot; otherwise sleep until woken or polled.
      if (claimed.length > 0 && claimed.length === free && this.running.size < this.concurrency) continue;
      if (this.woken) continue;
      await this.sleep();
    }
  }

  private resolveIdle(cycle: number): void {
    const ready = this.idleWaiters.filter((w) => w.fromCycle <= cycle);
    if (ready.length === 0) return;
    this.idleWaiters = this.idleWaiters.filter((w) => w.fromCycle > cycle);
    for (const w of ready) w.resolve();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private execute(job: Job): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve(), released: false };
    entry.done = this.runJob(entry).finally(() => {
      this.running.delete(entry);
      this.wake(); // a slot is free, and a serial successor may be runnable now
    });
    this.running.add(entry);
  }

  private async runJob(entry: Running): Promise<void> {
    const { job, controller } = entry;
    const handler = this.handlers[job.queue];
    const renew = async () => {
      if (!(await renewLease(this.handle.db, job, this.leaseMs))) {
        const lost = new JobLeaseLostError(job.id);
        controller.abort(lost);
        throw lost;
      }
    };
    const renewer = setInterval(() => renew().catch(noop), Math.max(10, Math.floor(this.leaseMs / 3)));
    let outcome: { ok: true } | { ok: false; error: unknown };
    try {
      if (!handler) throw new PermanentJobError(`no handler for queue ${job.queue}`);
      await handler(job, { signal: controller.signal, renewLease: renew });
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(renewer);
    }
    if (entry.released) return;
    try {
      if (outcome.ok) {
        if (await completeJob(this.handle.db, job)) this.emit('job:done', job);
        else this.logger.warn({ jobId: job.id, queue: job.queue }, 'job worker: lease lost before completion');
        return;
      }
      const { error } = outcome;
      const result = await failJob(this.handle.db, job, error, {
        ...(error instanceof RetryAfterError ? { retryAfterMs: error.ms } : {}),
        ...(error instanceof PermanentJobError ? { permanent: true } : {}),
        ...(this.backoff ? { backoff: this.backoff } : {}),
      });
      if (!result) {
        this.logger.warn({ jobId: job.id, queue: job.queue }, 'job worker: lease lost before failure was recorded');
      } else if (result.state === 'dead') {
        this.logger.error({ jobId: job.id, queue: job.queue, err: errorInfo(error) }, 'job dead');
        this.emit('job:dead', job, error);
      } else {
        this.logger.warn({ jobId: job.id, queue: job.queue, err: errorInfo(error), runAt: result.runAt }, 'job failed');
        this.emit('job:failed', job, error, result.runAt ?? new Date());
      }
    } catch (error) {
      // The database is unreachable: the lease will expire and the job will run again.
      this.logger.error({ jobId: job.id, err: errorInfo(error) }, 'job worker: could not record the outcome');
    }
  }
}

function errorInfo(error: unknown): { name?: string; message: string; code?: unknown } {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
  }
  return { message: String(error) };
}
