// Welford's running mean and variance, and running min / max, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { RunningStats, type RunningStatsState, runningStats } from '../../src/index.js';

/** Two-pass reference: the mean first, then the sum of squared deviations from it. */
function twoPass(values: readonly number[]): { mean: number; m2: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, m2: values.reduce((a, v) => a + (v - mean) ** 2, 0) };
}

function pushAll(stats: RunningStats, rows: readonly (readonly number[])[]): RunningStats {
  for (const row of rows) stats.push(row);
  return stats;
}

describe('runningStats: Welford by hand', () => {
  // The values 2, 4, 4, 4, 5, 5, 7, 9, one by one (n ← n + 1; d = v − mean; mean += d / n;
  // M2 += d · (v − new mean)):
  //   v=2: n=1  mean = 2                          M2 = 0
  //   v=4: n=2  d = 2     mean = 3                M2 = 0 + 2·(4 − 3)          = 2
  //   v=4: n=3  d = 1     mean = 10/3             M2 = 2 + 1·(4 − 10/3)       = 8/3
  //   v=4: n=4  d = 2/3   mean = 10/3 + 1/6 = 3.5 M2 = 8/3 + (2/3)·(0.5)      = 3
  //   v=5: n=5  d = 1.5   mean = 3.8              M2 = 3 + 1.5·1.2            = 4.8
  //   v=5: n=6  d = 1.2   mean = 4                M2 = 4.8 + 1.2·1            = 6
  //   v=7: n=7  d = 3     mean = 31/7             M2 = 6 + 3·(18/7)           = 96/7
  //   v=9: n=8  d = 32/7  mean = 31/7 + 4/7 = 5   M2 = 96/7 + (32/7)·4        = 32
  // Two-pass check: mean 40/8 = 5; Σ(v − 5)² = 9+1+1+1+0+0+4+16 = 32. Population variance
  // 32/8 = 4 (σ = 2); sample variance 32/7.
  const VALUES = [2, 4, 4, 4, 5, 5, 7, 9];
  const EXPECTED = [
    { mean: 2, m2: 0 },
    { mean: 3, m2: 2 },
    { mean: 10 / 3, m2: 8 / 3 },
    { mean: 3.5, m2: 3 },
    { mean: 3.8, m2: 4.8 },
    { mean: 4, m2: 6 },
    { mean: 31 / 7, m2: 96 / 7 },
    { mean: 5, m2: 32 },
  ];

  it('follows the hand-computed mean and M2 after every value', () => {
    const stats = runningStats(1);
    VALUES.forEach((v, k) => {
      stats.push([v]);
      expect(stats.count).toBe(k + 1);
      expect(stats.mean[0]).toBeCloseTo(EXPECTED[k].mean, 12);
      expect(stats.m2[0]).toBeCloseTo(EXPECTED[k].m2, 12);
    });
    expect(stats.variance(0)).toBeCloseTo(4, 12);
    expect(stats.std(0)).toBeCloseTo(2, 12);
    expect(stats.sampleVariance(0)).toBeCloseTo(32 / 7, 12);
    expect(stats.min[0]).toBe(2);
    expect(stats.max[0]).toBe(9);
  });

  it('matches the two-pass values after every prefix', () => {
    const stats = runningStats(1);
    VALUES.forEach((v, k) => {
      stats.push([v]);
      const ref = twoPass(VALUES.slice(0, k + 1));
      expect(stats.mean[0]).toBeCloseTo(ref.mean, 12);
      expect(stats.m2[0]).toBeCloseTo(ref.m2, 12);
    });
  });

  it('keeps each dimension apart', () => {
    // dim 0: 1, 3 → mean 2, M2 = 2 (d = 2, (3 − 2)); dim 1: 10, 30 → mean 20, M2 = 20·10 = 200;
    // dim 2: -1, -1 → mean -1, M2 0.
    const stats = pushAll(runningStats(3), [
      [1, 10, -1],
      [3, 30, -1],
    ]);
    expect(Array.from(stats.mean)).toEqual([2, 20, -1]);
    expect(Array.from(stats.m2)).toEqual([2, 200, 0]);
    expect([stats.variance(0), stats.variance(1), stats.variance(2)]).toEqual([1, 100, 0]);
    expect(Array.from(stats.min)).toEqual([1, 10, -1]);
    expect(Array.from(stats.max)).toEqual([3, 30, -1]);
  });

  it('is 0, not NaN, before two values', () => {
    const stats = runningStats(2);
    expect([stats.count, stats.variance(0), stats.sampleVariance(0), stats.std(1)]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(Array.from(stats.mean)).toEqual([0, 0]);
    stats.push([5, -3]);
    expect([stats.variance(0), stats.sampleVariance(0), stats.std(1)]).toEqual([0, 0, 0]);
    expect(Array.from(stats.min)).toEqual([5, -3]);
    expect(Array.from(stats.max)).toEqual([5, -3]);
  });
});

describe('runningStats: numerical stability', () => {
  // 1e9 + 4, 7, 13, 16: mean 1e9 + 10, deviations −6, −3, 3, 6, Σ² = 90, variance 22.5.
  // The textbook one-pass formula Σv²/n − mean² subtracts two numbers near 1e18, whose spacing
  // in doubles is 128: it cannot get 22.5 right. Welford only ever handles the deviations.
  const VALUES = [4, 7, 13, 16].map((v) => 1e9 + v);

  it('gets the variance of large, close values that the textbook formula loses', () => {
    const stats = runningStats(1);
    for (const v of VALUES) stats.push([v]);
    expect(stats.mean[0]).toBe(1e9 + 10);
    expect(stats.variance(0)).toBeCloseTo(22.5, 9);
    const naive =
      VALUES.reduce((a, v) => a + v * v, 0) / 4 - (VALUES.reduce((a, v) => a + v, 0) / 4) ** 2;
    expect(Math.abs(naive - 22.5)).toBeGreaterThan(1); // the reason for Welford
  });

  it('matches two-pass values on a long seeded stream of offset noise', () => {
    const values: number[] = [];
    let s = 12345;
    for (let i = 0; i < 10_000; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      values.push(1e6 + (s / 2147483648 - 0.5) * 10);
    }
    const stats = runningStats(1);
    for (const v of values) stats.push([v]);
    const ref = twoPass(values);
    expect(stats.mean[0]).toBeCloseTo(ref.mean, 7);
    expect(stats.m2[0] / ref.m2).toBeCloseTo(1, 9);
    expect(stats.m2[0]).toBeGreaterThanOrEqual(0);
  });

  it('keeps M2 exactly 0 for a constant', () => {
    const stats = runningStats(1);
    for (let i = 0; i < 1000; i++) stats.push([0.1]);
    expect(stats.m2[0]).toBe(0);
    expect(stats.mean[0]).toBe(0.1);
  });
});

describe('runningStats: checks, reset, state', () => {
  it('refuses a wrong number of dimensions', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => runningStats(bad as number)).toThrow(RangeError);
    }
    expect(() => runningStats('2' as never)).toThrow(TypeError);
    expect(() => runningStats(0)).toThrow(/dimensions must be a positive integer, got 0/);
  });

  it('refuses a wrong vector and changes nothing', () => {
    const stats = pushAll(runningStats(2), [[1, 2]]);
    const before = stats.state();
    expect(() => stats.push([1])).toThrow('RunningStats: values must be 2 numbers, got [1]');
    expect(() => stats.push([1, Number.NaN])).toThrow(
      /values\[1\] must be a finite number within ±1e\+145, got NaN/,
    );
    expect(() => stats.push([Number.POSITIVE_INFINITY, 1])).toThrow(RangeError);
    // 1e200 is finite, but its square is not: M2 would become Infinity
    expect(() => stats.push([1, 1e200])).toThrow(
      'RunningStats: values[1] must be a finite number within ±1e+145, got 1e+200',
    );
    expect(stats.state()).toEqual(before);
  });

  it('stays finite at the bound: ±1e145 alternating, 1,000 times', () => {
    const stats = runningStats(1);
    for (let i = 0; i < 1000; i++) stats.push([i % 2 === 0 ? 1e145 : -1e145]);
    expect(stats.variance(0)).toBeCloseTo(1e290, -280);
    expect(stats.state().m2.every(Number.isFinite)).toBe(true);
  });

  it('reset forgets everything but the dimensions', () => {
    const stats = pushAll(runningStats(2), [
      [1, 2],
      [3, 5],
    ]);
    stats.reset();
    expect(stats.state()).toEqual({ count: 0, mean: [0, 0], m2: [0, 0], min: [0, 0], max: [0, 0] });
    stats.push([7, 8]);
    expect(Array.from(stats.min)).toEqual([7, 8]); // not min(0, 7)
  });

  it('state is plain JSON and restore continues exactly', () => {
    const rows = [
      [0.1, 1e3],
      [-0.7, 2e3],
      [0.35, 5e2],
    ];
    const a = pushAll(runningStats(2), rows);
    const b = runningStats(2);
    b.restore(JSON.parse(JSON.stringify(a.state())) as RunningStatsState);
    expect(b.state()).toEqual(a.state());
    a.push([1, 1]);
    b.push([1, 1]);
    expect(b.state()).toEqual(a.state());
    expect(b).toBeInstanceOf(RunningStats);
  });

  it('restore refuses a malformed state, naming the field, and changes nothing', () => {
    const stats = pushAll(runningStats(2), [[1, 2]]);
    const good = stats.state();
    const cases: [Partial<Record<keyof RunningStatsState, unknown>> | null, RegExp][] = [
      [null, /^RunningStats\.restore: state: Invalid input: expected object, received null$/],
      [
        { ...good, count: -1 },
        /^RunningStats\.restore: count: Too small: expected number to be >=0$/,
      ],
      [{ ...good, count: 1.5 }, /^RunningStats\.restore: count: Invalid input: expected int/],
      [
        { ...good, mean: [1] },
        /^RunningStats\.restore: mean: must hold 2 values \(one per dimension\)$/,
      ],
      [
        { ...good, m2: 'x' },
        /^RunningStats\.restore: m2: Invalid input: expected array, received string$/,
      ],
      [
        { ...good, min: [1, Number.NaN] },
        /^RunningStats\.restore: min\[1\]: Invalid input: expected number, received NaN$/,
      ],
      [
        { ...good, max: [1, '2'] },
        /^RunningStats\.restore: max\[1\]: Invalid input: expected number, received string$/,
      ],
      [
        { ...good, m2: [0, -1] },
        /^RunningStats\.restore: m2\[1\]: Too small: expected number to be >=0$/,
      ],
      [
        { ...good, min: [3, 2], max: [1, 2] },
        /^RunningStats\.restore: min\[0\]: must be <= max\[0\], got 3 > 1$/,
      ],
    ];
    for (const [state, message] of cases) {
      // a value of the wrong type is a TypeError, a value out of range a RangeError
      expect(() => stats.restore(state as RunningStatsState)).toThrow(Error);
      expect(() => stats.restore(state as RunningStatsState)).toThrow(message);
    }
    expect(stats.state()).toEqual(good);
    // min > max is allowed only while nothing has been counted (every value is 0 then anyway).
    stats.restore({ count: 0, mean: [0, 0], m2: [0, 0], min: [1, 0], max: [0, 0] });
    expect(stats.count).toBe(0);
  });
});
