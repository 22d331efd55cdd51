/**
 * Untrusted text (SMS bodies, contact names, fax text, anything a user typed) made safe for Slack mrkdwn:
 * it can neither ping anyone nor forge a link.
 */

const BROADCAST = /([@!])(channel|here|everyone)/gi;
const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Escapes `&`, `<` and `>` (so `<@U123>`, `<!channel>` and `<https://evil|bank>` stay literal text) and breaks
 * `@channel`/`@here`/`@everyone` with a zero-width space so no client or `link_names` turns them into pings.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `$1${ZERO_WIDTH_SPACE}$2`);
}

/** Escaped text shown as a block quote, line by line. */
export function quoteMrkdwn(text: string): string {
  return escapeMrkdwn(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/** Escaped text inside an inline code span; backticks become a look-alike so the span cannot be closed early. */
export function inlineCode(text: string): string {
  const safe = escapeMrkdwn(text).replace(/`/g, 'ˋ').replace(/\n/g, ' ');
  return `\`${safe.length > 0 ? safe : ' '}\``;
}

/**
 * Cuts text to `max` characters (Slack limits blocks to 3000), ending with `…` when cut. Counted in UTF-16 units,
 * as JavaScript and Slack's limits do, so emoji and other astral characters count twice; never splits one.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * What the user typed, from slash-command or message text as Slack delivers it: `&amp;`/`&lt;`/`&gt;` decoded,
 * `<https://x|label>` → `https://x`, `<mailto:a@b|a@b>` → `a@b`, `<tel:+65…|…>` → its label,
 * `<#C123|general>` → `#general`, `<@U123|bob>` → `@bob`, `<!here>` → `@here`.
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
      if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
      if (target.startsWith('tel:')) return label ?? target.slice('tel:'.length);
      return target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The channel id of a `<#C123|name>` (or `<#C123>`) reference, if `text` is one. */
export function channelIdFromMention(text: string): string | undefined {
  return /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim())?.[1];
}
