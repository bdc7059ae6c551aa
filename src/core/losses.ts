import {
  checkFunction,
  checkMethods,
  checkNonEmptyString,
  checkObject,
  checkPositiveNumber,
} from '../checks/argumentChecks.js';
import { type Activation, sigmoid, softmax } from './activations.js';

/**
 * A per-sample loss `L(prediction, target)` — what `loss`, `train` and the backward pass call,
 * and what you implement for a loss of your own. Every built-in loss sums over the outputs (it
 * does not average), so a one-output network sees exactly the textbook value.
 *
 * `loss(lossFn)` and `train(net, { loss })` check it when handed one: `name` a non-empty
 * string, `value` and `gradient` functions, and `outputDelta`, when there is one, a function.
 * `value` and `gradient` run once per sample: they should allocate nothing.
 *
 * @example
 * ```ts
 * import { dense, linear, type Loss, network, train } from 'streamprop';
 * import { of } from 'rxjs';
 * // log-cosh: ≈ ½r² near the target, ≈ |r| far from it; ∂/∂y = tanh(y − t).
 * const logCosh: Loss = {
 *   name: 'logCosh',
 *   value(prediction, target) {
 *     let sum = 0;
 *     for (let i = 0; i < prediction.length; i++) sum += Math.log(Math.cosh(prediction[i] - target[i]));
 *     return sum;
 *   },
 *   gradient(prediction, target, out) {
 *     for (let i = 0; i < prediction.length; i++) out[i] = Math.tanh(prediction[i] - target[i]);
 *   },
 * };
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1], y: 2 }).pipe(train(net, { loss: logCosh })).subscribe();
 * ```
 */
export interface Loss {
  /** What the loss is, such as `mse` or `huber`, for people reading a summary. */
  readonly name: string;
  /** The loss of one sample. */
  value(prediction: Float64Array, target: Float64Array): number;
  /** Writes `∂L/∂prediction` into `out`. */
  gradient(prediction: Float64Array, target: Float64Array, out: Float64Array): void;
  /**
   * Optional: writes `∂L/∂z` of the output layer straight into `out` when this loss and the
   * output activation have a closed form that is more stable than the chain rule (softmax with
   * cross entropy, sigmoid with binary cross entropy: `y - t`), and returns true; returns false
   * when there is none for `activation`. Without it, the chain rule always applies.
   */
  outputDelta?(
    activation: Activation,
    prediction: Float64Array,
    target: Float64Array,
    out: Float64Array,
  ): boolean;
}

/** Probabilities are clipped to [EPSILON, 1 - EPSILON] before a logarithm or a division. */
const EPSILON = 1e-12;

/**
 * Squared error `E = ½ Σ (target - output)²`, with `∂E/∂output = output - target` — the loss
 * of the classic back-propagation literature.
 *
 * @example
 * ```ts
 * import { mse } from 'streamprop';
 * const e = mse().value(new Float64Array([0.75, 0.77]), new Float64Array([0.01, 0.99]));
 * ```
 */
export function mse(): Loss {
  return {
    name: 'mse',
    value(p, t) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) {
        const r = t[i] - p[i];
        sum += r * r;
      }
      return 0.5 * sum;
    },
    gradient(p, t, out) {
      for (let i = 0; i < p.length; i++) out[i] = p[i] - t[i];
    },
  };
}

/**
 * Categorical cross entropy `-Σ tᵢ ln yᵢ` for a softmax output and a one-hot (or
 * probability) target; with softmax the output error is computed in closed form,
 * `yᵢ Σⱼ tⱼ - tᵢ` (`y - t` when the target sums to 1).
 *
 * @example
 * ```ts
 * import { crossEntropy } from 'streamprop';
 * const l = crossEntropy().value(new Float64Array([0.7, 0.2, 0.1]), new Float64Array([1, 0, 0]));
 * ```
 */
export function crossEntropy(): Loss {
  return {
    name: 'crossEntropy',
    value(p, t) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) if (t[i] !== 0) sum -= t[i] * Math.log(clip(p[i]));
      return sum;
    },
    gradient(p, t, out) {
      for (let i = 0; i < p.length; i++) out[i] = -t[i] / clip(p[i]);
    },
    outputDelta(activation, p, t, out) {
      if (activation !== softmax) return false;
      // ∂L/∂zᵢ = yᵢ Σⱼ tⱼ - tᵢ, which is y - t for a one-hot or probability target.
      let total = 0;
      for (let i = 0; i < t.length; i++) total += t[i];
      for (let i = 0; i < p.length; i++) out[i] = p[i] * total - t[i];
      return true;
    },
  };
}

/**
 * Binary cross entropy `-Σ [tᵢ ln yᵢ + (1 - tᵢ) ln(1 - yᵢ)]` for sigmoid outputs with targets
 * in [0, 1]; with sigmoid the output error is computed as `y - t` directly.
 *
 * @example
 * ```ts
 * import { binaryCrossEntropy } from 'streamprop';
 * const l = binaryCrossEntropy().value(new Float64Array([0.9]), new Float64Array([1]));
 * ```
 */
export function binaryCrossEntropy(): Loss {
  return {
    name: 'binaryCrossEntropy',
    value(p, t) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) {
        const y = clip(p[i]);
        sum -= t[i] * Math.log(y) + (1 - t[i]) * Math.log(1 - y);
      }
      return sum;
    },
    gradient(p, t, out) {
      for (let i = 0; i < p.length; i++) {
        const y = clip(p[i]);
        out[i] = (y - t[i]) / (y * (1 - y));
      }
    },
    outputDelta(activation, p, t, out) {
      if (activation !== sigmoid) return false;
      for (let i = 0; i < p.length; i++) out[i] = p[i] - t[i];
      return true;
    },
  };
}

/**
 * Absolute error `Σ |target - output|`; its gradient is the sign of the residual (0 at 0).
 *
 * @example
 * ```ts
 * import { mae } from 'streamprop';
 * const l = mae().value(new Float64Array([2]), new Float64Array([3])); // 1
 * ```
 */
export function mae(): Loss {
  return {
    name: 'mae',
    value(p, t) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) sum += Math.abs(t[i] - p[i]);
      return sum;
    },
    gradient(p, t, out) {
      for (let i = 0; i < p.length; i++) out[i] = Math.sign(p[i] - t[i]);
    },
  };
}

/**
 * The Huber loss: `½ r²` where `|r| ≤ δ`, `δ (|r| - ½ δ)` beyond, summed over outputs
 * (`r = output - target`). Squared near the target, linear for outliers.
 *
 * @param delta - the threshold, finite and > 0 (default 1).
 * @throws RangeError for a threshold that is not a finite positive number.
 *
 * @example
 * ```ts
 * import { huber } from 'streamprop';
 * const l = huber(1).value(new Float64Array([0]), new Float64Array([3])); // 2.5
 * ```
 */
export function huber(delta = 1): Loss {
  checkPositiveNumber('huber', 'delta', delta);
  return {
    name: 'huber',
    value(p, t) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) {
        const a = Math.abs(p[i] - t[i]);
        sum += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      }
      return sum;
    },
    gradient(p, t, out) {
      for (let i = 0; i < p.length; i++) {
        const r = p[i] - t[i];
        out[i] = r > delta ? delta : r < -delta ? -delta : r;
      }
    },
  };
}

function clip(p: number): number {
  return p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p;
}

/**
 * Throws a TypeError naming `owner` and the member unless `lossFn` has everything the library
 * calls on a {@link Loss}.
 *
 * @example
 * ```ts
 * checkLoss('loss', { name: 'mine', value: () => 0 }, 'lossFn');
 * // TypeError: loss: lossFn.gradient must be a function, got undefined
 * ```
 */
export function checkLoss(owner: string, lossFn: unknown, name: string): asserts lossFn is Loss {
  const l = checkObject<Partial<Loss>>(owner, name, lossFn, 'a loss such as mse()');
  checkNonEmptyString(owner, `${name}.name`, l.name);
  checkMethods(owner, name, l, ['value', 'gradient']);
  if (l.outputDelta !== undefined) checkFunction(owner, `${name}.outputDelta`, l.outputDelta);
}
