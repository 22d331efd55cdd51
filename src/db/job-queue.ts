import { type Kysely, sql } from 'kysely';
import { currentLogContext, REQUEST_ID_FIELD } from '../log-context.js';
import type { Database } from './database.js';
import { type JsonValue, json } from './json.js';
import type { JobRow, JobState } from './tables/jobs.js';

export { JobLeaseLostError, PermanentJobError, RetryAfterError } from './job-errors.js';

/** The NOTIFY channel an enqueue signals (payload: the queue name). */
export const JOB_NOTIFY_CHANNEL = 'hoiio_jobs';
/** Default maximum age of a job before a failure makes it `dead`: 24 h. */
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Default backoff: 1 s doubling per attempt, capped at 5 min. */
export const DEFAULT_BACKOFF = { baseMs: 1000, capMs: 5 * 60 * 1000 } as const;

/** A claimed job (a `jobs` row). */
export type Job = JobRow;

export interface EnqueueJobOptions {
  queue: string;
  payload?: JsonValue;
  /** A second enqueue with the same key is a no-op (forever, even after the first is done). */
  dedupeKey?: string;
  /** Jobs with the same key run one at a time, in enqueue order. */
  serialKey?: string;
  /** Not before this instant (default now). */
  runAt?: Date;
  /** Failures after this age make the job `dead` (default 24 h). */
  maxAgeMs?: number;
}

/**
 * Enqueues a job, inside the caller's transaction when `db` is one (so the intent and its job commit
 * together), and signals workers with NOTIFY (delivered on commit). Enqueued while handling a request (or
 * running a job), an object payload also gets the `request_id` of that request (src/log-context.ts), so the
 * job's log lines carry it.
 * @returns the job, or `null` when `dedupeKey` was already used.
 */
export async function enqueueJob(db: Kysely<Database>, options: EnqueueJobOptions): Promise<Job | null> {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const runAt = options.runAt ?? null;
  const row = await db
    .insertInto('jobs')
    .values({
      queue: options.queue,
      payload: json(withRequestId(options.payload ?? {})),
      dedupe_key: options.dedupeKey ?? null,
      serial_key: options.serialKey ?? null,
      run_at: runAt ? runAt : sql<Date>`now()`,
      max_age_ms: maxAgeMs,
      deadline_at: sql<Date>`now() + ${maxAgeMs} * interval '1 millisecond'`,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  await sql`select pg_notify(${JOB_NOTIFY_CHANNEL}, ${options.queue})`.execute(db);
  return row;
}

function withRequestId(payload: JsonValue): JsonValue {
  const requestId = currentLogContext()?.request_id;
  if (requestId === undefined || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return payload;
  }
  return REQUEST_ID_FIELD in payload ? payload : { ...payload, [REQUEST_ID_FIELD]: requestId };
}

export interface ClaimJobsOptions {
  /** Only these queues (default: all). */
  queues?: readonly string[];
  limit: number;
  /** The lease: after this long without renewal the job is claimable again. */
  leaseMs: number;
  /** Who holds the lease (e.g. `host:pid:random`). */
  owner: string;
}

/**
 * Claims up to `limit` runnable jobs: `pending` ones whose `run_at` has come, and `running` ones whose
 * lease expired (a crashed worker). `FOR UPDATE SKIP LOCKED`, so concurrent claimers never take the
 * same job. A job with a `serial_key` is claimable only when no earlier job (lower id) with that key
 * is `pending` or `running`: at most one runs per key, in id order (a `dead` one no longer blocks).
 * Each claim increments `attempts`.
 */
export async function claimJobs(db: Kysely<Database>, options: ClaimJobsOptions): Promise<Job[]> {
  if (options.limit <= 0) return [];
  const queueFilter = options.queues ? sql`and j.queue = any(${[...options.queues]}::text[])` : sql``;
  const { rows } = await sql<Job>`
    with candidates as (
      select j.id from jobs j
      where (
          (j.state = 'pending' and j.run_at <= now())
          or (j.state = 'running' and j.lease_expires_at <= now())
        )
        ${queueFilter}
        and (j.serial_key is null or not exists (
          select 1 from jobs e
          where e.serial_key = j.serial_key and e.id < j.id and e.state in ('pending', 'running')
        ))
      order by j.run_at, j.id
      limit ${options.limit}
      for update skip locked
    )
    update jobs set
      state = 'running',
      lease_owner = ${options.owner},
      lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond',
      attempts = jobs.attempts + 1,
      updated_at = now()
    from candidates
    where jobs.id = candidates.id
    returning jobs.*`.execute(db);
  return rows.sort((a, b) => a.id - b.id);
}

/** Matches the job only while this claim still holds it (same owner, same attempt, still running). */
function held(job: Pick<Job, 'id' | 'lease_owner' | 'attempts'>) {
  return sql<boolean>`id = ${job.id} and state = 'running' and lease_owner = ${job.lease_owner} and attempts = ${job.attempts}`;
}

/** Marks a claimed job `done`. Returns false when the lease was lost (someone else has it now). */
export async function completeJob(db: Kysely<Database>, job: Job): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'done',
      lease_owner: null,
      lease_expires_at: null,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where(held(job))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface FailJobOptions {
  /** Retry after this long (plus up to 10 %, at most 1 s, of jitter) instead of the backoff. */
  retryAfterMs?: number;
  /** Give up now: `dead`. */
  permanent?: boolean;
  /** Backoff: `baseMs · 2^(attempts−1)`, capped at `capMs`, with jitter (half to full). */
  backoff?: { baseMs?: number; capMs?: number };
  /** For tests: a random source in [0, 1). */
  random?: () => number;
}

/** What {@link failJob} did. */
export interface FailJobResult {
  state: 'pending' | 'dead';
  /** When it will run again (state `pending`). */
  runAt?: Date;
}

/** The delay before the next attempt of a job that failed its `attempts`-th try. */
export function backoffDelayMs(attempts: number, options: FailJobOptions = {}): number {
  const random = options.random ?? Math.random;
  if (options.retryAfterMs !== undefined) {
    const retryAfter = Math.max(0, options.retryAfterMs);
    return Math.round(retryAfter + random() * Math.min(1000, retryAfter * 0.1));
  }
  const base = options.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.backoff?.capMs ?? DEFAULT_BACKOFF.capMs;
  const exp = Math.min(cap, base * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Records a failure of a claimed job: back to `pending` after a capped exponential backoff with
 * jitter (or `retryAfterMs`), or `dead` when `permanent` or when the next attempt would fall after the
 * job's deadline (its max age). The error's message is kept in `last_error`.
 * @returns what happened, or `null` when the lease was lost.
 */
export async function failJob(
  db: Kysely<Database>,
  job: Job,
  error: unknown,
  options: FailJobOptions = {},
): Promise<FailJobResult | null> {
  const message = describeError(error);
  const delayMs = backoffDelayMs(job.attempts, options);
  const row = await db
    .updateTable('jobs')
    .set({
      state: sql<JobState>`case when ${options.permanent === true} or now() + ${delayMs} * interval '1 millisecond' > deadline_at then 'dead' else 'pending' end`,
      run_at: sql<Date>`now() + ${delayMs} * interval '1 millisecond'`,
      lease_owner: null,
      lease_expires_at: null,
      last_error: message,
      finished_at: sql<Date>`case when ${options.permanent === true} or now() + ${delayMs} * interval '1 millisecond' > deadline_at then now() end`,
      updated_at: sql<Date>`now()`,
    })
    .where(held(job))
    .returning(['state', 'run_at'])
    .executeTakeFirst();
  if (!row) return null;
  return row.state === 'dead' ? { state: 'dead' } : { state: 'pending', runAt: row.run_at };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

/** Extends a claimed job's lease by `leaseMs` from now. Returns false when the lease was lost. */
export async function renewLease(db: Kysely<Database>, job: Job, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ lease_expires_at: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`, updated_at: sql<Date>`now()` })
    .where(held(job))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Gives a claimed job back without counting the attempt (graceful shutdown): `pending`, runnable
 * after `delayMs` (default 0). Returns false when the lease was lost.
 */
export async function releaseJob(db: Kysely<Database>, job: Job, options: { delayMs?: number } = {}): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'pending',
      lease_owner: null,
      lease_expires_at: null,
      attempts: sql<number>`greatest(attempts - 1, 0)`,
      run_at: sql<Date>`now() + ${options.delayMs ?? 0} * interval '1 millisecond'`,
      updated_at: sql<Date>`now()`,
    })
    .where(held(job))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Dead jobs, newest first (App Home, `/hoiio status`). */
export async function listDeadJobs(
  db: Kysely<Database>,
  options: { queue?: string; limit?: number; offset?: number } = {},
): Promise<Job[]> {
  let q = db.selectFrom('jobs').selectAll().where('state', '=', 'dead');
  if (options.queue) q = q.where('queue', '=', options.queue);
  return q
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .offset(options.offset ?? 0)
    .execute();
}

/**
 * Puts a dead job back to `pending`, runnable now, with its attempts reset and a fresh max age
 * (`last_error` is kept). Returns false when the job is not dead. Record the admin action with
 * `insertAuditLog` in the same transaction.
 */
export async function redriveJob(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'pending',
      run_at: sql<Date>`now()`,
      attempts: 0,
      deadline_at: sql<Date>`now() + max_age_ms * interval '1 millisecond'`,
      finished_at: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  if (r.numUpdatedRows === 0n) return false;
  await sql`select pg_notify(${JOB_NOTIFY_CHANNEL}, 'redrive')`.execute(db);
  return true;
}

/** A count of jobs by queue and state. */
export interface JobCount {
  queue: string;
  state: JobState;
  count: number;
}

/** Counts jobs by queue and state (optionally for one queue); only non-zero groups are listed. */
export async function countJobs(db: Kysely<Database>, options: { queue?: string } = {}): Promise<JobCount[]> {
  let q = db.selectFrom('jobs').select(['queue', 'state', (eb) => eb.fn.countAll<number>().as('count')]);
  if (options.queue) q = q.where('queue', '=', options.queue);
  return q.groupBy(['queue', 'state']).orderBy('queue').orderBy('state').execute();
}

/** Deletes `done` jobs finished more than `olderThanMs` ago (their dedupe keys become free again). */
export async function purgeDoneJobs(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const r = await db
    .deleteFrom('jobs')
    .where('state', '=', 'done')
    .where('finished_at', '<', sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A job by id. */
export async function findJobById(db: Kysely<Database>, id: number): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Removes `keys` from the payload of the job with `dedupeKey` (whatever its state): a handler drops what should
 * not outlive its use (a one-time code) once the job no longer needs it.
 */
export async function removeJobPayloadKeys(
  db: Kysely<Database>,
  dedupeKey: string,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ payload: sql<string>`payload - ${[...keys]}::text[]`, updated_at: sql<Date>`now()` })
    .where('dedupe_key', '=', dedupeKey)
    .execute();
}
