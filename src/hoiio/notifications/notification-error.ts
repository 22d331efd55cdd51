/** The one error `parseNotification` throws. */

/** What a rejected notification was missing or had wrong. */
export type HoiioNotificationProblem = 'missing' | 'malformed' | 'unrecognised';

/**
 * A webhook payload that can never be processed: a required field is missing, a value is malformed,
 * or the payload is not any Hoiio notification. `field` names the parameter (snake_case, as Hoiio
 * sends it) when one is to blame. The message never contains parameter values.
 */
export class HoiioNotificationError extends Error {
  readonly code = 'hoiio_notification_invalid';
  readonly field: string | undefined;
  readonly problem: HoiioNotificationProblem;
  /** A short sentence saying what is wrong, without the offending value. */
  readonly reason: string;

  constructor(problem: HoiioNotificationProblem, reason: string, field?: string, options?: { cause?: unknown }) {
    super(`Invalid Hoiio notification: ${reason}`, options);
    this.name = 'HoiioNotificationError';
    this.problem = problem;
    this.reason = reason;
    this.field = field;
  }
}
