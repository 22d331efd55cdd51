import { PermanentJobError } from '../../db/job-errors.js';
import { findInboundEventById, markInboundEvent } from '../../db/repositories/inbound-events.js';
import { type HoiioNotification, HoiioNotificationError, parseNotification } from '../../hoiio/index.js';
import type { BotDeps } from '../deps.js';
import type { JobContext, JobHandler, QueuedJob } from '../features/index.js';

/**
 * The `inbound.relay` job: loads the stored event, parses it again and hands it to the handler registered for its
 * notification kind, then records how it ended on the event (`processed`, `unverified`, `unrouted`, `ignored`).
 * A handler's `PermanentJobError` marks the event `failed` (and the job dead); any other error retries the job
 * and leaves the event `received`. An event no longer `received` is not handled again.
 */
export function runInboundRelay(deps: BotDeps): JobHandler {
  const log = deps.logger.child({ component: 'inbound-relay' });
  return async (job: QueuedJob, context: JobContext): Promise<void> => {
    const eventId = (job.payload as { eventId?: unknown } | null)?.eventId;
    if (typeof eventId !== 'number') throw new PermanentJobError('inbound.relay job without an eventId');
    const event = await findInboundEventById(deps.db, eventId);
    if (event?.state !== 'received') return;
    let notification: HoiioNotification;
    try {
      notification = parseNotification(event.params as Record<string, string>, event.kind);
    } catch (error) {
      if (!(error instanceof HoiioNotificationError)) throw error;
      await markInboundEvent(deps.db, event.id, 'rejected', { error: error.reason });
      return;
    }
    const handler = deps.inbound.get(notification.kind);
    if (!handler) {
      await markInboundEvent(deps.db, event.id, 'ignored', { error: `no handler for ${notification.kind}` });
      log.warn({ eventId, kind: notification.kind }, 'no inbound handler registered');
      return;
    }
    let outcome: Awaited<ReturnType<typeof handler>>;
    try {
      outcome = await handler(notification, {
        deps,
        event,
        signal: context.signal,
        attempts: job.attempts,
        renewLease: () => context.renewLease(),
      });
    } catch (error) {
      if (error instanceof PermanentJobError) {
        await markInboundEvent(deps.db, event.id, 'failed', { error: error.message.slice(0, 500) });
      }
      throw error;
    }
    await markInboundEvent(deps.db, event.id, outcome?.state ?? 'processed', {
      ...(outcome?.reason !== undefined ? { error: outcome.reason } : {}),
      ...(outcome?.transactionId !== undefined ? { transactionId: outcome.transactionId } : {}),
    });
  };
}
