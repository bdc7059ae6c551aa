import { z } from 'zod';
import {
  checkFiniteNumber,
  checkFunction,
  checkNonEmptyString,
  checkOptions,
} from '../checks/argumentChecks.js';
import { BuiltInMetric } from './builtInMetric.js';
import type { Metric } from './metric.js';
import type { PairRing } from './pairRing.js';
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
 * @internal The scores of a run of pairs: pair `from + i` (at `predictions[(from + i) · m …]`
 * and `targets[…]`, `m` values each) scored into `out[from + i]`, for `i < count`. A built-in
 * mean's score is such a loop, so that scoring a run is one call (its loop compiled with the
 * score inline); a score of NaN means that the mean does not apply to the pair.
 */
export type ScoreRun = (
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  m: number,
  from: number,
  count: number,
  out: Float64Array,
) => void;

/** Scores of the runs being counted (shared: counting never nests), grown as runs need. */
let scores = new Float64Array(128);
let outgoing = new Float64Array(128);

function room(count: number): void {
  if (scores.length < count) {
    scores = new Float64Array(count);
    outgoing = new Float64Array(count);
  }
}

/**
 * @internal The weighted mean of a per-sample score, as a {@link Metric}: three sums — the weight
 * of the pairs scored, the weighted sum of their scores, the weight of the pairs it does not
 * apply to. The figure is `undefined` while nothing is scored, or while a pair it does not apply
 * to is counted. The score itself comes with a subclass made by {@link meanClass}.
 */
export abstract class MeanScore extends BuiltInMetric<number | undefined, MeanScoreState> {
  constructor(
    readonly kind: string,
    private readonly min = Number.NEGATIVE_INFINITY,
    private readonly max = Number.POSITIVE_INFINITY,
    private readonly transform?: (mean: number) => number,
  ) {
    super();
    this.bind(new Float64Array(3));
    this.ready = true; // a mean takes no settings from its first pair
  }

  begin(): number {
    return 3;
  }

  adopt(): number {
    return 3;
  }

  dimensionOf(): number {
    return 3;
  }

  protected forget(): void {
    // a mean takes no settings from its first pair
  }

  merge(other: this): void {
    this.checkMergeable(other);
    const sums = this.sums;
    for (let i = 0; i < 3; i++) sums[i] += other.sums[i];
  }

  get(): number | undefined {
    const sums = this.sums;
    const weight = sums[0];
    if (sums[2] > 0 || !(weight > 0)) return undefined;
    const mean = sums[1] / weight;
    const clamped = mean < this.min ? this.min : mean > this.max ? this.max : mean;
    return this.transform === undefined ? clamped : this.transform(clamped);
  }

  state(): MeanScoreState {
    return {
      kind: this.kind,
      weight: savedNumber(this.sums[0]),
      sum: savedNumber(this.sums[1]),
      excluded: savedNumber(this.sums[2]),
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
    this.sums[0] = loadedNumber(state.weight);
    this.sums[1] = loadedNumber(state.sum);
    this.sums[2] = loadedNumber(state.excluded);
  }
}

/**
 * @internal Adds a pair's score `s` of weight `weight` to the three sums of a mean at `into[at…]`:
 * to the weight and the weighted sum, or, for a score of NaN (the mean does not apply to the
 * pair), to the weight excluded.
 */
export function addScore(s: number, weight: number, into: Float64Array, at: number): void {
  if (Number.isNaN(s)) {
    into[at + 2] += weight;
  } else {
    into[at] += weight;
    into[at + 1] += weight * s;
  }
}

/** @internal What {@link meanClass} makes: the class of a mean, by its kind and bounds. */
export type MeanConstructor = new (
  kind: string,
  min?: number,
  max?: number,
  transform?: (mean: number) => number,
) => MeanScore;

/**
 * No scores yet: one empty array for every mean (an empty typed array of each of the dozen means a
 * key's tracker holds cost about 180 bytes of objects).
 */
const NO_SCORES: Float64Array = new Float64Array(0);

/** @internal The class of the means of the score `scoreRun` computes for runs of pairs. */
export function meanClass(scoreRun: ScoreRun): MeanConstructor {
  return class extends MeanScore {
    /**
     * The score of the pair in each slot of the ring a stack's `foldRun` counted (or `primeRun`
     * scored): what a pair takes out of the window when it leaves, and what a recount adds.
     */
    private cache = NO_SCORES;

    accumulate(
      prediction: ArrayLike<number>,
      target: ArrayLike<number>,
      weight: number,
      into: Float64Array,
      at: number,
    ): void {
      scoreRun(prediction, target, target.length, 0, 1, scores);
      addScore(scores[0], weight, into, at);
    }

    addRun(pairs: PairRing, from: number, count: number, factors: Float64Array | undefined): void {
      room(from + count);
      scoreRun(pairs.predictions, pairs.targets, pairs.outputs, from, count, scores);
      const weights = pairs.weights;
      const sums = this.sums;
      for (let i = 0; i < count; i++) {
        const s = from + i;
        const w = factors === undefined ? weights[s] : weights[s] * factors[i];
        addScore(scores[s], w, sums, 0);
      }
    }

    slideRun(pairs: PairRing, from: number, out: number, count: number): void {
      room(Math.max(from, out) + count);
      const { predictions, targets, outputs: m, weights } = pairs;
      scoreRun(predictions, targets, m, from, count, scores);
      scoreRun(predictions, targets, m, out, count, outgoing);
      const sums = this.sums;
      for (let i = 0; i < count; i++) {
        addScore(outgoing[out + i], -weights[out + i], sums, 0);
        addScore(scores[from + i], weights[from + i], sums, 0);
      }
    }

    override primeRun(pairs: PairRing, from: number, count: number): void {
      const cache = this.cacheFor(pairs);
      scoreRun(pairs.predictions, pairs.targets, pairs.outputs, from, count, cache);
    }

    recountRun(
      pairs: PairRing,
      from: number,
      count: number,
      window: Float64Array,
      total: Float64Array,
      at: number,
    ): void {
      if (total[at + 2] > 0) return;
      const cache = this.cache;
      const weights = pairs.weights;
      for (let i = 0; i < count; i++) addScore(cache[from + i], weights[from + i], window, at);
    }

    foldRun(
      pairs: PairRing,
      from: number,
      out: number,
      count: number,
      leaving: boolean,
      factors: Float64Array,
      window: Float64Array,
      ewma: Float64Array,
      total: Float64Array,
      at: number,
    ): void {
      // A mean that has met a pair it does not apply to (the total has weight excluded) is
      // not shown again by the tracker: it is counted no further.
      if (total[at + 2] > 0) return;
      const { predictions, targets, outputs: m, weights } = pairs;
      // Each pair is scored once, as it comes; it leaves with the score it came with.
      const cache = this.cacheFor(pairs);
      scoreRun(predictions, targets, m, from, count, cache);
      for (let i = 0; i < count; i++) {
        if (leaving) addScore(cache[out + i], -weights[out + i], window, at);
        const s = cache[from + i];
        const w = weights[from + i];
        if (Number.isNaN(s)) {
          window[at + 2] += w;
          ewma[at + 2] += w * factors[i];
          total[at + 2] += w;
          return;
        }
        const wf = w * factors[i];
        window[at] += w;
        window[at + 1] += w * s;
        ewma[at] += wf;
        ewma[at + 1] += wf * s;
        total[at] += w;
        total[at + 1] += w * s;
      }
    }

    /** The cache, with a slot for each of the ring's (a merged stack's ring is larger). */
    private cacheFor(pairs: PairRing): Float64Array {
      if (this.cache.length < pairs.capacity) this.cache = new Float64Array(pairs.capacity);
      return this.cache;
    }
  };
}

/** @internal The runs of a score of yours, given as `(prediction, target)`: each pair copied out. */
function ownRun(score: Score): ScoreRun {
  let prediction = new Float64Array(0);
  let target = new Float64Array(0);
  return (predictions, targets, m, from, count, out) => {
    if (prediction.length !== m) {
      prediction = new Float64Array(m);
      target = new Float64Array(m);
    }
    for (let i = 0; i < count; i++) {
      const at = (from + i) * m;
      for (let j = 0; j < m; j++) {
        prediction[j] = predictions[at + j];
        target[j] = targets[at + j];
      }
      out[from + i] = score(prediction, target);
    }
  };
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
  const Mean = meanClass(ownRun(score));
  return new Mean(name, min, max, transform);
}
