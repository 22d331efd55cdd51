import { describe, expect, test } from 'vitest';
import {
  addMoney,
  compareMoney,
  formatMoney,
  multiplyMoney,
  roundMoney,
  subtractMoney,
} from '../../../src/hoiio/money.js';

describe('money', () => {
  test('adds exactly where floats do not', () => {
    expect(addMoney('0.1', '0.2')).toBe('0.3');
    expect(addMoney('54.650', '-4.650')).toBe('50.000');
  });
  test('multiplies by segments and by decimals', () => {
    expect(multiplyMoney('0.038', 2)).toBe('0.076');
    expect(multiplyMoney('0.020', 7)).toBe('0.140');
    expect(multiplyMoney('0.5', '0.25')).toBe('0.125');
  });
  test('subtracts and compares', () => {
    expect(subtractMoney('1.000', '1.5')).toBe('-0.500');
    expect(compareMoney('0.10', '0.1')).toBe(0);
    expect(compareMoney('0.099', '0.1')).toBe(-1);
    expect(compareMoney('2', '-3')).toBe(1);
  });
  test('rounds half away from zero and formats', () => {
    expect(roundMoney('0.0385')).toBe('0.039');
    expect(roundMoney('-0.0385')).toBe('-0.039');
    expect(roundMoney('1')).toBe('1.000');
    expect(formatMoney('0.1', 'SGD')).toBe('SGD 0.100');
  });
  test('rejects what is not a decimal', () => {
    expect(() => addMoney('1e3', '1')).toThrow(RangeError);
    expect(() => multiplyMoney('1', 1.5)).toThrow(RangeError);
  });
});
