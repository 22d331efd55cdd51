/**
 * The message shortcut "Call a number in this message": one number → the call is placed at once; several → a modal
 * to pick one (opened before the ack, as trigger ids expire in 3 s); none → a clear ephemeral answer. The call's
 * card replies in the message's thread.
 */
import type {
  AllMiddlewareArgs,
  MessageShortcut,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { z } from 'zod';
import { findPhoneNumbers, formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { CALL_FIELD } from '../../ids.js';
import { slackTextToPlain } from '../../slack-text.js';
import { pickNumberModal } from './blocks.js';
import { callTag } from './outbound-call.js';
import { placeCallOrRefuse, placeCallText } from './place-call.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;
type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What the picker carries to its submission. */
const PickMetadata = z.object({
  channel: z.string().min(1),
  threadTs: z.string().optional(),
  numbers: z.array(z.string()).min(1).max(10),
});

export function handleCallShortcut(deps: Pick<BotDeps, 'db' | 'config' | 'logger' | 'jobWake'>) {
  return async ({ shortcut, ack, respond, client }: ShortcutArgs) => {
    const numbers = findPhoneNumbers(slackTextToPlain(shortcut.message.text ?? ''), deps.config.defaultCountry);
    const channel = shortcut.channel.id;
    const threadTs = (shortcut.message['thread_ts'] as string | undefined) ?? shortcut.message.ts;
    if (numbers.length > 1) {
      const metadata = JSON.stringify({ channel, threadTs, numbers: numbers.slice(0, 10) });
      try {
        await client.views.open({
          trigger_id: shortcut.trigger_id,
          view: pickNumberModal({ numbers, privateMetadata: metadata }),
        });
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not open the call picker');
        await ack();
        await respond({
          response_type: 'ephemeral',
          text: `:warning: Slack did not let me open the picker. Call one of them with \`/hoiio call <number>\`: ${numbers.map(formatPhoneNumber).join(', ')}.`,
        });
        return;
      }
      await ack();
      return;
    }
    const [to] = numbers;
    if (to === undefined) {
      await ack();
      await respond({
        response_type: 'ephemeral',
        text: 'I found no phone number in that message. Numbers without a country code are read as local numbers; or call one with `/hoiio call <number>`.',
      });
      return;
    }
    const outcome = await placeCallOrRefuse(deps, {
      to,
      user: shortcut.user.id,
      team: shortcut.team?.id,
      channel,
      threadTs,
      tag: callTag('shortcut', shortcut.trigger_id),
      source: 'shortcut',
    });
    await ack();
    const text = 'refused' in outcome ? outcome.refused : placeCallText(to, outcome.placed);
    await respond({ response_type: 'ephemeral', text });
  };
}

/** The picker's submission: the chosen number must be one the modal offered. */
export function handlePickNumberSubmission(deps: Pick<BotDeps, 'db' | 'jobWake'>) {
  return async ({ view, body, ack }: SubmitArgs) => {
    const meta = PickMetadata.safeParse(safeJson(view.private_metadata));
    const chosen = view.state.values[CALL_FIELD.number]?.[CALL_FIELD.number]?.selected_option?.value;
    if (!meta.success || chosen === undefined || !meta.data.numbers.includes(chosen)) {
      await ack({ response_action: 'errors', errors: { [CALL_FIELD.number]: 'Pick one of the numbers.' } });
      return;
    }
    const outcome = await placeCallOrRefuse(deps, {
      to: chosen,
      user: body.user.id,
      team: body.team?.id,
      channel: meta.data.channel,
      threadTs: meta.data.threadTs,
      tag: callTag('view', view.id),
      source: 'view',
    });
    if ('refused' in outcome) {
      await ack({ response_action: 'errors', errors: { [CALL_FIELD.number]: outcome.refused } });
      return;
    }
    const { placed } = outcome;
    if (placed.result.kind === 'live' || placed.result.kind === 'own_number') {
      await ack({ response_action: 'errors', errors: { [CALL_FIELD.number]: placeCallText(chosen, placed) } });
      return;
    }
    await ack();
  };
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
