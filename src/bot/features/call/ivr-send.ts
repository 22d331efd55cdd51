/** Sends one IVR block the driver decided, with its notify URL (`…/voice?step=<n>`) and its own tag. */
import type { BotDeps } from '../../deps.js';
import type { IvrBlockRequest } from './ivr-driver.js';

/** A caller is waiting: an IVR request that takes longer than this is given up (its outcome is then unknown). */
export const IVR_REQUEST_TIMEOUT_MS = 10_000;

/** The notify URL of a block: our voice webhook with the step, which Hoiio passes back. */
export function ivrNotifyUrl(deps: Pick<BotDeps, 'webhookUrls'>, step: number): string {
  return `${deps.webhookUrls.url('voice')}?step=${step}`;
}

/**
 * Requests the block from Hoiio. Each block gets its own `tag` (`hs-ivr-<step>`), so two notifications of the same
 * kind of block stay distinct. Throws the client's errors (HoiioSessionError, HoiioApiError, network…).
 */
export async function sendIvrBlock(
  deps: Pick<BotDeps, 'hoiio' | 'webhookUrls'>,
  session: string,
  request: IvrBlockRequest,
  signal: AbortSignal,
): Promise<void> {
  const base = { session, tag: `hs-ivr-${request.step}`, notifyUrl: ivrNotifyUrl(deps, request.step) };
  const options = { signal, timeoutMs: IVR_REQUEST_TIMEOUT_MS };
  const { ivr } = deps.hoiio;
  switch (request.block) {
    case 'play':
      return ivr.play({ ...base, msg: request.msg }, options);
    case 'gather':
      return ivr.gather(
        {
          ...base,
          msg: request.msg,
          maxDigits: request.maxDigits,
          timeout: request.timeout,
          attempts: request.attempts,
        },
        options,
      );
    case 'transfer':
      await ivr.transfer({ ...base, dest: request.dest, onFailure: request.onFailure }, options);
      return;
    case 'record':
      return ivr.record({ ...base, msg: request.msg, maxDuration: request.maxDuration }, options);
    case 'hangup':
      return ivr.hangup({ ...base, msg: request.msg }, options);
  }
}
