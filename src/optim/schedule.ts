/**
 * A learning-rate schedule: a pure function from the step `t` — the 0-based count of samples
 * learned so far — to the learning rate for that sample. The built-in ones are
 * {@link constant}, {@link inverseScaling}, {@link exponentialDecay} and {@link stepDecay};
 * any function of this shape is one too. `adaptLearningRate(net, optimizer, schedule)` applies
 * it to an optimizer.
 *
 * @example
 * ```ts
 * import type { Schedule } from 'streamprop';
 * const halvingEvery1000: Schedule = (t) => 0.1 * 0.5 ** Math.floor(t / 1000);
 * console.log(halvingEvery1000(0), halvingEvery1000(2500)); // 0.1 0.025
 * ```
 */
export type Schedule = (t: number) => number;
