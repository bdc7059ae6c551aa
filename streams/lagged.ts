import { defer, filter, map, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { checkObject, checkPositiveInteger } from '../src/checks/argumentChecks.js';
import { documentPath, parseDocument } from '../src/checks/parseDocument.js';
import type { Sample } from '../src/samples/sample.js';

/**
 * One reading of a series as {@link lagged} takes it, when a bare number is not enough: `key`
 * names the series (a sensor, a store) so that interleaved series are windowed apart; `t` and
 * `id` are passed on to the sample whose target this reading is.
 *
 * @example
 * ```ts
 * import type { LaggedInput } from 'streamprop/streams';
 * const reading: LaggedInput = { value: 21.4, key: 'mote-1', t: Date.parse('2010-05-09T10:00:00Z') };
 * ```
 */
export interface LaggedInput {
  /** The reading; a value that is not a finite number is rejected downstream (see {@link lagged}). */
  readonly value: number;
  /** The reading's time in milliseconds since the epoch. */
  readonly t?: number;
  /** Which series the reading belongs to; readings without a key form one series. */
  readonly key?: string | number;
  /** The reading's own identifier. */
  readonly id?: string | number;
}

/** Options of {@link lagged}. */
export interface LaggedOptions {
  /** How many steps ahead of the last input the target is: 1 (the default) is the next value. */
  readonly horizon?: number;
}

/**
 * Turns a univariate series into forecasting samples, the usual way to forecast a sensor or a
 * sales series: the sample for the reading at position `i + horizon` of its series has
 * `x` = the readings at positions `i − k + 1 … i` (oldest first) and `y` = that reading, and
 * carries that reading's `t`, `key` and `id`. The first `k + horizon − 1` readings of each
 * series only fill its window and make no sample.
 *
 * Readings are bare numbers or {@link LaggedInput}s. Each `key` has its own window (readings
 * without a key share one), so an interleaved multi-sensor stream gives each sensor's samples
 * from that sensor's own past. Windows live in the subscription: two subscriptions never share
 * them. One window of `k + horizon − 1` numbers is kept per key seen, for the subscription's
 * lifetime. Each sample is a new object with its own `x` array, safe to keep; the readings are
 * never mutated.
 *
 * **Bad readings.** A reading whose value is not a finite number (NaN, ±Infinity, a string, a
 * missing `value`, an item that is neither a number nor an object) does not enter its series'
 * window, which stays as it was. It makes exactly one sample, with that reading's `t`, `key`
 * and `id`, whose `x` is `k` copies of the bad value and whose `y` is the bad value: `forward`
 * (and so `train`) rejects it — with `onInvalid: 'skip'` as reason `nonFinite` or `notNumber`,
 * counted by `rollingMetrics` — or fails the stream on it with a `SampleError` naming `x[0]`
 * and the value. `normalize()` passes such a sample through untouched.
 *
 * @param k How many past readings make up `x` (a positive integer).
 * @throws RangeError at once for a `k` or `horizon` that is not a positive integer; TypeError
 * for options that are not an object.
 *
 * @example
 * ```ts
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * from([1, 2, 3, 4, 5])
 *   .pipe(lagged(2))
 *   .subscribe((s) => console.log(s.x, s.y)); // [1, 2] 3, [2, 3] 4, [3, 4] 5
 * from([
 *   { value: 10, key: 'a' }, { value: 20, key: 'b' },
 *   { value: 11, key: 'a' }, { value: 21, key: 'b' },
 *   { value: 12, key: 'a', t: 3 }, { value: 22, key: 'b', t: 3 },
 * ])
 *   .pipe(lagged(1, { horizon: 2 }))
 *   .subscribe((s) => console.log(s.key, s.x, s.y, s.t)); // a [10] 12 3, b [20] 22 3
 * ```
 */
export function lagged(
  k: number,
  options: LaggedOptions = {},
): OperatorFunction<number | LaggedInput, Sample> {
  checkPositiveInteger('lagged', 'k', k);
  checkObject('lagged', 'options', options, 'an object { horizon? }');
  const horizon = checkPositiveInteger(
    'lagged',
    'horizon',
    options.horizon === undefined ? 1 : options.horizon,
  );
  return (source) =>
    defer(() => {
      const lagger = new Lagger(k, horizon);
      return source.pipe(
        map((item) => lagger.next(item)),
        filter((sample): sample is Sample => sample !== undefined),
      );
    });
}

/** A sample under construction (its optional fields are set only when the reading has them). */
interface LaggedSample {
  x: number[];
  y: number;
  t?: number;
  key?: string | number;
  id?: string | number;
}

/** @internal The schema of a {@link Lagger}'s saved state: each series' key (absent: no key) and newest readings. */
export const laggerStateSchema = z.array(
  z.object({
    key: z.union([z.string(), z.number()]).optional(),
    values: z.array(z.number()),
  }),
);

/** @internal The saved state of a {@link Lagger}. */
export type LaggerState = z.infer<typeof laggerStateSchema>;

/**
 * @internal The per-subscription state of {@link lagged}: one window per key. Its windows can
 * be saved and restored (`streamprop run --lags` keeps them in its checkpoints), and it counts
 * the readings it was given.
 *
 * @example
 * ```ts
 * import { Lagger } from './lagged.js';
 * const lagger = new Lagger(2, 1);
 * [1, 2, 3].map((v) => lagger.next(v)); // undefined, undefined, { x: [1, 2], y: 3 }
 * console.log(lagger.state()); // [{ values: [2, 3] }]
 * ```
 */
export class Lagger {
  private readonly windows = new Map<unknown, SeriesWindow>();
  private readonly k: number;
  private readonly horizon: number;
  /** The readings given to {@link next} so far. */
  readings = 0;

  constructor(k: number, horizon: number) {
    this.k = k;
    this.horizon = horizon;
  }

  /** A JSON-ready copy of every window: the newest `k + horizon − 1` readings of each series, oldest first. */
  state(): LaggerState {
    return [...this.windows].map(([key, window]) => ({
      ...(key === undefined ? {} : { key: key as string | number }),
      values: window.values(),
    }));
  }

  /**
   * Restores what {@link state} returned (of a lagger with the same `k` and horizon), in place
   * of every window; checks it first.
   *
   * @throws TypeError or RangeError `<owner>: <path>: <problem>`.
   */
  restore(state: unknown, owner = 'Lagger.restore', at: readonly PropertyKey[] = []): void {
    const saved = parseDocument(owner, laggerStateSchema, state, 'state', at);
    const capacity = this.k + this.horizon - 1;
    saved.forEach(({ values }, i) => {
      if (values.length > capacity) {
        throw new RangeError(
          `${owner}: ${documentPath([...at, i, 'values'])}: has ${values.length} readings, a window holds ${capacity}`,
        );
      }
    });
    this.windows.clear();
    for (const { key, values } of saved) {
      const window = new SeriesWindow(capacity);
      for (const v of values) window.push(v);
      this.windows.set(key, window);
    }
  }

  next(item: number | LaggedInput): Sample | undefined {
    this.readings++;
    let value: unknown = item;
    let meta: LaggedInput | undefined;
    if (item !== null && typeof item === 'object') {
      meta = item;
      value = item.value;
    }
    let sample: LaggedSample | undefined;
    if (typeof value === 'number' && Number.isFinite(value)) {
      const key = meta?.key;
      let window = this.windows.get(key);
      if (window === undefined) {
        window = new SeriesWindow(this.k + this.horizon - 1);
        this.windows.set(key, window);
      }
      const x = window.lags(this.k);
      window.push(value);
      if (x === undefined) return undefined;
      sample = { x, y: value };
    } else {
      // Left out of the window; one sample that validation rejects, naming the value.
      const bad = value as number;
      sample = { x: new Array<number>(this.k).fill(bad), y: bad };
    }
    if (meta !== undefined) {
      if (meta.t !== undefined) sample.t = meta.t;
      if (meta.key !== undefined) sample.key = meta.key;
      if (meta.id !== undefined) sample.id = meta.id;
    }
    return sample;
  }
}

/** The last `capacity` readings of one series, in a ring. */
class SeriesWindow {
  private readonly ring: Float64Array;
  /** Readings pushed so far; the next one goes to `count % capacity`. */
  private count = 0;

  constructor(capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  /** The oldest `k` readings of the full window, oldest first; `undefined` until it is full. */
  lags(k: number): number[] | undefined {
    const ring = this.ring;
    const capacity = ring.length;
    if (this.count < capacity) return undefined;
    const x = new Array<number>(k);
    const start = this.count - capacity;
    for (let j = 0; j < k; j++) x[j] = ring[(start + j) % capacity];
    return x;
  }

  /** The readings it holds, oldest first. */
  values(): number[] {
    const ring = this.ring;
    const n = Math.min(this.count, ring.length);
    const out = new Array<number>(n);
    for (let j = 0; j < n; j++) out[j] = ring[(this.count - n + j) % ring.length];
    return out;
  }

  push(value: number): void {
    this.ring[this.count % this.ring.length] = value;
    this.count++;
  }
}
