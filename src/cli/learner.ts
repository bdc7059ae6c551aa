import { identity, type OperatorFunction, pipe } from 'rxjs';
import type { Activation } from '../core/activations.js';
import { elu, leakyRelu, linear, relu, sigmoid, softplus, tanh } from '../core/activations.js';
import { dense } from '../core/dense.js';
import { mse } from '../core/losses.js';
import { type Network, network } from '../core/network.js';
import type { DriftDetector } from '../drift/driftDetector.js';
import { pageHinkley } from '../drift/pageHinkley.js';
import type { LoadedCheckpoint } from '../model/checkpoint.js';
import { adaptLearningRate } from '../operators/adaptLearningRate.js';
import { detectDrift } from '../operators/detectDrift.js';
import { normalize } from '../operators/normalize.js';
import { train } from '../operators/train.js';
import { adagrad } from '../optim/adagrad.js';
import { adam } from '../optim/adam.js';
import { boldDriver } from '../optim/boldDriver.js';
import { defaultOptimizer } from '../optim/defaultOptimizer.js';
import { momentum } from '../optim/momentum.js';
import { nesterov } from '../optim/nesterov.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RateController } from '../optim/rateController.js';
import { rmsprop } from '../optim/rmsprop.js';
import { sgd } from '../optim/sgd.js';
import type { Sample } from '../samples/sample.js';
import { type RunningScaler, runningScaler } from '../scaling/runningScaler.js';
import type { Step } from '../steps/step.js';
import { type MetricsTracker, metricsTracker } from '../tracking/metricsTracker.js';
import type { RunOptions } from './runOptions.js';

/** Everything that learns in `streamprop run`, and the pipeline that ties it together. */
export interface Learner {
  readonly network: Network;
  readonly optimizer: Optimizer;
  readonly scaler: RunningScaler;
  /** The bold driver of `--adaptive`. */
  readonly controller: RateController | undefined;
  readonly detector: DriftDetector;
  /** The rolling metrics' windows (the status display reads them; checkpoints keep them). */
  readonly tracker: MetricsTracker;
  /** normalize → train → (adaptLearningRate) → detectDrift. */
  readonly pipeline: OperatorFunction<Sample, Step>;
}

const ACTIVATIONS: Readonly<Record<NonNullable<RunOptions['activation']>, Activation>> = {
  tanh,
  sigmoid,
  relu,
  leakyRelu: leakyRelu(),
  elu: elu(),
  softplus,
  linear,
};

const OPTIMIZERS: Readonly<
  Record<NonNullable<RunOptions['optimizer']>, (o: { learningRate?: number }) => Optimizer>
> = { sgd, momentum, nesterov, adagrad, rmsprop, adam };

/** The hidden layers of `streamprop run` when `--layers` is not given. */
export const DEFAULT_LAYERS: readonly number[] = [32, 16];

/**
 * The options that make a learner: those of `streamprop run` (and of `streamprop worker`, which
 * makes one per key) that choose the model.
 */
export type LearnerOptions = Pick<
  RunOptions,
  'layers' | 'activation' | 'optimizer' | 'lr' | 'adaptive' | 'window' | 'seed'
>;

/** The shape of the samples: how many inputs and targets. */
export interface SampleShape {
  readonly inputs: number;
  readonly outputs: number;
}

/**
 * Makes the learner of `streamprop run`: a new one of `shape` from the options (`--layers`,
 * default 32,16; `--activation`, default tanh; `--optimizer` and `--lr`, default
 * `defaultOptimizer()`, the very default of `train()`; `--adaptive`, `--window`, `--seed`; a
 * linear output layer; inputs and targets scaled online, in real units again in the figures),
 * or the one a checkpoint holds.
 *
 * @example
 * ```ts
 * import { createLearner } from './learner.js';
 * import { parseRunOptions, type RunOptions } from './runOptions.js';
 * declare const options: RunOptions;
 * const learner = createLearner(options, { inputs: 8, outputs: 1 });
 * console.log(learner.network.describe());
 * ```
 */
export function createLearner(
  options: LearnerOptions,
  shape: SampleShape,
  resumed?: LoadedCheckpoint,
): Learner {
  const net =
    resumed?.network ??
    network({
      inputs: shape.inputs,
      layers: [
        ...(options.layers ?? DEFAULT_LAYERS).map((units) =>
          dense(units, ACTIVATIONS[options.activation ?? 'tanh']),
        ),
        dense(shape.outputs, linear),
      ],
      seed: options.seed,
    });
  const optimizer =
    resumed?.optimizer ??
    (options.optimizer === undefined
      ? defaultOptimizer(options.lr)
      : OPTIMIZERS[options.optimizer](
          options.lr === undefined ? {} : { learningRate: options.lr },
        ));
  const scaler = resumed?.scaler ?? runningScaler({ targets: true });
  const controller = options.adaptive ? (resumed?.controller ?? boldDriver()) : undefined;
  const detector = resumed?.detector ?? pageHinkley();
  const tracker = resumed?.tracker ?? metricsTracker({ window: options.window });
  const pipeline = pipe(
    normalize<Sample>({ scaler }),
    train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
    controller === undefined ? identity : adaptLearningRate(net, optimizer, controller),
    detectDrift(detector, { clone: false }),
  ) as OperatorFunction<Sample, Step>;
  return { network: net, optimizer, scaler, controller, detector, tracker, pipeline };
}
