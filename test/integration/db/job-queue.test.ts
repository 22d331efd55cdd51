import { once } from 'node:events';
import { sql } from 'kysely';
import { describe, expect, onTestFinished, test } from 'vitest';
import {
  backoffDelayMs,
  claimJobs,
  completeJob,
  countJobs,
  enqueueJob,
  failJob,
  findJobById,
  type Job,
  listDeadJobs,
  PermanentJobError,
  RetryAfterError,
  redriveJob,
  releaseJob,
  renewLease,
} from '../../../src/db/job-queue.js';
import { type JobHandler, JobWorker } from '../../../src/db/job-worker.js';
import { testEngines, useTestDatabase } from '../../support/test-db.js';

const claimOpts = { limit: 10, leaseMs: 60_000, owner: 'w1' };

describe.each(testEngines())('job queue on %s', (engine) => {
  const t = useTestDatabase(engine);

  function startWorker(
    handlers: Record<string, JobHandler>,
    extra: { concurrency?: number; backoff?: { baseMs?: number; capMs?: number } } = {},
  ): JobWorker {
    const worker = new JobWorker({ handle: t, handlers, pollMs: 50, leaseMs: 10_000, ...extra });
    onTestFinished(() => worker.stop({ timeoutMs: 1000 }));
    return worker;
  }

  test('enqueue inside a transaction commits with it, or not at all', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, { queue: 'q', payload: { n: 1 } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await countJobs(t.db)).toEqual([]);
    await t.db.transaction().execute((trx) => enqueueJob(trx, { queue: 'q', payload: { n: 2 } }));
    expect(await countJobs(t.db)).toEqual([{ queue: 'q', state: 'pending', count: 1 }]);
  });

  test('concurrent duplicate enqueues make one job', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.db.transaction().execute((trx) => enqueueJob(trx, { queue: 'q', dedupeKey: 'sms:abc', payload: {} })),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await countJobs(t.db, { queue: 'q' })).toEqual([{ queue: 'q', state: 'pending', count: 1 }]);
  });

  test('claim takes runnable jobs of the given queues, once, and counts the attempt', async () => {
    const a = (await enqueueJob(t.db, { queue: 'a', payload: { x: [1, 2] } }))!;
    await enqueueJob(t.db, { queue: 'b' });
    await enqueueJob(t.db, { queue: 'a', runAt: new Date(Date.now() + 3_600_000) });
    const claimed = await claimJobs(t.db, { ...claimOpts, queues: ['a'] });
    expect(claimed).toMatchObject([
      { id: a.id, state: 'running', attempts: 1, lease_owner: 'w1', payload: { x: [1, 2] } },
    ]);
    expect(await claimJobs(t.db, { ...claimOpts, queues: ['a'] })).toEqual([]);
    expect(await completeJob(t.db, claimed[0]!)).toBe(true);
    expect(await completeJob(t.db, claimed[0]!)).toBe(false);
    expect((await findJobById(t.db, a.id))?.finished_at).toBeInstanceOf(Date);
  });

  test('an expired lease makes the job claimable again; the old holder can no longer complete it', async () => {
    await enqueueJob(t.db, { queue: 'q' });
    const [first] = await claimJobs(t.db, { ...claimOpts, leaseMs: 0 });
    const [second] = await claimJobs(t.db, { ...claimOpts, owner: 'w2' });
    expect(second).toMatchObject({ id: first!.id, attempts: 2, lease_owner: 'w2' });
    expect(await completeJob(t.db, first!)).toBe(false);
    expect(await renewLease(t.db, first!, 1000)).toBe(false);
    expect(await renewLease(t.db, second!, 1000)).toBe(true);
    expect(await completeJob(t.db, second!)).toBe(true);
  });

  test('jobs sharing a serial key run one at a time, in order', async () => {
    for (let i = 0; i < 3; i++) await enqueueJob(t.db, { queue: 'post', serialKey: 'C1', payload: { i } });
    await enqueueJob(t.db, { queue: 'post', serialKey: 'C2', payload: { i: 9 } });
    const first = await claimJobs(t.db, claimOpts);
    expect(first.map((j) => j.payload)).toEqual([{ i: 0 }, { i: 9 }]);
    expect(await claimJobs(t.db, claimOpts)).toEqual([]);
    // A failure with backoff keeps the key blocked: order survives retries.
    await failJob(t.db, first[0]!, new Error('slack down'));
    expect(await claimJobs(t.db, claimOpts)).toEqual([]);
    await sql`update jobs set run_at = now() where state = 'pending' and payload = '{"i":0}'::jsonb`.execute(t.db);
    const again = await claimJobs(t.db, claimOpts);
    expect(again.map((j) => j.payload)).toEqual([{ i: 0 }]);
    await completeJob(t.db, again[0]!);
    expect((await claimJobs(t.db, claimOpts)).map((j) => j.payload)).toEqual([{ i: 1 }]);
  });

  test('failures back off exponentially with jitter, capped', () => {
    const lo = { random: () => 0 };
    const hi = { random: () => 0.999_999 };
    expect(backoffDelayMs(1, lo)).toBe(500);
    expect(backoffDelayMs(1, hi)).toBe(1000);
    expect(backoffDelayMs(4, hi)).toBe(8000);
    expect(backoffDelayMs(40, hi)).toBe(300_000);
    expect(backoffDelayMs(40, { ...lo, backoff: { capMs: 10_000 } })).toBe(5000);
    expect(backoffDelayMs(3, { ...hi, retryAfterMs: 30_000 })).toBe(31_000);
    expect(backoffDelayMs(3, { ...lo, retryAfterMs: 30_000 })).toBe(30_000);
  });

  test('a failure reschedules; after the max age, or when permanent, the job is dead', async () => {
    await enqueueJob(t.db, { queue: 'q', payload: { n: 1 } });
    const [job] = await claimJobs(t.db, claimOpts);
    const before = Date.now();
    const result = await failJob(t.db, job!, new Error('boom'), { retryAfterMs: 60_000 });
    expect(result?.state).toBe('pending');
    expect(result!.runAt!.getTime()).toBeGreaterThanOrEqual(before + 59_000);
    expect((await findJobById(t.db, job!.id))?.last_error).toBe('Error: boom');

    await enqueueJob(t.db, { queue: 'q', maxAgeMs: 1, payload: { n: 2 } });
    const [old] = await claimJobs(t.db, claimOpts);
    expect(await failJob(t.db, old!, new Error('too late'))).toEqual({ state: 'dead' });

    await enqueueJob(t.db, { queue: 'q', payload: { n: 3 } });
    const [perm] = await claimJobs(t.db, claimOpts);
    expect(await failJob(t.db, perm!, new PermanentJobError('bad payload'), { permanent: true })).toEqual({
      state: 'dead',
    });
    const dead = await listDeadJobs(t.db);
    expect(dead.map((j) => j.payload)).toEqual([{ n: 3 }, { n: 2 }]);
    expect(await countJobs(t.db)).toEqual([
      { queue: 'q', state: 'dead', count: 2 },
      { queue: 'q', state: 'pending', count: 1 },
    ]);
  });

  test('redrive puts a dead job back with a fresh max age', async () => {
    const job = (await enqueueJob(t.db, { queue: 'q', maxAgeMs: 1 }))!;
    const [claimed] = await claimJobs(t.db, claimOpts);
    await failJob(t.db, claimed!, new Error('x'));
    expect(await redriveJob(t.db, job.id)).toBe(true);
    expect(await redriveJob(t.db, job.id)).toBe(false); // not dead any more
    const [again] = await claimJobs(t.db, claimOpts);
    expect(again).toMatchObject({ id: job.id, attempts: 1, last_error: 'Error: x' });
  });

  test('release gives a job back without counting the attempt', async () => {
    await enqueueJob(t.db, { queue: 'q' });
    const [job] = await claimJobs(t.db, claimOpts);
    expect(await releaseJob(t.db, job!)).toBe(true);
    expect((await claimJobs(t.db, claimOpts))[0]?.attempts).toBe(1);
  });

  test('the worker runs every job once and emits events; whenIdle waits for all of them', async () => {
    const seen: number[] = [];
    const worker = startWorker({ count: async (job) => void seen.push((job.payload as { n: number }).n) });
    const done: Job[] = [];
    worker.on('job:done', (job) => done.push(job));
    await worker.start();
    await t.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 20; n++) await enqueueJob(trx, { queue: 'count', payload: { n } });
    });
    await worker.whenIdle();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(done).toHaveLength(20);
    expect(await countJobs(t.db)).toEqual([{ queue: 'count', state: 'done', count: 20 }]);
  });

  test('the worker keeps per-key order with concurrency', async () => {
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const worker = startWorker(
      {
        post: async (job) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setImmediate(r));
          order.push(String((job.payload as { p: string }).p));
          running--;
        },
      },
      { concurrency: 4 },
    );
    for (let i = 0; i < 6; i++) await enqueueJob(t.db, { queue: 'post', serialKey: 'C1', payload: { p: `C1-${i}` } });
    await worker.start();
    await worker.whenIdle();
    expect(order).toEqual(['C1-0', 'C1-1', 'C1-2', 'C1-3', 'C1-4', 'C1-5']);
    expect(maxRunning).toBe(1);
  });

  test('handler errors: RetryAfterError reschedules, PermanentJobError kills, others back off', async () => {
    let tries = 0;
    // A backoff of 30–60 s: the failed job cannot come due again (and be reclaimed) while the checks below run.
    const backoff = { baseMs: 60_000 };
    const worker = startWorker(
      {
        flaky: async () => {
          tries++;
          if (tries === 1) throw new RetryAfterError(0);
        },
        broken: async () => {
          throw new PermanentJobError('cannot ever work');
        },
        failing: async () => {
          throw new Error('down');
        },
      },
      { backoff },
    );
    const failed: unknown[] = [];
    worker.on('job:failed', (_job, error) => failed.push(error));
    const dead = once(worker, 'job:dead');
    await worker.start();
    await enqueueJob(t.db, { queue: 'flaky' });
    await enqueueJob(t.db, { queue: 'broken' });
    const failing = (await enqueueJob(t.db, { queue: 'failing' }))!;
    const [deadJob, deadError] = await dead;
    expect((deadJob as Job).queue).toBe('broken');
    expect(deadError).toBeInstanceOf(PermanentJobError);
    await worker.whenIdle();
    expect(tries).toBe(2);
    expect(failed.some((e) => e instanceof RetryAfterError)).toBe(true);
    const row = await findJobById(t.db, failing.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_error: 'Error: down' });
    // Backed off by the worker's backoff (half to full of baseMs for a first failure), not retried at once.
    expect(row!.run_at.getTime()).toBeGreaterThan(Date.now() + backoff.baseMs / 4);
  });

  function deferred() {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  test('stop lets an in-flight job finish', async () => {
    const started = deferred();
    const gate = deferred();
    const worker = startWorker({
      slow: async () => {
        started.resolve();
        await gate.promise;
      },
    });
    await worker.start();
    const job = (await enqueueJob(t.db, { queue: 'slow' }))!;
    await started.promise;
    const stopped = worker.stop({ timeoutMs: 20_000 });
    gate.resolve();
    await stopped;
    expect((await findJobById(t.db, job.id))?.state).toBe('done');
  });

  test('stop releases a job still running after the timeout, aborting its signal', async () => {
    const started = deferred();
    let aborted = false;
    const worker = startWorker({
      hang: (_job, ctx) =>
        new Promise<void>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(ctx.signal.reason);
          });
          started.resolve();
        }),
    });
    await worker.start();
    const job = (await enqueueJob(t.db, { queue: 'hang' }))!;
    await started.promise;
    expect((await findJobById(t.db, job.id))?.state).toBe('running');
    await worker.stop({ timeoutMs: 10 });
    expect(aborted).toBe(true);
    expect(await findJobById(t.db, job.id)).toMatchObject({ state: 'pending', attempts: 0, lease_owner: null });
  });
});
