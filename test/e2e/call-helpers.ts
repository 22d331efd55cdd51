/** What the call e2e tests share: reading call cards from the fake Slack, and the payloads Slack sends. */
import type { RecordedCall } from '../support/fake-slack.js';
import {
  type ButtonClickOptions,
  buttonClick as click,
  messageShortcut as shortcut,
  viewSubmission as submission,
  type ViewSubmissionOptions,
} from '../support/slack-actions.js';
import type { SlackRequest } from '../support/slack-requests.js';

export { buttonValue, cardCalls, postedTs, waitForCard } from '../support/slack-cards.js';

export const CALLER_USER = 'U0CALLER';

/** The status word of a call card's fallback text (`Calling … for <@U>: ringing`, `Call from …: missed by …`). */
export function statusWord(call: RecordedCall): string {
  return /: (\w+)(?: |$)/.exec(String(call.args['text']))?.[1] ?? '';
}

type As<T extends { user: string }> = Omit<T, 'user'> & { user?: string };

/** A click on a button of a message (block_actions), by CALLER_USER unless told. */
export function buttonClick(options: As<ButtonClickOptions>): SlackRequest {
  return click({ user: CALLER_USER, ...options });
}

/** A view submission of `callbackId` with `values` and the given private metadata, by CALLER_USER unless told. */
export function viewSubmission(options: As<ViewSubmissionOptions>): SlackRequest {
  return submission({ user: CALLER_USER, ...options });
}

/** A message shortcut on a message with `text`, by CALLER_USER unless told. */
export function messageShortcut(options: As<Parameters<typeof shortcut>[0]>): SlackRequest {
  return shortcut({ user: CALLER_USER, ...options });
}
