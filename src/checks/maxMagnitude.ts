/**
 * The largest magnitude a value may have to enter a running statistic: `1e145`. A sample whose
 * input or target lies beyond ±1e145 is rejected (reason `outOfRange`) before it touches any
 * state; the scaler's statistics, the drift detectors and the rate controllers refuse such a
 * value too, and a prediction in real units is held within the same bound.
 *
 * **Why 1e145.** Every statistic the library keeps is a sum of values, of differences of two
 * values or of their squares, over at most 2^53 ≈ 9.007e15 samples (the most that any count
 * keeps exactly). With |v| ≤ B a difference is at most 2B and its square at most 4B², so the
 * largest such sum is 2^53 · 4B² = 2^55 · B². It must stay below `Number.MAX_VALUE`
 * ≈ 1.797e308 = 2^1024: B < 2^484.5 ≈ 7.06e145. `1e145` is the round bound below that, with
 * room to spare: a square is at most 4e290 and a sum of squares at most 3.6e306. Any value
 * beyond about 1.34e154 would overflow a single square — one `1e200` used to turn the
 * scaler's variance into Infinity and ruin the model for the rest of the run.
 *
 * @example
 * ```ts
 * import { MAX_MAGNITUDE } from 'streamprop';
 * console.log(MAX_MAGNITUDE, (2 * MAX_MAGNITUDE) ** 2 * 2 ** 53 < Number.MAX_VALUE); // 1e+145 true
 * ```
 */
export const MAX_MAGNITUDE = 1e145;

/**
 * @internal Whether `value` is a number within ±{@link MAX_MAGNITUDE} (false for NaN,
 * ±Infinity and anything that is not a number).
 *
 * @example
 * ```ts
 * import { withinMaxMagnitude } from './maxMagnitude.js';
 * console.log(withinMaxMagnitude(-1e145), withinMaxMagnitude(1e200), withinMaxMagnitude(Number.NaN)); // true false false
 * ```
 */
export function withinMaxMagnitude(value: unknown): value is number {
  return typeof value === 'number' && value >= -MAX_MAGNITUDE && value <= MAX_MAGNITUDE;
}
