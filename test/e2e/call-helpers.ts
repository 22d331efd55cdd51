/** What the call e2e tests share: reading call cards from the fake Slack, and the payloads Slack sends. */
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { interaction, type SlackRequest } from '../support/slack-requests.js';

export const CALLER_USER = 'U0CALLER';

/** Card posts and updates in `channel` whose fallback text matches `pattern`, in order. */
export function cardCalls(slack: FakeSlack, channel: string, pattern: RegExp): RecordedCall[] {
  return slack
    .calls()
    .filter(
      (c) =>
        (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
        c.args['channel'] === channel &&
        pattern.test(String(c.args['text'] ?? '')),
    );
}

/** The status word of a call card's fallback text (`Calling … for <@U>: ringing`, `Call from …: missed by …`). */
export function statusWord(call: RecordedCall): string {
  return /: (\w+)(?: |$)/.exec(String(call.args['text']))?.[1] ?? '';
}

/** Waits for a post or update in `channel` whose text matches `pattern`. */
export function waitForCard(slack: FakeSlack, channel: string, pattern: RegExp): Promise<RecordedCall> {
  const match = (c: RecordedCall) => c.args['channel'] === channel && pattern.test(String(c.args['text'] ?? ''));
  return Promise.race([slack.waitForCall('chat.postMessage', match), slack.waitForCall('chat.update', match)]);
}

/** The value of the button `actionId` in a recorded card's blocks. */
export function buttonValue(call: RecordedCall, actionId: string): string | undefined {
  const blocks = (call.args['blocks'] ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  for (const b of blocks) {
    const e = b.type === 'actions' ? b.elements?.find((x) => x.action_id === actionId) : undefined;
    if (e) return e.value;
  }
  return undefined;
}

/** The ts Slack gave a posted message. */
export function postedTs(call: RecordedCall): string {
  return String((call.response.body as { ts?: string }).ts);
}

/** A click on a button of a message (block_actions). */
export function buttonClick(options: {
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  responseUrl: string;
  user?: string;
  triggerId?: string;
}): SlackRequest {
  return interaction({
    type: 'block_actions',
    user: { id: options.user ?? CALLER_USER, username: 'caller', team_id: 'T0FAKETEAM' },
    trigger_id: options.triggerId ?? `trig-${Math.random().toString(36).slice(2)}`,
    container: {
      type: 'message',
      message_ts: options.messageTs,
      channel_id: options.channel,
      is_ephemeral: false,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    },
    channel: { id: options.channel, name: 'support-line' },
    message: {
      type: 'message',
      ts: options.messageTs,
      text: 'card',
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    },
    response_url: options.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: 'b',
        value: options.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  });
}

/** A view submission of `callbackId` with `values` (block id = action id) and the given private metadata. */
export function viewSubmission(options: {
  callbackId: string;
  viewId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
  user?: string;
}): SlackRequest {
  return interaction({
    type: 'view_submission',
    user: { id: options.user ?? CALLER_USER, username: 'caller', team_id: 'T0FAKETEAM' },
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    view: {
      id: options.viewId,
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      blocks: [],
      state: { values: options.values },
      hash: 'h',
    },
  });
}

/** A message shortcut on a message with `text`. */
export function messageShortcut(options: {
  callbackId: string;
  channel: string;
  text: string;
  ts?: string;
  responseUrl: string;
  user?: string;
}): SlackRequest {
  const ts = options.ts ?? '1700000500.000100';
  return interaction({
    type: 'message_action',
    callback_id: options.callbackId,
    trigger_id: `trig-${Math.random().toString(36).slice(2)}`,
    user: { id: options.user ?? CALLER_USER, name: 'caller', team_id: 'T0FAKETEAM' },
    channel: { id: options.channel, name: 'support-line' },
    message: { type: 'message', user: 'U0OTHER', ts, text: options.text },
    message_ts: ts,
    response_url: options.responseUrl,
  });
}
