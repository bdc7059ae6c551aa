// The simple forecasters: lastValue, seasonalLastValue, runningMean and leastSquares — their
// values, their rejections and their argument checks; leastSquares against the closed form.
import { from, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type Forecast,
  lastValue,
  leastSquares,
  rng,
  runningMean,
  type Sample,
  seasonalLastValue,
} from '../../src/index.js';
import { lagged } from '../../streams/index.js';

/** Each forecast's output and actual, copied. */
function run(source: Observable<Forecast>): { output: number; actual?: number; reason?: string }[] {
  const out: { output: number; actual?: number; reason?: string }[] = [];
  source.subscribe((f) =>
    out.push({
      output: f.output[0],
      ...(f.actual === undefined ? {} : { actual: f.actual[0] }),
      ...(f.rejection === undefined ? {} : { reason: f.rejection.reason }),
    }),
  );
  return out;
}

describe('lastValue, seasonalLastValue, runningMean', () => {
  it('forecast the newest input, the value one season back, the mean of the targets before', () => {
    const series = [10, 20, 30, 11, 21, 31, 12];
    expect(run(from(series).pipe(lagged(3), lastValue())).map((f) => f.output)).toEqual([
      30, 11, 21, 31,
    ]);
    expect(run(from(series).pipe(lagged(3), seasonalLastValue(3))).map((f) => f.output)).toEqual([
      10, 20, 30, 11,
    ]);
    // horizon 2: the target is 2 steps after the newest input; one season (3) before it is
    // the second newest input
    expect(
      run(from(series).pipe(lagged(3, { horizon: 2 }), seasonalLastValue(3, { horizon: 2 }))),
    ).toEqual([
      { output: 20, actual: 21 },
      { output: 30, actual: 31 },
      { output: 11, actual: 12 },
    ]);
    expect(run(from(series).pipe(lagged(3), runningMean())).map((f) => f.output)).toEqual([
      0, 11, 16, 21,
    ]);
  });

  it('reject what they cannot read, with the reason, and keep going', () => {
    const samples = [
      { x: [1], y: 2 },
      { x: [Number.NaN], y: 2 },
      { x: [1], y: [1, 2] },
      null,
      { x: [], malformed: { field: 'line 3', value: 'x', problem: 'is not valid JSON' } },
      { x: [5], y: 4 },
    ] as unknown as Sample[];
    const got = run(from(samples).pipe(runningMean()));
    expect(got.map((f) => f.reason)).toEqual([
      undefined,
      'nonFinite',
      'notNumber',
      'notObject',
      'malformed',
      undefined,
    ]);
    expect(got[5].output).toBe(2); // the rejected ones were not added
    expect(Number.isNaN(got[1].output)).toBe(true);
    expect(run(from([{ x: [1, 2], y: 1 }]).pipe(seasonalLastValue(3)))[0].reason).toBe('length');
  });

  it('checks the arguments at once', () => {
    expect(() => seasonalLastValue(0)).toThrow(
      'seasonalLastValue: period must be a positive integer, got 0',
    );
    expect(() => seasonalLastValue(2, { horizon: 3 })).toThrow(
      /^seasonalLastValue: period must be at least the horizon \(3\)/,
    );
    expect(() => leastSquares({ forgetting: 0 })).toThrow(
      /^leastSquares: forgetting must be a finite number in \(0, 1\]/,
    );
    expect(() => leastSquares({ prior: -1 })).toThrow(/^leastSquares: prior must be/);
  });
});

/** Solves A w = b (symmetric positive definite) by Gaussian elimination, on copies. */
function solve(matrix: number[][], vector: number[]): number[] {
  const a = matrix.map((r) => [...r]);
  const b = [...vector];
  const n = b.length;
  for (let i = 0; i < n; i++) {
    for (let r = i + 1; r < n; r++) {
      const f = a[r][i] / a[i][i];
      for (let c = i; c < n; c++) a[r][c] -= f * a[i][c];
      b[r] -= f * b[i];
    }
  }
  const w = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let c = i + 1; c < n; c++) s -= a[i][c] * w[c];
    w[i] = s / a[i][i];
  }
  return w;
}

describe('leastSquares against online least squares in closed form', () => {
  const random = rng(11);
  const N = 2000;
  // inputs of very different scales and correlated, as the lags of a series are
  const samples = Array.from({ length: N }, () => {
    const a = 50 + 10 * random.normal();
    const x = [a, 0.9 * a + 2 * random.normal(), 1000 * random.normal()];
    return { x, y: 200 + 4 * x[0] - 3 * x[1] + 0.01 * x[2] + 5 * random.normal() };
  });
  // Before each sample (from the 5th on), the least-squares fit with an intercept of all the
  // samples before it, from the normal equations; before that, their mean.
  const reference: number[] = [];
  const p = 4;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  let mean = 0;
  samples.forEach(({ x, y }, k) => {
    const row = [1, ...x];
    let prediction = mean;
    if (k >= 5) {
      const w = solve(xtx, xty);
      prediction = row.reduce((s, v, i) => s + v * w[i], 0);
    }
    reference.push(prediction);
    for (let i = 0; i < p; i++) {
      xty[i] += row[i] * y;
      for (let j = 0; j < p; j++) xtx[i][j] += row[i] * row[j];
    }
    mean += (y - mean) / (k + 1);
  });
  const rmse = (forecasts: number[]): number =>
    Math.sqrt(forecasts.reduce((s, f, k) => s + (f - samples[k].y) ** 2, 0) / N);

  it('with no forgetting it is the closed form, forecast for forecast, after the first few', () => {
    const got = run(from(samples).pipe(leastSquares())).map((f) => f.output);
    for (let k = 20; k < N; k++) expect(got[k]).toBeCloseTo(reference[k], 3);
  });

  it('its prequential RMSE is within 5 % of the closed form’s, with the default and with forgetting', () => {
    const exact = rmse(reference);
    expect(exact).toBeGreaterThan(4.9); // the noise is 5: the reference is honest
    for (const forgetting of [1, 0.999]) {
      const got = rmse(run(from(samples).pipe(leastSquares({ forgetting }))).map((f) => f.output));
      expect(got / exact, `forgetting ${forgetting}`).toBeLessThan(1.05);
    }
  });

  it('rejects an x of another length than the first, and a sample without y is not learned', () => {
    const got = run(
      from([{ x: [1, 2], y: 3 }, { x: [1], y: 3 }, { x: [2, 3] }, { x: [2, 3], y: 5 }]).pipe(
        leastSquares(),
      ),
    );
    expect(got.map((f) => f.reason)).toEqual([undefined, 'length', undefined, undefined]);
    expect(got[2].actual).toBeUndefined();
  });
});
