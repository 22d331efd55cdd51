import type { InboundEventRow } from '../../db/tables/inbound-events.js';
import type { HoiioNotification, HoiioNotificationKind } from '../../hoiio/index.js';
import type { BotDeps } from '../deps.js';

/** The notification of one kind, e.g. `NotificationOf<'sms.incoming'>` is `IncomingSmsNotification`. */
export type NotificationOf<K extends HoiioNotificationKind> = Extract<HoiioNotification, { kind: K }>;

/** What a relay handler gets besides its notification. */
export interface InboundContext {
  readonly deps: BotDeps;
  /** The stored event (raw params, id, kind of URL it came in on). */
  readonly event: InboundEventRow;
  /** Aborted when the worker stops or loses the job. */
  readonly signal: AbortSignal;
  /** Claims of this relay job so far (1 on the first run). */
  readonly attempts: number;
  renewLease(): Promise<void>;
}

/**
 * How the event ended, recorded on its `inbound_events` row. Returning nothing means `processed`.
 * - `unverified`: query_status did not confirm it (forged, or another account's): nothing posted or fetched;
 * - `unrouted`: no channel to post to; kept for App Home;
 * - `ignored`: nothing to do (e.g. a status for a transaction we do not know).
 */
export interface InboundOutcome {
  readonly state: 'processed' | 'unverified' | 'unrouted' | 'ignored';
  /** Why, in words (no secrets): stored in the event's `error` column. */
  readonly reason?: string;
  /** The transaction the event created or updated. */
  readonly transactionId?: number;
}

/**
 * Handles one kind of notification in the `inbound.relay` job: verify (query_status), write the state change
 * and its card sync in one db transaction. Runs again after a crash or a thrown error, so it must be idempotent
 * (unique keys). Throw to retry with backoff; throw `PermanentJobError` to give up (the event becomes `failed`).
 */
export type InboundHandler<K extends HoiioNotificationKind> = (
  notification: NotificationOf<K>,
  context: InboundContext,
) => Promise<InboundOutcome | undefined>;

type AnyInboundHandler = (
  notification: HoiioNotification,
  context: InboundContext,
) => Promise<InboundOutcome | undefined>;

/** Notification kind → relay handler; features register theirs (`inbound.register('sms.incoming', …)`). */
export class InboundRegistry {
  readonly #handlers = new Map<HoiioNotificationKind, AnyInboundHandler>();

  register<K extends HoiioNotificationKind>(kind: K, handler: InboundHandler<K>): void {
    if (this.#handlers.has(kind)) {
      throw Object.assign(new Error(`An inbound handler for ${kind} is already registered`), {
        code: 'inbound_handler_conflict',
      });
    }
    // The dispatcher only calls a handler with a notification of the kind it was registered for.
    this.#handlers.set(kind, handler as AnyInboundHandler);
  }

  get(kind: HoiioNotificationKind): AnyInboundHandler | undefined {
    return this.#handlers.get(kind);
  }

  kinds(): HoiioNotificationKind[] {
    return [...this.#handlers.keys()];
  }
}
