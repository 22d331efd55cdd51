/** What the SMS e2e tests share: reading cards from the fake Slack, and the interactivity payloads Slack sends. */
import { SMS_FIELD, VIEW } from '../../src/bot/ids.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { type ButtonClickOptions, buttonClick as click, viewSubmission } from '../support/slack-actions.js';
import { cardCalls, waitForCard as waitForCardMatching } from '../support/slack-cards.js';
import { interaction, type SlackRequest } from '../support/slack-requests.js';

export { buttonValue } from '../support/slack-cards.js';

export const USER = 'U0SENDER';

/** Card posts and updates of outbound SMS cards in `channel`, in order. */
export function smsCardCalls(slack: FakeSlack, channel: string): RecordedCall[] {
  return cardCalls(slack, channel, /^SMS to /);
}

/** The status word at the end of a card's fallback text (`SMS to +65…: delivered`). */
export function statusWord(call: RecordedCall): string {
  return /: (\w+)$/.exec(String(call.args['text']))?.[1] ?? '';
}

/** Waits for a card post or update in `channel` whose status word is `status`. */
export function waitForCard(slack: FakeSlack, channel: string, status: string): Promise<RecordedCall> {
  return waitForCardMatching(slack, channel, new RegExp(`^SMS to .*: ${status}$`));
}

/** A click on a button of a message in `channel` (block_actions), by USER unless told. */
export function buttonClick(
  options: Omit<ButtonClickOptions, 'user' | 'channel' | 'messageTs' | 'responseUrl'> & {
    channel: string;
    messageTs: string;
    responseUrl: string;
    user?: string;
  },
): SlackRequest {
  return click({ user: USER, ...options });
}

/** The values of an SMS modal as Slack reports them in `view.state.values`. */
export function smsValues(form: { to?: string; message?: string; senderName?: string; confirm?: boolean }) {
  return {
    [SMS_FIELD.to]: { [SMS_FIELD.to]: { type: 'plain_text_input', value: form.to ?? null } },
    [SMS_FIELD.message]: { [SMS_FIELD.message]: { type: 'plain_text_input', value: form.message ?? null } },
    [SMS_FIELD.senderName]: { [SMS_FIELD.senderName]: { type: 'plain_text_input', value: form.senderName ?? null } },
    ...(form.confirm === undefined
      ? {}
      : {
          [SMS_FIELD.confirmOptOut]: {
            [SMS_FIELD.confirmOptOut]: {
              type: 'checkboxes',
              selected_options: form.confirm ? [{ value: 'send_anyway', text: { type: 'plain_text', text: 'x' } }] : [],
            },
          },
        }),
  };
}

/** The view the app opened (as the fake answered it: with its id). */
export interface OpenedView {
  id: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; type: string; [key: string]: unknown }[];
}

export function openedView(call: RecordedCall): OpenedView {
  return (call.response.body as { view: OpenedView }).view;
}

/** A view_submission of the SMS modal `view` with `values`. */
export function submitSmsModal(view: OpenedView, values: ReturnType<typeof smsValues>, user = USER): SlackRequest {
  return viewSubmission({
    callbackId: VIEW.smsSend,
    user,
    viewId: view.id,
    hash: view.hash,
    privateMetadata: view.private_metadata,
    blocks: view.blocks,
    values,
  });
}

/** Typing in a dispatching input of the SMS modal (block_actions inside the view). */
export function typeInSmsModal(view: OpenedView, actionId: string, values: ReturnType<typeof smsValues>): SlackRequest {
  return interaction({
    type: 'block_actions',
    user: { id: USER, username: 'sender', team_id: 'T0FAKETEAM' },
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    container: { type: 'view', view_id: view.id },
    view: {
      id: view.id,
      hash: view.hash,
      type: 'modal',
      callback_id: VIEW.smsSend,
      private_metadata: view.private_metadata,
      blocks: view.blocks,
      state: { values },
    },
    actions: [{ type: 'plain_text_input', action_id: actionId, block_id: actionId, value: 'x', action_ts: '1' }],
  });
}
