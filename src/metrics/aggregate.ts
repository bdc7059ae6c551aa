import type { Metric } from './metric.js';

/**
 * A {@link Metric} aggregated over part of a stream — {@link windowed} (the last `n` pairs),
 * {@link ewma} (exponentially weighted) or {@link total} (the whole stream). It counts pairs
 * into the metric it wraps and reads the figure from it; its state is the metric's with its own.
 *
 * @typeParam M - the metric it wraps.
 * @typeParam S - what its {@link Aggregate.state} returns.
 *
 * @example
 * ```ts
 * import { type Aggregate, meanSquaredError, total, windowed } from 'streamprop';
 * const report = (a: Aggregate<ReturnType<typeof meanSquaredError>, unknown>): string =>
 *   `${a.get()?.toFixed(3) ?? '–'} over ${a.count}`;
 * const recent = windowed(meanSquaredError(), 2);
 * for (const p of [1, 2, 3]) recent.update([p], [0]);
 * console.log(report(recent), report(total(meanSquaredError()))); // 6.500 over 2 – over 0
 * ```
 */
export interface Aggregate<M extends Metric<unknown, unknown>, S> {
  /** The metric it counts into; its figure is {@link Aggregate.get}. */
  readonly metric: M;
  /** The pairs the figure covers: those held (a window) or all since the start. */
  readonly count: number;
  /** Counts one pair, with a weight (default 1), as {@link Metric.update} does. */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight?: number): void;
  /**
   * Adds the pairs `other` aggregated — an aggregation of the same kind and settings over a
   * metric of the same kind, left unchanged. What the result means depends on the aggregation
   * (exact for {@link total}; see {@link windowed} and {@link ewma}).
   */
  merge(other: this): void;
  /** Forgets everything, as new; the settings stay. */
  reset(): void;
  /** The metric's figure. */
  get(): ReturnType<M['get']>;
  /** A copy of everything it holds, as plain JSON, for {@link Aggregate.restore}. */
  state(): S;
  /**
   * Continues from a saved {@link Aggregate.state} (of an aggregation with the same settings)
   * exactly as if it had never stopped. Checks the whole state first: a wrong one throws a
   * one-line error naming the field and changes nothing.
   */
  restore(state: unknown): void;
}
