/**
 * What every log line of the current unit of work carries: the request id of the Slack request or webhook that
 * started it, and, inside a job, the job's id and queue. The logger adds it to each line (pino `mixin`), the job
 * queue copies the request id into the payload of jobs enqueued during the request, and the job runner restores
 * it while the job runs, so one id follows a flow from the intake line to the last job it caused.
 *
 * One AsyncLocalStorage for the process: it holds no state of its own, only the context of the async call chain
 * it is entered from (like a thread-local), which is why it is a module constant rather than a dependency.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface LogContext {
  readonly request_id?: string;
  readonly job_id?: number;
  readonly queue?: string;
}

/** The payload field that carries the request id into a job. */
export const REQUEST_ID_FIELD = 'request_id';
/** The HTTP header a request id is taken from (when well-formed) and answered in. */
export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<LogContext>();
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,64}$/;

/** Runs `fn` with `context` as the current log context (nested contexts see only the innermost). */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current log context, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The request id of an incoming request: its `X-Request-Id` when well-formed (a proxy's), else a fresh one. */
export function requestIdFor(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && WELL_FORMED.test(given) ? given : randomBytes(8).toString('hex');
}

/** The request id a job payload carries, if it is one. */
export function requestIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const value = (payload as Record<string, unknown>)[REQUEST_ID_FIELD];
  return typeof value === 'string' && WELL_FORMED.test(value) ? value : undefined;
}
