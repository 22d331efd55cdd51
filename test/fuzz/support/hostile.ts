/**
 * Hostile text for property tests: very long, any Unicode, control characters, and mrkdwn/link injections whose
 * markers (`U0EVIL`, `C0EVIL`, `S0EVIL`, `evil.example`) let a test tell injected syntax from the app's own.
 */
import fc from 'fast-check';

/** Slack syntax an attacker would try to smuggle into a message through an SMS, a name or a file name. */
export const INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<!subteam^S0EVIL|@admins>',
  '<@U0EVIL>',
  '<@U0EVIL|boss>',
  '<#C0EVIL|general>',
  '<https://evil.example|click here>',
  '<http://evil.example/login>',
  '<mailto:x@evil.example|support>',
  '<tel:+6599999999|call>',
  '&lt;!channel&gt;',
  '&lt;https://evil.example|x&gt;',
  '&amp;lt;@U0EVIL&amp;gt;',
  '@channel',
  '@here',
  '@everyone',
  '@ channel',
  '＠channel',
  '*bold*',
  '_it_',
  '~s~',
  '`code`',
  '```block```',
  '> quoted',
  ':skull:',
  '\u202eevil\u202c',
  '\u200b',
  '\u0000',
  '\u0007',
  '\r\n',
  '\n\n\n',
  '\t',
  '\ud83d',
  '👩‍👩‍👧‍👦',
  'ﷺ',
  'Z̵̡̢͇a̷l̶g̷o̸',
  '<',
  '>',
  '&',
  '|',
  '"\'',
  '\\',
] as const;

const injection = fc.constantFrom(...INJECTIONS);

/** Text of any kind: short or very long, with injections mixed in. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(fc.oneof(injection, fc.string({ maxLength: 12 })), { maxLength: 12 }).map((p) => p.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(injection, fc.integer({ min: 500, max: 5000 }))
      .map(([s, n]) => s.repeat(Math.ceil(n / s.length))),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 2000, maxLength: 4000 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n') },
);

/** Hostile text of at most `max` code points (where a parser or Hoiio bounds the length). */
export function hostileUpTo(max: number): fc.Arbitrary<string> {
  return hostileText.map((s) => Array.from(s).slice(0, max).join(''));
}

/** A valid E.164 number (the row CHECK and the parsers require them). */
export const e164 = fc.constantFrom('+6591234567', '+6562223333', '+16502530000', '+447911123456', '+6531580001');

/** Markers of injected Slack syntax: none may survive into mrkdwn or a notification text. */
const FORGED = [
  /<!(channel|here|everyone|subteam)/i,
  /<@U0EVIL/,
  /<#C0EVIL/,
  /<(https?|mailto|tel):[^>]*evil\.example/i,
  /<https?:\/\/evil/i,
  /<tel:\+6599999999/,
];
/** A broadcast word a client might still turn into a ping (escapeMrkdwn breaks them with a zero-width space). */
const BROADCAST = /(^|[^\w\u200b])@(channel|here|everyone)\b/i;

/** The forged syntax found in a mrkdwn string, if any. */
export function forgedSyntax(mrkdwn: string): string | undefined {
  for (const pattern of FORGED) {
    const m = pattern.exec(mrkdwn);
    if (m) return m[0];
  }
  const b = BROADCAST.exec(mrkdwn);
  return b ? b[0] : undefined;
}
