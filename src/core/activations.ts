import {
  checkFiniteNumber,
  checkMethods,
  checkNonEmptyString,
  checkNonNegativeNumber,
  checkObject,
} from '../checks/argumentChecks.js';

/**
 * An activation function of a layer, applied to the whole vector of its pre-activations
 * `z` so that vector-valued ones such as {@link softmax} fit the same shape — what the
 * forward and backward passes call, and what you implement for an activation of your own.
 *
 * `backward` computes `dz = J_f(z)ᵀ · dy` — for an element-wise activation simply
 * `f'(z) ⊙ dy` — from the values `z` and `y = f(z)` the forward pass kept. Both run once per
 * layer per sample: they should allocate nothing.
 *
 * `dense(units, activation)` checks it when handed one: `name` a non-empty string, `forward`
 * and `backward` functions, `alpha` undefined or a finite number. The model file stores `name`
 * and `alpha`; load a model with an activation of yours by passing its maker to `fromJSON` (see
 * `CustomParts`). Give yours a name of its own: a file that names a built-in loads the built-in.
 *
 * @example
 * ```ts
 * import { type Activation, dense, linear, network } from 'streamprop';
 * // swish: f(x) = x·σ(x), f'(x) = σ(x) + f(x)·(1 − σ(x)).
 * const swish: Activation = {
 *   name: 'swish',
 *   forward(z, y) {
 *     for (let i = 0; i < z.length; i++) y[i] = z[i] / (1 + Math.exp(-z[i]));
 *   },
 *   backward(z, y, dy, dz) {
 *     for (let i = 0; i < z.length; i++) {
 *       const s = 1 / (1 + Math.exp(-z[i]));
 *       dz[i] = dy[i] * (s + y[i] * (1 - s));
 *     }
 *   },
 * };
 * const net = network({ inputs: 2, layers: [dense(8, swish), dense(1, linear)], seed: 1 });
 * ```
 */
export interface Activation {
  /** The activation's kind, as the model file stores it (`tanh`, `relu` …). */
  readonly name: string;
  /** The parameter of a parametrised activation (`leakyRelu`, `elu`), as the model file stores it. */
  readonly alpha?: number;
  /** Writes `y = f(z)`; `z` and `y` have the same length. */
  forward(z: Float64Array, y: Float64Array): void;
  /** Writes `dz = J_f(z)ᵀ · dy`. `dz` may not alias `dy`. */
  backward(z: Float64Array, y: Float64Array, dy: Float64Array, dz: Float64Array): void;
}

/**
 * @internal The activation values this module made: the backends have kernels of their own for
 * these (by name); an activation a user wrote runs through its own `forward` and `backward`.
 */
export const BUILT_IN_ACTIVATIONS = new WeakSet<Activation>();

function builtIn(activation: Activation): Activation {
  BUILT_IN_ACTIVATIONS.add(activation);
  return activation;
}

/**
 * The logistic sigmoid `f(x) = 1 / (1 + e^-x)`, with `f' = f(1 - f)`.
 *
 * @example
 * ```ts
 * import { dense, sigmoid } from 'streamprop';
 * const layer = dense(3, sigmoid);
 * ```
 */
export const sigmoid: Activation = builtIn({
  name: 'sigmoid',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) y[i] = 1 / (1 + Math.exp(-z[i]));
  },
  backward(_z, y, dy, dz) {
    for (let i = 0; i < y.length; i++) dz[i] = dy[i] * y[i] * (1 - y[i]);
  },
});

/**
 * The hyperbolic tangent, with `f' = 1 - f²`.
 *
 * @example
 * ```ts
 * import { dense, tanh } from 'streamprop';
 * const layer = dense(32, tanh);
 * ```
 */
export const tanh: Activation = builtIn({
  name: 'tanh',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) y[i] = Math.tanh(z[i]);
  },
  backward(_z, y, dy, dz) {
    for (let i = 0; i < y.length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
  },
});

/**
 * The identity, for regression outputs: `f(x) = x`, `f' = 1`.
 *
 * @example
 * ```ts
 * import { dense, linear } from 'streamprop';
 * const output = dense(1, linear);
 * ```
 */
export const linear: Activation = builtIn({
  name: 'linear',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) y[i] = z[i];
  },
  backward(_z, _y, dy, dz) {
    for (let i = 0; i < dy.length; i++) dz[i] = dy[i];
  },
});

/**
 * The rectifier `f(x) = max(0, x)`; its derivative is taken as 0 at 0.
 *
 * @example
 * ```ts
 * import { dense, relu } from 'streamprop';
 * const layer = dense(64, relu);
 * ```
 */
export const relu: Activation = builtIn({
  name: 'relu',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) y[i] = z[i] > 0 ? z[i] : 0;
  },
  backward(z, _y, dy, dz) {
    for (let i = 0; i < z.length; i++) dz[i] = z[i] > 0 ? dy[i] : 0;
  },
});

/**
 * The leaky rectifier `f(x) = x` for `x > 0`, `αx` otherwise.
 *
 * @param alpha - the slope for negative inputs, finite and ≥ 0 (default 0.01).
 * @throws RangeError for a negative or non-finite `alpha`.
 *
 * @example
 * ```ts
 * import { dense, leakyRelu } from 'streamprop';
 * const layer = dense(64, leakyRelu(0.1));
 * ```
 */
export function leakyRelu(alpha = 0.01): Activation {
  checkNonNegativeNumber('leakyRelu', 'alpha', alpha);
  return builtIn({
    name: 'leakyRelu',
    alpha,
    forward(z, y) {
      for (let i = 0; i < z.length; i++) y[i] = z[i] > 0 ? z[i] : alpha * z[i];
    },
    backward(z, _y, dy, dz) {
      for (let i = 0; i < z.length; i++) dz[i] = z[i] > 0 ? dy[i] : alpha * dy[i];
    },
  });
}

/**
 * The softplus `f(x) = ln(1 + eˣ)`, a smooth rectifier with `f' = sigmoid(x)`; computed
 * without overflow for large `x`.
 *
 * @example
 * ```ts
 * import { dense, softplus } from 'streamprop';
 * const layer = dense(16, softplus);
 * ```
 */
export const softplus: Activation = builtIn({
  name: 'softplus',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) {
      const x = z[i];
      y[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
  },
  backward(z, _y, dy, dz) {
    for (let i = 0; i < z.length; i++) dz[i] = dy[i] / (1 + Math.exp(-z[i]));
  },
});

/**
 * The exponential linear unit `f(x) = x` for `x > 0`, `α(eˣ - 1)` otherwise.
 *
 * @param alpha - the saturation value for negative inputs, finite and ≥ 0 (default 1).
 * @throws RangeError for a negative or non-finite `alpha`.
 *
 * @example
 * ```ts
 * import { dense, elu } from 'streamprop';
 * const layer = dense(16, elu(1));
 * ```
 */
export function elu(alpha = 1): Activation {
  checkNonNegativeNumber('elu', 'alpha', alpha);
  return builtIn({
    name: 'elu',
    alpha,
    forward(z, y) {
      for (let i = 0; i < z.length; i++) y[i] = z[i] > 0 ? z[i] : alpha * Math.expm1(z[i]);
    },
    backward(z, y, dy, dz) {
      for (let i = 0; i < z.length; i++) dz[i] = z[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
    },
  });
}

/**
 * The softmax `yᵢ = e^zᵢ / Σⱼ e^zⱼ`, for the output layer of a classifier (pair it with
 * `crossEntropy()`). Computed with the maximum subtracted, so large inputs do not overflow;
 * its backward pass is the full Jacobian product `dzᵢ = yᵢ (dyᵢ - Σⱼ yⱼ dyⱼ)`.
 *
 * @example
 * ```ts
 * import { crossEntropy, dense, network, relu, softmax } from 'streamprop';
 * const net = network({ inputs: 4, layers: [dense(8, relu), dense(3, softmax)] });
 * const lossFn = crossEntropy();
 * ```
 */
export const softmax: Activation = builtIn({
  name: 'softmax',
  forward(z, y) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
    let sum = 0;
    for (let i = 0; i < z.length; i++) {
      const e = Math.exp(z[i] - max);
      y[i] = e;
      sum += e;
    }
    for (let i = 0; i < z.length; i++) y[i] /= sum;
  },
  backward(_z, y, dy, dz) {
    let dot = 0;
    for (let i = 0; i < y.length; i++) dot += y[i] * dy[i];
    for (let i = 0; i < y.length; i++) dz[i] = y[i] * (dy[i] - dot);
  },
});

/**
 * Throws a TypeError (a RangeError for a non-finite `alpha`) naming `owner` and the member
 * unless `activation` has everything the library calls on an {@link Activation}.
 *
 * @example
 * ```ts
 * checkActivation('dense', { name: 'mine', forward() {} });
 * // TypeError: dense: activation.backward must be a function, got undefined
 * ```
 */
export function checkActivation(
  owner: string,
  activation: unknown,
  name = 'activation',
): asserts activation is Activation {
  const a = checkObject<Partial<Activation>>(
    owner,
    name,
    activation,
    'an activation such as tanh or relu',
  );
  checkNonEmptyString(owner, `${name}.name`, a.name);
  checkMethods(owner, name, a, ['forward', 'backward']);
  if (a.alpha !== undefined) checkFiniteNumber(owner, `${name}.alpha`, a.alpha);
}
