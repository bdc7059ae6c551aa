import { checkInterval, checkNonNegativeNumber, checkOptions } from '../checks/argumentChecks.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link inverseScaling}.
 *
 * @example
 * ```ts
 * import { type InverseScalingOptions, inverseScaling } from 'streamprop';
 * const options: InverseScalingOptions = { initial: 0.05, power: 1 };
 * const schedule = inverseScaling(options);
 * ```
 */
export interface InverseScalingOptions {
  /** η₀, the rate at step 0: a finite number ≥ 0. */
  readonly initial: number;
  /** p, how fast the rate falls: a finite number ≥ 0 (default 0.5, as scikit-learn's `power_t`). */
  readonly power?: number;
}

/**
 * The schedule `η_t = η₀ / (t + 1)^p` (scikit-learn's `invscaling`): with `p = 1` the classic
 * `1/t` decay of stochastic approximation, with the default `p = 0.5` a gentler one.
 *
 * @throws RangeError at once naming the option that is out of range; the schedule throws a
 * RangeError for a step that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { inverseScaling } from 'streamprop';
 * const schedule = inverseScaling({ initial: 0.1, power: 0.5 });
 * console.log(schedule(0), schedule(3)); // 0.1 0.05   (0.1 / √4)
 * ```
 */
export function inverseScaling(options: InverseScalingOptions): Schedule {
  const o = checkOptions('inverseScaling', options);
  const initial = checkNonNegativeNumber('inverseScaling', 'initial', o.initial);
  const power = checkInterval('inverseScaling', 'power', o.power ?? 0.5, {
    min: 0,
    max: Number.POSITIVE_INFINITY,
  });
  return (t) => {
    checkNonNegativeNumber('inverseScaling', 'step', t);
    return initial / (t + 1) ** power;
  };
}
