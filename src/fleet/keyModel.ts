import type { OperatorFunction } from 'rxjs';
import type { Network } from '../core/network.js';
import type { DriftDetector } from '../drift/driftDetector.js';
import { fromCheckpoint, toCheckpoint } from '../model/checkpoint.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RateController } from '../optim/rateController.js';
import type { Sample } from '../samples/sample.js';
import type { RunningScaler } from '../scaling/runningScaler.js';
import type { Step } from '../steps/step.js';
import type { MetricsTracker } from '../tracking/metricsTracker.js';

/**
 * What `makeModel(key)` of `shardedLearner` returns for each key: the pipeline that learns the
 * key's samples, and every stateful part it uses, so that a checkpoint can save them and another
 * worker can go on from there bit for bit. The pipeline must hold no state of its own beyond
 * these parts — name the optimizer (`train(net, { optimizer })`), pass the scaler
 * (`normalize({ scaler })`) and the detector (`detectDrift(detector, { clone: false })`), use
 * `batchSize` 1 — and it must be synchronous: one step per sample, before `next` returns (as
 * `normalize`, `train`, `adaptLearningRate` and `detectDrift` are).
 *
 * @example
 * ```ts
 * import { adam, dense, linear, mse, network, normalize, runningScaler, tanh, train } from 'streamprop';
 * import type { KeyModel } from 'streamprop/fleet';
 * import { pipe } from 'rxjs';
 * const makeModel = (key: string): KeyModel => {
 *   const net = network({ inputs: 7, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
 *   const optimizer = adam({ learningRate: 0.003 });
 *   const scaler = runningScaler({ targets: true });
 *   const pipeline = pipe(normalize({ scaler }), train(net, { loss: mse(), optimizer, onInvalid: 'skip' }));
 *   return { network: net, optimizer, scaler, pipeline };
 * };
 * ```
 */
export interface KeyModel {
  readonly network: Network;
  readonly optimizer: Optimizer;
  readonly scaler?: RunningScaler;
  readonly controller?: RateController;
  readonly detector?: DriftDetector;
  /** The samples of the key in, one step per sample out, synchronously. */
  readonly pipeline: OperatorFunction<Sample, Step>;
}

/** How many of a key's samples were learned and rejected. */
export interface KeyCounts {
  readonly learned: number;
  readonly rejected: number;
}

/**
 * @internal The whole state of a key as a checkpoint's text: the model file with the optimizer
 * and scaler, the controller, detector and metrics tracker, and the counts in `run`.
 */
export function saveKey(
  key: string,
  model: KeyModel,
  tracker: MetricsTracker,
  counts: KeyCounts,
): string {
  return JSON.stringify(
    toCheckpoint({
      network: model.network,
      optimizer: model.optimizer,
      scaler: model.scaler,
      controller: model.controller,
      detector: model.detector,
      tracker,
      samples: counts.learned + counts.rejected,
      run: { key, learned: counts.learned, rejected: counts.rejected },
    }),
  );
}

/**
 * @internal Pours a key's saved state into a model freshly made by `makeModel(key)` and its
 * tracker: the weights, the optimizer's, scaler's, controller's, detector's and tracker's states.
 *
 * @returns the counts saved with it.
 * @throws Error naming the key when the text is not a sound checkpoint or the model was made
 * with another architecture or other parts than the saved one.
 */
export function restoreKey(
  key: string,
  text: string,
  model: KeyModel,
  tracker: MetricsTracker,
): KeyCounts {
  const where = `shardedLearner: the checkpoint of key ${JSON.stringify(key)}`;
  try {
    const loaded = fromCheckpoint(text, {
      controller: model.controller,
      detector: model.detector,
      tracker,
    });
    const saved = loaded.network;
    const net = model.network;
    if (saved.parameters.length !== net.parameters.length || saved.describe() !== net.describe()) {
      throw new Error(
        `holds a ${saved.describe()} network, makeModel made ${net.describe()}; a fleet keeps one architecture per key`,
      );
    }
    if ((loaded.scaler === undefined) !== (model.scaler === undefined)) {
      throw new Error(
        `${loaded.scaler === undefined ? 'has no scaler, makeModel made one' : 'has a scaler, makeModel made none'}`,
      );
    }
    model.optimizer.restore(loaded.optimizer.state());
    if (loaded.scaler !== undefined) model.scaler?.restore(loaded.scaler.state());
    net.parameters.set(saved.parameters);
    const run = loaded.run as { learned?: unknown; rejected?: unknown } | undefined;
    const learned = Number(run?.learned ?? 0);
    const rejected = Number(run?.rejected ?? 0);
    return {
      learned: Number.isInteger(learned) && learned >= 0 ? learned : 0,
      rejected: Number.isInteger(rejected) && rejected >= 0 ? rejected : 0,
    };
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
}
