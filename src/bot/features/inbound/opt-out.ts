/**
 * STOP / START keywords in incoming SMS. A message that is exactly one of these words (trimmed, any case,
 * trailing punctuation ignored) changes the sender's opt-out; anything longer is an ordinary message
 * ("please stop calling me" does not opt out: carriers key on the bare word too).
 */

/** Words that opt a number out of our SMS. */
export const OPT_OUT_WORDS = ['STOP', 'UNSUBSCRIBE'] as const;
/** Words that clear an opt-out. */
export const OPT_IN_WORDS = ['START'] as const;

/** What an incoming SMS asks of its sender's opt-out. */
export type OptChange = { readonly kind: 'out' | 'in'; readonly keyword: string };

/** `{ kind: 'out', keyword: 'STOP' }` for "stop", `{ kind: 'in', … }` for "Start!", undefined otherwise. */
export function optChange(text: string): OptChange | undefined {
  const word = text
    .trim()
    .replace(/[.!\s]+$/u, '')
    .toUpperCase();
  if ((OPT_OUT_WORDS as readonly string[]).includes(word)) return { kind: 'out', keyword: word };
  if ((OPT_IN_WORDS as readonly string[]).includes(word)) return { kind: 'in', keyword: word };
  return undefined;
}
