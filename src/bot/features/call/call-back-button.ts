/**
 * The Call back button on every card (ACTION.contactCallBack, value = the number, E.164): a click-to-call whose
 * card replies in the thread of the card that was clicked (the contact's thread for inbound cards).
 */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isE164 } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { callTag } from './outbound-call.js';
import { placeCallOrRefuse, placeCallText } from './place-call.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function handleCallBackButton(deps: Pick<BotDeps, 'db' | 'jobWake'>) {
  return async ({ action, body, ack, respond }: ButtonArgs) => {
    const to = action.value ?? '';
    const container = body.container as Record<string, unknown> | undefined;
    const channel = body.channel?.id ?? stringOf(container?.['channel_id']);
    if (!isE164(to) || channel === undefined) {
      await ack();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That button has no number to call.',
      });
      return;
    }
    // Reply in the clicked card's thread (a card at the top of the channel starts one).
    const message = body.message as Record<string, unknown> | undefined;
    const threadTs =
      stringOf(message?.['thread_ts']) ?? stringOf(message?.['ts']) ?? stringOf(container?.['thread_ts']);
    const outcome = await placeCallOrRefuse(deps, {
      to,
      user: body.user.id,
      team: body.team?.id,
      channel,
      threadTs,
      tag: callTag('button', body.trigger_id),
      source: 'button',
    });
    await ack();
    const text = 'refused' in outcome ? outcome.refused : placeCallText(to, outcome.placed);
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
