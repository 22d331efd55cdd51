/**
 * Checks a message or view against Slack's Block Kit limits and for forged syntax in its mrkdwn. Returns the
 * problems found (empty: fine), so a property test can print them.
 */
import { forgedSyntax } from './hostile.js';

type Node = Record<string, unknown>;

export interface SlackSurface {
  /** Notification fallback text of a message (mrkdwn). */
  readonly text?: string | undefined;
  readonly blocks?: readonly unknown[] | undefined;
  /** A modal or home view. */
  readonly view?: Node | undefined;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);

export function slackProblems(surface: SlackSurface): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };
  const mrkdwn = (where: string, text: unknown) => {
    if (typeof text !== 'string') return;
    const forged = forgedSyntax(text);
    if (forged !== undefined) fail(where, `forged ${JSON.stringify(forged)}`);
  };
  const textObject = (where: string, t: unknown, max: number, { empty = false } = {}) => {
    if (!isNode(t)) {
      fail(where, 'text object missing');
      return;
    }
    if (t['type'] !== 'plain_text' && t['type'] !== 'mrkdwn') fail(where, `text type ${String(t['type'])}`);
    if (typeof t['text'] !== 'string') {
      fail(where, 'text not a string');
      return;
    }
    if (!empty && t['text'].length === 0) fail(where, 'empty text');
    if (t['text'].length > max) fail(where, `text ${t['text'].length} > ${max}`);
    if (t['type'] === 'mrkdwn') mrkdwn(where, t['text']);
  };
  const element = (where: string, e: unknown) => {
    if (!isNode(e)) {
      fail(where, 'element not an object');
      return;
    }
    if (len(e['action_id']) > 255) fail(where, 'action_id > 255');
    if (e['type'] === 'button') {
      textObject(`${where}.text`, e['text'], 75);
      if (len(e['value']) > 2000) fail(where, 'button value > 2000');
      if (len(e['url']) > 3000) fail(where, 'button url > 3000');
    }
    if (e['type'] === 'plain_text_input') {
      if (len(e['initial_value']) > 3000) fail(where, 'initial_value > 3000');
      const maxLength = e['max_length'];
      if (typeof maxLength === 'number' && len(e['initial_value']) > maxLength)
        fail(where, 'initial_value > max_length');
      if (isNode(e['placeholder'])) textObject(`${where}.placeholder`, e['placeholder'], 150);
    }
    for (const key of ['options', 'initial_options']) {
      const options = e[key];
      if (!Array.isArray(options)) continue;
      if (options.length > 100) fail(where, `${key} > 100`);
      for (const [i, o] of options.entries()) {
        if (!isNode(o)) continue;
        textObject(`${where}.${key}[${i}]`, o['text'], 75);
        if (len(o['value']) > 150) fail(`${where}.${key}[${i}]`, 'option value > 150');
        if (isNode(o['description'])) textObject(`${where}.${key}[${i}].description`, o['description'], 75);
      }
    }
    if (isNode(e['initial_option'])) textObject(`${where}.initial_option`, e['initial_option']['text'], 75);
    if (e['type'] === 'image' && len(e['alt_text']) > 2000) fail(where, 'alt_text > 2000');
  };
  const blocks = (where: string, list: readonly unknown[], max: number) => {
    if (list.length > max) fail(where, `${list.length} blocks > ${max}`);
    const ids = new Set<string>();
    for (const [i, b] of list.entries()) {
      const at = `${where}[${i}]`;
      if (!isNode(b)) {
        fail(at, 'block not an object');
        continue;
      }
      const id = b['block_id'];
      if (typeof id === 'string') {
        if (id.length > 255) fail(at, 'block_id > 255');
        if (ids.has(id)) fail(at, `duplicate block_id ${id}`);
        ids.add(id);
      }
      switch (b['type']) {
        case 'section': {
          if (b['text'] === undefined && b['fields'] === undefined) fail(at, 'section without text or fields');
          if (b['text'] !== undefined) textObject(`${at}.text`, b['text'], 3000);
          const fields = b['fields'];
          if (Array.isArray(fields)) {
            if (fields.length > 10) fail(at, 'more than 10 fields');
            for (const [j, f] of fields.entries()) textObject(`${at}.fields[${j}]`, f, 2000);
          }
          if (b['accessory'] !== undefined) element(`${at}.accessory`, b['accessory']);
          break;
        }
        case 'header':
          textObject(`${at}.text`, b['text'], 150);
          break;
        case 'context': {
          const elements = Array.isArray(b['elements']) ? b['elements'] : [];
          if (elements.length === 0 || elements.length > 10) fail(at, `context with ${elements.length} elements`);
          for (const [j, e] of elements.entries()) {
            if (isNode(e) && (e['type'] === 'mrkdwn' || e['type'] === 'plain_text')) {
              textObject(`${at}.elements[${j}]`, e, 3000);
            } else element(`${at}.elements[${j}]`, e);
          }
          break;
        }
        case 'actions': {
          const elements = Array.isArray(b['elements']) ? b['elements'] : [];
          if (elements.length === 0 || elements.length > 25) fail(at, `actions with ${elements.length} elements`);
          const actionIds = new Set<string>();
          for (const [j, e] of elements.entries()) {
            element(`${at}.elements[${j}]`, e);
            const aid = isNode(e) ? e['action_id'] : undefined;
            if (typeof aid === 'string') {
              if (actionIds.has(aid)) fail(at, `duplicate action_id ${aid}`);
              actionIds.add(aid);
            }
          }
          break;
        }
        case 'input':
          textObject(`${at}.label`, b['label'], 2000);
          if (isNode(b['hint'])) textObject(`${at}.hint`, b['hint'], 2000);
          element(`${at}.element`, b['element']);
          break;
        case 'divider':
        case 'file':
        case 'rich_text':
        case 'image':
        case 'video':
          break;
        default:
          fail(at, `unknown block type ${String(b['type'])}`);
      }
    }
  };

  if (surface.text !== undefined) {
    if (surface.text.length > 40_000) fail('text', `${surface.text.length} > 40000`);
    mrkdwn('text', surface.text);
  }
  if (surface.blocks !== undefined) blocks('blocks', surface.blocks, 50);
  const view = surface.view;
  if (view !== undefined) {
    const isModal = view['type'] === 'modal';
    if (isModal) {
      textObject('view.title', view['title'], 24);
      if (view['submit'] !== undefined) textObject('view.submit', view['submit'], 24);
      if (view['close'] !== undefined) textObject('view.close', view['close'], 24);
    }
    if (len(view['private_metadata']) > 3000) fail('view', 'private_metadata > 3000');
    if (len(view['callback_id']) > 255) fail('view', 'callback_id > 255');
    if (len(view['external_id']) > 255) fail('view', 'external_id > 255');
    blocks('view.blocks', Array.isArray(view['blocks']) ? view['blocks'] : [], 100);
  }
  return problems;
}
