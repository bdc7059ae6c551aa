import { MeanScore, type MeanScoreState } from './meanScore.js';
import type { Metric } from './metric.js';

/**
 * @internal Whether one pair is classified right (1) or not (0); `NaN` when its target is no
 * class. One output: the target must be 0 or 1, and the prediction counts as 1 when ≥ 0.5.
 * Several outputs: the target must be one-hot, and the index of the largest prediction (the
 * first on a tie) must be that of the 1.
 *
 * @example
 * ```ts
 * import { classifiedRight } from './accuracy.js';
 * classifiedRight([0.7], [1]); // 1
 * classifiedRight([0.2, 0.5, 0.3], [1, 0, 0]); // 0
 * classifiedRight([0.7], [0.4]); // NaN: 0.4 is no class
 * ```
 */
export function classifiedRight(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  const m = target.length;
  if (m === 1) {
    const t = target[0];
    if (t !== 0 && t !== 1) return Number.NaN;
    return (prediction[0] >= 0.5 ? 1 : 0) === t ? 1 : 0;
  }
  let hot = -1;
  let best = 0;
  for (let j = 0; j < m; j++) {
    const t = target[j];
    if (t === 1 && hot === -1) hot = j;
    else if (t !== 0) return Number.NaN;
    if (prediction[j] > prediction[best]) best = j;
  }
  if (hot === -1) return Number.NaN;
  return best === hot ? 1 : 0;
}

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
  return new MeanScore('accuracy', classifiedRight, 0, 1);
}
