import { z } from 'zod';
import { checkInterval } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';

/**
 * The saved state of an {@link ewma} metric, as plain JSON.
 *
 * @example
 * ```ts
 * import { ewma, type EwmaState, meanSquaredError } from 'streamprop';
 * const smooth = ewma(meanSquaredError(), 0.1);
 * smooth.update([1], [2]);
 * const saved: EwmaState<unknown> = smooth.state(); // { alpha: 0.1, count: 1, metric: { … } }
 * ```
 */
export interface EwmaState<S> {
  /** The weight of the newest pair. */
  readonly alpha: number;
  /** The pairs counted. */
  readonly count: number;
  /** The wrapped metric's state (its weights decayed). */
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

/** @internal See {@link ewma}. */
export class EwmaMetric<M extends Metric<unknown, unknown>> implements Ewma<M> {
  readonly metric: M;
  readonly alpha: number;
  private readonly keep: number;
  private n = 0;

  constructor(metric: M, alpha: number) {
    this.metric = metric;
    this.alpha = alpha;
    this.keep = 1 - alpha;
  }

  get count(): number {
    return this.n;
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    if (this.n === 0) {
      this.metric.update(prediction, target, weight);
    } else {
      this.metric.decay(this.keep);
      this.metric.update(prediction, target, this.alpha * weight);
    }
    this.n++;
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
    this.metric.merge(other.metric);
    this.n += other.n;
  }

  reset(): void {
    this.metric.reset();
    this.n = 0;
  }

  get(): ReturnType<M['get']> {
    return this.metric.get() as ReturnType<M['get']>;
  }

  state(): EwmaState<ReturnType<M['state']>> {
    return {
      alpha: this.alpha,
      count: this.n,
      metric: this.metric.state() as ReturnType<M['state']>,
    };
  }

  /** The schema of a state this EWMA can take: its own `alpha`, its metric's state. */
  stateSchema(): z.ZodType<EwmaState<ReturnType<M['state']>>> {
    return z.object({
      alpha: z.number().refine((alpha) => alpha === this.alpha, {
        error: (issue) =>
          `must be ${this.alpha} (this EWMA's alpha), got ${describeValue(issue.input)}`,
      }),
      count: z.number().int().nonnegative(),
      metric: metricStateSchema(this.metric),
    }) as z.ZodType<EwmaState<ReturnType<M['state']>>>;
  }

  /** Loads a state that {@link EwmaMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: EwmaState<ReturnType<M['state']>>): void {
    loadMetricState(this.metric, state.metric);
    this.n = state.count;
  }

  restore(state: unknown): void {
    this.load(parseDocument('ewma.restore', this.stateSchema(), state));
  }
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
