import type { OperatorFunction } from 'rxjs';
import { NaiveForecaster } from '../forecast/naiveForecaster.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { statefulMap } from './statefulMap.js';

/**
 * The naive forecast of a lag window: the last value known, `x[x.length − 1]` (the newest of
 * the window `lagged` makes) — the baseline every forecaster of a series must beat, and a
 * candidate of `ensemble`. Learns nothing. A sample it cannot read (not an object, malformed,
 * an empty or non-finite `x`, a `y` that is not one finite number) gets a NaN forecast and a
 * `rejection`, like `forward` with `onInvalid: 'skip'`.
 *
 * Emits one lent {@link Forecast} per subscription; allocates nothing per sample.
 *
 * @example
 * ```ts
 * import { lastValue } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * from([1, 2, 4, 7])
 *   .pipe(lagged(2), lastValue())
 *   .subscribe((f) => console.log(f.output[0], f.actual?.[0])); // 2 4, then 4 7
 * ```
 */
export function lastValue<S extends Sample>(): OperatorFunction<S, Forecast<S>> {
  return statefulMap(() => new NaiveForecaster<S>('lastValue', { kind: 'last value' }));
}
