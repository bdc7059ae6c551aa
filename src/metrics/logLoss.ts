import { type MeanScoreState, meanClass, type ScoreRun } from './meanScore.js';
import type { Metric } from './metric.js';

/** Probabilities are clipped to [P_MIN, 1 − P_MIN] before a logarithm. */
const P_MIN = 1e-15;
/** How far from 1 a target (or a softmax output) may sum and still count as a distribution. */
const TARGET_SUM_TOLERANCE = 1e-9;
const OUTPUT_SUM_TOLERANCE = 1e-6;

function clipProbability(p: number): number {
  return p < P_MIN ? P_MIN : p > 1 - P_MIN ? 1 - P_MIN : p;
}

/**
 * @internal The cross entropy of each pair of a run (see {@link ScoreRun}); NaN for a pair that
 * is not one of probabilities. Binary, `−[t ln p + (1 − t) ln(1 − p)]`, for one output in [0, 1]
 * with a target in [0, 1]; categorical, `−Σ tᵢ ln pᵢ`, for several outputs in [0, 1] that sum to
 * 1 (to 1e-6) with a target ≥ 0 that sums to 1 (to 1e-9). `p` is clipped to [1e-15, 1 − 1e-15].
 *
 * @example
 * ```ts
 * import { crossEntropies } from './logLoss.js';
 * const out = new Float64Array(2);
 * crossEntropies([0.8, 1.2], [1, 1], 1, 0, 2, out); // out = [−ln 0.8 ≈ 0.223, NaN]
 * ```
 */
export function crossEntropies(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  m: number,
  from: number,
  count: number,
  out: Float64Array,
): void {
  for (let i = 0; i < count; i++)
    out[from + i] = crossEntropy(predictions, targets, (from + i) * m, m);
}

/** The cross entropy of the pair at `predictions[at …]`, `targets[at …]` (see {@link crossEntropies}). */
function crossEntropy(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  at: number,
  m: number,
): number {
  if (m === 1) {
    const t = targets[at];
    const y = predictions[at];
    if (!(t >= 0 && t <= 1 && y >= 0 && y <= 1)) return Number.NaN;
    const p = clipProbability(y);
    return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
  }
  let targetSum = 0;
  let outputSum = 0;
  let loss = 0;
  for (let j = at; j < at + m; j++) {
    const t = targets[j];
    const y = predictions[j];
    if (!(t >= 0 && y >= 0 && y <= 1)) return Number.NaN;
    targetSum += t;
    outputSum += y;
    if (t !== 0) loss -= t * Math.log(clipProbability(y));
  }
  if (
    Math.abs(targetSum - 1) > TARGET_SUM_TOLERANCE ||
    Math.abs(outputSum - 1) > OUTPUT_SUM_TOLERANCE
  ) {
    return Number.NaN;
  }
  return loss;
}

const LogLoss = meanClass(crossEntropies);

/**
 * The mean cross entropy (log-loss): binary, `−[t ln p + (1 − t) ln(1 − p)]`, for one output in
 * [0, 1] with a target in [0, 1]; categorical, `−Σ tᵢ ln pᵢ`, for several outputs in [0, 1]
 * that sum to 1 (a softmax) with a target that sums to 1 (one-hot or a distribution); `p` is
 * clipped to [1e-15, 1 − 1e-15]. It applies while every pair counted is such a pair: while one
 * that is not is counted, the figure is `undefined`. Never below 0.
 *
 * @example
 * ```ts
 * import { logLoss } from 'streamprop';
 * const loss = logLoss();
 * loss.update([0.8], [1]);
 * loss.update([0.3], [0]);
 * console.log(loss.get()); // 0.2899092476264711 — (−ln 0.8 − ln 0.7) / 2
 * ```
 */
export function logLoss(): Metric<number | undefined, MeanScoreState> {
  return new LogLoss('logLoss', 0);
}
