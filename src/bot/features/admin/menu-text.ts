/**
 * The route modal's optional IVR menu, typed as lines in a rich-text box so people can @-mention whom to ring:
 *
 *     prompt: Press 1 for sales, 2 for support.      (optional; built from the labels when left out)
 *     1=sales: @alice @bob
 *     2=support: @carol
 *
 * Stored in the shape the call feature reads (src/bot/features/call/route-menu.ts):
 * `{ prompt, options: { "1": { label, ring_user_ids } } }`.
 */
import type { JsonObject } from '../../../db/json.js';
import { parseRouteMenu } from '../call/route-menu.js';

/** A rich_text value as Slack sends it (only the parts we read). */
export interface RichTextValue {
  readonly type?: string;
  readonly elements?: readonly RichTextElement[];
}

interface RichTextElement {
  readonly type?: string;
  readonly text?: string;
  readonly user_id?: string;
  readonly elements?: readonly RichTextElement[];
}

/** Flattens rich text to plain lines; user mentions become `<@U123>`. */
export function richTextToPlain(value: RichTextValue | null | undefined): string {
  const out: string[] = [];
  const walk = (elements: readonly RichTextElement[] | undefined, blockLevel: boolean) => {
    for (const e of elements ?? []) {
      if (e.type === 'text' && typeof e.text === 'string') out.push(e.text);
      else if (e.type === 'user' && typeof e.user_id === 'string') out.push(`<@${e.user_id}>`);
      else if (Array.isArray(e.elements)) {
        walk(e.elements, false);
        if (blockLevel) out.push('\n');
      }
    }
  };
  walk(value?.elements, true);
  return out.join('');
}

const OPTION_LINE = /^\s*([0-9*#])\s*[=:.)-]\s*([^:]+?)\s*(?::\s*(.*))?$/;
const USER_REF = /<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>|\b([UW][A-Z0-9]{6,30})\b/g;

export type MenuParse =
  | { readonly ok: true; readonly menu: JsonObject | null }
  | { readonly ok: false; readonly problem: string };

/** Reads the menu lines; empty text → no menu. */
export function parseMenuText(text: string): MenuParse {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { ok: true, menu: null };
  let prompt: string | undefined;
  const options: Record<string, { label: string; ring_user_ids: string[] }> = {};
  for (const line of lines) {
    const p = /^prompt\s*[:=]\s*(.+)$/i.exec(line);
    if (p) {
      prompt = (p[1] ?? '').trim();
      continue;
    }
    const m = OPTION_LINE.exec(line);
    if (!m) {
      return {
        ok: false,
        problem: `I could not read "${line.slice(0, 60)}". Write one option per line, e.g. "1=sales: @alice @bob".`,
      };
    }
    const digit = m[1] ?? '';
    const label = (m[2] ?? '').trim();
    if (options[digit]) return { ok: false, problem: `Key ${digit} is listed twice.` };
    if (label.length > 80)
      return { ok: false, problem: `The label of key ${digit} is too long (at most 80 characters).` };
    const users = [...(m[3] ?? '').matchAll(USER_REF)].map((u) => u[1] ?? u[2] ?? '');
    if (users.length > 20) return { ok: false, problem: `Key ${digit} rings too many people (at most 20).` };
    options[digit] = { label, ring_user_ids: [...new Set(users)] };
  }
  const keys = Object.keys(options);
  if (keys.length === 0) return { ok: false, problem: 'A menu needs at least one option, e.g. "1=sales: @alice".' };
  const menu = {
    prompt: prompt ?? `${keys.map((k) => `Press ${k} for ${options[k]?.label}`).join(', ')}.`,
    options,
  };
  if (menu.prompt.length > 1000) return { ok: false, problem: 'The prompt is too long (at most 1000 characters).' };
  if (parseRouteMenu(menu) === null)
    return { ok: false, problem: 'That menu is not valid. Check the keys and labels.' };
  return { ok: true, menu };
}

/** A stored menu as rich text (the modal's initial value when editing), or undefined when there is none. */
export function menuToRichText(stored: unknown): JsonObject | undefined {
  const menu = parseRouteMenu(stored);
  if (menu === null) return undefined;
  const elements: JsonObject[] = [{ type: 'text', text: `prompt: ${menu.prompt}\n` }];
  for (const [digit, option] of Object.entries(menu.options)) {
    elements.push({ type: 'text', text: `${digit}=${option.label}:` });
    for (const user of option.ringUserIds) {
      elements.push({ type: 'text', text: ' ' }, { type: 'user', user_id: user });
    }
    elements.push({ type: 'text', text: '\n' });
  }
  return { type: 'rich_text', elements: [{ type: 'rich_text_section', elements }] };
}
