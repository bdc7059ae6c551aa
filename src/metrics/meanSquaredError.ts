import { MeanScore, type MeanScoreState } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal The squared error of one pair, averaged over its outputs: `Σⱼ (tⱼ − pⱼ)² / m`.
 *
 * @example
 * ```ts
 * import { squaredError } from './meanSquaredError.js';
 * squaredError([1, 2], [2, 4]); // (1 + 4) / 2 = 2.5
 * ```
 */
export function squaredError(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  const m = target.length;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const r = target[j] - prediction[j];
    sum += r * r;
  }
  return sum / m;
}

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
  return new MeanScore('meanSquaredError', squaredError, 0);
}
