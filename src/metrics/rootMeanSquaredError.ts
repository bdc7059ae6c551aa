import type { MeanScoreState } from './meanScore.js';
import { MeanSquaredError } from './meanSquaredError.js';
import type { Metric } from './metric.js';

/**
 * The root mean squared error, `√mse` (see {@link meanSquaredError}): its state is that of the
 * MSE, so it merges and reverts exactly like it.
 *
 * @example
 * ```ts
 * import { rootMeanSquaredError } from 'streamprop';
 * const rmse = rootMeanSquaredError();
 * rmse.update([1], [4]); // r² = 9
 * rmse.update([1], [6]); // r² = 25, mean 17
 * console.log(rmse.get()); // 4.123105625617661 — √17
 * ```
 */
export function rootMeanSquaredError(): Metric<number | undefined, MeanScoreState> {
  return new MeanSquaredError('rootMeanSquaredError', 0, undefined, Math.sqrt);
}
