/** What the admin and App Home e2e tests share: users, requests, and reading answers from the fake Slack. */
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { type ButtonClickOptions, buttonClick, slash, viewSubmission } from '../support/slack-actions.js';
import { responseTo } from '../support/slack-cards.js';
import type { SlackRequest } from '../support/slack-requests.js';

export { blockText } from '../support/slack-cards.js';

/** In ADMIN_USER_IDS. */
export const ADMIN = 'U0ADMIN1';
/** A workspace admin per users.info (set up with `slack.setUser`). */
export const WORKSPACE_ADMIN = 'U0WSADMIN';
export const MEMBER = 'U0MEMBER';
export const ADMIN_ENV = { ADMIN_USER_IDS: ADMIN } as const;
const ADMIN_CHANNEL = 'C0ADMINCH';

/** `/hoiio <text>` by `user` in `channel`, with a response_url on the fake; returns the request and that URL. */
export function command(
  slack: FakeSlack,
  text: string,
  { user = MEMBER, channel = ADMIN_CHANNEL }: { user?: string; channel?: string } = {},
): { request: SlackRequest; responseUrl: string } {
  return slash(slack, text, { user, channel });
}

/** The first respond() to `responseUrl`. */
export function response(slack: FakeSlack, responseUrl: string): Promise<RecordedCall> {
  return responseTo(slack, responseUrl);
}

/** A block_actions click on `actionId` (in a message with a response_url, or in App Home). */
export function click(options: ButtonClickOptions): SlackRequest {
  return buttonClick({ channel: ADMIN_CHANNEL, ...options });
}

/** A view_submission of `callbackId` with `values` (view.state.values). */
export function submitView(options: {
  callbackId: string;
  user: string;
  viewId?: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}): SlackRequest {
  return viewSubmission(options);
}
