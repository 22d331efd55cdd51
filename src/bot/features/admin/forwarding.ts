import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { setNumberRouteForwardingStatus } from '../../../db/repositories/number-routes.js';
import { type ActiveNumber, HoiioApiError, type HoiioClient, toE164 } from '../../../hoiio/index.js';
import type { WebhookUrls } from '../../webhook-urls.js';

/** What pointing a number's forwarding at us did, in words for the admin. */
export type ForwardingResult =
  | { readonly ok: true; readonly summary: string }
  | { readonly ok: false; readonly problem: string };

/** Why a Hoiio call failed, in words safe to show (never credentials). */
export function hoiioProblem(error: unknown): string {
  if (error instanceof HoiioApiError) return `${error.meaning} (${error.status})`;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code === 'hoiio_timeout'
      ? 'Hoiio did not answer in time'
      : `Hoiio could not be reached (${error.code})`;
  }
  return 'Hoiio could not be reached';
}

/** The account's numbers, keyed by E.164. */
export async function activeNumbers(hoiio: HoiioClient, defaultCountry: string): Promise<Map<string, ActiveNumber>> {
  const { entries } = await hoiio.number.getActive();
  const map = new Map<string, ActiveNumber>();
  for (const entry of entries) {
    const n = toE164(entry.number.startsWith('+') ? entry.number : `+${entry.number}`, defaultCountry);
    map.set(n.ok ? n.e164 : entry.number, entry);
  }
  return map;
}

/**
 * Points a number's Hoiio forwarding at this app with `number/update_forwarding`: voice calls or faxes (as the
 * number's mode says) to our `voice`/`fax` webhook, and SMS (when the number has SMS) to our `sms` webhook. Records
 * the outcome on the route (`forwarding_status`). Never throws.
 */
export async function pointForwarding(
  deps: { db: Kysely<Database>; hoiio: HoiioClient; webhookUrls: WebhookUrls; defaultCountry: string },
  number: string,
): Promise<ForwardingResult> {
  let result: ForwardingResult;
  try {
    const entry = (await activeNumbers(deps.hoiio, deps.defaultCountry)).get(number);
    if (entry === undefined) {
      result = { ok: false, problem: 'it is not one of the active numbers of this Hoiio account' };
    } else {
      const mode = entry.mode === 'fax' ? 'fax' : 'voice';
      const sms = entry.capabilities.some((c) => c.toUpperCase() === 'SMS');
      await deps.hoiio.number.updateForwarding({
        number: entry.number,
        mode,
        forwardTo: deps.webhookUrls.url(mode),
        ...(sms ? { forwardToSms: deps.webhookUrls.url('sms') } : {}),
      });
      const what = [mode === 'fax' ? 'faxes' : 'calls', ...(sms ? ['SMS'] : [])].join(' and ');
      result = { ok: true, summary: `Hoiio now forwards ${what} to this app (${deps.webhookUrls.masked(mode)}).` };
    }
  } catch (error) {
    result = { ok: false, problem: hoiioProblem(error) };
  }
  await setNumberRouteForwardingStatus(deps.db, number, result.ok ? 'ok' : result.problem.slice(0, 200));
  return result;
}
