import { describe, expect, it } from 'vitest';
import { hiddenSize } from '../../src/index.js';

describe('hiddenSize(n, m, a) = round(√(n + m) + a)', () => {
  it.each([
    // √(8 + 1) + 3 = 3 + 3 = 6
    [8, 1, 3, 6],
    // √(2 + 1) + 5 = 1.732 + 5 = 6.732 → 7 (a defaults to 5, checked below)
    [2, 1, 5, 7],
    // √(1 + 1) + 1 = 1.414 + 1 = 2.414 → 2
    [1, 1, 1, 2],
    // √(10 + 6) + 10 = 4 + 10 = 14 (a = 10, the top of the range, is allowed)
    [10, 6, 10, 14],
    // √(784 + 10) + 1 = 28.178 + 1 = 29.178 → 29
    [784, 10, 1, 29],
    // √(2 + 2) + 1.5 = 3.5 → 4 (halves round up)
    [2, 2, 1.5, 4],
    // √(3 + 3) + 2.2 = 2.449 + 2.2 = 4.649 → 5
    [3, 3, 2.2, 5],
  ])('hiddenSize(%i, %i, %s) = %i', (n, m, a, expected) => {
    expect(hiddenSize(n, m, a)).toBe(expected);
  });

  it('defaults a to 5', () => {
    // √(8 + 1) + 5 = 8
    expect(hiddenSize(8, 1)).toBe(8);
    expect(hiddenSize(2, 1)).toBe(hiddenSize(2, 1, 5));
  });

  it.each([0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'inputs %s throws a RangeError naming inputs',
    (n) => {
      expect(() => hiddenSize(n, 1)).toThrow(RangeError);
      expect(() => hiddenSize(n, 1)).toThrow(/hiddenSize: inputs/);
    },
  );

  it.each([0, -3, 2.5, Number.NaN])('outputs %s throws a RangeError naming outputs', (m) => {
    expect(() => hiddenSize(4, m)).toThrow(RangeError);
    expect(() => hiddenSize(4, m)).toThrow(/hiddenSize: outputs/);
  });

  it.each([0, 0.999, 10.001, -5, Number.NaN, Number.POSITIVE_INFINITY])(
    'a = %s outside [1, 10] throws a RangeError naming a',
    (a) => {
      expect(() => hiddenSize(4, 1, a)).toThrow(RangeError);
      expect(() => hiddenSize(4, 1, a)).toThrow(/hiddenSize: a/);
    },
  );

  it('accepts both ends of [1, 10]', () => {
    // √(4 + 5) + 1 = 4; √(4 + 5) + 10 = 13
    expect(hiddenSize(4, 5, 1)).toBe(4);
    expect(hiddenSize(4, 5, 10)).toBe(13);
  });
});
