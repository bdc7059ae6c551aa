import {
  asyncScheduler,
  concatWith,
  defer,
  EMPTY,
  endWith,
  filter,
  interval,
  map,
  merge,
  type Observable,
  type OperatorFunction,
  of,
  type SchedulerLike,
  takeWhile,
} from 'rxjs';
import { checkPositiveInteger, checkPositiveNumber } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { MetricsTracker, trackerSettings } from '../tracking/metricsTracker.js';

/** Options of {@link rollingMetrics}. */
export interface RollingMetricsOptions {
  /** Scored samples in the sliding window of the top-level figures (default 1000). */
  readonly window?: number;
  /**
   * Emit a snapshot after every `every` steps (rejected ones included), counted from the
   * subscription: after the `every`-th, the `2·every`-th … Default: `window`, unless `everyMs`
   * is given, in which case snapshots are emitted on time only.
   */
  readonly every?: number;
  /**
   * Also emit on a timer: every `everyMs` milliseconds of scheduler time from the
   * subscription, a snapshot if any step arrived since the previous snapshot (nothing while
   * the feed is idle). The timer stops when the stream completes, errors or is unsubscribed.
   */
  readonly everyMs?: number;
  /**
   * The weight of the newest sample in the EWMA figures, in (0, 1] (default `2 / (window + 1)`,
   * the EWMA whose centre of mass matches the window's).
   */
  readonly alpha?: number;
  /**
   * Where time comes from: `scheduler.now()` stamps each snapshot and measures samples/s, and
   * the `everyMs` timer runs on it (default `asyncScheduler`; a `TestScheduler` gives virtual
   * time).
   */
  readonly scheduler?: SchedulerLike;
  /**
   * A tracker made with `metricsTracker(…)` to count into, so that its state can be saved in a
   * checkpoint and restored: the snapshots then continue from what it holds (its `samples`
   * count, windows and totals). Its own `window` and `alpha` apply (give none here); `every`
   * defaults to its `window`. A tracker passed to several subscriptions is shared by them.
   * Default: a private tracker per subscription, made from `window` and `alpha`.
   */
  readonly tracker?: MetricsTracker;
}

/**
 * Prequential evaluation: turns a stream of steps into {@link MetricsSnapshot}s — MSE, RMSE,
 * MAE, R², accuracy and log-loss (where they apply) over a sliding window of the last `window`
 * scored samples (the top-level figures), as an EWMA (`ewma`) and since the start (`total`),
 * with samples/s, the learning rate in force, the rejected samples by reason and the drifts.
 * Every prediction was made before the network learned from its sample, so these are honest
 * test errors.
 *
 * Place it after `train(…)`, `update(…)`, `loss(…)` or `forward(…)`. A step is scored when it
 * was not rejected, has a target and a finite residual; errors compare `step.output` with
 * `step.actual`, in real units (see {@link ErrorMetrics} for each definition). Held-out steps
 * (`learn` false, from `earlyStop`) are scored too: they are predictions like the others.
 *
 * Emits after every `every` steps and/or on the `everyMs` timer, plus a final snapshot when
 * the source completes if a step arrived since the last one. A source error is passed on at
 * once, without a final snapshot. Each snapshot is a new plain object; nothing is allocated per
 * sample (the window's ring buffers are allocated once, at the first step).
 *
 * **State.** Without `tracker`, each subscription counts into its own state, out of reach. To
 * checkpoint it, make a tracker and pass it: `rollingMetrics({ tracker })`; `tracker.state()`
 * saves it and `tracker.restore(saved)` continues from it, the snapshots of the resumed stream
 * then being those of a stream that never stopped (`every` counts from the tracker's samples).
 * Only the timing (`t`, `samplesPerSecond`, the `everyMs` timer) belongs to the subscription.
 *
 * @throws RangeError at once for a `window`, `every`, `everyMs` or `alpha` out of range;
 * TypeError for options that are not an object, a `scheduler` without `now` and `schedule`, a
 * `tracker` not made by `metricsTracker`, or a `tracker` given with `window` or `alpha`.
 * The stream fails with a TypeError naming `rollingMetrics` when a value is not a step of
 * `forward`, or when the steps' number of outputs changes.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, rollingMetrics, sgd, tanh, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * const samples = Array.from({ length: 2000 }, (_, i) => ({ x: [i / 2000], y: Math.sin(6 * i / 2000), key: 'sine' }));
 * from(samples)
 *   .pipe(
 *     train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
 *     rollingMetrics({ window: 500 }), // a snapshot every 500 samples
 *   )
 *   .subscribe((m) => console.log(m.seq, m.key, m.rmse, m.ewma.rmse, m.total.r2));
 * ```
 */
export function rollingMetrics<S extends Sample>(
  options: RollingMetricsOptions = {},
): OperatorFunction<Step<S>, MetricsSnapshot> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `rollingMetrics: options must be an object { window?, every?, everyMs?, alpha?, scheduler?, tracker? }, got ${describeValue(options)}`,
    );
  }
  const shared = options.tracker;
  if (shared !== undefined) {
    if (!(shared instanceof MetricsTracker)) {
      throw new TypeError(
        `rollingMetrics: tracker must be made with metricsTracker({ … }), got ${describeValue(shared)}`,
      );
    }
    for (const name of ['window', 'alpha'] as const) {
      if (options[name] !== undefined) {
        throw new TypeError(
          `rollingMetrics: give either tracker or ${name}, not both (the tracker has its own ${name})`,
        );
      }
    }
  }
  const { window, alpha } = shared ?? trackerSettings('rollingMetrics', options);
  const everyMs =
    options.everyMs === undefined
      ? undefined
      : checkPositiveNumber('rollingMetrics', 'everyMs', options.everyMs);
  const every =
    options.every === undefined
      ? everyMs === undefined
        ? window
        : undefined
      : checkPositiveInteger('rollingMetrics', 'every', options.every);
  const scheduler = options.scheduler ?? asyncScheduler;
  const s = scheduler as Partial<SchedulerLike> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.now !== 'function' ||
    typeof s.schedule !== 'function'
  ) {
    throw new TypeError(
      `rollingMetrics: scheduler must be an RxJS scheduler such as asyncScheduler, got ${describeValue(scheduler)}`,
    );
  }
  return (source) =>
    defer(() => {
      const clock = new Clock(shared ?? new MetricsTracker(window, alpha), every, scheduler);
      const main: Observable<MetricsSnapshot> = source.pipe(
        map((step: Step<S>) => clock.add(step)),
        filter((due) => due),
        map(() => clock.snapshot()),
        concatWith(defer(() => (clock.changed ? of(clock.snapshot()) : EMPTY))),
      );
      if (everyMs === undefined) return main;
      // The timer runs until the main branch ends (END), then takeWhile unsubscribes it.
      const ticks = interval(everyMs, scheduler).pipe(
        filter(() => clock.changed),
        map(() => clock.snapshot()),
      );
      return merge(main.pipe(endWith(END)), ticks).pipe(
        takeWhile((v): v is MetricsSnapshot => v !== END),
      );
    });
}

/** Marks the end of the main branch (never emitted downstream). */
const END: unique symbol = Symbol('rollingMetrics end');

/**
 * @internal The per-subscription part of {@link rollingMetrics}: when snapshots are due and the
 * time they are stamped with (the figures and counts are the tracker's); byKey's slab learner
 * keeps one per key.
 */
export class Clock {
  /** Whether a step arrived since the last snapshot. */
  changed = false;
  /** The latest snapshot (or the subscription): time and steps then. */
  private lastT: number;
  private lastSamples: number;
  /** The latest snapshot taken before `lastT` (NaN until there is one): samples/s run from it. */
  private fromT = Number.NaN;
  private fromSamples = 0;

  constructor(
    private readonly tracker: MetricsTracker,
    private readonly every: number | undefined,
    private readonly scheduler: SchedulerLike,
  ) {
    this.lastT = scheduler.now();
    this.lastSamples = tracker.samples;
  }

  /** Counts one step; returns whether a snapshot is due by count. */
  add(step: Step): boolean {
    this.tracker.add(step);
    this.changed = true;
    return this.every !== undefined && this.tracker.samples % this.every === 0;
  }

  /** A new snapshot of everything counted so far. */
  snapshot(): MetricsSnapshot {
    const samples = this.tracker.samples;
    const now = this.scheduler.now();
    if (now > this.lastT) {
      this.fromT = this.lastT;
      this.fromSamples = this.lastSamples;
    }
    const samplesPerSecond =
      this.fromT < now ? ((samples - this.fromSamples) * 1000) / (now - this.fromT) : undefined;
    this.lastT = now;
    this.lastSamples = samples;
    this.changed = false;
    return this.tracker.snapshot(now, samplesPerSecond);
  }
}
