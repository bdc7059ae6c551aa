import { z } from 'zod';
import { checkInterval } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { BuiltInMetric, loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';
import { PENDING_CAPACITY, Pending } from './pending.js';

/**
 * The `scale` past which an EWMA of the library's metrics decays its sums (see
 * {@link EwmaState}); with `1 − alpha ≥ 1e-3` a scale stays below 2^30, and sums of squares of
 * values within ±1e145 (what the steps hold) stay finite.
 */
const RESCALE_AT = 2 ** 20;

/**
 * The saved state of an {@link ewma} metric, as plain JSON.
 *
 * @example
 * ```ts
 * import { ewma, type EwmaState, meanSquaredError } from 'streamprop';
 * const smooth = ewma(meanSquaredError(), 0.1);
 * smooth.update([1], [2]);
 * const saved: EwmaState<unknown> = smooth.state(); // { alpha: 0.1, count: 1, scale: 1, metric: { … } }
 * ```
 */
export interface EwmaState<S> {
  /** The weight of the newest pair. */
  readonly alpha: number;
  /** The pairs counted. */
  readonly count: number;
  /**
   * The factor by which the metric's sums exceed the decayed ones (for the library's metrics,
   * whose figures are ratios, the decay is applied now and then rather than at every pair; 1 for
   * a metric of your own).
   */
  readonly scale: number;
  /** The wrapped metric's state (its weights decayed, times `scale`). */
  readonly metric: S;
}

/**
 * A metric whose pairs weigh less the older they are (see {@link ewma}).
 *
 * @example
 * ```ts
 * import { type Ewma, ewma, meanAbsoluteError } from 'streamprop';
 * const smooth: Ewma<ReturnType<typeof meanAbsoluteError>> = ewma(meanAbsoluteError(), 0.01);
 * console.log(smooth.alpha, smooth.count); // 0.01 0
 * ```
 */
export interface Ewma<M extends Metric<unknown, unknown>>
  extends Aggregate<M, EwmaState<ReturnType<M['state']>>> {
  /** The weight of the newest pair, in (0, 1]. */
  readonly alpha: number;
}

/**
 * @internal See {@link ewma}. It counts lazily, as {@link WindowedMetric} does: `update` only
 * keeps the pair; the pairs kept are counted, in order, when the figure, the state or the metric
 * is read, or when {@link PENDING_CAPACITY} are waiting.
 */
export class EwmaMetric<M extends Metric<unknown, unknown>> implements Ewma<M> {
  readonly alpha: number;
  private readonly own: M;
  private readonly keep: number;
  private readonly pending = new Pending();
  /** The pairs taken, counted or waiting. */
  private n = 0;
  /**
   * For the library's metrics, whose figures are ratios of their sums: instead of decaying every
   * sum at each pair, the new pair's weight grows by 1 / (1 − alpha) each time, and the sums are
   * brought back (decayed by 1 / scale) once `scale` passes {@link RESCALE_AT}. The sums are then
   * `scale` times the decayed ones; the figures are the same.
   */
  private scale = 1;
  private readonly library: BuiltInMetric<unknown, unknown> | undefined;
  private readonly factors = new Float64Array(PENDING_CAPACITY);

  constructor(metric: M, alpha: number) {
    this.own = metric;
    this.alpha = alpha;
    this.keep = 1 - alpha;
    this.library = metric instanceof BuiltInMetric && this.keep >= 1e-3 ? metric : undefined;
  }

  /** The metric, with every pair counted. */
  get metric(): M {
    this.flush();
    return this.own;
  }

  get count(): number {
    return this.n;
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    if (!this.pending.fits(prediction, target)) {
      this.flush();
      this.pending.fits(prediction, target);
    }
    this.pending.add(prediction, target, weight);
    this.n++;
  }

  /** Counts the pairs waiting, in order: the first of all at its weight, then each faded. */
  private flush(): void {
    const pending = this.pending;
    const waiting = pending.waiting;
    if (waiting === 0) return;
    const first = this.n - waiting; // the number of the first pair waiting
    const library = this.library;
    if (library === undefined) {
      const { prediction, target } = pending;
      for (let j = 0; j < waiting; j++) {
        const weight = pending.read(j);
        if (first + j === 0) {
          this.own.update(prediction, target, weight);
        } else {
          this.own.decay(this.keep);
          this.own.update(prediction, target, this.alpha * weight);
        }
      }
    } else {
      const factors = this.factors;
      let from = 0;
      for (let j = 0; j < waiting; j++) {
        if (first + j === 0) {
          factors[0] = 1;
          continue;
        }
        if (this.scale > RESCALE_AT) {
          library.addRun(pending.ring, from, j - from, factors);
          library.decay(1 / this.scale);
          this.scale = 1;
          from = j;
        }
        this.scale /= this.keep;
        factors[j - from] = this.alpha * this.scale;
      }
      library.addRun(pending.ring, from, waiting - from, factors);
    }
    pending.waiting = 0;
  }

  /**
   * The decayed statistics of both add up: the figure becomes that of the pairs of both
   * streams, each weighed as in its own stream's EWMA (each stream weighs about 1 in all, so a
   * mean of the two EWMAs). Not the EWMA of any one interleaving of the streams; counting on
   * decays both histories alike. The `alpha`s must be equal.
   */
  merge(other: this): void {
    if (!(other instanceof EwmaMetric)) {
      throw new TypeError(
        `ewma.merge: other must be made with ewma(…), got ${describeValue(other)}`,
      );
    }
    if (other.alpha !== this.alpha) {
      throw new RangeError(
        `ewma.merge: other must have this one's alpha ${this.alpha}, got ${other.alpha}`,
      );
    }
    this.flush();
    const theirs = other.metric; // counts what the other has waiting
    if (this.scale !== other.scale) {
      // this one's sums to other's scale: both then hold their decayed sums × other.scale
      this.own.decay(other.scale / this.scale);
      this.scale = other.scale;
    }
    this.own.merge(theirs);
    this.n += other.n;
  }

  reset(): void {
    this.own.reset();
    this.pending.waiting = 0;
    this.n = 0;
    this.scale = 1;
  }

  get(): ReturnType<M['get']> {
    this.flush();
    return this.own.get() as ReturnType<M['get']>;
  }

  state(): EwmaState<ReturnType<M['state']>> {
    this.flush();
    return {
      alpha: this.alpha,
      count: this.n,
      scale: this.scale,
      metric: this.own.state() as ReturnType<M['state']>,
    };
  }

  /** The schema of a state this EWMA can take: its own `alpha`, its metric's state. */
  stateSchema(): z.ZodType<EwmaState<ReturnType<M['state']>>> {
    return ewmaStateSchema(metricStateSchema(this.own), this.alpha) as z.ZodType<
      EwmaState<ReturnType<M['state']>>
    >;
  }

  /** Loads a state that {@link EwmaMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: EwmaState<ReturnType<M['state']>>): void {
    loadMetricState(this.own, state.metric);
    this.pending.waiting = 0;
    this.n = state.count;
    this.scale = state.scale;
  }

  restore(state: unknown): void {
    this.load(parseDocument('ewma.restore', this.stateSchema(), state));
  }
}

/**
 * @internal The schema of an {@link EwmaState} whose metric's state `metric` accepts, with the
 * `alpha` given when there is one.
 */
export function ewmaStateSchema<S>(metric: z.ZodType<S>, alpha?: number): z.ZodType<EwmaState<S>> {
  const alphas = z.number().gt(0).lte(1);
  return z.object({
    alpha:
      alpha === undefined
        ? alphas
        : alphas.refine((v) => v === alpha, {
            error: (issue) =>
              `must be ${alpha} (this EWMA's alpha), got ${describeValue(issue.input)}`,
          }),
    count: z.number().int().nonnegative(),
    scale: z
      .number()
      .gte(1)
      .lte(2 ** 30),
    metric,
  }) as z.ZodType<EwmaState<S>>;
}

/**
 * A metric as an exponentially weighted moving average: the newest pair weighs `alpha`, and
 * everything before it `1 − alpha` times what it weighed (`decay(1 − alpha)`, then
 * `update(p, t, alpha)`), starting from the first pair at full weight — so that for a mean such
 * as the MSE the figure is `e ← e + alpha (x − e)`, seeded with the first `x`. `alpha = 2 /
 * (n + 1)` has the centre of mass of a window of `n` pairs. Counting a pair allocates nothing.
 *
 * **Merging.** The decayed sums of two EWMAs add up: `a.merge(b)` is the metric of the pairs of
 * both streams, each weighed as in its own stream's EWMA. As each stream's weights add up to
 * about 1, that is about the mean of the two figures (for the MSE, exactly the weighted mean),
 * not the EWMA of one interleaving of both streams. Both must have the same `alpha`.
 *
 * @param metric - what to count, made with a metric factory or your own {@link Metric}.
 * @param alpha - the weight of the newest pair, in (0, 1].
 * @throws TypeError for a `metric` that lacks a method of {@link Metric}; RangeError for an
 * `alpha` outside (0, 1].
 *
 * @example
 * ```ts
 * import { ewma, meanAbsoluteError } from 'streamprop';
 * const smooth = ewma(meanAbsoluteError(), 0.5);
 * smooth.update([0], [1]); // e = 1
 * smooth.update([0], [3]); // e = 1 + 0.5 (3 − 1) = 2
 * console.log(smooth.get(), smooth.count); // 2 2
 * ```
 */
export function ewma<M extends Metric<unknown, unknown>>(metric: M, alpha: number): Ewma<M> {
  checkMetric('ewma', 'metric', metric);
  checkInterval('ewma', 'alpha', alpha, { min: 0, max: 1, minOpen: true });
  return new EwmaMetric(metric, alpha);
}
