/** Reading what the app posted to the fake Slack: cards by channel and text, their buttons, their visible text. */
import type { FakeSlack, RecordedCall } from './fake-slack.js';

interface ButtonLike {
  action_id?: string;
  value?: string;
  text?: { text?: string };
}

/** The buttons in the `actions` blocks of a recorded post, update or view. */
export function buttonsOf(call: RecordedCall | undefined): ButtonLike[] {
  const blocks = (call?.args['blocks'] ?? []) as { type: string; elements?: ButtonLike[] }[];
  return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
}

/** The value of the button `actionId` in a recorded card's blocks (undefined: no such button). */
export function buttonValue(call: RecordedCall | undefined, actionId: string): string | undefined {
  return buttonsOf(call).find((e) => e.action_id === actionId)?.value;
}

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

/** Waits for a post or update in `channel` whose fallback text matches `pattern`. */
export function waitForCard(slack: FakeSlack, channel: string, pattern: RegExp): Promise<RecordedCall> {
  const match = (c: RecordedCall) => c.args['channel'] === channel && pattern.test(String(c.args['text'] ?? ''));
  return Promise.race([slack.waitForCall('chat.postMessage', match), slack.waitForCall('chat.update', match)]);
}

/** The ts Slack gave a successful post. */
export function postedTs(call: RecordedCall | undefined): string {
  const ts = (call?.response.body as { ts?: string } | undefined)?.ts;
  if (!ts) throw new Error('no ts: the call was not a successful post');
  return ts;
}

/**
 * The ts of the message a card post or update is about: an update names it (`args.ts`), a post got it from Slack.
 * A card's first state may arrive in its post or in an update, so tests that follow a card use this, not either one.
 */
export function cardTs(call: RecordedCall | undefined): string {
  const ts = call?.args['ts'];
  return typeof ts === 'string' && ts !== '' ? ts : postedTs(call);
}

/** The first respond() to `responseUrl`. */
export function responseTo(slack: FakeSlack, responseUrl: string): Promise<RecordedCall> {
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
