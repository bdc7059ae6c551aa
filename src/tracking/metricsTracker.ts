import type { z } from 'zod';
import {
  checkInstance,
  checkInterval,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { MetricStack } from '../metrics/metricStack.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { loadedNumber, savedNumber } from '../metrics/savedNumber.js';
import { REJECTION_REASONS, type RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step } from '../steps/step.js';
import { type ErrorMetricGroup, errorFigures, errorMetricGroup } from './errorFigures.js';
import { type MetricsTrackerState, metricsTrackerStateSchema } from './metricsTrackerState.js';

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
  /** The EWMA weight of the newest sample. */
  readonly alpha: number;
  /** The error metrics over the window, as an EWMA and since the start, counted in one pass. */
  private readonly errors: MetricStack<ErrorMetricGroup>;
  /** The steps' number of outputs; 0 before the first step. */
  private outputs = 0;
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
    this.alpha = alpha;
    this.errors = new MetricStack(errorMetricGroup, window, alpha);
  }

  /** Scored samples in the sliding window (after a {@link MetricsTracker.merge}, the sum of both). */
  get window(): number {
    return this.errors.size;
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
    return this.errors.count;
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
   * each). Allocates nothing, except the window's ring at the first scored step.
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
    const output = step.output;
    const outputs = output.length;
    if (outputs !== this.outputs) {
      if (this.outputs !== 0) {
        throw new TypeError(
          `rollingMetrics: sample ${step.seq}: the step has ${outputs} outputs, the earlier ones ${this.outputs}; use one rollingMetrics per network`,
        );
      }
      this.outputs = outputs;
    }
    this.count++;
    this.lastSeq = step.seq;
    const sample: unknown = step.sample;
    this.key = sample !== null && typeof sample === 'object' ? (sample as Sample).key : undefined;
    this.learningRate = step.learningRate;
    const events = step.events;
    for (let i = 0; i < events.length; i++) if (events[i].type === 'drift') this.driftCount++;
    const actual = step.actual;
    if (step.rejection !== undefined) {
      this.rejectedCount++;
      this.byReason[step.rejection.reason]++;
    } else if (actual !== undefined) {
      for (let j = 0; j < outputs; j++) {
        if (!Number.isFinite(actual[j] - output[j])) return; // not scored
      }
      this.score(output, actual);
    }
  }

  /** Counts a scored pair into the window, the EWMA and the total. */
  private score(output: Float64Array, actual: Float64Array): void {
    this.errors.update(output, actual);
  }

  /**
   * A new snapshot of everything counted so far, as `rollingMetrics` emits it.
   *
   * @param t - the time to stamp it with, in milliseconds (default `Date.now()`).
   * @param samplesPerSecond - the rate to report, if the caller measures one.
   */
  snapshot(t: number = Date.now(), samplesPerSecond?: number): MetricsSnapshot {
    const errors = this.errors;
    const all = errors.total.metrics;
    const classes = all.accuracy.get() !== undefined;
    const probabilities = all.logLoss.get() !== undefined;
    const w = errorFigures(errors.windowCount, errors.window.get(), classes, probabilities);
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
      ewma: errorFigures(errors.count, errors.ewma.get(), classes, probabilities),
      total: errorFigures(errors.count, errors.total.get(), classes, probabilities),
    };
  }

  /**
   * Adds what `other` counted — the tracker of another worker, or of another part of the stream
   * — to this one, for one view of both; `other` is left as it was. The counts add up; the
   * figures since the start become exactly those of every step of both; the window becomes one
   * of both sizes holding the pairs of both windows (exactly their figures together); the EWMA
   * figures, the metric of both streams' pairs each weighed as in its own stream. The last
   * step's `seq`, key and learning rate stay this one's (the other's if this one has counted
   * nothing).
   *
   * @throws TypeError for an `other` that is not a tracker; RangeError for one of another `alpha`
   * or whose steps have another number of outputs.
   *
   * @example
   * ```ts
   * import { metricsTracker } from 'streamprop';
   * const fleet = metricsTracker({ window: 500 });
   * for (const saved of [metricsTracker({ window: 500 }).state(), metricsTracker({ window: 500 }).state()]) {
   *   const worker = metricsTracker({ window: 500 });
   *   worker.restore(saved); // what each worker saved
   *   fleet.merge(worker);
   * }
   * console.log(fleet.window, fleet.snapshot(0).total.count); // 1500 0
   * ```
   */
  merge(other: MetricsTracker): void {
    checkInstance(
      'MetricsTracker.merge',
      'other',
      other,
      MetricsTracker,
      'made with metricsTracker({ … })',
    );
    if (other.alpha !== this.alpha) {
      throw new RangeError(
        `MetricsTracker.merge: other must have this tracker's alpha ${this.alpha}, got ${other.alpha}`,
      );
    }
    if (this.outputs !== 0 && other.outputs !== 0 && other.outputs !== this.outputs) {
      throw new RangeError(
        `MetricsTracker.merge: other counted steps of ${other.outputs} outputs, this one of ${this.outputs}`,
      );
    }
    this.errors.merge(other.errors);
    if (this.count === 0) {
      this.lastSeq = other.lastSeq;
      this.key = other.key;
      this.learningRate = other.learningRate;
    }
    if (this.outputs === 0) this.outputs = other.outputs;
    this.count += other.count;
    this.rejectedCount += other.rejectedCount;
    for (const reason of REJECTION_REASONS) this.byReason[reason] += other.byReason[reason];
    this.driftCount += other.driftCount;
  }

  /** Forgets everything counted (as new); `window` and `alpha` stay. */
  reset(): void {
    this.errors.reset();
    this.outputs = 0;
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
      outputs: this.outputs,
      errors: this.errors.state(),
    };
  }

  /**
   * Continues from what {@link MetricsTracker.state} returned (by this tracker or another one
   * with the same `window` and `alpha`): the figures and counts go on exactly as they would have
   * without the stop. Checks the whole state first, so a wrong one changes nothing.
   *
   * @throws TypeError or RangeError naming the field by its path, such as
   * `MetricsTracker.restore: errors.window.targets: must hold 5 numbers (count × outputs), got 4`,
   * for a state saved with another `window` or `alpha`, or a malformed one.
   */
  restore(state: MetricsTrackerState): void {
    this.load(parseDocument('MetricsTracker.restore', this.stateSchema(), state));
  }

  /** @internal The schema of a state this tracker can take: a sound one, of its window and alpha. */
  stateSchema(): z.ZodType<MetricsTrackerState> {
    return metricsTrackerStateSchema({ window: this.window, alpha: this.alpha });
  }

  /** @internal Loads a state that {@link MetricsTracker.stateSchema} accepted. */
  load(state: MetricsTrackerState): void {
    this.errors.load(state.errors);
    this.outputs = state.outputs;
    this.count = state.samples;
    this.lastSeq = state.seq;
    this.key = state.key ?? undefined;
    this.learningRate = loadedNumber(state.learningRate);
    this.rejectedCount = state.rejected;
    for (const reason of REJECTION_REASONS) this.byReason[reason] = state.rejectedByReason[reason];
    this.driftCount = state.drifts;
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
  const checked = checkOptions(operator, options);
  const window = checkPositiveInteger(operator, 'window', checked.window ?? 1000);
  const alpha = checkInterval(operator, 'alpha', checked.alpha ?? 2 / (window + 1), {
    min: 0,
    max: 1,
    minOpen: true,
  });
  return { window, alpha };
}
