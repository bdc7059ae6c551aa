import type { OperatorFunction } from 'rxjs';
import { checkInterval, checkOptions, checkPositiveNumber } from '../checks/argumentChecks.js';
import { LeastSquaresForecaster } from '../forecast/leastSquaresForecaster.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { statefulMap } from './statefulMap.js';

/** Options of {@link leastSquares}. */
export interface LeastSquaresOptions {
  /**
   * How much each older sample weighs less than the next, in (0, 1] (default 1: all alike, the
   * exact least-squares fit). 0.999 forgets with a half-life of about 700 samples, to follow a
   * drifting relation.
   */
  readonly forgetting?: number;
  /**
   * The prior variance of each weight (> 0, default 1e6): the fit minimises
   * `Σ forgetting^age (y − w·x − b)² + ‖(w, b)‖² / prior`, a ridge so faint that it only matters
   * for the first few samples, before there are as many samples as weights.
   */
  readonly prior?: number;
}

/**
 * An online linear model that is exactly online least squares: each sample is predicted by the
 * least-squares fit (with an intercept) of all the samples before it (until there are more
 * samples than weights, by their mean), then added to the fit —
 * recursive least squares, O(n²) per sample for n inputs, no learning rate to choose, and from
 * the first samples on as good as the closed form (a gradient-trained linear network gets there
 * only after many passes' worth of samples on the correlated inputs of a lag window). It works
 * in the samples' own units: no `normalize` needed (put one before it to have the sample's
 * scaler turn its forecast into real units). One output; a candidate of `ensemble`.
 *
 * A sample it cannot read (not an object, malformed, `x` not of the first sample's length or
 * not finite, a `y` that is not one finite number) gets a NaN forecast and a `rejection`, and
 * is not learned. A sample without `y` is predicted and not learned.
 *
 * Memory: (n + 1)² + 3 (n + 1) numbers.
 *
 * @throws RangeError or TypeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { leastSquares } from 'streamprop';
 * import { from } from 'rxjs';
 * const samples = Array.from({ length: 50 }, (_, i) => ({ x: [i, i % 3], y: 2 * i - (i % 3) + 1 }));
 * from(samples)
 *   .pipe(leastSquares())
 *   .subscribe((f) => { if (f.seq >= 48) console.log(f.output[0], f.actual?.[0]); }); // exact
 * ```
 */
export function leastSquares<S extends Sample>(
  options: LeastSquaresOptions = {},
): OperatorFunction<S, Forecast<S>> {
  const o = checkOptions('leastSquares', options);
  const forgetting = checkInterval('leastSquares', 'forgetting', o.forgetting ?? 1, {
    min: 0,
    max: 1,
    minOpen: true,
  });
  const prior = checkPositiveNumber('leastSquares', 'prior', o.prior ?? 1e6);
  return statefulMap(() => new LeastSquaresForecaster<S>(forgetting, prior));
}
