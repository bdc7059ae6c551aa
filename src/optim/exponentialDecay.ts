import { checkInterval, checkNonNegativeNumber, checkOptions } from '../checks/argumentChecks.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link exponentialDecay}.
 *
 * @example
 * ```ts
 * import { type ExponentialDecayOptions, exponentialDecay } from 'streamprop';
 * const options: ExponentialDecayOptions = { initial: 0.05, decay: 0.5, every: 10_000 };
 * const schedule = exponentialDecay(options);
 * ```
 */
export interface ExponentialDecayOptions {
  /** η₀, the rate at step 0: a finite number ≥ 0. */
  readonly initial: number;
  /** d, what the rate is multiplied by every `every` steps: a number in (0, 1]. */
  readonly decay: number;
  /** How many steps one factor `decay` takes: a finite number > 0 (default 1). */
  readonly every?: number;
}

/**
 * The smooth exponential schedule `η_t = η₀ · d^(t / every)`: the rate shrinks continuously,
 * by the factor `d` over each `every` steps.
 *
 * @throws RangeError at once naming the option that is out of range; the schedule throws a
 * RangeError for a step that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { exponentialDecay } from 'streamprop';
 * const schedule = exponentialDecay({ initial: 0.1, decay: 0.5, every: 1000 });
 * console.log(schedule(0), schedule(500), schedule(2000)); // 0.1 0.0707… 0.025
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const o = checkOptions('exponentialDecay', options);
  const initial = checkNonNegativeNumber('exponentialDecay', 'initial', o.initial);
  const decay = checkInterval('exponentialDecay', 'decay', o.decay, {
    min: 0,
    max: 1,
    minOpen: true,
  });
  const every = checkInterval('exponentialDecay', 'every', o.every ?? 1, {
    min: 0,
    max: Number.POSITIVE_INFINITY,
    minOpen: true,
  });
  return (t) => {
    checkNonNegativeNumber('exponentialDecay', 'step', t);
    return initial * decay ** (t / every);
  };
}
