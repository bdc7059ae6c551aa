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
import type { ErrorMetrics, MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { PrequentialErrors } from '../metrics/prequentialErrors.js';
import { describeValue } from './describeValue.js';
import type { Sample } from './sample.js';
import { checkStep, Stage, type Step } from './step.js';
import type { RejectionReason } from './stepEvent.js';

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
 * @throws RangeError at once for a `window`, `every`, `everyMs` or `alpha` out of range;
 * TypeError for options that are not an object or a `scheduler` without `now` and `schedule`.
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
      `rollingMetrics: options must be an object { window?, every?, everyMs?, alpha?, scheduler? }, got ${describeValue(options)}`,
    );
  }
  const window = positiveInteger('window', options.window ?? 1000);
  const everyMs =
    options.everyMs === undefined ? undefined : positiveNumber('everyMs', options.everyMs);
  const every =
    options.every === undefined
      ? everyMs === undefined
        ? window
        : undefined
      : positiveInteger('every', options.every);
  const alpha = options.alpha ?? 2 / (window + 1);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new RangeError(`rollingMetrics: alpha must be in (0, 1], got ${describeValue(alpha)}`);
  }
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
      const tracker = new Tracker(window, alpha, every, scheduler);
      const main: Observable<MetricsSnapshot> = source.pipe(
        map((step: Step<S>) => tracker.add(step)),
        filter((due) => due),
        map(() => tracker.snapshot()),
        concatWith(defer(() => (tracker.changed ? of(tracker.snapshot()) : EMPTY))),
      );
      if (everyMs === undefined) return main;
      // The timer runs until the main branch ends (END), then takeWhile unsubscribes it.
      const ticks = interval(everyMs, scheduler).pipe(
        filter(() => tracker.changed),
        map(() => tracker.snapshot()),
      );
      return merge(main.pipe(endWith(END)), ticks).pipe(
        takeWhile((v): v is MetricsSnapshot => v !== END),
      );
    });
}

/** Marks the end of the main branch (never emitted downstream). */
const END: unique symbol = Symbol('rollingMetrics end');

/** The per-subscription state of {@link rollingMetrics}. */
class Tracker {
  /** Whether a step arrived since the last snapshot. */
  changed = false;
  private errors: PrequentialErrors | undefined = undefined;
  private samples = 0;
  private seq = -1;
  private key: string | number | undefined = undefined;
  private learningRate = Number.NaN;
  private rejected = 0;
  private readonly byReason: { [reason in RejectionReason]: number } = {
    notObject: 0,
    length: 0,
    notNumber: 0,
    nonFinite: 0,
    missingTarget: 0,
    malformed: 0,
  };
  private drifts = 0;
  /** The latest snapshot (or the subscription): time and steps then. */
  private lastT: number;
  private lastSamples = 0;
  /** The latest snapshot taken before `lastT` (NaN until there is one): samples/s run from it. */
  private fromT = Number.NaN;
  private fromSamples = 0;

  constructor(
    private readonly window: number,
    private readonly alpha: number,
    private readonly every: number | undefined,
    private readonly scheduler: SchedulerLike,
  ) {
    this.lastT = scheduler.now();
  }

  /** Counts one step; returns whether a snapshot is due by count. */
  add(input: Step): boolean {
    const step = checkStep(
      'rollingMetrics',
      input,
      Stage.Forwarded,
      Stage.Updated,
      'the steps of forward(net) or train(net, …); put rollingMetrics after them',
    );
    const outputs = step.output.length;
    if (this.errors === undefined) {
      this.errors = new PrequentialErrors(outputs, this.window, this.alpha);
    } else if (outputs !== this.errors.outputs) {
      throw new TypeError(
        `rollingMetrics: sample ${step.seq}: the step has ${outputs} outputs, the earlier ones ${this.errors.outputs}; use one rollingMetrics per network`,
      );
    }
    this.samples++;
    this.changed = true;
    this.seq = step.seq;
    const sample: unknown = step.sample;
    this.key = sample !== null && typeof sample === 'object' ? (sample as Sample).key : undefined;
    this.learningRate = step.learningRate;
    const events = step.events;
    for (let i = 0; i < events.length; i++) if (events[i].type === 'drift') this.drifts++;
    if (step.rejection !== undefined) {
      this.rejected++;
      this.byReason[step.rejection.reason]++;
    } else if (step.actual !== undefined) {
      this.errors.add(step.output, step.actual);
    }
    return this.every !== undefined && this.samples % this.every === 0;
  }

  /** A new snapshot of everything counted so far. */
  snapshot(): MetricsSnapshot {
    const errors = this.errors as PrequentialErrors;
    const now = this.scheduler.now();
    if (now > this.lastT) {
      this.fromT = this.lastT;
      this.fromSamples = this.lastSamples;
    }
    const samplesPerSecond =
      this.fromT < now
        ? ((this.samples - this.fromSamples) * 1000) / (now - this.fromT)
        : undefined;
    this.lastT = now;
    this.lastSamples = this.samples;
    this.changed = false;
    const w: ErrorMetrics = errors.windowMetrics();
    return {
      seq: this.seq,
      t: now,
      key: this.key,
      samples: this.samples,
      count: w.count,
      mse: w.mse,
      rmse: w.rmse,
      mae: w.mae,
      r2: w.r2,
      accuracy: w.accuracy,
      logLoss: w.logLoss,
      learningRate: Number.isNaN(this.learningRate) ? undefined : this.learningRate,
      samplesPerSecond,
      rejected: this.rejected,
      rejectedByReason: { ...this.byReason },
      drifts: this.drifts,
      ewma: errors.ewmaMetrics(),
      total: errors.totalMetrics(),
    };
  }
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `rollingMetrics: ${name} must be a positive integer, got ${describeValue(value)}`,
    );
  }
  return value;
}

function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `rollingMetrics: ${name} must be a finite number > 0, got ${describeValue(value)}`,
    );
  }
  return value;
}
