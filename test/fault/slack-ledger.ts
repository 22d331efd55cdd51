/**
 * Reads the fake Slack's record as a ledger of cards: which post belongs to which contact thread or outbound card,
 * which uploads went into which thread, and whether an extra copy is explained by a SIGKILL (Slack has no
 * idempotency key: a process killed between Slack's answer and the commit of the message ts cannot know the post
 * happened, and posts again after the restart).
 */
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';

/** A successful write as Slack answered it. */
export interface Write {
  readonly call: RecordedCall;
  /** The message ts Slack answered (postMessage), or the file id (uploads). */
  readonly id: string;
}

function ok(call: RecordedCall): boolean {
  return call.response.status === 200 && (call.response.body as { ok?: boolean } | null)?.ok === true;
}

/** Successful `chat.postMessage` calls, optionally filtered. */
export function posts(slack: FakeSlack, predicate: (c: RecordedCall) => boolean = () => true): Write[] {
  return slack
    .calls('chat.postMessage')
    .filter((c) => ok(c) && predicate(c))
    .map((call) => ({ call, id: String((call.response.body as { ts?: string }).ts ?? '') }));
}

/** Successful `files.completeUploadExternal` calls, optionally filtered. */
export function uploads(slack: FakeSlack, predicate: (c: RecordedCall) => boolean = () => true): Write[] {
  return slack
    .calls('files.completeUploadExternal')
    .filter((c) => ok(c) && predicate(c))
    .map((call) => {
      const files = (call.response.body as { files?: { id?: string }[] }).files ?? [];
      return { call, id: files.map((f) => f.id ?? '').join(',') };
    });
}

/** Whether `text` names the phone number `e164`, however it is spaced (`+65 9600 0001`). */
export function mentions(text: unknown, e164: string): boolean {
  return typeof text === 'string' && text.replace(/[\s()-]/g, '').includes(e164);
}

/** The text a card was last written with (postMessage or chat.update of that ts), or undefined. */
export function lastText(slack: FakeSlack, channel: string, ts: string): string | undefined {
  let text: string | undefined;
  for (const c of slack.calls()) {
    if (!ok(c) || c.args['channel'] !== channel) continue;
    if (c.method === 'chat.postMessage' && (c.response.body as { ts?: string }).ts === ts) text = c.args['text'];
    if (c.method === 'chat.update' && c.args['ts'] === ts) text = c.args['text'];
  }
  return text;
}

/**
 * Checks that `writes` (every copy of one logical post) hold at most one post, and that it is the one the
 * database recorded (`recorded`, when recorded). Every card post carries message metadata and its attempt is
 * recorded before it, so a retry after a fault between Slack's answer and the commit of the ts finds the earlier
 * post instead of posting again (uploads: files.info on the file id); a second copy fails the test.
 */
export function exactlyOne(what: string, writes: readonly Write[], recorded: string | undefined): void {
  const sorted = [...writes].sort((a, b) => a.call.seq - b.call.seq);
  const list = sorted.map((s) => `#${s.call.seq} ${s.id}`).join(', ');
  if (sorted.length > 1) {
    throw new Error(`${what}: ${sorted.length} copies posted (${list}); recorded ${recorded ?? 'none'}`);
  }
  const [only] = sorted;
  if (only !== undefined && recorded !== undefined && only.id !== recorded) {
    throw new Error(`${what}: posted ${list} but recorded ${recorded}`);
  }
}

/** When a fault struck: a kill (an instant), or an outage (from its start to its end). */
export type FaultTime = number | { readonly from: number; readonly to: number };

/**
 * Checks that `writes` (every copy of one logical post, in arrival order) hold exactly one post, or that each
 * extra copy is explained by a fault: its id is not the one the database recorded (`recorded`), it was made before
 * a fault ended, and the next copy after that fault began (a kill or outage fell between Slack's answer and the
 * commit of the ts). Returns the number of such explained extra copies; throws otherwise.
 */
export function explainCopies(
  what: string,
  writes: readonly Write[],
  recorded: string | undefined,
  faults: readonly FaultTime[],
): number {
  if (writes.length <= 1) return 0;
  const windows = faults.map((f) => (typeof f === 'number' ? { from: f, to: f } : f));
  const sorted = [...writes].sort((a, b) => a.call.seq - b.call.seq);
  let explained = 0;
  for (const [i, w] of sorted.entries()) {
    if (w.id === recorded) continue;
    const next = sorted[i + 1];
    const faultBetween = next !== undefined && windows.some((f) => w.call.at <= f.to && next.call.at >= f.from);
    if (!faultBetween) {
      throw new Error(
        `${what}: ${writes.length} copies posted (${sorted.map((s) => `#${s.call.seq} ${s.id}`).join(', ')}); ` +
          `recorded ${recorded ?? 'none'}; copy #${w.call.seq} is not explained by a fault`,
      );
    }
    explained += 1;
  }
  return explained;
}
