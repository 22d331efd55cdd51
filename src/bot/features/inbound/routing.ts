/**
 * Where an inbound event for one of our numbers goes: the number's route (`number_routes`), else
 * DEFAULT_CHANNEL, else nowhere (the event is kept as `unrouted` and shown in App Home). Shared with the calls
 * feature.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { findNumberRoute } from '../../../db/repositories/number-routes.js';

/** The channel an event is posted to, and why. */
export interface InboundRoute {
  readonly channelId: string;
  /** `route`: the number's own route; `default`: DEFAULT_CHANNEL. */
  readonly source: 'route' | 'default';
  /** The route's label (`Support line`), when it has one. Untrusted text: escape it. */
  readonly label?: string | undefined;
}

/** The channel for events to `ourNumber` (E.164), or undefined when there is none (unrouted). */
export async function routeInbound(
  db: Kysely<Database>,
  ourNumber: string,
  defaultChannel: string | undefined,
): Promise<InboundRoute | undefined> {
  const route = await findNumberRoute(db, ourNumber);
  if (route !== undefined) return { channelId: route.channel_id, source: 'route', label: route.label ?? undefined };
  return defaultChannel === undefined ? undefined : { channelId: defaultChannel, source: 'default' };
}

/** The label of our number's route, for cards (undefined without a route or label). */
export async function ourNumberLabel(db: Kysely<Database>, ourNumber: string | null): Promise<string | undefined> {
  if (ourNumber === null) return undefined;
  return (await findNumberRoute(db, ourNumber))?.label ?? undefined;
}
