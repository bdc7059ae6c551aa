import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';

/**
 * The saved state of a {@link total} metric, as plain JSON.
 *
 * @example
 * ```ts
 * import { meanSquaredError, total, type TotalState } from 'streamprop';
 * const whole = total(meanSquaredError());
 * whole.update([1], [2]);
 * const saved: TotalState<unknown> = whole.state(); // { count: 1, metric: { … } }
 * ```
 */
export interface TotalState<S> {
  /** The pairs counted. */
  readonly count: number;
  /** The wrapped metric's state. */
  readonly metric: S;
}

/**
 * A metric over the whole stream (see {@link total}).
 *
 * @example
 * ```ts
 * import { meanSquaredError, type Total, total } from 'streamprop';
 * const whole: Total<ReturnType<typeof meanSquaredError>> = total(meanSquaredError());
 * console.log(whole.count); // 0
 * ```
 */
export type Total<M extends Metric<unknown, unknown>> = Aggregate<
  M,
  TotalState<ReturnType<M['state']>>
>;

/** @internal See {@link total}. */
export class TotalMetric<M extends Metric<unknown, unknown>> implements Total<M> {
  readonly metric: M;
  private n = 0;

  constructor(metric: M) {
    this.metric = metric;
  }

  get count(): number {
    return this.n;
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    this.metric.update(prediction, target, weight);
    this.n++;
  }

  /** Exact: the figure becomes that of every pair of both streams. */
  merge(other: this): void {
    if (!(other instanceof TotalMetric)) {
      throw new TypeError(
        `total.merge: other must be made with total(…), got ${describeValue(other)}`,
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

  state(): TotalState<ReturnType<M['state']>> {
    return { count: this.n, metric: this.metric.state() as ReturnType<M['state']> };
  }

  /** The schema of a state it can take: a count and its metric's state. */
  stateSchema(): z.ZodType<TotalState<ReturnType<M['state']>>> {
    return z.object({
      count: z.number().int().nonnegative(),
      metric: metricStateSchema(this.metric),
    }) as z.ZodType<TotalState<ReturnType<M['state']>>>;
  }

  /** Loads a state that {@link TotalMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: TotalState<ReturnType<M['state']>>): void {
    loadMetricState(this.metric, state.metric);
    this.n = state.count;
  }

  restore(state: unknown): void {
    this.load(parseDocument('total.restore', this.stateSchema(), state));
  }
}

/**
 * A metric over the whole stream since the start (or the last `reset`): every pair is counted
 * into it, none taken out.
 *
 * **Merging** is exact: `a.merge(b)` is the metric of every pair of both streams — the figure a
 * fleet of workers would have had as one.
 *
 * @param metric - what to count, made with a metric factory or your own {@link Metric}.
 * @throws TypeError for a `metric` that lacks a method of {@link Metric}.
 *
 * @example
 * ```ts
 * import { meanSquaredError, total } from 'streamprop';
 * const a = total(meanSquaredError());
 * const b = total(meanSquaredError());
 * a.update([0], [1]); // worker a: r² = 1
 * b.update([0], [3]); // worker b: r² = 9
 * a.merge(b);
 * console.log(a.get(), a.count); // 5 2
 * ```
 */
export function total<M extends Metric<unknown, unknown>>(metric: M): Total<M> {
  checkMetric('total', 'metric', metric);
  return new TotalMetric(metric);
}
