import {
  type Activation,
  checkActivation,
  elu,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from '../core/activations.js';
import { Network } from '../core/network.js';
import { adagrad } from '../optim/adagrad.js';
import { adam } from '../optim/adam.js';
import { momentum } from '../optim/momentum.js';
import { nesterov } from '../optim/nesterov.js';
import { checkOptimizer, type Optimizer } from '../optim/optimizer.js';
import { rmsprop } from '../optim/rmsprop.js';
import { sgd } from '../optim/sgd.js';
import {
  methodOf,
  RunningScaler,
  type RunningScalerState,
  scalerStateProblem,
} from '../scaling/runningScaler.js';
import { type CustomParts, checkCustomParts } from './customParts.js';
import { type ModelFile, modelFileSchema } from './modelFile.js';

/**
 * What {@link fromJSON} returns.
 *
 * @example
 * ```ts
 * import { adam, dense, fromJSON, network, sigmoid, toJSON } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, sigmoid)], seed: 1 });
 * const { network: copy, optimizer } = fromJSON(toJSON(net, { optimizer: adam() }));
 * console.log(copy.describe(), optimizer?.name); // 2-1(sigmoid) adam
 * ```
 */
export interface LoadedModel {
  readonly network: Network;
  /** The saved optimizer with its state restored, or `undefined` when the file has none. */
  readonly optimizer: Optimizer | undefined;
  /**
   * The saved scaler with its statistics restored (pass it to `normalize({ scaler })` to go on
   * where it stopped), or `undefined` when the file has none.
   */
  readonly scaler: RunningScaler | undefined;
}

/** The built-in activations, by the name the model file stores. */
const ACTIVATIONS: Readonly<Record<string, (alpha: number | undefined) => Activation>> = {
  sigmoid: () => sigmoid,
  tanh: () => tanh,
  linear: () => linear,
  relu: () => relu,
  softplus: () => softplus,
  softmax: () => softmax,
  leakyRelu: (alpha) => leakyRelu(alpha),
  elu: (alpha) => elu(alpha),
};

/** The built-in optimizers, by the name the model file stores. */
const OPTIMIZERS: Readonly<Record<string, (settings: Record<string, number>) => Optimizer>> = {
  sgd,
  momentum,
  nesterov,
  adagrad,
  rmsprop,
  adam,
};

/**
 * Loads a model file written by `toJSON` (as text or as parsed JSON). A malformed file fails
 * with an Error that names the field that is wrong, such as
 * `fromJSON: layers[1].weights[0] has 2 values, expected 3 (the layer's inputs)`. A file that
 * names an activation or optimizer of your own needs its maker in `parts` (see
 * {@link CustomParts}).
 *
 * @example
 * ```ts
 * import { dense, fromJSON, network, sigmoid, toJSON } from 'streamprop';
 * const saved = JSON.stringify(toJSON(network({ inputs: 2, layers: [dense(1, sigmoid)], seed: 1 })));
 * const { network: net } = fromJSON(saved);
 * console.log(net.describe()); // 2-1(sigmoid)
 * ```
 */
export function fromJSON(json: unknown, parts?: CustomParts): LoadedModel {
  const custom = checkCustomParts('fromJSON', parts);
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new Error(`fromJSON: the file is not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = modelFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`fromJSON: ${fieldName(issue.path) || 'the file'}: ${issue.message}`);
  }
  const file: ModelFile = parsed.data;
  // Check every shape before anything is allocated: a malformed file must not cost memory.
  let fanIn = file.inputs;
  file.layers.forEach((layer, k) => {
    if (layer.weights.length !== layer.units) {
      throw new Error(
        `fromJSON: layers[${k}].weights has ${layer.weights.length} rows, expected ${layer.units} (one per neuron)`,
      );
    }
    layer.weights.forEach((row, j) => {
      if (row.length !== fanIn) {
        throw new Error(
          `fromJSON: layers[${k}].weights[${j}] has ${row.length} values, expected ${fanIn} (the layer's inputs)`,
        );
      }
    });
    if (layer.biases.length !== layer.units) {
      throw new Error(
        `fromJSON: layers[${k}].biases has ${layer.biases.length} values, expected ${layer.units}`,
      );
    }
    fanIn = layer.units;
  });
  const scaler = file.scaler && loadScaler(file.scaler, file.inputs, fanIn);
  const specs = file.layers.map((layer, k) => ({
    units: layer.units,
    activation: makeActivation(layer.activation, k, custom),
  }));
  const net = new Network(file.inputs, specs);
  file.layers.forEach((layer, k) => {
    const built = net.layers[k];
    layer.weights.forEach((row, j) => {
      built.weights.set(row, j * built.fanIn);
    });
    built.biases.set(layer.biases);
  });
  return {
    network: net,
    optimizer: file.optimizer && loadOptimizer(file.optimizer, net, custom),
    scaler,
  };
}

function loadScaler(state: RunningScalerState, inputs: number, outputs: number): RunningScaler {
  let method: RunningScaler['method'];
  try {
    method = methodOf(state.method);
  } catch (e) {
    throw new Error(`fromJSON: scaler.method.range: ${(e as Error).message}`);
  }
  const sizes = [
    ['inputStats', state.inputStats, inputs, 'inputs'],
    ['targetStats', state.targetStats, outputs, 'outputs'],
  ] as const;
  for (const [field, stats, expected, what] of sizes) {
    if (stats !== undefined && stats.mean.length !== expected) {
      throw new Error(
        `fromJSON: scaler.${field}.mean has ${stats.mean.length} values, expected ${expected} (the network's ${what})`,
      );
    }
  }
  const problem = scalerStateProblem(state, method, state.targets, inputs, outputs);
  if (problem !== undefined) throw new Error(`fromJSON: scaler.${problem}`);
  const scaler = new RunningScaler(
    method,
    state.targets,
    state.inputStats && inputs,
    state.targetStats && outputs,
  );
  scaler.restore(state);
  return scaler;
}

/** The activation `saved` names: a built-in one, or one of `custom`'s; checked. */
function makeActivation(
  saved: ModelFile['layers'][number]['activation'],
  k: number,
  custom: CustomParts,
): Activation {
  const field = `layers[${k}].activation`;
  const { name, alpha } = saved;
  const own = custom.activations !== undefined && Object.hasOwn(custom.activations, name);
  const maker = own ? custom.activations?.[name] : builtIn(ACTIVATIONS, name);
  if (maker === undefined) {
    throw new Error(
      `fromJSON: ${field}.name: ${JSON.stringify(name)} is not a built-in activation; pass its maker in parts.activations`,
    );
  }
  let activation: Activation;
  try {
    activation = maker(alpha);
  } catch (e) {
    throw new Error(`fromJSON: ${field}.alpha: ${(e as Error).message}`);
  }
  if (own) checkActivation('fromJSON', activation, `parts.activations.${name}(…)`);
  checkMadeName(`parts.activations.${name}(…)`, activation.name, name);
  return activation;
}

/** The optimizer `state` names, made with its saved settings and restored to it. */
function loadOptimizer(
  state: NonNullable<ModelFile['optimizer']>,
  net: Network,
  custom: CustomParts,
): Optimizer {
  const { name } = state;
  const own = custom.optimizers !== undefined && Object.hasOwn(custom.optimizers, name);
  const maker = own ? custom.optimizers?.[name] : builtIn(OPTIMIZERS, name);
  if (maker === undefined) {
    throw new Error(
      `fromJSON: optimizer.name: ${JSON.stringify(name)} is not a built-in optimizer; pass its maker in parts.optimizers`,
    );
  }
  let optimizer: Optimizer;
  try {
    optimizer = maker({ ...state.hyperParameters, learningRate: state.learningRate });
  } catch (e) {
    throw new Error(`fromJSON: optimizer.hyperParameters: ${(e as Error).message}`);
  }
  if (own) {
    checkOptimizer('fromJSON', optimizer, `parts.optimizers.${name}(…)`);
  } else {
    for (const [buffer, values] of Object.entries(state.buffers)) {
      if (values.length !== 0 && values.length !== net.parameters.length) {
        throw new Error(
          `fromJSON: optimizer.buffers.${buffer} has ${values.length} values, expected ${net.parameters.length} (one per parameter)`,
        );
      }
    }
  }
  checkMadeName(`parts.optimizers.${name}(…)`, optimizer.name, name);
  try {
    optimizer.restore(state);
  } catch (e) {
    throw new Error(`fromJSON: optimizer: ${(e as Error).message}`);
  }
  return optimizer;
}

/** `makers[name]` when it is one of the record's own keys (not `constructor` and the like). */
function builtIn<T>(makers: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(makers, name) ? makers[name] : undefined;
}

/** A maker of yours must make the part the file names, or a save and load would rename it. */
function checkMadeName(maker: string, made: string, expected: string): void {
  if (made !== expected) {
    throw new Error(
      `fromJSON: ${maker} made a part named ${JSON.stringify(made)}, the file names ${JSON.stringify(expected)}`,
    );
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
