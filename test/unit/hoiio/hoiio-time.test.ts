import { describe, expect, test } from 'vitest';
import {
  formatHoiioDate,
  formatHoiioDateTime,
  HoiioTimeFormatError,
  parseHoiioDate,
  parseHoiioDateTime,
} from '../../../src/hoiio/hoiio-time.js';

describe('hoiio time', () => {
  test('parses GMT+8 with and without a fractional suffix', () => {
    expect(parseHoiioDateTime('2012-06-06 11:15:20').toISOString()).toBe('2012-06-06T03:15:20.000Z');
    expect(parseHoiioDateTime('2012-06-06 11:15:20.0').toISOString()).toBe('2012-06-06T03:15:20.000Z');
    expect(parseHoiioDateTime('2010-01-01 07:00:00').toISOString()).toBe('2009-12-31T23:00:00.000Z');
  });
  test('parses plain dates as midnight GMT+8', () => {
    expect(parseHoiioDate('2013-05-01').toISOString()).toBe('2013-04-30T16:00:00.000Z');
  });
  test('formats back to GMT+8', () => {
    const d = new Date('2009-12-31T23:00:00.000Z');
    expect(formatHoiioDateTime(d)).toBe('2010-01-01 07:00:00');
    expect(formatHoiioDate(d)).toBe('2010-01-01');
  });
  test('rejects garbage and impossible dates', () => {
    expect(() => parseHoiioDateTime('yesterday')).toThrow(HoiioTimeFormatError);
    expect(() => parseHoiioDateTime('2012-02-31 10:00:00')).toThrow(HoiioTimeFormatError);
    expect(() => parseHoiioDate('2012-13-01')).toThrow(HoiioTimeFormatError);
  });
});
