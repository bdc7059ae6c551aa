import { type MeanScoreState, meanClass, type ScoreRun } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal The squared errors of a run of pairs (see {@link ScoreRun}), each averaged over its
 * `m` outputs: `Σⱼ (tⱼ − pⱼ)² / m`.
 *
 * @example
 * ```ts
 * import { squaredErrors } from './meanSquaredError.js';
 * const out = new Float64Array(1);
 * squaredErrors([1, 2], [2, 4], 2, 0, 1, out); // out[0] = (1 + 4) / 2 = 2.5
 * ```
 */
export function squaredErrors(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  m: number,
  from: number,
  count: number,
  out: Float64Array,
): void {
  for (let i = 0; i < count; i++) {
    const at = (from + i) * m;
    let sum = 0;
    for (let j = at; j < at + m; j++) {
      const r = targets[j] - predictions[j];
      sum += r * r;
    }
    out[from + i] = sum / m;
  }
}

/** @internal The class of the MSE (and, with `Math.sqrt` as its transform, of the RMSE). */
export const MeanSquaredError = meanClass(squaredErrors);

/**
 * The mean squared error, `mean(r²)` over pairs and outputs with `r = target − prediction`: the
 * conventional MSE, not the `½ Σ r²` training loss of `mse()`. Never below 0.
 *
 * @example
 * ```ts
 * import { meanSquaredError } from 'streamprop';
 * const mse = meanSquaredError();
 * mse.update([1], [2]); // r² = 1
 * mse.update([1], [4]); // r² = 9
 * console.log(mse.get()); // 5
 * ```
 */
export function meanSquaredError(): Metric<number | undefined, MeanScoreState> {
  return new MeanSquaredError('meanSquaredError', 0);
}
