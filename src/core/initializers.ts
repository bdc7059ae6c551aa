import {
  checkFiniteNumber,
  checkMethods,
  checkNonEmptyString,
  checkNonNegativeNumber,
  checkObject,
} from '../checks/argumentChecks.js';
import type { Rng } from './rng.js';

/**
 * How a layer's weights are drawn before learning starts (biases start at zero) — what
 * `network()` and `resetModel` call, and what you implement for an initialiser of your own.
 * Draw every random number from `random` (never `Math.random`), so that the same seed gives the
 * same weights, bit for bit.
 *
 * `network({ init })` and `dense(units, activation, { init })` check it when handed one:
 * `description` a non-empty string and `init` a function.
 *
 * @example
 * ```ts
 * import { dense, type Initializer, linear, network, tanh } from 'streamprop';
 * // LeCun normal: N(0, 1 / fanIn).
 * const lecun: Initializer = {
 *   description: 'lecun()',
 *   init(weights, fanIn, _fanOut, random) {
 *     const std = Math.sqrt(1 / fanIn);
 *     for (let i = 0; i < weights.length; i++) weights[i] = std * random.normal();
 *   },
 * };
 * const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], init: lecun, seed: 1 });
 * ```
 */
export interface Initializer {
  /** What it is, such as `gaussian(0, 0.1)`, for people reading a summary. */
  readonly description: string;
  /**
   * Fills `weights` (`fanOut` rows of `fanIn` values, one row per neuron) drawing from
   * `random`.
   */
  init(weights: Float64Array, fanIn: number, fanOut: number, random: Rng): void;
}

/**
 * Throws a TypeError naming `owner` and the member unless `initializer` has everything the
 * library calls on an {@link Initializer}.
 *
 * @example
 * ```ts
 * checkInitializer('network', { description: 'mine' }, 'init');
 * // TypeError: network: init.init must be a function, got undefined
 * ```
 */
export function checkInitializer(
  owner: string,
  initializer: unknown,
  name: string,
): asserts initializer is Initializer {
  const i = checkObject<Partial<Initializer>>(
    owner,
    name,
    initializer,
    'an initialiser such as xavier() or he()',
  );
  checkNonEmptyString(owner, `${name}.description`, i.description);
  checkMethods(owner, name, i, ['init']);
}

/**
 * Independent Gaussian weights `N(mean, std²)`.
 *
 * @param mean - default 0.
 * @param std - the standard deviation, finite and ≥ 0 (default 0.1).
 * @throws RangeError for a non-finite mean or an invalid `std`.
 *
 * @example
 * ```ts
 * import { dense, gaussian, network, sigmoid } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(3, sigmoid)], init: gaussian(0, 0.5), seed: 3 });
 * ```
 */
export function gaussian(mean = 0, std = 0.1): Initializer {
  checkFiniteNumber('gaussian', 'mean', mean);
  checkNonNegativeNumber('gaussian', 'std', std);
  return {
    description: `gaussian(${mean}, ${std})`,
    init(weights, _fanIn, _fanOut, random) {
      for (let i = 0; i < weights.length; i++) weights[i] = mean + std * random.normal();
    },
  };
}

/**
 * Independent uniform weights on `[-r, r]`.
 *
 * @param r - the half-width, finite and ≥ 0 (default 0.5).
 * @throws RangeError for an invalid `r`.
 *
 * @example
 * ```ts
 * import { dense, network, sigmoid, uniform } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(3, sigmoid)], init: uniform(0.3), seed: 3 });
 * ```
 */
export function uniform(r = 0.5): Initializer {
  checkNonNegativeNumber('uniform', 'r', r);
  return {
    description: `uniform(${r})`,
    init(weights, _fanIn, _fanOut, random) {
      for (let i = 0; i < weights.length; i++) weights[i] = (2 * random.next() - 1) * r;
    },
  };
}

/**
 * Glorot/Xavier variance-preserving uniform weights on `±√(6 / (fanIn + fanOut))`, suited to
 * tanh, sigmoid and linear layers.
 *
 * @example
 * ```ts
 * import { dense, network, tanh, xavier } from 'streamprop';
 * const net = network({ inputs: 8, layers: [dense(16, tanh)], init: xavier(), seed: 3 });
 * ```
 */
export function xavier(): Initializer {
  return {
    description: 'xavier()',
    init(weights, fanIn, fanOut, random) {
      const r = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < weights.length; i++) weights[i] = (2 * random.next() - 1) * r;
    },
  };
}

/**
 * He/Kaiming variance-preserving Gaussian weights `N(0, 2 / fanIn)`, suited to rectifiers.
 *
 * @example
 * ```ts
 * import { dense, he, network, relu } from 'streamprop';
 * const net = network({ inputs: 8, layers: [dense(16, relu)], init: he(), seed: 3 });
 * ```
 */
export function he(): Initializer {
  return {
    description: 'he()',
    init(weights, fanIn, _fanOut, random) {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < weights.length; i++) weights[i] = std * random.normal();
    },
  };
}
