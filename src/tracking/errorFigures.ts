import { accuracy } from '../metrics/accuracy.js';
import { logLoss } from '../metrics/logLoss.js';
import { meanAbsoluteError } from '../metrics/meanAbsoluteError.js';
import { meanSquaredError } from '../metrics/meanSquaredError.js';
import type { MetricGroupState, MetricGroupValue } from '../metrics/metricGroup.js';
import type { ErrorMetrics } from '../metrics/metricsSnapshot.js';
import { rSquared } from '../metrics/rSquared.js';
import { SumsGroup } from '../metrics/sumsGroup.js';

/** @internal The metrics behind the error figures of a snapshot (the RMSE is `√mse`). */
export function errorMetricGroup() {
  return new SumsGroup({
    mse: meanSquaredError(),
    mae: meanAbsoluteError(),
    r2: rSquared(),
    accuracy: accuracy(),
    logLoss: logLoss(),
  });
}

/** @internal The group of {@link errorMetricGroup}. */
export type ErrorMetricGroup = ReturnType<typeof errorMetricGroup>;

/**
 * The saved state of the error metrics of a `MetricsTracker` (each aggregation's `metric`):
 * the state of each metric — `mse`, `mae`, `r2`, `accuracy`, `logLoss` — by name.
 *
 * @example
 * ```ts
 * import { type ErrorMetricsState, metricsTracker } from 'streamprop';
 * const saved: ErrorMetricsState = metricsTracker({ window: 10 }).state().errors.total.metric;
 * console.log(saved.mse.weight); // 0
 * ```
 */
export type ErrorMetricsState = MetricGroupState<ErrorMetricGroup['metrics']>;

/** A new {@link ErrorMetrics} for no sample at all: a count of 0 and every figure undefined. */
export function noErrorMetrics(): ErrorMetrics {
  return {
    count: 0,
    mse: undefined,
    rmse: undefined,
    mae: undefined,
    r2: undefined,
    accuracy: undefined,
    logLoss: undefined,
  };
}

/**
 * @internal The figures of a snapshot from the error metrics' values over `count` pairs. Accuracy
 * and log-loss are shown while they apply to the whole stream (`classes`, `probabilities`): a
 * stream that has once had a target of another kind has none, in any aggregation.
 */
export function errorFigures(
  count: number,
  value: MetricGroupValue<ErrorMetricGroup['metrics']>,
  classes: boolean,
  probabilities: boolean,
): ErrorMetrics {
  if (count === 0) return noErrorMetrics();
  const mse = value.mse as number;
  return {
    count,
    mse,
    rmse: Math.sqrt(mse),
    mae: value.mae,
    r2: value.r2,
    accuracy: classes ? value.accuracy : undefined,
    logLoss: probabilities ? value.logLoss : undefined,
  };
}
