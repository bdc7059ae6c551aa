import type { z } from 'zod';
import { checkPositiveInteger } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { BuiltInMetric, loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';
import { PairWindow, type RunSink } from './pairWindow.js';
import { type WindowedState, windowedStateSchema } from './windowedState.js';

export type { WindowedState } from './windowedState.js';

/**
 * A metric over the last `size` pairs (see {@link windowed}).
 *
 * @example
 * ```ts
 * import { meanAbsoluteError, type Windowed, windowed } from 'streamprop';
 * const recent: Windowed<ReturnType<typeof meanAbsoluteError>> = windowed(meanAbsoluteError(), 100);
 * console.log(recent.size, recent.count); // 100 0
 * ```
 */
export interface Windowed<M extends Metric<unknown, unknown>>
  extends Aggregate<M, WindowedState<ReturnType<M['state']>>> {
  /** The pairs it covers at most (the sum of both sizes after a {@link Aggregate.merge}). */
  readonly size: number;
}

/**
 * @internal See {@link windowed}. It counts lazily: `update` only puts the pair in a
 * {@link PairWindow}; the pairs are counted into the metric — each new one in, the one `size`
 * pairs older out, and a recount each time `size` more have come — when the figure, the state or
 * the metric is read, or when the ring would overwrite a pair not yet counted. The library's
 * metrics count a run of pairs in one call each (`slideRun`, `addRun`); yours get `revert`,
 * `update` and `reset` for each pair, in the order they would have had one pair at a time.
 * Either way the sums come out the same whenever they are read.
 */
export class WindowedMetric<M extends Metric<unknown, unknown>> implements Windowed<M>, RunSink {
  private readonly own: M;
  private readonly library: BuiltInMetric<unknown, unknown> | undefined;
  private readonly pairs: PairWindow;

  constructor(metric: M, size: number) {
    this.own = metric;
    this.library = metric instanceof BuiltInMetric ? metric : undefined;
    this.pairs = new PairWindow(size);
  }

  /** The metric, with every pair counted. */
  get metric(): M {
    this.flush();
    return this.own;
  }

  get size(): number {
    return this.pairs.size;
  }

  get count(): number {
    return this.pairs.held;
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const pairs = this.pairs;
    pairs.fit('windowed.update', prediction, target);
    if (pairs.full) this.flush();
    pairs.put(prediction, target, weight);
  }

  /** @internal See {@link RunSink.run}. */
  run(from: number, out: number, count: number, leaving: boolean): void {
    const library = this.library;
    if (library !== undefined) {
      if (leaving) library.slideRun(this.pairs.ring, from, out, count);
      else library.addRun(this.pairs.ring, from, count, undefined);
      return;
    }
    const { prediction, target, ring } = this.pairs;
    for (let i = 0; i < count; i++) {
      if (leaving) this.own.revert(prediction, target, ring.read(out + i, prediction, target));
      this.own.update(prediction, target, ring.read(from + i, prediction, target));
    }
  }

  /** @internal See {@link RunSink.recount}: the library's metrics are cleared, yours reset. */
  recount(first: number, count: number, rest: number): void {
    const library = this.library;
    const ring = this.pairs.ring;
    if (library !== undefined) {
      library.clear();
      library.addRun(ring, first, count, undefined);
      library.addRun(ring, 0, rest, undefined);
      return;
    }
    this.own.reset();
    const { prediction, target } = this.pairs;
    for (let i = 0; i < count + rest; i++) {
      const s = i < count ? first + i : i - count;
      this.own.update(prediction, target, ring.read(s, prediction, target));
    }
  }

  /**
   * Merging windows of sizes `a` and `b` gives a window of size `a + b` that holds the pairs of
   * both (this one's, then the other's, each oldest first): its figure is exactly the metric of
   * those pairs together. Counting on slides a window of `a + b` pairs.
   */
  merge(other: this): void {
    if (!(other instanceof WindowedMetric)) {
      throw new TypeError(
        `windowed.merge: other must be made with windowed(…), got ${describeValue(other)}`,
      );
    }
    this.flush();
    const theirs = other.metric; // counts what the other has waiting
    this.pairs.join('windowed.merge', other.pairs);
    this.own.merge(theirs);
  }

  reset(): void {
    this.own.reset();
    this.pairs.reset();
  }

  get(): ReturnType<M['get']> {
    this.flush();
    return this.own.get() as ReturnType<M['get']>;
  }

  state(): WindowedState<ReturnType<M['state']>> {
    this.flush();
    return { ...this.pairs.state(), metric: this.own.state() as ReturnType<M['state']> };
  }

  /** The schema of a state this window can take: a sound ring of its own size, its metric's state. */
  stateSchema(): z.ZodType<WindowedState<ReturnType<M['state']>>> {
    return windowedStateSchema(metricStateSchema(this.own), this.size) as z.ZodType<
      WindowedState<ReturnType<M['state']>>
    >;
  }

  /** Loads a state that {@link WindowedMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: WindowedState<ReturnType<M['state']>>): void {
    loadMetricState(this.own, state.metric);
    this.pairs.load(state);
  }

  restore(state: unknown): void {
    this.load(parseDocument('windowed.restore', this.stateSchema(), state));
  }

  /** Counts the pairs not yet counted, in order. */
  private flush(): void {
    if (this.pairs.counted !== this.pairs.entered) this.pairs.count(this);
  }
}

/**
 * A metric over the last `size` pairs: each new pair is counted into the metric, and the pair
 * that leaves the window is taken back out (`revert`). The pairs are kept in a ring allocated at
 * the first pair; each time the ring wraps, the metric is counted again from it (`reset`, then
 * `update` for each pair held) so that rounding never builds up. Counting a pair allocates
 * nothing.
 *
 * **Merging.** `a.merge(b)` — windows of sizes `n` and `k` — gives a window of size `n + k` that
 * holds the pairs of both: its figure is *exactly* the metric of the last `n` pairs of one
 * stream and the last `k` of the other together (a fleet of workers with windows of 500 merges
 * into the figure of each one's last 500). The pairs must have as many outputs.
 *
 * @param metric - what to count, made with a metric factory or your own {@link Metric}.
 * @param size - the pairs the window covers, a positive integer.
 * @throws TypeError for a `metric` that lacks a method of {@link Metric}; RangeError for a
 * `size` that is not a positive integer. `update` throws a RangeError when a pair has another
 * number of outputs than those held.
 *
 * @example
 * ```ts
 * import { meanSquaredError, windowed } from 'streamprop';
 * const recent = windowed(meanSquaredError(), 2);
 * recent.update([0], [1]); // r² = 1
 * recent.update([0], [2]); // r² = 4
 * recent.update([0], [3]); // r² = 9; the first pair leaves
 * console.log(recent.get(), recent.count); // 6.5 2
 * ```
 */
export function windowed<M extends Metric<unknown, unknown>>(metric: M, size: number): Windowed<M> {
  checkMetric('windowed', 'metric', metric);
  checkPositiveInteger('windowed', 'size', size);
  return new WindowedMetric(metric, size);
}
