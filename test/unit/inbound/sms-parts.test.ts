import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  continuesMessage,
  joinParts,
  MAX_PARTS,
  orderParts,
  PART_LENGTH,
  partSequence,
  type SmsPart,
} from '../../../src/bot/features/inbound/sms-parts.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const part = (n: number, text: string, offsetMs = 0): SmsPart => ({
  txnRef: `AA-SI-${n}`,
  text,
  at: new Date(T0 + offsetMs).toISOString(),
});
const full = (c: string) => c.repeat(PART_LENGTH);

describe('long SMS parts', () => {
  test('partSequence reads the trailing number', () => {
    expect(partSequence('AA-SI-85')).toBe(85);
    expect(partSequence('no-number')).toBeUndefined();
  });

  test('a full part followed by a short one is one message', () => {
    expect(continuesMessage([part(1, full('a'))], part(2, 'end', 500))).toBe(true);
  });

  test('parts arriving out of order still join, in reference order', () => {
    const parts = [part(3, 'tail', 0)];
    expect(continuesMessage(parts, part(2, full('b'), 10))).toBe(true);
    const two = [...parts, part(2, full('b'), 10)];
    expect(continuesMessage(two, part(1, full('a'), 20))).toBe(true);
    expect(joinParts([...two, part(1, full('a'), 20)])).toBe(`${full('a')}${full('b')}tail`);
  });

  test('a short message is not continued by a following message', () => {
    expect(continuesMessage([part(1, 'hello')], part(2, 'world'))).toBe(false);
    expect(continuesMessage([part(1, 'hello')], part(2, full('x')))).toBe(false);
  });

  test('two short parts never join', () => {
    expect(continuesMessage([part(1, full('a')), part(2, 'end')], part(3, 'more'))).toBe(false);
  });

  test('parts further apart than a minute are separate messages', () => {
    expect(continuesMessage([part(1, full('a'))], part(2, 'end', 61_000))).toBe(false);
  });

  test('the same part twice is not joined', () => {
    expect(continuesMessage([part(1, full('a'))], part(1, full('a')))).toBe(false);
  });

  test('at most MAX_PARTS parts', () => {
    const parts = Array.from({ length: MAX_PARTS }, (_, i) => part(i + 1, full('a')));
    expect(continuesMessage(parts, part(MAX_PARTS + 1, 'end'))).toBe(false);
  });

  test('property: any long text split in 152-character parts, delivered in any order, joins back to itself', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 161, maxLength: 152 * 6 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
        fc.integer({ min: 0, max: 1000 }),
        (text, seed) => {
          const chunks = text.match(/[\s\S]{1,152}/gu) ?? [];
          const parts = chunks.map((c, i) => part(100 + i, c, i * 10));
          const shuffled = [...parts].sort(
            (a, b) => (((partSequence(a.txnRef) ?? 0) * seed) % 7) - (((partSequence(b.txnRef) ?? 0) * seed) % 7),
          );
          const received: SmsPart[] = [];
          for (const p of shuffled) {
            if (received.length > 0) expect(continuesMessage(received, p)).toBe(true);
            received.push(p);
          }
          expect(joinParts(received)).toBe(text);
          expect(orderParts(received).map((p) => p.txnRef)).toEqual(parts.map((p) => p.txnRef));
        },
      ),
    );
  });
});
