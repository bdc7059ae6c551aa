import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import type { Network } from '../core/network.js';
import type { DriftDetector } from '../drift/driftDetector.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RateController } from '../optim/rateController.js';
import { REJECTION_REASONS, type RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import type { RunningScaler } from '../scaling/runningScaler.js';
import type { Step } from '../steps/step.js';
import type { KeyErrorsState } from './keyErrors.js';

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

/** @internal The schema of {@link KeyRecord}, as a key's checkpoint holds it in `run`. */
export const keyRecordSchema = z.object({
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
