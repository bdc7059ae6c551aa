import { checkPositiveOrInfinity } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import type { DriftAction } from '../drift/driftAction.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';

/** Options of {@link boostLearningRate}. */
export interface BoostLearningRateOptions {
  /** The boost never takes the rate above this (default: no limit). */
  readonly max?: number;
}

/**
 * A drift action that multiplies the learning rate of `optimizer` by `factor` (at most up to
 * `max`), so that the network moves faster towards what the stream has become. The rate stays
 * boosted: pair it with a controller that brings it down again, such as a schedule or a
 * loss-driven one. Its `drift` event says `learning rate <before> → <after>`.
 *
 * @throws TypeError at once when `optimizer` is not an optimizer; RangeError for a `factor`
 * that is not a finite number ≥ 1 or a `max` that is not a number > 0.
 *
 * @example
 * ```ts
 * import { adam, adwin, boostLearningRate, dense, detectDrift, linear, mse, network, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const optimizer = adam({ learningRate: 0.01 });
 * const samples = Array.from({ length: 600 }, (_, i) => ({ x: [1], y: i < 300 ? 1 : 5 }));
 * from(samples)
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     detectDrift(adwin(), { onDrift: boostLearningRate(optimizer, 3, { max: 0.1 }) }),
 *   )
 *   .subscribe((step) => step.events.forEach((e) => console.log(e)));
 * ```
 */
export function boostLearningRate(
  optimizer: Optimizer,
  factor: number,
  options: BoostLearningRateOptions = {},
): DriftAction {
  checkOptimizer('boostLearningRate', optimizer);
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new RangeError(
      `boostLearningRate: factor must be a finite number >= 1, got ${describeValue(factor)}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `boostLearningRate: options must be an object { max? }, got ${describeValue(options)}`,
    );
  }
  const max = checkPositiveOrInfinity(
    'boostLearningRate',
    'max',
    options.max ?? Number.POSITIVE_INFINITY,
  );
  return {
    name: `boostLearningRate(×${factor})`,
    start: () => () => {
      const from = optimizer.learningRate;
      const boosted = Math.min(from * factor, max);
      const to = boosted > from ? boosted : from;
      optimizer.learningRate = to;
      return `learning rate ${short(from)} → ${short(to)}`;
    },
  };
}

/** A number in at most 6 significant digits, for the words of an event. */
function short(value: number): string {
  return String(Number(value.toPrecision(6)));
}
