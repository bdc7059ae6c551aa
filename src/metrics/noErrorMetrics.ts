import type { ErrorMetrics } from './metricsSnapshot.js';

/**
 * @internal A new {@link ErrorMetrics} for no sample at all: a count of 0 and every figure
 * undefined (a new object at each call, so a snapshot holding it can be changed freely).
 */
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
