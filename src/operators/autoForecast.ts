import { Observable, type OperatorFunction, pipe } from 'rxjs';
import {
  checkNonNegativeInteger,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { linear, tanh } from '../core/activations.js';
import { dense } from '../core/dense.js';
import { mse } from '../core/losses.js';
import { network } from '../core/network.js';
import { detectSeason } from '../forecast/detectSeason.js';
import { hedge, type Weighting } from '../forecast/hedge.js';
import { Relay } from '../forecast/relay.js';
import { sharedStage } from '../forecast/sharedStage.js';
import { defaultOptimizer } from '../optim/defaultOptimizer.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { calendarFeatures } from './calendarFeatures.js';
import { difference } from './difference.js';
import { type EnsembleStep, ensemble } from './ensemble.js';
import { lastValue } from './lastValue.js';
import { leastSquares } from './leastSquares.js';
import { normalize } from './normalize.js';
import { runningMean } from './runningMean.js';
import { seasonalDifference } from './seasonalDifference.js';
import { seasonalLastValue } from './seasonalLastValue.js';
import { train } from './train.js';

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

/** The learning rates of the three candidate networks (of `defaultOptimizer`). */
export const AUTO_RATES: readonly number[] = [0.001, 0.003, 0.01];

/** What {@link autoForecast} chose after its warm-up, as the names of its candidates show it. */
export interface AutoChoice {
  /** The season found by `detectSeason` over the warm-up, or `undefined`. */
  readonly period: number | undefined;
  /** What the learned candidates forecast: `'level'`, `'change'` (difference) or `'seasonal change'`. */
  readonly target: 'level' | 'change' | 'seasonal change';
  /** Whether calendar features were added (the samples carry `t`). */
  readonly calendar: boolean;
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
  return (source) =>
    new Observable<EnsembleStep<S>>((subscriber) => {
      const buffer: S[] = [];
      let current: Relay<S, EnsembleStep<S>> | undefined;
      let chosen = false;
      let length = -1;
      const choose = (): void => {
        chosen = true;
        const window = length;
        const choice = chooseModel(buffer, window, horizon);
        const made = candidatesFor<S>(choice, window, horizon, hidden, seed);
        current?.complete();
        current = new Relay(ensemble<S>(made, { weighting }), (e) => subscriber.error(e));
        for (const sample of buffer) current.push(sample); // learned; already forecast
        buffer.length = 0;
      };
      subscriber.add(
        source.subscribe({
          next: (sample) => {
            if (!chosen) {
              const x = (sample as Partial<Sample> | null)?.x;
              if (length < 0 && usable(sample)) {
                length = (x as ArrayLike<number>).length;
                current = new Relay(ensemble<S>(naive<S>(length, horizon), { weighting }), (e) =>
                  subscriber.error(e),
                );
              }
              current ??= new Relay(ensemble<S>(naive<S>(1, horizon), { weighting }), (e) =>
                subscriber.error(e),
              );
              const step = current.push(sample);
              if (step !== undefined) subscriber.next(step);
              if (usable(sample)) buffer.push(copyOf(sample));
              const needed = warmUp ?? Math.max(64, 4 * (Math.max(length, 1) + horizon));
              if (length > 0 && buffer.length >= needed) choose();
              return;
            }
            const step = current?.push(sample);
            if (step !== undefined) subscriber.next(step);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            current?.complete();
            subscriber.complete();
          },
        }),
      );
      subscriber.add(() => {
        current?.complete();
        current = undefined;
      });
    });
}

function usable(sample: unknown): boolean {
  if (sample === null || typeof sample !== 'object') return false;
  const s = sample as Sample;
  if (s.malformed !== undefined || typeof s.y !== 'number' || !Number.isFinite(s.y)) return false;
  const x = s.x;
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length < 1) {
    return false;
  }
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function copyOf<S extends Sample>(sample: S): S {
  return { ...sample, x: Float64Array.from(sample.x) };
}

/**
 * The forecasters of the warm-up: the last value, the running mean and the seasonal last value
 * of every period the window reaches — Hedge finds the season's one within a few cycles.
 */
function naive<S extends Sample>(
  window: number,
  horizon: number,
): Record<string, OperatorFunction<S, Forecast>> {
  const made: Record<string, OperatorFunction<S, Forecast>> = {
    'last value': lastValue(),
    'running mean': runningMean(),
  };
  for (let p = Math.max(2, horizon); p <= window + horizon - 1; p++) {
    made[`seasonal last value (${p})`] = seasonalLastValue(p, { horizon });
  }
  return made;
}

/** @internal What the learned candidates forecast, from the warm-up samples. */
export function chooseModel(
  samples: readonly Sample[],
  window: number,
  horizon: number,
): AutoChoice {
  const ys = samples.map((s) => s.y as number);
  const reach = window + horizon - 1;
  const season = detectSeason(ys, { maxPeriod: Math.min(reach, Math.floor(ys.length / 2)) });
  const period =
    season.period !== undefined && season.period >= horizon ? season.period : undefined;
  const spread = (base: (x: ArrayLike<number>) => number): number => {
    let mean = 0;
    let m2 = 0;
    samples.forEach((s, k) => {
      const v = (s.y as number) - base(s.x);
      const d = v - mean;
      mean += d / (k + 1);
      m2 += d * (v - mean);
    });
    return m2 / samples.length;
  };
  const level = spread(() => 0);
  const change = spread((x) => x[window - 1 + horizon - horizon]);
  const seasonal =
    period === undefined
      ? Number.POSITIVE_INFINITY
      : spread((x) => x[window - 1 + horizon - period]);
  const target =
    seasonal <= change && seasonal < level
      ? 'seasonal change'
      : change < level
        ? 'change'
        : 'level';
  const calendar = samples.every((s) => typeof s.t === 'number' && Number.isFinite(s.t));
  return { period, target, calendar };
}

function candidatesFor<S extends Sample>(
  choice: AutoChoice,
  window: number,
  horizon: number,
  hidden: number,
  seed: number,
): Record<string, OperatorFunction<S, Forecast>> {
  const made: Record<string, OperatorFunction<S, Forecast>> = {
    'last value': lastValue(),
    'running mean': runningMean(),
  };
  if (choice.period !== undefined) {
    made[`seasonal last value (${choice.period})`] = seasonalLastValue(choice.period, { horizon });
  }
  const steps: OperatorFunction<Sample, Sample>[] = [];
  if (choice.target === 'seasonal change' && choice.period !== undefined) {
    steps.push(seasonalDifference(choice.period, { horizon, inputs: true }));
  } else if (choice.target === 'change') {
    steps.push(difference(horizon, { horizon, inputs: true }));
  }
  if (choice.calendar) steps.push(calendarFeatures());
  // The learned candidates share one transform and the networks one scaler: each sample is
  // transformed and scaled once, not once per candidate (the same values, less memory).
  const transformed = sharedStage(
    (pipe as (...ops: OperatorFunction<Sample, Sample>[]) => OperatorFunction<S, Sample>)(...steps),
  );
  const scaled = sharedStage(pipe(transformed(), normalize({ targets: true })));
  const inputs = window + (choice.calendar ? 4 : 0);
  made['least squares'] = pipe(transformed(), leastSquares({ forgetting: 0.999 }));
  for (const rate of AUTO_RATES) {
    const net = network({ inputs, layers: [dense(hidden, tanh), dense(1, linear)], seed });
    made[`network η=${rate}`] = pipe(
      scaled(),
      train(net, { loss: mse(), optimizer: defaultOptimizer(rate), onInvalid: 'skip' }),
    );
  }
  return made;
}
