import { argumentError, checkFunction } from '../checks/argumentChecks.js';

/**
 * A prequential metric as a small mutable value: it counts (prediction, target) pairs and says
 * what it makes of them. Its state is a set of **sufficient statistics that add up** — weighted
 * sums — so that it can take a pair back (`revert`), fade (`decay`) and absorb another metric of
 * the same kind (`merge`: the metric of two streams is the merge of their metrics). The built-in
 * ones are {@link meanSquaredError}, {@link rootMeanSquaredError}, {@link meanAbsoluteError},
 * {@link rSquared}, {@link accuracy} and {@link logLoss}; {@link meanScore} makes one from a
 * per-sample score; {@link metricGroup} counts several as one.
 *
 * A metric knows nothing of windows: the aggregations wrap it — {@link windowed} (the last `n`
 * pairs), {@link ewma} (exponentially weighted) and {@link total} (the whole stream).
 *
 * **What the library calls**, so that a metric of your own works with every aggregation:
 *
 * | who | calls |
 * |---|---|
 * | `windowed(metric, n)` | `update` for each pair; `revert` for the pair that leaves the window; `reset`, then `update` for each pair held, each time its ring wraps (so rounding never builds up) |
 * | `ewma(metric, alpha)` | `update(p, t, w)` for the first pair; then for each pair `decay(1 − alpha)` and `update(p, t, alpha · w)` |
 * | `total(metric)` | `update` for each pair |
 * | `merge` of an aggregation | the metric's `merge` with the other aggregation's metric |
 * | `state` / `restore` of an aggregation | the metric's `state` / `restore` (the aggregation checks its own fields first) |
 * | `get` of an aggregation | the metric's `get` |
 * | `metricGroup({ … })` | each method on every member |
 *
 * Each of them checks the metric when it is handed over ({@link checkMetric}: the eight methods
 * must be functions), not when a sample arrives. Arrays are read during the call only (keep
 * nothing): the library passes the same buffers again with other values. `update` and `revert`
 * run once per sample, so they should allocate nothing.
 *
 * @typeParam V - what {@link Metric.get} returns (a number, or `undefined` while there is no
 * figure).
 * @typeParam S - what {@link Metric.state} returns: plain JSON.
 *
 * @example
 * ```ts
 * import { type Metric, windowed } from 'streamprop';
 *
 * interface BiasState { readonly weight: number; readonly sum: number }
 *
 * // The mean of prediction − target: above 0 when the forecasts run high, below when low.
 * class Bias implements Metric<number | undefined, BiasState> {
 *   private weight = 0;
 *   private sum = 0;
 *   update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
 *     let error = 0;
 *     for (let j = 0; j < target.length; j++) error += prediction[j] - target[j];
 *     this.weight += weight;
 *     this.sum += (weight * error) / target.length;
 *   }
 *   revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
 *     this.update(prediction, target, -weight);
 *   }
 *   decay(factor: number): void {
 *     this.weight *= factor;
 *     this.sum *= factor;
 *   }
 *   merge(other: Bias): void {
 *     this.weight += other.weight;
 *     this.sum += other.sum;
 *   }
 *   reset(): void {
 *     this.weight = 0;
 *     this.sum = 0;
 *   }
 *   get(): number | undefined {
 *     return this.weight > 0 ? this.sum / this.weight : undefined;
 *   }
 *   state(): BiasState {
 *     return { weight: this.weight, sum: this.sum };
 *   }
 *   restore(state: unknown): void {
 *     const s = state as Partial<BiasState> | null;
 *     if (typeof s?.weight !== 'number' || typeof s.sum !== 'number') {
 *       throw new TypeError('Bias.restore: state must be { weight, sum }');
 *     }
 *     this.weight = s.weight;
 *     this.sum = s.sum;
 *   }
 * }
 *
 * const recent = windowed(new Bias(), 3); // the bias of the last 3 forecasts
 * for (const p of [1, 2, 3, 4]) recent.update([p], [0]);
 * console.log(recent.get()); // 3 — (2 + 3 + 4) / 3
 * ```
 */
export interface Metric<V = number | undefined, S = unknown> {
  /**
   * Counts one pair. `prediction` and `target` hold as many values each (one per output of the
   * network); `weight` (default 1) is how much the pair counts, a finite number ≥ 0.
   */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight?: number): void;
  /** Takes back a pair counted by `update` with the same values and weight. */
  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight?: number): void;
  /**
   * Multiplies the weight of everything counted so far by `factor`, in (0, 1]: what was counted
   * weighs less against what comes next (a weighted mean does not change by it).
   */
  decay(factor: number): void;
  /**
   * Adds the statistics of `other` — a metric of the same kind and settings, left unchanged — to
   * this one: this one then holds the metric of both streams, as if it had counted the pairs of
   * both. Throws when `other` is of another kind.
   */
  merge(other: this): void;
  /** Forgets everything counted, as new. */
  reset(): void;
  /** The figure of what it counted; `undefined` when there is none (nothing counted, or it does not apply). */
  get(): V;
  /**
   * A copy of what it counted, as plain JSON (no NaN, no Infinity), for {@link Metric.restore}
   * on this metric or on a new one of the same kind.
   */
  state(): S;
  /**
   * Replaces what it counted by a saved {@link Metric.state}: counting then goes on exactly
   * (bit for bit) as if it had never stopped. Checks the whole state first and throws a one-line
   * error naming the wrong field, changing nothing, when it does not fit.
   */
  restore(state: unknown): void;
}

/** The names of the methods every {@link Metric} has. */
const METHODS = ['update', 'revert', 'decay', 'merge', 'reset', 'get', 'state', 'restore'] as const;

/**
 * Checks a metric at hand-over: an object whose eight {@link Metric} methods are functions.
 * What {@link windowed}, {@link ewma}, {@link total} and {@link metricGroup} call on the metrics
 * they are given, so that a metric of your own that lacks a method fails at once, naming it.
 *
 * @param owner - who takes it, for the message (`windowed`).
 * @param name - its name there, for the message (`metric`).
 * @throws TypeError `<owner>: <name> must be a metric (…), got …` or
 * `<owner>: <name>.revert must be a function, got undefined`.
 *
 * @example
 * ```ts
 * import { checkMetric, meanSquaredError } from 'streamprop';
 * const metric = checkMetric('myReport', 'metric', meanSquaredError()); // returns it, typed
 * try {
 *   checkMetric('myReport', 'metric', { update() {} });
 * } catch (e) {
 *   console.log((e as Error).message); // myReport: metric.revert must be a function, got undefined
 * }
 * ```
 */
export function checkMetric<M extends Metric<unknown, unknown>>(
  owner: string,
  name: string,
  value: M,
): M {
  if (value === null || typeof value !== 'object') {
    throw argumentError(
      owner,
      name,
      `a metric (an object with ${METHODS.join(', ')})`,
      value,
      'object',
    );
  }
  const methods = value as unknown as Record<string, unknown>;
  for (const method of METHODS) checkFunction(owner, `${name}.${method}`, methods[method]);
  return value;
}
