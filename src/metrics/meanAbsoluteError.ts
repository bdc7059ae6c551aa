import { type MeanScoreState, meanClass, type ScoreRun } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal The absolute errors of a run of pairs (see {@link ScoreRun}), each averaged over its
 * `m` outputs: `Σⱼ |tⱼ − pⱼ| / m`.
 *
 * @example
 * ```ts
 * import { absoluteErrors } from './meanAbsoluteError.js';
 * const out = new Float64Array(1);
 * absoluteErrors([1, 2], [2, 5], 2, 0, 1, out); // out[0] = (1 + 3) / 2 = 2
 * ```
 */
export function absoluteErrors(
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
      sum += r < 0 ? -r : r;
    }
    out[from + i] = sum / m;
  }
}

const MeanAbsoluteError = meanClass(absoluteErrors);

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
  return new MeanAbsoluteError('meanAbsoluteError', 0);
}
