import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { countSmsSegments, HOIIO_MAX_SMS_SEGMENTS, smsTooLong } from '../../../src/hoiio/sms-segments.js';

const a = (n: number) => 'a'.repeat(n);
const u = (n: number) => '中'.repeat(n);

describe('countSmsSegments', () => {
  test.each([
    ['160 GSM chars', a(160), 'GSM-7', 160, 1],
    ['161 GSM chars', a(161), 'GSM-7', 161, 2],
    ['306 GSM chars', a(306), 'GSM-7', 306, 2],
    ['307 GSM chars', a(307), 'GSM-7', 307, 3],
    ['459 GSM chars', a(459), 'GSM-7', 459, 3],
    ['460 GSM chars', a(460), 'GSM-7', 460, 4],
    ['70 UCS-2 chars', u(70), 'UCS-2', 70, 1],
    ['71 UCS-2 chars', u(71), 'UCS-2', 71, 2],
    ['134 UCS-2 chars', u(134), 'UCS-2', 134, 2],
    ['135 UCS-2 chars', u(135), 'UCS-2', 135, 3],
    ['201 UCS-2 chars', u(201), 'UCS-2', 201, 3],
    ['202 UCS-2 chars', u(202), 'UCS-2', 202, 4],
    ['GSM accents stay GSM-7', 'Café à Århus £5 ¥ §', 'GSM-7', 19, 1],
  ] as const)('%s', (_name, text, encoding, units, segments) => {
    expect(countSmsSegments(text)).toMatchObject({ encoding, units, segments });
  });

  test('one € counts two septets', () => {
    expect(countSmsSegments('€')).toEqual({
      encoding: 'GSM-7',
      units: 2,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 158,
    });
    expect(countSmsSegments(`${a(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  test.each(['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\n'])('%j counts double (Hoiio counts \\n too)', (c) => {
    expect(countSmsSegments(c)).toMatchObject({ encoding: 'GSM-7', units: 2 });
  });

  test('one emoji forces UCS-2 and takes two units', () => {
    expect(countSmsSegments(`${a(10)}😀`)).toMatchObject({ encoding: 'UCS-2', units: 12, segments: 1 });
    expect(countSmsSegments(`${a(68)}😀`)).toMatchObject({ units: 70, segments: 1, remainingInSegment: 0 });
    expect(countSmsSegments(`${a(69)}😀`)).toMatchObject({ units: 71, segments: 2 });
  });

  test('an extension pair is never split across parts', () => {
    // 152 septets then € (2): the pair does not fit in part 1 and moves whole to part 2, so 306
    // septets need 3 parts here where 306 plain ones need 2.
    expect(countSmsSegments(`${a(152)}€${a(152)}`)).toMatchObject({ units: 306, segments: 3 });
    expect(countSmsSegments(`${a(151)}€${a(151)}`)).toMatchObject({ units: 304, segments: 2, remainingInSegment: 2 });
  });

  test('a surrogate pair is never split across parts', () => {
    expect(countSmsSegments(`${u(66)}😀${u(66)}`)).toMatchObject({ units: 134, segments: 3 });
    expect(countSmsSegments(u(134))).toMatchObject({ units: 134, segments: 2 });
    expect(countSmsSegments(`${u(65)}😀${u(67)}`)).toMatchObject({ units: 134, segments: 2, remainingInSegment: 0 });
  });

  test('remaining room and per-part size', () => {
    expect(countSmsSegments(a(100))).toMatchObject({ perSegment: 160, remainingInSegment: 60 });
    expect(countSmsSegments(a(200))).toMatchObject({ perSegment: 153, remainingInSegment: 106 });
    expect(countSmsSegments(u(80))).toMatchObject({ perSegment: 67, remainingInSegment: 54 });
  });

  test('empty text is zero parts', () => {
    expect(countSmsSegments('')).toEqual({
      encoding: 'GSM-7',
      units: 0,
      segments: 0,
      perSegment: 160,
      remainingInSegment: 160,
    });
  });

  test('property: units and segments agree with the limits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 700 }), (text) => {
        const r = countSmsSegments(text);
        const single = r.encoding === 'GSM-7' ? 160 : 70;
        const multi = r.encoding === 'GSM-7' ? 153 : 67;
        if (r.units <= single) expect(r.segments).toBe(r.units === 0 ? 0 : 1);
        else {
          expect(r.segments).toBeGreaterThanOrEqual(Math.ceil(r.units / multi));
          expect(r.remainingInSegment).toBeGreaterThanOrEqual(0);
          expect(r.remainingInSegment).toBeLessThan(multi);
        }
        if (r.encoding === 'UCS-2') expect(r.units).toBe(text.length);
      }),
    );
  });
});

describe('smsTooLong', () => {
  test('Hoiio sends at most three parts', () => {
    expect(HOIIO_MAX_SMS_SEGMENTS).toBe(3);
    expect(smsTooLong(a(459))).toBe(false);
    expect(smsTooLong(a(460))).toBe(true);
    expect(smsTooLong(u(201))).toBe(false);
    expect(smsTooLong(u(202))).toBe(true);
  });
});
