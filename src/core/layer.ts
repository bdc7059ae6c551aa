import type { Activation } from './activations.js';

/**
 * A built dense layer: views into its network's one parameter array and one gradient array.
 * `weights` is row-major with **one row per neuron** (`weights[j * fanIn + i]` connects input
 * `i` to neuron `j`), as the model file stores it. All four arrays are writable in place.
 *
 * @example
 * ```ts
 * import { dense, network, sigmoid } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(3, sigmoid)] });
 * const [hidden] = net.layers;
 * hidden.weights.set([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
 * hidden.biases.fill(0.35);
 * ```
 */
export class Layer {
  /** The number of neurons. */
  readonly units: number;
  /** The number of inputs each neuron receives. */
  readonly fanIn: number;
  readonly activation: Activation;
  /** Where this layer's weights start in the network's parameter array. */
  readonly offset: number;
  /** `units × fanIn` weights, one row per neuron. */
  readonly weights: Float64Array;
  /** `units` biases. */
  readonly biases: Float64Array;
  /** `∂L/∂W`, laid out like `weights`. */
  readonly weightGradients: Float64Array;
  /** `∂L/∂b`. */
  readonly biasGradients: Float64Array;

  /** @internal Built by `network()`. */
  constructor(
    units: number,
    fanIn: number,
    activation: Activation,
    parameters: Float64Array,
    gradients: Float64Array,
    offset: number,
  ) {
    this.units = units;
    this.fanIn = fanIn;
    this.activation = activation;
    this.offset = offset;
    const w = units * fanIn;
    this.weights = parameters.subarray(offset, offset + w);
    this.biases = parameters.subarray(offset + w, offset + w + units);
    this.weightGradients = gradients.subarray(offset, offset + w);
    this.biasGradients = gradients.subarray(offset + w, offset + w + units);
  }

  /** The number of parameters: `units × fanIn + units`. */
  get size(): number {
    return this.units * (this.fanIn + 1);
  }
}
