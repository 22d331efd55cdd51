import { describe, expect, test } from 'vitest';
import { optChange } from '../../../src/bot/features/inbound/opt-out.js';

describe('optChange', () => {
  test.each([
    ['STOP', 'out', 'STOP'],
    ['  stop \n', 'out', 'STOP'],
    ['Stop.', 'out', 'STOP'],
    ['unsubscribe', 'out', 'UNSUBSCRIBE'],
    ['UnSubscribe!', 'out', 'UNSUBSCRIBE'],
    ['start', 'in', 'START'],
    [' START ', 'in', 'START'],
  ])('%j → %s', (text, kind, keyword) => {
    expect(optChange(text)).toEqual({ kind, keyword });
  });

  test.each(['please stop', 'stopped', 'STOP IT', 'starting', '', '   ', 'S T O P'])(
    '%j is an ordinary message',
    (text) => {
      expect(optChange(text)).toBeUndefined();
    },
  );
});
