import { checkOptions, checkPositiveInteger } from '../checks/argumentChecks.js';
import { type Activation, checkActivation } from './activations.js';
import { checkInitializer, type Initializer } from './initializers.js';

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
 * not an activation or `init` not an initialiser (see {@link Activation} and `Initializer`).
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
  checkPositiveInteger('dense', 'units', units);
  checkActivation('dense', activation);
  const { init } = checkOptions<DenseOptions>('dense', options);
  if (init !== undefined) checkInitializer('dense', init, 'init');
  return { units, activation, init };
}
