import { describeValue } from '../checks/describeValue.js';
import type { ErrorMetrics, MetricsSnapshot, RejectionCounts } from '../metrics/metricsSnapshot.js';
import { noErrorMetrics } from '../metrics/noErrorMetrics.js';
import { PrequentialErrors, type PrequentialErrorsState } from '../metrics/prequentialErrors.js';
import { StateReader, savedNumber } from '../metrics/stateReader.js';
import { REJECTION_REASONS, type RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step } from '../steps/step.js';

/**
 * Options of {@link metricsTracker} (and of `rollingMetrics`, which makes one per subscription).
 *
 * @example
 * ```ts
 * import { metricsTracker, type MetricsTrackerOptions } from 'streamprop';
 * const options: MetricsTrackerOptions = { window: 500, alpha: 0.01 };
 * const tracker = metricsTracker(options);
 * ```
 */
export interface MetricsTrackerOptions {
  /** Scored samples in the sliding window of the top-level figures (default 1000). */
  readonly window?: number;
  /**
   * The weight of the newest sample in the EWMA figures, in (0, 1] (default `2 / (window + 1)`,
   * the EWMA whose centre of mass matches the window's).
   */
  readonly alpha?: number;
}

/**
 * The saved state of a {@link MetricsTracker}, as plain JSON values (JSON has no NaN: what does
 * not exist yet is `null`). `restore` refuses a state saved with another `window` or `alpha`.
 *
 * @example
 * ```ts
 * import { metricsTracker, type MetricsTrackerState } from 'streamprop';
 * const saved: MetricsTrackerState = JSON.parse(JSON.stringify(metricsTracker({ window: 100 }).state()));
 * console.log(saved.window, saved.samples, saved.errors); // 100 0 null
 * ```
 */
export interface MetricsTrackerState {
  /** The window it was made with. */
  readonly window: number;
  /** The EWMA weight it was made with. */
  readonly alpha: number;
  /** Steps counted, rejected ones included. */
  readonly samples: number;
  /** The `seq` of the last step counted (-1 before the first). */
  readonly seq: number;
  /** The `key` of the last step's sample (`null` when it had none). */
  readonly key: string | number | null;
  /** The learning rate at the last step (`null` before `update` ran). */
  readonly learningRate: number | null;
  /** Rejected steps. */
  readonly rejected: number;
  /** Rejected steps, by reason. */
  readonly rejectedByReason: RejectionCounts;
  /** `drift` events seen. */
  readonly drifts: number;
  /** The error figures' sums and windows; `null` before the first step (their number of outputs is unknown). */
  readonly errors: PrequentialErrorsState | null;
}

/**
 * What `rollingMetrics` counts, as a value you hold: the error figures of the scored steps over
 * a sliding window, as an EWMA and since the start, and the counts of steps, rejections by
 * reason and drifts, with the last step's `seq`, key and learning rate. Make one with
 * {@link metricsTracker} and pass it to `rollingMetrics({ tracker })` when you want to reach
 * that state — to save it in a checkpoint ({@link MetricsTracker.state}) and continue from it
 * later ({@link MetricsTracker.restore}), exactly as if the stream had never stopped.
 * `rollingMetrics()` without a tracker makes a private one per subscription.
 *
 * A tracker passed to several subscriptions is **shared**: they all count into it. Counting a
 * step allocates nothing (the window's buffers are allocated at the first step, or by `restore`).
 *
 * @example
 * ```ts
 * import { dense, linear, metricsTracker, mse, network, rollingMetrics, sgd, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const optimizer = sgd({ learningRate: 0.1 });
 * const samples = Array.from({ length: 400 }, (_, i) => ({ x: [i / 400], y: 2 * (i / 400) }));
 * const tracker = metricsTracker({ window: 100 });
 * from(samples.slice(0, 200))
 *   .pipe(train(net, { loss: mse(), optimizer }), rollingMetrics({ tracker }))
 *   .subscribe();
 * const saved = JSON.stringify(tracker.state()); // … the process stops, and later:
 * const resumed = metricsTracker({ window: 100 });
 * resumed.restore(JSON.parse(saved));
 * from(samples.slice(200))
 *   .pipe(train(net, { loss: mse(), optimizer }), rollingMetrics({ tracker: resumed }))
 *   .subscribe((m) => console.log(m.samples, m.total.count)); // 300 300, then 400 400
 * ```
 */
export class MetricsTracker {
  /** Scored samples in the sliding window. */
  readonly window: number;
  /** The EWMA weight of the newest sample. */
  readonly alpha: number;
  private errors: PrequentialErrors | undefined = undefined;
  private count = 0;
  private lastSeq = -1;
  private key: string | number | undefined = undefined;
  private learningRate = Number.NaN;
  private rejectedCount = 0;
  private readonly byReason = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as {
    [reason in RejectionReason]: number;
  };
  private driftCount = 0;

  /** @internal Use {@link metricsTracker}. */
  constructor(window: number, alpha: number) {
    this.window = window;
    this.alpha = alpha;
  }

  /** Steps counted, rejected ones included. */
  get samples(): number {
    return this.count;
  }

  /** The `seq` of the last step counted; -1 before the first. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Steps whose prediction was scored (not rejected, with a target and a finite residual). */
  get scored(): number {
    return this.errors?.scored ?? 0;
  }

  /** Rejected steps. */
  get rejected(): number {
    return this.rejectedCount;
  }

  /** `drift` events seen on the steps. */
  get drifts(): number {
    return this.driftCount;
  }

  /**
   * Counts one step of `forward`, `loss`, `train` or `update` (what `rollingMetrics` does with
   * each). Allocates nothing, except the window's buffers at the very first step.
   *
   * @throws TypeError naming `rollingMetrics` when `input` is not such a step, or when its number
   * of outputs differs from that of the steps counted before.
   */
  add(input: Step<Sample>): void {
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
    this.count++;
    this.lastSeq = step.seq;
    const sample: unknown = step.sample;
    this.key = sample !== null && typeof sample === 'object' ? (sample as Sample).key : undefined;
    this.learningRate = step.learningRate;
    const events = step.events;
    for (let i = 0; i < events.length; i++) if (events[i].type === 'drift') this.driftCount++;
    if (step.rejection !== undefined) {
      this.rejectedCount++;
      this.byReason[step.rejection.reason]++;
    } else if (step.actual !== undefined) {
      this.errors.add(step.output, step.actual);
    }
  }

  /**
   * A new snapshot of everything counted so far, as `rollingMetrics` emits it.
   *
   * @param t - the time to stamp it with, in milliseconds (default `Date.now()`).
   * @param samplesPerSecond - the rate to report, if the caller measures one.
   */
  snapshot(t: number = Date.now(), samplesPerSecond?: number): MetricsSnapshot {
    const errors = this.errors;
    const w: ErrorMetrics = errors === undefined ? noErrorMetrics() : errors.windowMetrics();
    return {
      seq: this.lastSeq,
      t,
      key: this.key,
      samples: this.count,
      count: w.count,
      mse: w.mse,
      rmse: w.rmse,
      mae: w.mae,
      r2: w.r2,
      accuracy: w.accuracy,
      logLoss: w.logLoss,
      learningRate: Number.isNaN(this.learningRate) ? undefined : this.learningRate,
      samplesPerSecond,
      rejected: this.rejectedCount,
      rejectedByReason: { ...this.byReason },
      drifts: this.driftCount,
      ewma: errors === undefined ? noErrorMetrics() : errors.ewmaMetrics(),
      total: errors === undefined ? noErrorMetrics() : errors.totalMetrics(),
    };
  }

  /** Forgets everything counted (as new); `window` and `alpha` stay. */
  reset(): void {
    this.errors = undefined;
    this.count = 0;
    this.lastSeq = -1;
    this.key = undefined;
    this.learningRate = Number.NaN;
    this.rejectedCount = 0;
    for (const reason of REJECTION_REASONS) this.byReason[reason] = 0;
    this.driftCount = 0;
  }

  /** A JSON-ready copy of everything counted, for {@link MetricsTracker.restore}. */
  state(): MetricsTrackerState {
    return {
      window: this.window,
      alpha: this.alpha,
      samples: this.count,
      seq: this.lastSeq,
      key: this.key ?? null,
      learningRate: savedNumber(this.learningRate),
      rejected: this.rejectedCount,
      rejectedByReason: { ...this.byReason },
      drifts: this.driftCount,
      errors: this.errors === undefined ? null : this.errors.state(),
    };
  }

  /**
   * Continues from what {@link MetricsTracker.state} returned (by this tracker or another one
   * with the same `window` and `alpha`): the figures and counts go on exactly as they would have
   * without the stop. Checks the whole state first, so a wrong one changes nothing.
   *
   * @throws RangeError naming the field, such as `MetricsTracker.restore: errors.ring.sq must
   * hold 5 numbers (size), got 4`, for a state saved with another `window` or `alpha`, or a
   * malformed one.
   */
  restore(state: MetricsTrackerState): void {
    const read = new StateReader('MetricsTracker.restore');
    const s = read.object(state, 'state');
    for (const [key, mine] of [
      ['window', this.window],
      ['alpha', this.alpha],
    ] as const) {
      if (s[key] !== mine) {
        read.fail(
          key,
          `is ${describeValue(s[key])}, this tracker's is ${mine}; make it with metricsTracker({ window, alpha }) as saved`,
        );
      }
    }
    const samples = read.number(s, 'samples', '', { integer: true, min: 0 });
    const seq = read.number(s, 'seq', '', { integer: true, min: -1 });
    const key = s.key;
    if (key !== null && typeof key !== 'string' && typeof key !== 'number') {
      read.fail('key', `must be a string, a number or null, got ${describeValue(key)}`);
    }
    const learningRate = read.number(s, 'learningRate', '', { min: 0, nullable: true });
    const rejected = read.number(s, 'rejected', '', { integer: true, min: 0, max: samples });
    const reasons = read.child(s, 'rejectedByReason', '');
    let sum = 0;
    const byReason = REJECTION_REASONS.map((reason) => {
      // A state saved before a reason existed has no count for it: none were rejected so.
      if (reasons[reason] === undefined) return 0;
      const n = read.number(reasons, reason, 'rejectedByReason', { integer: true, min: 0 });
      sum += n;
      return n;
    });
    if (sum !== rejected) {
      read.fail('rejectedByReason', `adds up to ${sum}, but rejected is ${rejected}`);
    }
    const drifts = read.number(s, 'drifts', '', { integer: true, min: 0 });
    let errors: PrequentialErrors | undefined;
    if (s.errors !== null) {
      const saved = read.object(s.errors, 'errors');
      const outputs = read.number(saved, 'outputs', 'errors', { integer: true, min: 1 });
      errors = new PrequentialErrors(outputs, this.window, this.alpha);
      errors.restore(
        saved as unknown as PrequentialErrorsState,
        'MetricsTracker.restore',
        'errors',
      );
      if (errors.scored > samples - rejected) {
        read.fail(
          'errors.total.count',
          `is ${errors.scored}, more than the ${samples - rejected} steps that were not rejected`,
        );
      }
    } else if (samples > 0) {
      read.fail('errors', `must hold the figures of the ${samples} steps counted, got null`);
    }

    this.errors = errors;
    this.count = samples;
    this.lastSeq = seq;
    this.key = key === null ? undefined : (key as string | number);
    this.learningRate = learningRate;
    this.rejectedCount = rejected;
    REJECTION_REASONS.forEach((reason, i) => {
      this.byReason[reason] = byReason[i];
    });
    this.driftCount = drifts;
  }
}

/**
 * Creates a {@link MetricsTracker}: what `rollingMetrics({ tracker })` counts into, kept where
 * you can save it (`state()`), restore it, reset it or take a snapshot yourself.
 *
 * @throws RangeError at once for a `window` or `alpha` out of range; TypeError for options that
 * are not an object.
 *
 * @example
 * ```ts
 * import { metricsTracker, rollingMetrics } from 'streamprop';
 * const tracker = metricsTracker({ window: 500 });
 * const metrics = rollingMetrics({ tracker, every: 100 }); // a window of 500, a snapshot every 100
 * console.log(tracker.samples, tracker.snapshot(0).count); // 0 0
 * ```
 */
export function metricsTracker(options: MetricsTrackerOptions = {}): MetricsTracker {
  const { window, alpha } = trackerSettings('metricsTracker', options);
  return new MetricsTracker(window, alpha);
}

/** @internal The checked `window` and `alpha` of `options`; errors name `operator`. */
export function trackerSettings(
  operator: string,
  options: MetricsTrackerOptions,
): { window: number; alpha: number } {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${operator}: options must be an object { window?, alpha? }, got ${describeValue(options)}`,
    );
  }
  const window = options.window ?? 1000;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `${operator}: window must be a positive integer, got ${describeValue(window)}`,
    );
  }
  const alpha = options.alpha ?? 2 / (window + 1);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new RangeError(`${operator}: alpha must be in (0, 1], got ${describeValue(alpha)}`);
  }
  return { window, alpha };
}
