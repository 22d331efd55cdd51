/**
 * What a user does in Slack, as the requests Slack sends for it: a `/hoiio` command (with a response_url on the fake),
 * a button click on a message or in App Home, a modal submission, a message shortcut.
 */
import type { FakeSlack } from './fake-slack.js';
import { interaction, type SlackRequest, slashCommand } from './slack-requests.js';

/** A message ts for clicks that do not care which message was clicked. */
const SOME_MESSAGE_TS = '1700000000.000100';

function triggerId(): string {
  return `trig-${Math.random().toString(36).slice(2)}`;
}

function slackUser(id: string) {
  return { id, username: id.toLowerCase(), team_id: 'T0FAKETEAM' };
}

/** `/hoiio <text>` by `user` in `channel`, with a fresh response_url on the fake; returns the request and that URL. */
export function slash(
  slack: FakeSlack,
  text: string,
  { user, channel, triggerId: trigger }: { user: string; channel: string; triggerId?: string },
): { request: SlackRequest; responseUrl: string } {
  const responseUrl = slack.responseUrl();
  return {
    request: slashCommand({
      text,
      user_id: user,
      channel_id: channel,
      response_url: responseUrl,
      ...(trigger !== undefined ? { trigger_id: trigger } : {}),
    }),
    responseUrl,
  };
}

export interface ButtonClickOptions {
  readonly actionId: string;
  readonly value?: string;
  readonly user: string;
  /** The clicked message's channel (default C0TESTCHAN); ignored for `home`. */
  readonly channel?: string;
  readonly messageTs?: string;
  /** The clicked message is in this thread. */
  readonly threadTs?: string;
  readonly responseUrl?: string;
  readonly triggerId?: string;
  readonly blockId?: string;
  /** A click in App Home instead of on a message. */
  readonly home?: boolean;
  /** An overflow menu choice instead of a button. */
  readonly selectedOption?: string;
}

/** A block_actions click on `actionId`: on a message (with a response_url) or in App Home. */
export function buttonClick(o: ButtonClickOptions): SlackRequest {
  const channel = o.channel ?? 'C0TESTCHAN';
  const messageTs = o.messageTs ?? SOME_MESSAGE_TS;
  const thread = o.threadTs ? { thread_ts: o.threadTs } : {};
  const action = o.selectedOption
    ? { type: 'overflow', selected_option: { value: o.selectedOption, text: { type: 'plain_text', text: 'x' } } }
    : { type: 'button', value: o.value ?? '' };
  return interaction({
    type: 'block_actions',
    user: slackUser(o.user),
    trigger_id: o.triggerId ?? triggerId(),
    ...(o.home
      ? { container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home' } }
      : {
          container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false, ...thread },
          channel: { id: channel, name: 'support-line' },
          message: { type: 'message', ts: messageTs, text: 'card', ...thread },
        }),
    ...(o.responseUrl ? { response_url: o.responseUrl } : {}),
    actions: [{ ...action, action_id: o.actionId, block_id: o.blockId ?? 'b', action_ts: `${Date.now() / 1000}` }],
  });
}

export interface ViewSubmissionOptions {
  readonly callbackId: string;
  readonly user: string;
  readonly viewId?: string;
  readonly hash?: string;
  readonly privateMetadata: string;
  /** view.state.values */
  readonly values: Record<string, Record<string, unknown>>;
  readonly blocks?: unknown[];
}

/** A view_submission of the modal `callbackId` with `values`. */
export function viewSubmission(o: ViewSubmissionOptions): SlackRequest {
  return interaction({
    type: 'view_submission',
    user: slackUser(o.user),
    trigger_id: triggerId(),
    view: {
      id: o.viewId ?? 'V0SUBMIT',
      type: 'modal',
      callback_id: o.callbackId,
      private_metadata: o.privateMetadata,
      blocks: o.blocks ?? [],
      state: { values: o.values },
      hash: o.hash ?? 'h',
    },
  });
}

/** A message shortcut on a message in `channel` with `text` (and `files`). */
export function messageShortcut(o: {
  callbackId: string;
  user: string;
  channel: string;
  text: string;
  ts?: string;
  files?: unknown[];
  responseUrl: string;
  triggerId?: string;
}): SlackRequest {
  const ts = o.ts ?? '1700000500.000100';
  return interaction({
    type: 'message_action',
    callback_id: o.callbackId,
    trigger_id: o.triggerId ?? triggerId(),
    user: { id: o.user, name: o.user.toLowerCase(), team_id: 'T0FAKETEAM' },
    channel: { id: o.channel, name: 'support-line' },
    message: { type: 'message', user: 'U0OTHER', ts, text: o.text, ...(o.files ? { files: o.files } : {}) },
    message_ts: ts,
    response_url: o.responseUrl,
  });
}
