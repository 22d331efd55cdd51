import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { JsonValue } from '../json.js';

export const JOB_STATES = ['pending', 'running', 'done', 'dead'] as const;
/** `pending` (waiting for `run_at`), `running` (leased), `done`, `dead` (gave up; admins may redrive). */
export type JobState = (typeof JOB_STATES)[number];

/** `jobs`: the durable queue. Use `src/db/job-queue.ts`, not this table directly. */
export interface JobTable {
  id: Generated<number>;
  queue: string;
  payload: ColumnType<JsonValue, string | undefined, string>;
  /** Unique: a second enqueue with the same key is a no-op (even after the first is done). */
  dedupe_key: string | null;
  /** Jobs sharing a key run one at a time, in id order. */
  serial_key: string | null;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  run_at: ColumnType<Date, Date | undefined, Date>;
  /** Claims so far (a claim counts as an attempt). */
  attempts: ColumnType<number, number | undefined, number>;
  max_age_ms: number;
  /** After this instant a failure makes the job `dead` instead of retrying. */
  deadline_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: Date | null;
}

export type JobRow = Selectable<JobTable>;
export type NewJobRow = Insertable<JobTable>;
export type JobRowUpdate = Updateable<JobTable>;
