import { MeanScore, type MeanScoreState } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal The absolute error of one pair, averaged over its outputs: `Σⱼ |tⱼ − pⱼ| / m`.
 *
 * @example
 * ```ts
 * import { absoluteError } from './meanAbsoluteError.js';
 * absoluteError([1, 2], [2, 5]); // (1 + 3) / 2 = 2
 * ```
 */
export function absoluteError(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  const m = target.length;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const r = target[j] - prediction[j];
    sum += r < 0 ? -r : r;
  }
  return sum / m;
}

/**
 * The mean absolute error, `mean(|r|)` over pairs and outputs with `r = target − prediction`.
 * Never below 0.
 *
 * @example
 * ```ts
 * import { meanAbsoluteError } from 'streamprop';
 * const mae = meanAbsoluteError();
 * mae.update([1], [2]);
 * mae.update([5], [2]);
 * console.log(mae.get()); // 2 — (1 + 3) / 2
 * ```
 */
export function meanAbsoluteError(): Metric<number | undefined, MeanScoreState> {
  return new MeanScore('meanAbsoluteError', absoluteError, 0);
}
