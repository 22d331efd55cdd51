import type { WebClient } from '@slack/web-api';
import { isOptedOut } from '../../../db/repositories/opt-outs.js';
import { formatPhoneNumber, toE164 } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { type SmsModalMeta, sendSmsModal, smsEstimateText } from './sms-modal.js';
import type { SmsRateCache } from './sms-rate-cache.js';

/** What the modal handlers share: the deps and the rate cache (one per app). */
export interface SmsModalDeps {
  readonly deps: Pick<BotDeps, 'db' | 'config' | 'logger'>;
  readonly rates: SmsRateCache;
}

/**
 * Opens the SMS modal at once (trigger ids expire after 3 s, so nothing is looked up first), prefilled with `to`.
 * @returns the view id, for {@link refreshSmsModal}.
 */
export async function openSmsModal(
  client: WebClient,
  triggerId: string,
  input: { meta: SmsModalMeta; to?: string | undefined; text?: string | undefined; hint?: string | undefined },
): Promise<string | undefined> {
  const view = sendSmsModal({
    meta: input.meta,
    to: input.to === undefined ? undefined : formatPhoneNumber(input.to),
    text: input.text,
    hint: input.hint,
    estimate: smsEstimateText(input.text ?? '', input.to === undefined ? 'no-number' : 'loading'),
  });
  const res = await client.views.open({ trigger_id: triggerId, view });
  return res.view?.id;
}

/**
 * Re-renders an open SMS modal for what is typed now: the estimate (rate from the cache, fetched if needed) and
 * the "send anyway" checkbox when the number opted out. Input values are kept by Slack (same block and action ids).
 * Errors are logged, never thrown: the modal still works without a fresh estimate.
 */
export async function refreshSmsModal(
  { deps, rates }: SmsModalDeps,
  client: WebClient,
  viewId: string,
  state: { meta: SmsModalMeta; to: string; text: string; hint?: string | undefined },
): Promise<void> {
  try {
    const to = toE164(state.to, deps.config.defaultCountry);
    const [optedOut, rate] = to.ok
      ? await Promise.all([isOptedOut(deps.db, to.e164), rates.get(to.e164)])
      : [false, 'no-number' as const];
    const view = sendSmsModal({
      meta: state.meta,
      optedOut,
      hint: state.hint,
      estimate: smsEstimateText(state.text, rate),
    });
    await client.views.update({ view_id: viewId, view });
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not refresh the SMS modal');
  }
}
