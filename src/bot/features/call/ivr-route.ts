/**
 * The route of a called number as the IVR driver needs it, resolved once when the call comes in and kept with the
 * session (so a route edited mid-call does not change a call in progress): the channel (the number's route, else
 * DEFAULT_CHANNEL, as for faxes and SMS), the greeting, the ring list and menu resolved to phones
 * (user_profiles; users without a phone are skipped), voicemail on/off and its length.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { findNumberRoute } from '../../../db/repositories/number-routes.js';
import { findUserPhones } from '../../../db/repositories/user-profiles.js';
import { DEFAULT_GREETING, type IvrMenu, type IvrRoute, type RingTarget } from './ivr-driver.js';
import { menuUserIds, parseRouteMenu } from './route-menu.js';

/** Seconds of voicemail without a route (design.md: Hoiio's default). */
export const DEFAULT_VOICEMAIL_SECONDS = 120;

/** The route for a call to `ourNumber`, resolved to phones. */
export async function loadIvrRoute(
  db: Kysely<Database>,
  ourNumber: string | undefined,
  defaultChannel: string | undefined,
  caller: string | undefined,
): Promise<IvrRoute> {
  const row = ourNumber !== undefined ? await findNumberRoute(db, ourNumber) : undefined;
  if (row === undefined) {
    return {
      channelId: defaultChannel ?? null,
      routed: false,
      greeting: DEFAULT_GREETING,
      ring: [],
      voicemail: true,
      voicemailMaxSeconds: DEFAULT_VOICEMAIL_SECONDS,
      menu: null,
    };
  }
  const menu = parseRouteMenu(row.menu);
  const phones = await findUserPhones(db, [...row.ring_user_ids, ...menuUserIds(menu)]);
  // The caller's own phone is never rung for their own call.
  const targets = (userIds: readonly string[]): RingTarget[] =>
    userIds.flatMap((userId) => {
      const phone = phones.get(userId);
      return phone !== undefined && phone !== caller ? [{ userId, phone }] : [];
    });
  let ivrMenu: IvrMenu | null = null;
  if (menu !== null) {
    const options: Record<string, { label: string; ring: RingTarget[] }> = {};
    for (const [digit, option] of Object.entries(menu.options)) {
      options[digit] = { label: option.label, ring: targets(option.ringUserIds) };
    }
    ivrMenu = { prompt: menu.prompt, options };
  }
  return {
    channelId: row.channel_id,
    routed: true,
    greeting: row.greeting?.trim() || DEFAULT_GREETING,
    ring: targets(row.ring_user_ids),
    voicemail: row.voicemail,
    voicemailMaxSeconds: row.voicemail_max_seconds,
    menu: ivrMenu,
  };
}
