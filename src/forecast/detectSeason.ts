import {
  argumentError,
  checkFiniteNumber,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';

/** Options of {@link detectSeason}. */
export interface DetectSeasonOptions {
  /** The longest period considered (a positive integer; default: a third of the values). */
  readonly maxPeriod?: number;
  /** The smallest autocorrelation a period must reach to count as a season (default 0.3). */
  readonly minStrength?: number;
}

/** What {@link detectSeason} found. */
export interface Season {
  /** The period, in steps; `undefined` when no lag of 2 … maxPeriod shows a season. */
  readonly period: number | undefined;
  /** The autocorrelation at `period` (NaN without one). */
  readonly strength: number;
  /** The autocorrelation at every lag 0 … maxPeriod (index = lag; 1 at lag 0). */
  readonly autocorrelation: Float64Array;
}

/**
 * Finds the season of a series by its autocorrelation `r(p) = Σ (v[t] − m)(v[t−p] − m) /
 * Σ (v[t] − m)²` at every lag p of 2 … `maxPeriod`: the period is the lag with the highest
 * autocorrelation among the local peaks (`r(p) ≥ r(p − 1)` and `r(p) ≥ r(p + 1)`) that reach
 * `minStrength`. A smooth series is strongly correlated at short lags without any season, so a
 * lag only counts at a peak: 24 on hourly temperatures (r ≈ 0.9 after falling towards 12), 7 on
 * daily births. `undefined` for a series with no such peak (white noise, daily stock returns).
 * Pure math: O(n · maxPeriod).
 *
 * @throws TypeError or RangeError for values that are not an array of finite numbers, or a wrong
 * option.
 *
 * @example
 * ```ts
 * import { detectSeason } from 'streamprop';
 * const hourly = Array.from({ length: 24 * 14 }, (_, h) => 15 + 5 * Math.sin((2 * Math.PI * h) / 24) + Math.sin(h));
 * console.log(detectSeason(hourly, { maxPeriod: 48 }).period); // 24
 * ```
 */
export function detectSeason(values: ArrayLike<number>, options: DetectSeasonOptions = {}): Season {
  const o = checkOptions('detectSeason', options);
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw argumentError('detectSeason', 'values', 'an array of finite numbers', values, 'object');
  }
  const n = values.length;
  const maxPeriod = Math.min(
    checkPositiveInteger(
      'detectSeason',
      'maxPeriod',
      o.maxPeriod ?? Math.max(2, Math.floor(n / 3)),
    ),
    n - 1,
  );
  const minStrength = o.minStrength ?? 0.3;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) checkFiniteNumber('detectSeason', `values[${i}]`, v);
    mean += v;
  }
  mean /= n;
  let denominator = 0;
  for (let i = 0; i < n; i++) denominator += (values[i] - mean) ** 2;
  const r = new Float64Array(Math.max(maxPeriod + 2, 1));
  r[0] = 1;
  for (let p = 1; p < r.length && p < n; p++) {
    let s = 0;
    for (let i = p; i < n; i++) s += (values[i] - mean) * (values[i - p] - mean);
    r[p] = denominator > 0 ? s / denominator : 0;
  }
  let period: number | undefined;
  let strength = Number.NaN;
  for (let p = 2; p <= maxPeriod; p++) {
    const peak = r[p] >= r[p - 1] && (p + 1 >= r.length || r[p] >= r[p + 1]);
    if (peak && r[p] >= minStrength && (period === undefined || r[p] > strength)) {
      period = p;
      strength = r[p];
    }
  }
  return { period, strength, autocorrelation: r.subarray(0, maxPeriod + 1) };
}
