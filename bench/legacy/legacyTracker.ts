// The metrics tracker as it was before the metric values (its add and snapshot, over the
// hand-unrolled PrequentialErrors), kept for the comparison in bench/rollingMetrics.ts.

import type { ErrorMetrics, MetricsSnapshot } from '../../src/metrics/metricsSnapshot.js';
import { REJECTION_REASONS, type RejectionReason } from '../../src/samples/rejection.js';
import type { Sample } from '../../src/samples/sample.js';
import { checkStep, Stage, type Step } from '../../src/steps/step.js';
import { noErrorMetrics } from '../../src/tracking/errorFigures.js';
import { PrequentialErrors } from './prequentialErrors.js';

export class LegacyTracker {
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

  constructor(
    readonly window: number,
    readonly alpha: number,
  ) {}

  get samples(): number {
    return this.count;
  }

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
}
