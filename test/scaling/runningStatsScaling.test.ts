// The scaling methods zScore() and minMax(range): the affine map each fits to running statistics.
import { describe, expect, it } from 'vitest';
import { minMax, runningStats, type ScalingMethod, zScore } from '../../src/index.js';

/** The scaled values of `probe` under `method` fitted to the rows seen. */
function scale(method: ScalingMethod, seen: number[][], probe: number[]): number[] {
  const stats = runningStats(probe.length);
  for (const row of seen) stats.push(row);
  const offsets = new Float64Array(probe.length);
  const scales = new Float64Array(probe.length);
  method.fit(stats, offsets, scales);
  return probe.map((v, i) => method.centre + (v - offsets[i]) / scales[i]);
}

/** The inverse map of `method` fitted to the rows seen, applied to `scaled`. */
function unscale(method: ScalingMethod, seen: number[][], scaled: number[]): number[] {
  const stats = runningStats(scaled.length);
  for (const row of seen) stats.push(row);
  const offsets = new Float64Array(scaled.length);
  const scales = new Float64Array(scaled.length);
  method.fit(stats, offsets, scales);
  return scaled.map((z, i) => offsets[i] + (z - method.centre) * scales[i]);
}

describe('zScore()', () => {
  it('is a value with a name and centre 0', () => {
    expect(zScore().name).toBe('zScore');
    expect(zScore().centre).toBe(0);
    expect(zScore().range).toBeUndefined();
    expect(Object.isFrozen(zScore())).toBe(true);
  });

  it('standardises with the population σ', () => {
    // 10, 20, 30: mean 20, M2 = 100 + 0 + 100 = 200, σ = √(200/3) = 8.16496580927726.
    // 30 → 10/σ = 1.224744871391589; 20 → 0; 10 → −1.224744871391589; 45 → 25/σ = 3.0618621784789726
    const got = scale(zScore(), [[10], [20], [30]], [30]);
    expect(got[0]).toBeCloseTo(1.224744871391589, 12);
    expect(scale(zScore(), [[10], [20], [30]], [20])[0]).toBe(0);
    expect(scale(zScore(), [[10], [20], [30]], [45])[0]).toBeCloseTo(3.0618621784789726, 12);
  });

  it('uses max(|mean|, 1) as the spread when there is none', () => {
    // One value 1000: σ = 0, spread 1000: 3000 → (3000 − 1000)/1000 = 2; 1000 → 0.
    expect(scale(zScore(), [[1000]], [3000])).toEqual([2]);
    expect(scale(zScore(), [[1000]], [1000])).toEqual([0]);
    // Constant −4: spread 4 → −2 maps to 0.5. Constant 0.25 (|mean| < 1): spread 1 → 1.25 maps to 1.
    expect(scale(zScore(), [[-4], [-4]], [-2])).toEqual([0.5]);
    expect(scale(zScore(), [[0.25], [0.25], [0.25]], [1.25])).toEqual([1]);
    // Zero: spread 1.
    expect(scale(zScore(), [[0]], [3])).toEqual([3]);
  });

  it('treats a spread below 1e-12 of the size as none', () => {
    // 1e-20 and 3e-20: mean 2e-20, M2 = 2e-20 · 1e-20 = 2e-40, σ = 1e-20 — below
    // 1e-12 · max(|mean|, 1) = 1e-12, so the spread is 1 and 1 maps to 1 − 2e-20 ≈ 1, not 1e20.
    const [z] = scale(zScore(), [[1e-20], [3e-20]], [1]);
    expect(z).toBeCloseTo(1, 12);
    // Above the threshold the true σ is used: 0 and 4e-12 give mean 2e-12, σ = 2e-12 > 1e-12,
    // so 4e-12 maps to (4e-12 − 2e-12) / 2e-12 = 1.
    expect(scale(zScore(), [[0], [4e-12]], [4e-12])[0]).toBeCloseTo(1, 9);
  });

  it('its inverse gives the value back', () => {
    const seen = [
      [3, 1000],
      [5, 3000],
      [4, 2500],
    ];
    const z = scale(zScore(), seen, [7, -100]);
    const back = unscale(zScore(), seen, z);
    expect(back[0]).toBeCloseTo(7, 12);
    expect(back[1]).toBeCloseTo(-100, 10);
  });
});

describe('minMax(range)', () => {
  it('defaults to [0, 1] and is a value with its range and centre', () => {
    const m = minMax();
    expect(m.name).toBe('minMax');
    expect(m.range).toEqual([0, 1]);
    expect(m.centre).toBe(0.5);
    expect(minMax([-1, 1]).centre).toBe(0);
    expect(minMax([2, 6]).centre).toBe(4);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('maps the minimum and maximum seen to the ends of [0, 1]', () => {
    // 10, 20, 30: min 10, max 30, mid 20, scale (30 − 10)/1 = 20: 10 → 0.5 − 0.5 = 0; 30 → 1;
    // 25 → 0.5 + 5/20 = 0.75; 40 (beyond the max) → 1.5, not clipped.
    const seen = [[10], [30], [20]];
    expect(scale(minMax(), seen, [10])[0]).toBeCloseTo(0, 12);
    expect(scale(minMax(), seen, [30])[0]).toBeCloseTo(1, 12);
    expect(scale(minMax(), seen, [25])[0]).toBeCloseTo(0.75, 12);
    expect(scale(minMax(), seen, [40])[0]).toBeCloseTo(1.5, 12);
  });

  it('maps to [-1, 1] and to any other range', () => {
    const seen = [[-5], [15]];
    // [-1, 1]: scale 20/2 = 10, mid 5: −5 → −1, 15 → 1, 10 → 0.5.
    expect(scale(minMax([-1, 1]), seen, [-5])[0]).toBeCloseTo(-1, 12);
    expect(scale(minMax([-1, 1]), seen, [15])[0]).toBeCloseTo(1, 12);
    expect(scale(minMax([-1, 1]), seen, [10])[0]).toBeCloseTo(0.5, 12);
    // [2, 6]: scale 20/4 = 5: −5 → 2, 15 → 6, 0 → 4 − 5/5 = 3.
    expect(scale(minMax([2, 6]), seen, [-5])[0]).toBeCloseTo(2, 12);
    expect(scale(minMax([2, 6]), seen, [15])[0]).toBeCloseTo(6, 12);
    expect(scale(minMax([2, 6]), seen, [0])[0]).toBeCloseTo(3, 12);
  });

  it('maps a constant to the middle, with max(|value|, 1) as the spread', () => {
    // min = max = 1000: mid 1000, spread 1000, [0, 1] scale 1000: 1000 → 0.5, 1500 → 1.
    expect(scale(minMax(), [[1000]], [1000])).toEqual([0.5]);
    expect(scale(minMax(), [[1000]], [1500])).toEqual([1]);
    // [-1, 1] (width 2): scale 500: 1500 → 1. Zero: spread 1, scale 0.5: 0.25 → 0.5.
    expect(scale(minMax([-1, 1]), [[1000]], [1500])).toEqual([1]);
    expect(scale(minMax([-1, 1]), [[0], [0]], [0.25])).toEqual([0.5]);
  });

  it('its inverse gives the value back', () => {
    const seen = [
      [3, 1000],
      [5, 3000],
    ];
    const back = unscale(minMax([-1, 1]), seen, scale(minMax([-1, 1]), seen, [4.5, 9000]));
    expect(back[0]).toBeCloseTo(4.5, 12);
    expect(back[1]).toBeCloseTo(9000, 9);
  });

  it('refuses a range that is not two finite numbers in increasing order', () => {
    const bad: unknown[] = [
      [1, 0],
      [0, 0],
      [0, Number.NaN],
      [Number.NEGATIVE_INFINITY, 1],
      [0, 1, 2],
      [0],
      '01',
      null,
    ];
    for (const range of bad) {
      expect(() => minMax(range as [number, number])).toThrow(RangeError);
    }
    expect(() => minMax([1, 0])).toThrow(
      'minMax: range must be [a, b] with finite a < b, such as [0, 1] or [-1, 1], got [1, 0]',
    );
  });
});
