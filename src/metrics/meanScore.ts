import { z } from 'zod';
import {
  checkFiniteNumber,
  checkFunction,
  checkNonEmptyString,
  checkOptions,
} from '../checks/argumentChecks.js';
import { BuiltInMetric } from './builtInMetric.js';
import type { Metric } from './metric.js';
import { loadedNumber, savedNumber, savedNumberSchema } from './savedNumber.js';

/**
 * A per-sample score of one (prediction, target) pair, such as its squared error; `NaN` when
 * the metric does not apply to the pair (a target that is not a class, for accuracy).
 *
 * @example
 * ```ts
 * import type { Score } from 'streamprop';
 * const absolutePercentageError: Score = (prediction, target) =>
 *   target[0] === 0 ? Number.NaN : Math.abs((target[0] - prediction[0]) / target[0]);
 * ```
 */
export type Score = (prediction: ArrayLike<number>, target: ArrayLike<number>) => number;

/**
 * Options of {@link meanScore}.
 *
 * @example
 * ```ts
 * import type { MeanScoreOptions } from 'streamprop';
 * const options: MeanScoreOptions = { name: 'meanBias', score: (p, t) => p[0] - t[0] };
 * ```
 */
export interface MeanScoreOptions {
  /** The kind of the metric: its state records it, `merge` and `restore` check it. */
  readonly name: string;
  /** The score of one pair; `NaN` when the metric does not apply to it. */
  readonly score: Score;
  /** The figure is never below this finite number (default: no bound); a mean of scores ≥ 0 can round below 0. */
  readonly min?: number;
  /** The figure is never above this finite number (default: no bound). */
  readonly max?: number;
  /** What the figure is made of the (clamped) mean, such as `Math.sqrt` (default: the mean). */
  readonly transform?: (mean: number) => number;
}

/**
 * The saved state of a metric made by {@link meanScore} (or one of the built-in means: MSE,
 * RMSE, MAE, accuracy, log-loss), as plain JSON: weighted sums, which add up across streams. A
 * sum that is not finite (after an overflow) is `null`.
 *
 * @example
 * ```ts
 * import { meanSquaredError, type MeanScoreState } from 'streamprop';
 * const mse = meanSquaredError();
 * mse.update([1], [3]);
 * const saved: MeanScoreState = mse.state(); // { kind: 'meanSquaredError', weight: 1, sum: 4, excluded: 0 }
 * ```
 */
export interface MeanScoreState {
  /** The metric's kind (`meanSquaredError`, or the `name` given to `meanScore`). */
  readonly kind: string;
  /** The total weight of the pairs scored. */
  readonly weight: number | null;
  /** The weighted sum of their scores. */
  readonly sum: number | null;
  /** The total weight of the pairs the metric does not apply to (score `NaN`). */
  readonly excluded: number | null;
}

/**
 * @internal The weighted mean of a per-sample score, as a {@link Metric}: three sums (the weight
 * of the pairs scored, the weighted sum of their scores, the weight of the pairs it does not
 * apply to). The figure is `undefined` while nothing is scored, or while a pair it does not
 * apply to is counted.
 */
export class MeanScore extends BuiltInMetric<number | undefined, MeanScoreState> {
  private weight = 0;
  private sum = 0;
  private excluded = 0;

  constructor(
    readonly kind: string,
    private readonly score: Score,
    private readonly min = Number.NEGATIVE_INFINITY,
    private readonly max = Number.POSITIVE_INFINITY,
    private readonly transform?: (mean: number) => number,
  ) {
    super();
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const s = this.score(prediction, target);
    if (Number.isNaN(s)) {
      this.excluded += weight;
    } else {
      this.weight += weight;
      this.sum += weight * s;
    }
  }

  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const s = this.score(prediction, target);
    if (Number.isNaN(s)) {
      this.excluded -= weight;
    } else {
      this.weight -= weight;
      this.sum -= weight * s;
    }
  }

  decay(factor: number): void {
    this.weight *= factor;
    this.sum *= factor;
    this.excluded *= factor;
  }

  merge(other: this): void {
    this.checkMergeable(other);
    this.weight += other.weight;
    this.sum += other.sum;
    this.excluded += other.excluded;
  }

  reset(): void {
    this.weight = 0;
    this.sum = 0;
    this.excluded = 0;
  }

  get(): number | undefined {
    if (this.excluded > 0 || !(this.weight > 0)) return undefined;
    const mean = this.sum / this.weight;
    const clamped = mean < this.min ? this.min : mean > this.max ? this.max : mean;
    return this.transform === undefined ? clamped : this.transform(clamped);
  }

  state(): MeanScoreState {
    return {
      kind: this.kind,
      weight: savedNumber(this.weight),
      sum: savedNumber(this.sum),
      excluded: savedNumber(this.excluded),
    };
  }

  stateSchema(): z.ZodType<MeanScoreState> {
    return z.object({
      kind: z.literal(this.kind),
      weight: savedNumberSchema,
      sum: savedNumberSchema,
      excluded: savedNumberSchema,
    });
  }

  load(state: MeanScoreState): void {
    this.weight = loadedNumber(state.weight);
    this.sum = loadedNumber(state.sum);
    this.excluded = loadedNumber(state.excluded);
  }
}

/**
 * Makes a metric of your own from a per-sample score: the weighted mean of `score` over the
 * pairs counted, with everything a {@link Metric} does (revert, decay, merge, a JSON state).
 * While a pair whose score is `NaN` is counted, the figure is `undefined` (the metric does not
 * apply to such a stream). The built-in MSE, RMSE, MAE, accuracy and log-loss are such means.
 *
 * @throws TypeError for options that are not an object, a `name` that is not a non-empty string,
 * a `score` or `transform` that is not a function, or a `min` or `max` that is not a number;
 * RangeError for a `min` or `max` that is not finite.
 *
 * @example
 * ```ts
 * import { meanScore, windowed } from 'streamprop';
 * // The mean absolute percentage error of the first output; undefined while a target is 0.
 * const mape = meanScore({
 *   name: 'meanAbsolutePercentageError',
 *   score: (p, t) => (t[0] === 0 ? Number.NaN : Math.abs((t[0] - p[0]) / t[0])),
 *   min: 0,
 * });
 * const recent = windowed(mape, 2);
 * recent.update([9], [10]);
 * recent.update([12], [10]);
 * console.log(recent.get()); // ≈ 0.15: (0.1 + 0.2) / 2
 * ```
 */
export function meanScore(options: MeanScoreOptions): Metric<number | undefined, MeanScoreState> {
  const { name, score, min, max, transform } = checkOptions('meanScore', options);
  checkNonEmptyString('meanScore', 'name', name);
  checkFunction('meanScore', 'score', score);
  if (min !== undefined) checkFiniteNumber('meanScore', 'min', min);
  if (max !== undefined) checkFiniteNumber('meanScore', 'max', max);
  if (transform !== undefined) checkFunction('meanScore', 'transform', transform);
  return new MeanScore(name, score, min, max, transform);
}
