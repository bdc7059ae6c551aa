import type { OperatorFunction } from 'rxjs';
import { NaiveForecaster } from '../forecast/naiveForecaster.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { statefulMap } from './statefulMap.js';

/**
 * The running mean of the targets as a forecast: each sample is forecast by the mean of the
 * targets before it (0 before the first), then its target is added. The best constant forecast
 * of a stationary series — for daily stock returns, hard to beat — and a candidate of
 * `ensemble`. Ignores `x` beyond checking it. A sample it cannot read gets a NaN forecast and a
 * `rejection` and is not added.
 *
 * @example
 * ```ts
 * import { runningMean } from 'streamprop';
 * import { from } from 'rxjs';
 * from([{ x: [0], y: 2 }, { x: [0], y: 4 }, { x: [0], y: 9 }])
 *   .pipe(runningMean())
 *   .subscribe((f) => console.log(f.output[0])); // 0, 2, 3
 * ```
 */
export function runningMean<S extends Sample>(): OperatorFunction<S, Forecast<S>> {
  return statefulMap(() => new NaiveForecaster<S>('runningMean', { kind: 'running mean' }));
}
