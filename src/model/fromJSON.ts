import { documentPath, parseDocument } from '../checks/parseDocument.js';
import { readJson } from '../checks/readJson.js';
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
import { BufferedOptimizer } from '../optim/bufferedOptimizer.js';
import { momentum } from '../optim/momentum.js';
import { nesterov } from '../optim/nesterov.js';
import { checkOptimizer, type Optimizer } from '../optim/optimizer.js';
import { rmsprop } from '../optim/rmsprop.js';
import { sgd } from '../optim/sgd.js';
import {
  methodOf,
  RunningScaler,
  type RunningScalerState,
  scalerStateSchema,
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
  const value = readJson('fromJSON', json, 'file');
  const file = parseDocument('fromJSON', modelFileSchema, value, 'the file');
  return buildModel('fromJSON', file, custom);
}

/**
 * @internal Builds the network, optimizer and scaler of a model file already read with
 * `modelFileSchema` (`fromJSON`, and the checkpoints for their `model`). What only the parts can
 * check — an activation's `alpha`, an optimizer's hyper-parameters and buffers — fails naming
 * `owner` and the field, the file's place in the document being `at` (`['model']` in a
 * checkpoint).
 */
export function buildModel(
  owner: string,
  file: ModelFile,
  custom: CustomParts,
  at: readonly PropertyKey[] = [],
): LoadedModel {
  const where: Where = { owner, at };
  const specs = file.layers.map((layer, k) => ({
    units: layer.units,
    activation: makeActivation(layer.activation, k, custom, where),
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
    optimizer: file.optimizer && loadOptimizer(file.optimizer, net, custom, where),
    scaler: file.scaler && loadScaler(file.scaler, net, where),
  };
}

/** Where a model file is read: by whom, and at what path of the document. */
interface Where {
  readonly owner: string;
  readonly at: readonly PropertyKey[];
}

/** An Error `<owner>: <path>: <message>` for a part at `path` of the model that refused its state. */
function partError(where: Where, path: readonly PropertyKey[], message: string): Error {
  return new Error(`${where.owner}: ${documentPath([...where.at, ...path])}: ${message}`);
}

function loadScaler(state: RunningScalerState, net: Network, where: Where): RunningScaler {
  const scaler = new RunningScaler(
    methodOf(state.method),
    state.targets,
    state.inputStats && net.inputs,
    state.targetStats && net.outputs,
  );
  const at = [...where.at, 'scaler'];
  scaler.load(parseDocument(where.owner, scalerStateSchema(scaler), state, 'the file', at));
  return scaler;
}

/** The activation `saved` names: a built-in one, or one of `custom`'s; checked. */
function makeActivation(
  saved: ModelFile['layers'][number]['activation'],
  k: number,
  custom: CustomParts,
  where: Where,
): Activation {
  const field = ['layers', k, 'activation'];
  const { name, alpha } = saved;
  const own = custom.activations !== undefined && Object.hasOwn(custom.activations, name);
  const maker = own ? custom.activations?.[name] : builtIn(ACTIVATIONS, name);
  if (maker === undefined) {
    throw partError(
      where,
      [...field, 'name'],
      `${JSON.stringify(name)} is not a built-in activation; pass its maker in parts.activations`,
    );
  }
  let activation: Activation;
  try {
    activation = maker(alpha);
  } catch (e) {
    throw partError(where, [...field, 'alpha'], (e as Error).message);
  }
  if (own) checkActivation(where.owner, activation, `parts.activations.${name}(…)`);
  checkMadeName(where, `parts.activations.${name}(…)`, activation.name, name);
  return activation;
}

/** The optimizer `state` names, made with its saved settings and restored to it. */
function loadOptimizer(
  state: NonNullable<ModelFile['optimizer']>,
  net: Network,
  custom: CustomParts,
  where: Where,
): Optimizer {
  const { name } = state;
  const own = custom.optimizers !== undefined && Object.hasOwn(custom.optimizers, name);
  const maker = own ? custom.optimizers?.[name] : builtIn(OPTIMIZERS, name);
  if (maker === undefined) {
    throw partError(
      where,
      ['optimizer', 'name'],
      `${JSON.stringify(name)} is not a built-in optimizer; pass its maker in parts.optimizers`,
    );
  }
  let optimizer: Optimizer;
  try {
    optimizer = maker({ ...state.hyperParameters, learningRate: state.learningRate });
  } catch (e) {
    throw partError(where, ['optimizer', 'hyperParameters'], (e as Error).message);
  }
  if (optimizer instanceof BufferedOptimizer) {
    const schema = optimizer.stateSchema(net.parameters.length);
    optimizer.load(
      parseDocument(where.owner, schema, state, 'the file', [...where.at, 'optimizer']),
    );
    return optimizer;
  }
  checkOptimizer(where.owner, optimizer, `parts.optimizers.${name}(…)`);
  checkMadeName(where, `parts.optimizers.${name}(…)`, optimizer.name, name);
  try {
    optimizer.restore(state);
  } catch (e) {
    throw partError(where, ['optimizer'], (e as Error).message);
  }
  return optimizer;
}

/** `makers[name]` when it is one of the record's own keys (not `constructor` and the like). */
function builtIn<T>(makers: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(makers, name) ? makers[name] : undefined;
}

/** A maker of yours must make the part the file names, or a save and load would rename it. */
function checkMadeName(where: Where, maker: string, made: string, expected: string): void {
  if (made !== expected) {
    throw new Error(
      `${where.owner}: ${maker} made a part named ${JSON.stringify(made)}, the file names ${JSON.stringify(expected)}`,
    );
  }
}
