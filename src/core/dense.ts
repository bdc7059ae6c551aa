import type { Activation } from './activations.js';
import type { Initializer } from './initializers.js';

/**
 * The description of a fully connected layer, before {@link network} gives it its weights.
 *
 * @example
 * ```ts
 * import { dense, tanh } from 'streamprop';
 * const spec = dense(32, tanh);
 * console.log(spec.units); // 32
 * ```
 */
export interface DenseSpec {
  readonly units: number;
  readonly activation: Activation;
  /** Overrides the network's initialiser for this layer. */
  readonly init: Initializer | undefined;
}

/** Options of {@link dense}. */
export interface DenseOptions {
  /** This layer's initialiser; by default the network's. */
  readonly init?: Initializer;
}

/**
 * A fully connected layer of `units` neurons: `z = W·n + b`, `y = activation(z)`.
 *
 * @param units - a positive integer.
 * @param activation - an {@link Activation} value such as `tanh` or `leakyRelu(0.1)`.
 * @throws RangeError when `units` is not a positive integer; TypeError when `activation` is
 * not an activation.
 *
 * @example
 * ```ts
 * import { dense, linear, network, tanh } from 'streamprop';
 * const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], seed: 7 });
 * ```
 */
export function dense(
  units: number,
  activation: Activation,
  options: DenseOptions = {},
): DenseSpec {
  if (!Number.isInteger(units) || units < 1) {
    throw new RangeError(`dense: units must be a positive integer, got ${String(units)}`);
  }
  if (
    activation === null ||
    typeof activation !== 'object' ||
    typeof activation.forward !== 'function' ||
    typeof activation.backward !== 'function'
  ) {
    throw new TypeError(
      `dense: activation must be an activation value such as tanh or relu, got ${String(activation)}`,
    );
  }
  return { units, activation, init: options.init };
}
