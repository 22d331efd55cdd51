/** What the inbound e2e tests share: reading cards and threads from the fake Slack, clicking, submitting. */
import { INBOUND_FIELD, VIEW } from '../../src/bot/ids.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { interaction, type SlackRequest } from '../support/slack-requests.js';

export const CUSTOMER = '+6591234567';
export const OTHER_CUSTOMER = '+6598765432';
export const USER = 'U0REPLIER';

/** chat.postMessage calls to `channel`, in order. */
export function posts(slack: FakeSlack, channel: string): RecordedCall[] {
  return slack
    .calls('chat.postMessage')
    .filter(
      (c) =>
        c.args['channel'] === channel && c.response.body !== null && (c.response.body as { ok?: boolean }).ok === true,
    );
}

/** The ts Slack gave a successful post. */
export function tsOf(call: RecordedCall | undefined): string {
  const ts = (call?.response.body as { ts?: string } | undefined)?.ts;
  if (!ts) throw new Error('no ts: the call was not a successful post');
  return ts;
}

/** The latest rendering of the message `ts` in `channel` (its post, or its last update). */
export function latestVersion(slack: FakeSlack, channel: string, ts: string): RecordedCall | undefined {
  return slack
    .calls()
    .filter(
      (c) =>
        c.args['channel'] === channel &&
        ((c.method === 'chat.postMessage' && (c.response.body as { ts?: string } | null)?.ts === ts) ||
          (c.method === 'chat.update' && c.args['ts'] === ts && (c.response.body as { ok?: boolean } | null)?.ok)),
    )
    .at(-1);
}

/** The value of the button `actionId` in a recorded card's blocks. */
export function buttonValue(call: RecordedCall | undefined, actionId: string): string | undefined {
  const blocks = (call?.args['blocks'] ?? []) as {
    type: string;
    elements?: { action_id?: string; value?: string }[];
  }[];
  for (const b of blocks) {
    const e = b.type === 'actions' ? b.elements?.find((x) => x.action_id === actionId) : undefined;
    if (e) return e.value;
  }
  return undefined;
}

/** A click on a button of a message (block_actions). */
export function buttonClick(o: {
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  responseUrl: string;
  triggerId?: string;
}): SlackRequest {
  return interaction({
    type: 'block_actions',
    user: { id: USER, username: 'replier', team_id: 'T0FAKETEAM' },
    trigger_id: o.triggerId ?? `trig-${Math.random().toString(36).slice(2)}`,
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: false },
    channel: { id: o.channel, name: 'support-line' },
    message: { type: 'message', ts: o.messageTs, text: 'card' },
    response_url: o.responseUrl,
    actions: [
      { type: 'button', action_id: o.actionId, block_id: 'b', value: o.value, action_ts: `${Date.now() / 1000}` },
    ],
  });
}

/** The Reply modal's submission, as Slack sends it. */
export function replySubmission(o: {
  viewId: string;
  privateMetadata: string;
  message: string;
  confirm?: boolean;
}): SlackRequest {
  return interaction({
    type: 'view_submission',
    user: { id: USER, username: 'replier', team_id: 'T0FAKETEAM' },
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    view: {
      id: o.viewId,
      type: 'modal',
      callback_id: VIEW.inboundSmsReply,
      private_metadata: o.privateMetadata,
      hash: 'h',
      state: {
        values: {
          [INBOUND_FIELD.message]: { [INBOUND_FIELD.message]: { type: 'plain_text_input', value: o.message } },
          ...(o.confirm === undefined
            ? {}
            : {
                [INBOUND_FIELD.confirmOptOut]: {
                  [INBOUND_FIELD.confirmOptOut]: {
                    type: 'checkboxes',
                    selected_options: o.confirm ? [{ value: 'confirm', text: { type: 'plain_text', text: 'x' } }] : [],
                  },
                },
              }),
        },
      },
    },
  });
}
