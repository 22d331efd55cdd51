/** Thrown by a job handler to retry after exactly `ms` (plus a little jitter), e.g. on HTTP 429. */
export class RetryAfterError extends Error {
  readonly code = 'job_retry_after';
  constructor(
    readonly ms: number,
    message = `retry after ${ms} ms`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryAfterError';
  }
}

/** Thrown by a job handler when retrying cannot help: the job becomes `dead` at once. */
export class PermanentJobError extends Error {
  readonly code = 'job_permanent';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Raised through `ctx.renewLease()` when another worker has taken the job over. */
export class JobLeaseLostError extends Error {
  readonly code = 'job_lease_lost';
  constructor(readonly jobId: number) {
    super(`lost the lease on job ${jobId}`);
    this.name = 'JobLeaseLostError';
  }
}
