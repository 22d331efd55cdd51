/** What the admin and App Home e2e tests share: users, requests, and reading answers from the fake Slack. */
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { interaction, type SlackRequest, slashCommand } from '../support/slack-requests.js';

/** In ADMIN_USER_IDS. */
export const ADMIN = 'U0ADMIN1';
/** A workspace admin per users.info (set up with `slack.setUser`). */
export const WORKSPACE_ADMIN = 'U0WSADMIN';
export const MEMBER = 'U0MEMBER';
export const ADMIN_ENV = { ADMIN_USER_IDS: ADMIN } as const;

/** `/hoiio <text>` by `user` in `channel`, with a response_url on the fake; returns the request and that URL. */
export function command(
  slack: FakeSlack,
  text: string,
  { user = MEMBER, channel = 'C0ADMINCH' }: { user?: string; channel?: string } = {},
): { request: SlackRequest; responseUrl: string } {
  const responseUrl = slack.responseUrl();
  return {
    request: slashCommand({ text, user_id: user, channel_id: channel, response_url: responseUrl }),
    responseUrl,
  };
}

/** The first respond() to `responseUrl`. */
export function response(slack: FakeSlack, responseUrl: string): Promise<RecordedCall> {
  return slack.waitForCall('response_url', (c) => c.args['url'] === responseUrl);
}

/** Every mrkdwn/plain text in a message's or view's blocks, joined: what a reader sees. */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** A block_actions click on `actionId` (in a message with a response_url, or in App Home). */
export function click(options: {
  actionId: string;
  value?: string;
  user: string;
  responseUrl?: string;
  channel?: string;
  selectedOption?: string;
  home?: boolean;
}): SlackRequest {
  const action = options.selectedOption
    ? { type: 'overflow', selected_option: { value: options.selectedOption, text: { type: 'plain_text', text: 'x' } } }
    : { type: 'button', value: options.value ?? '' };
  return interaction({
    type: 'block_actions',
    user: { id: options.user, username: options.user.toLowerCase(), team_id: 'T0FAKETEAM' },
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    ...(options.home
      ? { container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home' } }
      : {
          container: { type: 'message', message_ts: '1700000000.000100', channel_id: options.channel ?? 'C0ADMINCH' },
          channel: { id: options.channel ?? 'C0ADMINCH', name: 'admin' },
          message: { type: 'message', ts: '1700000000.000100', text: 'x' },
        }),
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: [{ ...action, action_id: options.actionId, block_id: 'b', action_ts: `${Date.now() / 1000}` }],
  });
}

/** A view_submission of `callbackId` with `values` (view.state.values). */
export function submitView(options: {
  callbackId: string;
  user: string;
  viewId?: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}): SlackRequest {
  return interaction({
    type: 'view_submission',
    user: { id: options.user, username: options.user.toLowerCase(), team_id: 'T0FAKETEAM' },
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    view: {
      id: options.viewId ?? 'V0SUBMIT',
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      state: { values: options.values },
      hash: 'h',
    },
  });
}
