import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseDocument } from '../checks/parseDocument.js';
import type { Network } from '../core/network.js';
import type { DriftDetector } from '../drift/driftDetector.js';
import { type CheckpointJson, fromCheckpoint, toCheckpoint } from '../model/checkpoint.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RateController } from '../optim/rateController.js';
import { REJECTION_REASONS, type RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import type { RunningScaler } from '../scaling/runningScaler.js';
import type { Step } from '../steps/step.js';
import type { KeyErrors, KeyErrorsState } from './keyErrors.js';

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

const count = z.number().int().nonnegative();

/** The schema of {@link KeyRecord}, as a key's checkpoint holds it in `run`. */
const keyRecordSchema = z.object({
  learned: count,
  rejected: count,
  rejectedByReason: z.partialRecord(z.enum(REJECTION_REASONS), count).default({}),
  drifts: count.default(0),
  learningRate: z.number().nullable().default(null),
  /** Absent from the checkpoints of streamprop before the fleet kept metric values. */
  errors: z.looseObject({}).nullable().default(null),
});

/**
 * @internal What a key's checkpoint records of its run besides the model's parts: its counts,
 * the last learning rate, and the state of its error metrics (`null` in a checkpoint written
 * before the fleet kept them: they then start afresh).
 */
export interface KeyRecord extends KeyCounts {
  readonly rejectedByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly drifts: number;
  readonly learningRate: number | null;
  readonly errors: KeyErrorsState | null;
}

/**
 * @internal The whole state of a key as a checkpoint's text: the model file with the optimizer
 * and scaler, the controller and detector, and its {@link KeyRecord} (with the key) in `run`.
 */
export function saveKey(key: string, model: KeyModel, record: KeyRecord): string {
  return JSON.stringify(
    toCheckpoint({
      network: model.network,
      optimizer: model.optimizer,
      scaler: model.scaler,
      controller: model.controller,
      detector: model.detector,
      samples: record.learned + record.rejected,
      run: { key, ...record } as unknown as CheckpointJson,
    }),
  );
}

/**
 * @internal Pours a key's saved state into a model freshly made by `makeModel(key)` — the
 * weights, the optimizer's, scaler's, controller's and detector's states — and, when given,
 * into the key's error metrics (left as they are when the checkpoint holds none).
 *
 * @returns the key's record as saved with it.
 * @throws Error naming the key when the text is not a sound checkpoint, its record is not one,
 * or the model was made with another architecture or other parts than the saved one.
 */
export function restoreKey(
  key: string,
  text: string,
  model: KeyModel,
  errors?: KeyErrors,
): KeyRecord {
  const where = `shardedLearner: the checkpoint of key ${JSON.stringify(key)}`;
  try {
    const loaded = fromCheckpoint(text, { controller: model.controller, detector: model.detector });
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
    const record = parseDocument('run', keyRecordSchema, loaded.run ?? {});
    if (errors !== undefined && record.errors !== null) errors.restore(record.errors, 'run.errors');
    model.optimizer.restore(loaded.optimizer.state());
    if (loaded.scaler !== undefined) model.scaler?.restore(loaded.scaler.state());
    net.parameters.set(saved.parameters);
    return record as KeyRecord;
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
}
