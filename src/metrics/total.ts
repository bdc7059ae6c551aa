import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { BuiltInMetric, loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';
import { type PENDING_CAPACITY, Pending } from './pending.js';

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

/**
 * @internal See {@link total}. It counts lazily, as {@link EwmaMetric} does: the pairs kept are
 * counted, in order, when the figure, the state or the metric is read, or when
 * {@link PENDING_CAPACITY} are waiting.
 */
export class TotalMetric<M extends Metric<unknown, unknown>> implements Total<M> {
  private readonly own: M;
  private readonly library: BuiltInMetric<unknown, unknown> | undefined;
  private readonly pending = new Pending();
  private n = 0;

  constructor(metric: M) {
    this.own = metric;
    this.library = metric instanceof BuiltInMetric ? metric : undefined;
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

  /** Counts the pairs waiting, in order. */
  private flush(): void {
    const pending = this.pending;
    if (pending.waiting === 0) return;
    if (this.library !== undefined) {
      this.library.addRun(pending.ring, 0, pending.waiting, undefined);
    } else {
      for (let j = 0; j < pending.waiting; j++) {
        const weight = pending.read(j);
        this.own.update(pending.prediction, pending.target, weight);
      }
    }
    pending.waiting = 0;
  }

  /** Exact: the figure becomes that of every pair of both streams. */
  merge(other: this): void {
    if (!(other instanceof TotalMetric)) {
      throw new TypeError(
        `total.merge: other must be made with total(…), got ${describeValue(other)}`,
      );
    }
    this.flush();
    this.own.merge(other.metric);
    this.n += other.n;
  }

  reset(): void {
    this.own.reset();
    this.pending.waiting = 0;
    this.n = 0;
  }

  get(): ReturnType<M['get']> {
    this.flush();
    return this.own.get() as ReturnType<M['get']>;
  }

  state(): TotalState<ReturnType<M['state']>> {
    this.flush();
    return { count: this.n, metric: this.own.state() as ReturnType<M['state']> };
  }

  /** The schema of a state it can take: a count and its metric's state. */
  stateSchema(): z.ZodType<TotalState<ReturnType<M['state']>>> {
    return totalStateSchema(metricStateSchema(this.own)) as z.ZodType<
      TotalState<ReturnType<M['state']>>
    >;
  }

  /** Loads a state that {@link TotalMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: TotalState<ReturnType<M['state']>>): void {
    loadMetricState(this.own, state.metric);
    this.pending.waiting = 0;
    this.n = state.count;
  }

  restore(state: unknown): void {
    this.load(parseDocument('total.restore', this.stateSchema(), state));
  }
}

/** @internal The schema of a {@link TotalState} whose metric's state `metric` accepts. */
export function totalStateSchema<S>(metric: z.ZodType<S>): z.ZodType<TotalState<S>> {
  return z.object({ count: z.number().int().nonnegative(), metric }) as z.ZodType<TotalState<S>>;
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
