import { type MeanScoreState, meanClass, type ScoreRun } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal Whether each pair of a run (see {@link ScoreRun}) is classified right (1) or not (0);
 * NaN when its target is no class. One output: the target must be 0 or 1, and the prediction
 * counts as 1 when ≥ 0.5. Several outputs: the target must be one-hot, and the index of the
 * largest prediction (the first on a tie) must be that of the 1.
 *
 * @example
 * ```ts
 * import { classifiedRight } from './accuracy.js';
 * const out = new Float64Array(3);
 * classifiedRight([0.7, 0.2, 0.7], [1, 0, 0.4], 1, 0, 3, out); // out = [1, 1, NaN]: 0.4 is no class
 * ```
 */
export function classifiedRight(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  m: number,
  from: number,
  count: number,
  out: Float64Array,
): void {
  for (let i = 0; i < count; i++) {
    const at = (from + i) * m;
    if (m === 1) {
      const t = targets[at];
      out[from + i] =
        t !== 0 && t !== 1 ? Number.NaN : (predictions[at] >= 0.5 ? 1 : 0) === t ? 1 : 0;
      continue;
    }
    out[from + i] = oneHotRight(predictions, targets, at, m);
  }
}

/** 1 when the largest prediction of the pair at `at` is the target's 1, 0 if not, NaN for no one-hot target. */
function oneHotRight(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  at: number,
  m: number,
): number {
  let hot = -1;
  let best = at;
  for (let j = at; j < at + m; j++) {
    const t = targets[j];
    if (t === 1 && hot === -1) hot = j;
    else if (t !== 0) return Number.NaN;
    if (predictions[j] > predictions[best]) best = j;
  }
  if (hot === -1) return Number.NaN;
  return best === hot ? 1 : 0;
}

const Accuracy = meanClass(classifiedRight);

/**
 * The share of pairs classified right, in [0, 1]: for one output whose targets are 0 or 1, the
 * prediction counts as 1 when `≥ 0.5`; for several outputs whose targets are one-hot, the index
 * of the largest prediction (the first on a tie) must be that of the 1. It applies while every
 * pair counted has such a target: while one that has not is counted, the figure is `undefined`.
 *
 * @example
 * ```ts
 * import { accuracy } from 'streamprop';
 * const acc = accuracy();
 * acc.update([0.8], [1]); // right
 * acc.update([0.4], [1]); // wrong
 * acc.update([0.3], [0]); // right
 * console.log(acc.get()); // 0.6666666666666666 — two right of three
 * acc.update([0.3], [0.5]); // 0.5 is no class
 * console.log(acc.get()); // undefined
 * ```
 */
export function accuracy(): Metric<number | undefined, MeanScoreState> {
  return new Accuracy('accuracy', 0, 1);
}
