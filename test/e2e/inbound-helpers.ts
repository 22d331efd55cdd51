/** What the inbound e2e tests share: reading cards and threads from the fake Slack, clicking, submitting. */
import { INBOUND_FIELD, VIEW } from '../../src/bot/ids.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { buttonClick as click, viewSubmission } from '../support/slack-actions.js';
import { postedTs } from '../support/slack-cards.js';
import type { SlackRequest } from '../support/slack-requests.js';

export { buttonValue } from '../support/slack-cards.js';

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
export const tsOf = postedTs;

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

/** A click on a button of a message (block_actions), by USER. */
export function buttonClick(o: {
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  responseUrl: string;
  triggerId?: string;
}): SlackRequest {
  return click({ user: USER, ...o });
}

/** The Reply modal's submission, as Slack sends it. */
export function replySubmission(o: {
  viewId: string;
  privateMetadata: string;
  message: string;
  confirm?: boolean;
}): SlackRequest {
  return viewSubmission({
    callbackId: VIEW.inboundSmsReply,
    user: USER,
    viewId: o.viewId,
    privateMetadata: o.privateMetadata,
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
  });
}
