import { describe, expect, test } from 'vitest';
import { parseHistoryArgs } from '../../src/bot/features/admin/admin-args.js';
import { mediaProblem } from '../../src/bot/features/inbound/cards.js';
import { magicBehaviour } from '../../src/hoiio/sandbox/magic-numbers.js';
import { sessionErrorKind } from '../../src/hoiio/status.js';

// Lookups keyed by outside text must not find Object.prototype's members (a fuzz run found `valueOf`).
describe('lookup tables ignore inherited keys', () => {
  test.each(['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('%s', (key) => {
    expect(mediaProblem(key)).toBe('the download failed.');
    expect(sessionErrorKind(key)).toBeUndefined();
    expect(magicBehaviour(key, 'sms')).toBeUndefined();
    const history = parseHistoryArgs(key, 'SG');
    expect(history.ok).toBe(false);
  });
});
