import type { OperatorFunction } from 'rxjs';
import { checkPositiveInteger } from '../checks/argumentChecks.js';
import { NaiveForecaster } from '../forecast/naiveForecaster.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { type LagOptions, readLag } from './difference.js';
import { statefulMap } from './statefulMap.js';

/**
 * The seasonal naive forecast of a lag window: the value one `period` before the target —
 * the same hour yesterday (`period` 24 on hourly readings), the same day last week (7 on daily
 * ones). With `horizon` h (as given to `lagged`), that is `x[k − 1 + h − period]` of a window
 * of k values: `period` must be at least h, and the window must reach back that far (k ≥
 * period − h + 1), or the sample is rejected (reason `length`). Learns nothing; a candidate of
 * `ensemble`. A sample it cannot read gets a NaN forecast and a `rejection`.
 *
 * @throws RangeError at once for a `period` or `horizon` that is not a positive integer, or a
 * `period` below `horizon`.
 *
 * @example
 * ```ts
 * import { seasonalLastValue } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * from([10, 20, 30, 11, 21, 31])
 *   .pipe(lagged(3), seasonalLastValue(3))
 *   .subscribe((f) => console.log(f.output[0], f.actual?.[0])); // 10 11, 20 21, 30 31
 * ```
 */
export function seasonalLastValue<S extends Sample>(
  period: number,
  options: LagOptions = {},
): OperatorFunction<S, Forecast<S>> {
  checkPositiveInteger('seasonalLastValue', 'period', period);
  const horizon = readLag('seasonalLastValue', 'period', period, options);
  return statefulMap(
    () =>
      new NaiveForecaster<S>('seasonalLastValue', { kind: 'seasonal last value', period, horizon }),
  );
}
