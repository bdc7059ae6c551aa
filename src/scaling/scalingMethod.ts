import type { RunningStats } from './runningStats.js';

/**
 * How `normalize()` maps values to a common scale from running statistics: `zScore()` or
 * `minMax(range)`. A method is a value, never a string; the model file stores it as
 * `{ name: 'zScore' }` or `{ name: 'minMax', range: [a, b] }`.
 *
 * Every method scales dimension `i` by an affine map fitted to the statistics,
 * `scaled = centre + (v − offsets[i]) / scales[i]`, whose inverse is
 * `v = offsets[i] + (scaled − centre) · scales[i]`.
 *
 * When a dimension has no spread yet (one value seen, or the same value every time), dividing by
 * the spread is impossible; the methods then use `max(|location|, 1)` as the spread, where the
 * location is the mean (zScore) or the midpoint of the minimum and maximum (minMax), so a
 * change is measured relative to the size of the values seen: a value that doubles moves by one
 * unit (zScore) or by the width of the range (minMax). (scikit-learn uses a spread of 1 there, which would feed raw differences — hundreds for
 * values in the thousands — to the network.) A spread below 1e-12 of that size counts as none.
 *
 * @example
 * ```ts
 * import { minMax, runningStats, type ScalingMethod, zScore } from 'streamprop';
 * const stats = runningStats(1);
 * for (const v of [10, 20, 30]) stats.push([v]);
 * const offsets = new Float64Array(1);
 * const scales = new Float64Array(1);
 * const methods: ScalingMethod[] = [zScore(), minMax([-1, 1])];
 * for (const method of methods) {
 *   method.fit(stats, offsets, scales);
 *   console.log(method.name, method.centre + (30 - offsets[0]) / scales[0]); // zScore 1.2247…, minMax 1
 * }
 * ```
 */
export interface ScalingMethod {
  /** The name the model file stores. */
  readonly name: 'zScore' | 'minMax';
  /** The target range of `minMax`, `undefined` for `zScore`. */
  readonly range: readonly [number, number] | undefined;
  /** What the centre of the data maps to: 0 for `zScore`, the middle of the range for `minMax`. */
  readonly centre: number;
  /**
   * Writes the map of every dimension of `stats` into `offsets` and `scales` (each of
   * `stats.dimensions` values; every scale > 0 and finite). `stats` must hold at least one value.
   */
  fit(stats: RunningStats, offsets: Float64Array, scales: Float64Array): void;
}

/**
 * @internal The spread to divide by: `spread` itself, or `max(|location|, 1)` when it is zero
 * (or below 1e-12 of that).
 */
export function usableSpread(spread: number, location: number): number {
  const size = Math.max(Math.abs(location), 1);
  return spread > 1e-12 * size ? spread : size;
}
