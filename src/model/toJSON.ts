import type { Network } from '../core/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RunningScaler } from '../scaling/runningScaler.js';
import type { ModelFile } from './modelFile.js';

/** Options of {@link toJSON}. */
export interface ToJSONOptions {
  /** An optimizer whose state (rate, step count, moments) is saved with the weights. */
  readonly optimizer?: Optimizer;
  /**
   * A scaler (`runningScaler(…)`, the one `normalize({ scaler })` learns into) whose method and
   * running statistics are saved with the weights.
   */
  readonly scaler?: RunningScaler;
}

/**
 * Serialises a network (and optionally its optimizer's and its scaler's state) to a versioned
 * model file. `JSON.stringify(toJSON(net))` and `fromJSON` round-trip every weight exactly.
 *
 * @throws RangeError when the scaler's numbers of inputs or targets differ from the network's.
 *
 * @example
 * ```ts
 * import { adam, dense, fromJSON, network, sigmoid, toJSON } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, sigmoid)], seed: 1 });
 * const text = JSON.stringify(toJSON(net, { optimizer: adam() }));
 * const { network: copy, optimizer } = fromJSON(text);
 * ```
 */
export function toJSON(net: Network, options: ToJSONOptions = {}): ModelFile {
  const file: ModelFile = {
    format: 'streamprop-model',
    version: 1,
    inputs: net.inputs,
    layers: net.layers.map((layer) => ({
      units: layer.units,
      activation:
        layer.activation.alpha === undefined
          ? { name: layer.activation.name }
          : { name: layer.activation.name, alpha: layer.activation.alpha },
      weights: Array.from({ length: layer.units }, (_, j) =>
        Array.from(layer.weights.subarray(j * layer.fanIn, (j + 1) * layer.fanIn)),
      ),
      biases: Array.from(layer.biases),
    })),
  };
  if (options.optimizer) {
    const state = options.optimizer.state();
    file.optimizer = {
      ...state,
      hyperParameters: { ...state.hyperParameters },
      buffers: Object.fromEntries(Object.entries(state.buffers).map(([k, v]) => [k, [...v]])),
    };
  }
  if (options.scaler) {
    const scaler = options.scaler;
    const mismatch = (what: string, have: number | undefined, expected: number): void => {
      if (have !== undefined && have !== expected) {
        throw new RangeError(
          `toJSON: the scaler has ${have} ${what}, the network ${expected}; save it with its own network`,
        );
      }
    };
    mismatch('inputs', scaler.inputs, net.inputs);
    mismatch('targets', scaler.outputs, net.outputs);
    file.scaler = scaler.state() as ModelFile['scaler'];
  }
  return file;
}
