import { z } from 'zod';
import {
  argumentError,
  checkInstance,
  checkNonNegativeInteger,
  checkObject,
} from '../checks/argumentChecks.js';
import { documentPath } from '../checks/parseDocument.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import {
  checkDriftDetector,
  type DriftDetector,
  driftDetectorStateSchema,
} from '../drift/driftDetector.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import {
  checkRateController,
  type RateController,
  rateControllerStateSchema,
} from '../optim/rateController.js';
import { RunningScaler } from '../scaling/runningScaler.js';
import { MetricsTracker, type MetricsTrackerState } from '../tracking/metricsTracker.js';
import { modelFileSchema } from './modelFile.js';
import { toJSON } from './toJSON.js';

const jsonObject = z.record(z.string(), z.json());

/**
 * The schema of a checkpoint file, version 1 (see {@link Checkpoint}): its model is a model file
 * with an optimizer; each other part holds the saved state of its kind, which the part's own
 * schema checks in full when the part is built.
 */
export const checkpointSchema = z.object({
  format: z.literal('streamprop-checkpoint'),
  version: z.literal(1),
  savedAt: z.iso.datetime(),
  samples: z.number().int().nonnegative(),
  model: modelFileSchema.refine((model) => model.optimizer !== undefined, {
    path: ['optimizer'],
    message: 'is required in a checkpoint',
  }),
  controller: rateControllerStateSchema.optional(),
  metrics: z
    .custom<MetricsTrackerState>(
      (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
      'must be an object (what MetricsTracker.state() returns)',
    )
    .optional(),
  drift: driftDetectorStateSchema.optional(),
  source: jsonObject.optional(),
  run: jsonObject.optional(),
});

/**
 * A checkpoint file, version 1: the whole learning state of a training run, as plain JSON, so
 * that a run stopped at any point continues exactly where it was —
 *
 * - `format`, `version`: `'streamprop-checkpoint'`, 1;
 * - `savedAt`: when it was made (ISO 8601, UTC);
 * - `samples`: how many samples the run had taken when it was made (the caller's count);
 * - `model`: a model file (see `ModelFile`) with the weights, the optimizer's state (always) and
 *   the `runningScaler`'s statistics (when `normalize({ scaler })` is used);
 * - `controller`: the learning-rate controller's state (`boldDriver`, `reduceOnPlateau` …);
 * - `metrics`: the `MetricsTracker`'s state (the windows and counts of `rollingMetrics`);
 * - `drift`: the drift detector's state (`pageHinkley`, `adwin` …);
 * - `source`: where the samples come from and how far they were read, in the caller's words,
 *   such as `{ kind: 'csv', path: 'data.csv', position: 12000 }`;
 * - `run`: anything else the caller keeps with it, such as the options of the run.
 *
 * Numbers are written in full precision, so every value comes back exactly (JSON keeps no sign
 * of zero: -0 loads as 0). Make one with {@link toCheckpoint}, read one with
 * {@link parseCheckpoint} or {@link fromCheckpoint}, keep them with `checkpointStore`.
 *
 * @example
 * ```json
 * { "format": "streamprop-checkpoint", "version": 1, "savedAt": "2025-05-01T12:00:00.000Z",
 *   "samples": 12000, "model": { "format": "streamprop-model", "version": 1, "…": "…" },
 *   "controller": { "name": "boldDriver", "options": { "…": 1 }, "values": { "sum": 3.2, "count": 400, "previous": 0.011 } },
 *   "source": { "kind": "csv", "path": "data.csv", "position": 12000 } }
 * ```
 */
export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * A JSON object, as the `source` and `run` fields of a {@link Checkpoint} hold.
 *
 * @example
 * ```ts
 * import type { CheckpointJson } from 'streamprop';
 * const source: CheckpointJson = { kind: 'csv', path: 'data.csv', position: 12000 };
 * ```
 */
export type CheckpointJson = NonNullable<Checkpoint['source']>;

/**
 * What {@link toCheckpoint} saves: the objects that hold the learning state.
 *
 * @example
 * ```ts
 * import { adam, type CheckpointParts, dense, linear, network, toCheckpoint } from 'streamprop';
 * const parts: CheckpointParts = {
 *   network: network({ inputs: 2, layers: [dense(1, linear)], seed: 1 }),
 *   optimizer: adam(),
 *   samples: 0,
 *   source: { kind: 'mqtt', topic: 'plant/+/temperature' },
 * };
 * console.log(toCheckpoint(parts).source); // { kind: 'mqtt', topic: 'plant/+/temperature' }
 * ```
 */
export interface CheckpointParts {
  /** The network being trained. */
  readonly network: Network;
  /** Its optimizer (name one in `train`: the default optimizer cannot be reached). */
  readonly optimizer: Optimizer;
  /** The scaler that `normalize({ scaler })` learns into. */
  readonly scaler?: RunningScaler;
  /** The controller of `adaptLearningRate(net, optimizer, controller)`. */
  readonly controller?: RateController;
  /** The tracker of `rollingMetrics({ tracker })`. */
  readonly tracker?: MetricsTracker;
  /** The detector of `detectDrift(detector, { clone: false })` (with a clone, it is not the live one). */
  readonly detector?: DriftDetector;
  /** How many samples the run has taken (a non-negative integer). */
  readonly samples: number;
  /** Where the samples come from and how far they were read, as a JSON object. */
  readonly source?: CheckpointJson;
  /** Anything else to keep, as a JSON object. */
  readonly run?: CheckpointJson;
  /** When it is made (default: now). */
  readonly savedAt?: Date;
}

/**
 * Takes a checkpoint of the whole learning state: a new plain object, independent of the live
 * objects (copied, not referenced), ready for `JSON.stringify` or `checkpointStore(…).save`.
 * Take it between two samples — in `subscribe`, or in a `tap` after the last operator — so that
 * every part is at the same sample.
 *
 * @throws TypeError for a `network` or `optimizer` that is not one, or a `source` / `run` that
 * is not a JSON object; RangeError for `samples` that is not a non-negative integer or a
 * `scaler` made for another network.
 *
 * @example
 * ```ts
 * import { adam, adaptLearningRate, boldDriver, dense, detectDrift, linear, metricsTracker, mse, network, normalize, pageHinkley, rollingMetrics, runningScaler, tanh, toCheckpoint, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = adam({ learningRate: 0.01 });
 * const scaler = runningScaler({ targets: true, inputs: 1, outputs: 1 });
 * const controller = boldDriver({ window: 200 });
 * const detector = pageHinkley();
 * const tracker = metricsTracker({ window: 100 });
 * const samples = Array.from({ length: 1000 }, (_, i) => ({ x: [Math.sin(i / 10)], y: Math.cos(i / 10) }));
 * from(samples)
 *   .pipe(
 *     normalize({ scaler }),
 *     train(net, { loss: mse(), optimizer }),
 *     adaptLearningRate(net, optimizer, controller),
 *     detectDrift(detector, { clone: false }),
 *     rollingMetrics({ tracker }),
 *   )
 *   .subscribe();
 * const checkpoint = toCheckpoint({ network: net, optimizer, scaler, controller, tracker, detector, samples: tracker.samples });
 * console.log(checkpoint.samples, checkpoint.model.optimizer.name, checkpoint.metrics?.samples); // 1000 adam 1000
 * ```
 */
export function toCheckpoint(parts: CheckpointParts): Checkpoint {
  const owner = 'toCheckpoint';
  checkObject(owner, 'parts', parts, 'an object { network, optimizer, samples, … }');
  checkNetwork(owner, parts.network, 'network');
  checkOptimizer(owner, parts.optimizer);
  const samples = checkNonNegativeInteger(owner, 'samples', parts.samples);
  if (parts.scaler !== undefined) {
    checkInstance(owner, 'scaler', parts.scaler, RunningScaler, 'made with runningScaler({ … })');
  }
  if (parts.tracker !== undefined) {
    checkInstance(
      owner,
      'tracker',
      parts.tracker,
      MetricsTracker,
      'made with metricsTracker({ … })',
    );
  }
  if (parts.controller !== undefined) checkRateController(owner, parts.controller);
  if (parts.detector !== undefined) checkDriftDetector(owner, parts.detector);
  const savedAt = checkInstance(
    owner,
    'savedAt',
    parts.savedAt ?? new Date(),
    Date,
    'a valid Date',
  );
  if (Number.isNaN(savedAt.getTime()))
    throw argumentError(owner, 'savedAt', 'a valid Date', savedAt);
  const model = toJSON(parts.network, { optimizer: parts.optimizer, scaler: parts.scaler });
  const checkpoint: Checkpoint = {
    format: 'streamprop-checkpoint',
    version: 1,
    savedAt: savedAt.toISOString(),
    samples,
    model: model as Checkpoint['model'],
  };
  if (parts.controller) {
    checkpoint.controller = parts.controller.state() as Checkpoint['controller'];
  }
  if (parts.tracker) checkpoint.metrics = parts.tracker.state();
  if (parts.detector) checkpoint.drift = parts.detector.state() as Checkpoint['drift'];
  if (parts.source !== undefined) checkpoint.source = jsonCopy('source', parts.source);
  if (parts.run !== undefined) checkpoint.run = jsonCopy('run', parts.run);
  return checkpoint;
}

/** A deep copy of a JSON object; a TypeError naming `field` (and the place in it) for anything else. */
function jsonCopy(field: string, value: unknown): CheckpointJson {
  const parsed = jsonObject.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `toCheckpoint: ${documentPath([field, ...issue.path])} must be JSON (an object of strings, finite numbers, booleans, null, arrays and objects): ${issue.message}`,
    );
  }
  return JSON.parse(JSON.stringify(parsed.data)) as CheckpointJson;
}
