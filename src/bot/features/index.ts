import type { App } from '@slack/bolt';
import type { CardRegistry } from '../cards/card-registry.js';
import type { BotDeps } from '../deps.js';
import type { SubcommandRegistry } from '../hoiio-command.js';
import type { RouteTable } from '../http-server.js';
import type { InboundRegistry } from '../inbound/inbound-registry.js';
import { register as registerAdmin } from './admin/index.js';
import { register as registerCall } from './call/index.js';
import { register as registerFax } from './fax/index.js';
import { register as registerHome } from './home/index.js';
import { register as registerInbound } from './inbound/index.js';
import { register as registerSms } from './sms/index.js';

/** What a feature's `register()` receives: it adds listeners, `/hoiio` subcommands, queue handlers and routes. */
export interface FeatureContext {
  readonly app: App;
  readonly deps: BotDeps;
  readonly subcommands: SubcommandRegistry;
  readonly jobs: JobRegistry;
  /** Extra HTTP routes on the one listener, e.g. `/hoiio` (webhooks) or `/sandbox`. */
  readonly routes: RouteTable;
  /** Card renderers per (kind, direction), the contact header, media sources (the same as `deps.cards`). */
  readonly cards: CardRegistry;
  /** Relay handlers per notification kind (the same as `deps.inbound`). */
  readonly inbound: InboundRegistry;
}

/** One user-facing feature (one folder under features/). */
export interface Feature {
  readonly name: string;
  register(context: FeatureContext): void;
}

/** The features the app runs, in registration order. Each folder's index.ts exports its `register`. */
export const FEATURES: readonly Feature[] = [
  { name: 'sms', register: registerSms },
  { name: 'fax', register: registerFax },
  { name: 'inbound', register: registerInbound },
  { name: 'call', register: registerCall },
  { name: 'admin', register: registerAdmin },
  { name: 'home', register: registerHome },
  // TODO(lead): call, inbound, home, admin — as they land.
];

/** A job as a queue handler sees it; the job runner passes its full row, which has at least these fields. */
export interface QueuedJob {
  readonly queue: string;
  readonly payload: unknown;
  readonly attempts: number;
}

/** Handed to a job handler: abort when the runner stops; renew the lease during long work. */
export interface JobContext {
  readonly signal: AbortSignal;
  renewLease(): Promise<void>;
}

export type JobHandler = (job: QueuedJob, context: JobContext) => Promise<void>;

/** Queue name → handler; the job runner claims jobs of exactly these queues. */
export class JobRegistry {
  readonly #handlers = new Map<string, JobHandler>();

  add(queue: string, handler: JobHandler): void {
    if (this.#handlers.has(queue)) {
      throw Object.assign(new Error(`A handler for queue ${queue} is already registered`), {
        code: 'job_handler_conflict',
      });
    }
    this.#handlers.set(queue, handler);
  }

  get(queue: string): JobHandler | undefined {
    return this.#handlers.get(queue);
  }

  queues(): string[] {
    return [...this.#handlers.keys()];
  }

  /** The handlers as a plain record (the job worker's `handlers` option). */
  toRecord(): Record<string, JobHandler> {
    return Object.fromEntries(this.#handlers);
  }
}
