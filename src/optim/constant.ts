import { checkNonNegativeNumber } from '../checks/argumentChecks.js';
import type { Schedule } from './schedule.js';

/**
 * The schedule that keeps one rate: `η_t = rate` for every step `t`.
 *
 * @throws RangeError at once when `rate` is not a finite number ≥ 0; the schedule throws a
 * RangeError for a step that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { constant } from 'streamprop';
 * const schedule = constant(0.01);
 * console.log(schedule(0), schedule(1_000_000)); // 0.01 0.01
 * ```
 */
export function constant(rate: number): Schedule {
  checkNonNegativeNumber('constant', 'rate', rate);
  return (t) => {
    checkNonNegativeNumber('constant', 'step', t);
    return rate;
  };
}
