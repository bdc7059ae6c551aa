import { z } from 'zod';
import { checkPositiveInteger } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Aggregate } from './aggregate.js';
import { loadMetricState, metricStateSchema } from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';
import { loadedNumber, savedNumber, savedNumberSchema } from './savedNumber.js';

const EMPTY: Float64Array = new Float64Array(0);

/**
 * The saved state of a {@link windowed} metric, as plain JSON: its ring of pairs (the first
 * `count` slots, in slot order: while the ring is not full they are the pairs in the order they
 * came, and `head` equals `count`) and the state of the metric it wraps. A number that is not
 * finite is `null`.
 *
 * @example
 * ```ts
 * import { meanSquaredError, windowed, type WindowedState } from 'streamprop';
 * const recent = windowed(meanSquaredError(), 3);
 * recent.update([1], [2]);
 * const saved: WindowedState<unknown> = recent.state(); // size 3, count 1, predictions [1], targets [2] …
 * ```
 */
export interface WindowedState<S> {
  /** The pairs the ring holds at most. */
  readonly size: number;
  /** Values per prediction and per target; 0 before the first pair. */
  readonly outputs: number;
  /** The slot the next pair goes to. */
  readonly head: number;
  /** The pairs held. */
  readonly count: number;
  /** The predictions held, slot after slot (`slot · outputs + output`). */
  readonly predictions: readonly (number | null)[];
  /** The targets held, laid out as the predictions. */
  readonly targets: readonly (number | null)[];
  /** The weight of each pair held. */
  readonly weights: readonly (number | null)[];
  /** The wrapped metric's state. */
  readonly metric: S;
}

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

/** @internal See {@link windowed}. */
export class WindowedMetric<M extends Metric<unknown, unknown>> implements Windowed<M> {
  readonly metric: M;
  private capacity: number;
  private outputs = 0;
  private head = 0;
  private held = 0;
  /** The ring: `slot · outputs + output`. */
  private predictions = EMPTY;
  private targets = EMPTY;
  private weights = EMPTY;
  /** One pair, copied out of the ring to be handed to the metric. */
  private prediction = EMPTY;
  private target = EMPTY;

  constructor(metric: M, size: number) {
    this.metric = metric;
    this.capacity = size;
  }

  get size(): number {
    return this.capacity;
  }

  get count(): number {
    return this.held;
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const m = target.length;
    if (m !== this.outputs || prediction.length !== m) this.start(prediction, target);
    const h = this.head;
    if (this.held === this.capacity) {
      this.copyOut(h);
      this.metric.revert(this.prediction, this.target, this.weights[h]);
    } else {
      this.held++;
    }
    const at = h * m;
    for (let j = 0; j < m; j++) {
      this.predictions[at + j] = prediction[j];
      this.targets[at + j] = target[j];
    }
    this.weights[h] = weight;
    this.metric.update(prediction, target, weight);
    if (h + 1 === this.capacity) {
      this.head = 0;
      this.recount();
    } else {
      this.head = h + 1;
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
    if (this.held > 0 && other.held > 0 && other.outputs !== this.outputs) {
      throw new RangeError(
        `windowed.merge: other holds pairs of ${other.outputs} outputs, this one of ${this.outputs}`,
      );
    }
    const m = this.held > 0 || other.held === 0 ? this.outputs || other.outputs : other.outputs;
    this.metric.merge(other.metric);
    const size = this.capacity + other.capacity;
    const predictions = new Float64Array(size * m);
    const targets = new Float64Array(size * m);
    const weights = new Float64Array(size);
    let n = 0;
    for (const window of [this, other]) {
      for (let k = 0; k < window.held; k++, n++) {
        const slot = window.oldest(k);
        predictions.set(window.predictions.subarray(slot * m, slot * m + m), n * m);
        targets.set(window.targets.subarray(slot * m, slot * m + m), n * m);
        weights[n] = window.weights[slot];
      }
    }
    this.capacity = size;
    this.setRing(m, predictions, targets, weights);
    this.held = n;
    this.head = n === size ? 0 : n;
  }

  reset(): void {
    this.metric.reset();
    this.held = 0;
    this.head = 0;
  }

  get(): ReturnType<M['get']> {
    return this.metric.get() as ReturnType<M['get']>;
  }

  state(): WindowedState<ReturnType<M['state']>> {
    const m = this.outputs;
    const n = this.held;
    const saved = (values: Float64Array, length: number): (number | null)[] =>
      Array.from(values.subarray(0, length), savedNumber);
    return {
      size: this.capacity,
      outputs: m,
      head: this.head,
      count: n,
      predictions: saved(this.predictions, n * m),
      targets: saved(this.targets, n * m),
      weights: saved(this.weights, n),
      metric: this.metric.state() as ReturnType<M['state']>,
    };
  }

  /** The schema of a state this window can take: its own size, a sound ring, its metric's state. */
  stateSchema(): z.ZodType<WindowedState<ReturnType<M['state']>>> {
    return z
      .object({
        size: z.number().refine((size) => size === this.capacity, {
          error: (issue) =>
            `must be ${this.capacity} (this window's size), got ${describeValue(issue.input)}`,
        }),
        outputs: z.number().int().nonnegative(),
        head: z.number().int().nonnegative(),
        count: z.number().int().nonnegative().max(this.capacity),
        predictions: z.array(savedNumberSchema),
        targets: z.array(savedNumberSchema),
        weights: z.array(savedNumberSchema),
        metric: metricStateSchema(this.metric),
      })
      .superRefine((state, context) => {
        const { size, outputs: m, head, count: n } = state;
        const issue = (path: string, message: string): void => {
          context.addIssue({ code: 'custom', path: [path], message });
        };
        if (n < size ? head !== n : head >= size) {
          issue('head', `must be ${n < size ? n : `below ${size}`} (count ${n}), got ${head}`);
        }
        if (n > 0 && m === 0) issue('outputs', `must be at least 1 with ${n} pairs held, got 0`);
        for (const [key, length, why] of [
          ['predictions', n * m, 'count × outputs'],
          ['targets', n * m, 'count × outputs'],
          ['weights', n, 'count'],
        ] as const) {
          const got = state[key].length;
          if (got !== length) issue(key, `must hold ${length} numbers (${why}), got ${got}`);
        }
      }) as z.ZodType<WindowedState<ReturnType<M['state']>>>;
  }

  /** Loads a state that {@link WindowedMetric.stateSchema} accepted (the metric first: it may be yours). */
  load(state: WindowedState<ReturnType<M['state']>>): void {
    loadMetricState(this.metric, state.metric);
    const m = state.outputs;
    const load = (saved: readonly (number | null)[], length: number): Float64Array => {
      const out = new Float64Array(length);
      saved.forEach((v, i) => {
        out[i] = loadedNumber(v);
      });
      return out;
    };
    this.setRing(
      m,
      load(state.predictions, this.capacity * m),
      load(state.targets, this.capacity * m),
      load(state.weights, this.capacity),
    );
    this.held = state.count;
    this.head = state.head;
  }

  restore(state: unknown): void {
    this.load(parseDocument('windowed.restore', this.stateSchema(), state));
  }

  /** The slot of the `k`-th oldest pair held. */
  private oldest(k: number): number {
    const first = this.held === this.capacity ? this.head : 0;
    return (first + k) % this.capacity;
  }

  /** Copies slot `h` out of the ring into the pair handed to the metric. */
  private copyOut(h: number): void {
    const m = this.outputs;
    const at = h * m;
    for (let j = 0; j < m; j++) {
      this.prediction[j] = this.predictions[at + j];
      this.target[j] = this.targets[at + j];
    }
  }

  /** Recounts the metric from the ring (full: it has just wrapped), so rounding never builds up. */
  private recount(): void {
    this.metric.reset();
    for (let h = 0; h < this.held; h++) {
      this.copyOut(h);
      this.metric.update(this.prediction, this.target, this.weights[h]);
    }
  }

  /** The ring's size is set by the first pair (after a reset): allocated then, once. */
  private start(prediction: ArrayLike<number>, target: ArrayLike<number>): void {
    const m = target.length;
    if (prediction.length !== m) {
      throw new RangeError(
        `windowed.update: prediction and target must hold as many values, got ${prediction.length} and ${m}`,
      );
    }
    if (this.held > 0) {
      throw new RangeError(
        `windowed.update: the pair has ${m} outputs, the pairs held ${this.outputs}`,
      );
    }
    const c = this.capacity;
    this.setRing(m, new Float64Array(c * m), new Float64Array(c * m), new Float64Array(c));
  }

  private setRing(
    m: number,
    predictions: Float64Array,
    targets: Float64Array,
    weights: Float64Array,
  ): void {
    this.outputs = m;
    this.predictions = predictions;
    this.targets = targets;
    this.weights = weights;
    if (this.prediction.length !== m) {
      this.prediction = new Float64Array(m);
      this.target = new Float64Array(m);
    }
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
