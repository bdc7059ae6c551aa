import {
  checkInterval,
  checkNonNegativeNumber,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link stepDecay}.
 *
 * @example
 * ```ts
 * import { type StepDecayOptions, stepDecay } from 'streamprop';
 * const options: StepDecayOptions = { initial: 0.05, factor: 0.1, every: 20_000 };
 * const schedule = stepDecay(options);
 * ```
 */
export interface StepDecayOptions {
  /** η₀, the rate of the first `every` steps: a finite number ≥ 0. */
  readonly initial: number;
  /** f, what the rate is multiplied by at each step down: a number in (0, 1] (default 0.5). */
  readonly factor?: number;
  /** The steps between two steps down: a positive integer. */
  readonly every: number;
}

/**
 * The staircase schedule `η_t = η₀ · f^⌊t / every⌋`: the rate holds for `every` steps, then is
 * multiplied by `f`.
 *
 * @throws RangeError at once naming the option that is out of range; the schedule throws a
 * RangeError for a step that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { stepDecay } from 'streamprop';
 * const schedule = stepDecay({ initial: 0.1, factor: 0.5, every: 1000 });
 * console.log(schedule(999), schedule(1000), schedule(2500)); // 0.1 0.05 0.025
 * ```
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const o = checkOptions('stepDecay', options);
  const initial = checkNonNegativeNumber('stepDecay', 'initial', o.initial);
  const factor = checkInterval('stepDecay', 'factor', o.factor ?? 0.5, {
    min: 0,
    max: 1,
    minOpen: true,
  });
  const every = checkPositiveInteger('stepDecay', 'every', o.every);
  return (t) => {
    checkNonNegativeNumber('stepDecay', 'step', t);
    return initial * factor ** Math.floor(t / every);
  };
}
