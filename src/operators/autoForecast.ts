import type { OperatorFunction } from 'rxjs';
import {
  checkNonNegativeInteger,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { AutoForecaster } from '../forecast/autoForecaster.js';
import { hedge, type Weighting } from '../forecast/hedge.js';
import type { Sample } from '../samples/sample.js';
import type { EnsembleStep } from './ensemble.js';
import { statefulMap } from './statefulMap.js';

export type { AutoChoice } from '../forecast/chooseModel.js';

/** Options of {@link autoForecast}. */
export interface AutoForecastOptions {
  /** How many steps after the newest input the target is, as given to `lagged` (default 1). */
  readonly horizon?: number;
  /**
   * Samples watched before the model is chosen (default: 4 × (window + horizon), at least 64):
   * they are forecast by the naive forecasts, then learned by the chosen model.
   */
  readonly warmUp?: number;
  /** Units of the hidden layer of the candidate networks (default 8). */
  readonly hidden?: number;
  /** The seed of the candidate networks (default 1). */
  readonly seed?: number;
  /** How the candidates are weighed (default `hedge()`). */
  readonly weighting?: Weighting;
}

/**
 * The automatic forecaster of a series, from lag windows (`lagged(k, { horizon })`): it watches
 * a warm-up (forecasting it with Hedge over the last value, the running mean and the seasonal
 * last value of every period the window reaches), finds the season with
 * `detectSeason` (autocorrelation over the warm-up, periods up to the window's reach), chooses
 * what the learned candidates forecast — the level, the change (`difference`) or the change
 * since one season back (`seasonalDifference`), whichever varied least over the warm-up — adds
 * calendar features when the samples carry `t`, and from then on forecasts with an `ensemble`
 * (Hedge) of: the last value, the seasonal last value (with a season), the running mean, online
 * least squares (`leastSquares`, forgetting 0.999) and three small networks (one hidden layer of
 * `hidden` tanh units, `defaultOptimizer` at 0.001, 0.003 and 0.01) on the chosen target. The
 * warm-up samples are then learned by the new ensemble (their forecasts were already emitted),
 * so nothing seen is wasted. Every step is prequential and in the target's units.
 *
 * For one series; put it in `byKey` for several (`lagged` windows them per key).
 *
 * @throws RangeError or TypeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { autoForecast } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * const hourly = Array.from({ length: 3000 }, (_, h) => 15 + 5 * Math.sin((2 * Math.PI * h) / 24) + Math.sin(h / 50));
 * from(hourly)
 *   .pipe(lagged(24), autoForecast())
 *   .subscribe((step) => {
 *     if (step.seq === 2999) console.log(step.candidates.map((c) => `${c.name}: ${c.weight.toFixed(2)}`));
 *   });
 * ```
 */
export function autoForecast<S extends Sample>(
  options: AutoForecastOptions = {},
): OperatorFunction<S, EnsembleStep<S>> {
  const o = checkOptions('autoForecast', options);
  const horizon = checkPositiveInteger('autoForecast', 'horizon', o.horizon ?? 1);
  const warmUp =
    o.warmUp === undefined
      ? undefined
      : checkNonNegativeInteger('autoForecast', 'warmUp', o.warmUp);
  const hidden = checkPositiveInteger('autoForecast', 'hidden', o.hidden ?? 8);
  const seed = checkNonNegativeInteger('autoForecast', 'seed', o.seed ?? 1);
  const weighting = o.weighting ?? hedge();
  return statefulMap(() => new AutoForecaster<S>({ horizon, warmUp, hidden, seed, weighting }));
}
