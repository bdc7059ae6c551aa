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
  type DriftDetectorState,
} from '../drift/driftDetector.js';
import { type ResetModel, ResetModelAction, resetModel } from '../operators/resetModel.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import {
  checkRateController,
  type RateController,
  type RateControllerState,
} from '../optim/rateController.js';
import { RunningScaler } from '../scaling/runningScaler.js';
import { MetricsTracker } from '../tracking/metricsTracker.js';
import {
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointJson,
  jsonObject,
} from './checkpointFile.js';
import { type CustomParts, checkCustomParts } from './customParts.js';
import { readCheckpoint, readCheckpointAs, restoreInto } from './readCheckpoint.js';
import { toJSON } from './toJSON.js';

export type { Checkpoint, CheckpointJson } from './checkpointFile.js';

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
  /** The `resetModel(net, { seed })` drift action, so that a resumed run redraws the same weights. */
  readonly resetModel?: ResetModel;
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
  if (parts.resetModel !== undefined) checkResetModel(owner, parts.resetModel, 'resetModel');
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
    version: CHECKPOINT_VERSION,
    savedAt: savedAt.toISOString(),
    samples,
    model: model as Checkpoint['model'],
  };
  if (parts.controller) {
    checkpoint.controller = parts.controller.state() as Checkpoint['controller'];
  }
  if (parts.tracker) checkpoint.metrics = parts.tracker.state();
  if (parts.detector) checkpoint.drift = parts.detector.state() as Checkpoint['drift'];
  if (parts.resetModel) checkpoint.resetModel = parts.resetModel.state();
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

/**
 * Reads and checks a checkpoint (as text or as parsed JSON) without building anything from it:
 * the schema, every shape of the model (as `fromJSON` does), and the states of the built-in
 * controllers (`boldDriver`, `reduceOnPlateau`), of the tracker and of the built-in detectors
 * (`pageHinkley`, `adwin`) by restoring them into scratch objects. What `checkpointStore`
 * calls on each file to tell a sound one from a truncated or corrupt one. A checkpoint whose
 * model names an activation or optimizer of your own needs its maker in `parts` (see
 * `CustomParts`).
 *
 * @throws Error naming the field that is wrong, such as
 * `parseCheckpoint: controller.values.count: Too big: expected number to be <=99`, or saying
 * that the text is not JSON (as a truncated file is not).
 *
 * @example
 * ```ts
 * import { adam, dense, linear, network, parseCheckpoint, toCheckpoint } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
 * const text = JSON.stringify(toCheckpoint({ network: net, optimizer: adam(), samples: 0 }));
 * console.log(parseCheckpoint(text).samples); // 0
 * try {
 *   parseCheckpoint(text.slice(0, 100));
 * } catch (e) {
 *   console.log((e as Error).message); // parseCheckpoint: the text is not valid JSON (…)
 * }
 * ```
 */
export function parseCheckpoint(json: unknown, parts?: CustomParts): Checkpoint {
  return readCheckpointAs('parseCheckpoint', json, checkCustomParts('parseCheckpoint', parts));
}

/**
 * What {@link fromCheckpoint} gives back: live objects, ready to train on.
 *
 * @example
 * ```ts
 * import { adam, dense, fromCheckpoint, type LoadedCheckpoint, linear, network, toCheckpoint } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
 * const loaded: LoadedCheckpoint = fromCheckpoint(toCheckpoint({ network: net, optimizer: adam(), samples: 7 }));
 * console.log(loaded.samples, loaded.optimizer.name, loaded.tracker); // 7 adam undefined
 * ```
 */
export interface LoadedCheckpoint {
  /** The checkpoint as read (checked). */
  readonly checkpoint: Checkpoint;
  /** The network with the saved weights. */
  readonly network: Network;
  /** The optimizer with its saved state. */
  readonly optimizer: Optimizer;
  /** The scaler with its statistics, when the checkpoint has one. */
  readonly scaler: RunningScaler | undefined;
  /**
   * The controller: the one you gave, restored; else, when the checkpoint holds the state of a
   * built-in one, a new one made with the saved options; else `undefined`.
   */
  readonly controller: RateController | undefined;
  /** The tracker, like `controller` (a tracker can always be made from its state). */
  readonly tracker: MetricsTracker | undefined;
  /** The drift detector, like `controller`. Pass it to `detectDrift(detector, { clone: false })`. */
  readonly detector: DriftDetector | undefined;
  /**
   * The `resetModel` action: the one you gave, restored; else, when the checkpoint holds its
   * state, a new one on the loaded network with the saved seed and state; else `undefined`.
   */
  readonly resetModel: ResetModel | undefined;
  /** The samples taken when the checkpoint was made. */
  readonly samples: number;
  /** The caller's `source`, as saved. */
  readonly source: CheckpointJson | undefined;
  /** The caller's `run`, as saved. */
  readonly run: CheckpointJson | undefined;
}

/**
 * The objects that {@link fromCheckpoint} restores into instead of making new ones.
 *
 * @example
 * ```ts
 * import { boldDriver, type CheckpointTargets, metricsTracker } from 'streamprop';
 * const into: CheckpointTargets = { controller: boldDriver({ window: 2000 }), tracker: metricsTracker({ window: 500 }) };
 * // fromCheckpoint(text, into) restores the saved states into these two
 * ```
 */
export interface CheckpointTargets {
  /** Your controller (needed for one that is not built in); made with the saved options. */
  readonly controller?: RateController;
  /** Your tracker; made with the saved `window` and `alpha`. */
  readonly tracker?: MetricsTracker;
  /** Your detector (needed for one that is not built in); made with the saved settings. */
  readonly detector?: DriftDetector;
  /** Your `resetModel(net, { seed })` action (on the network you train), made with the saved seed. */
  readonly resetModel?: ResetModel;
  /** The makers of the activations and optimizers of your own that the model names. */
  readonly parts?: CustomParts;
}

/**
 * Loads a checkpoint (as text, as parsed JSON or as read by `checkpointStore`): a new network,
 * optimizer and scaler with the saved state (as `fromJSON` makes them), and the controller,
 * tracker and detector with theirs — restored into the ones you pass in `into`, or made anew
 * from the saved options when the checkpoint holds a state and you pass none (for the built-in
 * kinds; a controller or detector of your own must be passed). A part that the checkpoint does
 * not hold leaves yours untouched. Everything is checked before any object you pass is changed.
 *
 * Build the pipeline again with what it returns, skip the `samples` (or `source` position)
 * already taken, and the run continues bit for bit as if it had never stopped. (The `seq` of
 * the steps starts again at 0 in the new subscription.)
 *
 * @throws Error naming the field for a malformed checkpoint (see {@link parseCheckpoint}), or,
 * prefixed with the part, when a state does not fit the object passed for it (say a
 * `boldDriver` made with another window), or a state of a kind that is not built in has no
 * object passed for it.
 *
 * @example
 * ```ts
 * import { adam, adaptLearningRate, boldDriver, dense, fromCheckpoint, linear, mse, network, sgd, tanh, toCheckpoint, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const samples = Array.from({ length: 600 }, (_, i) => ({ x: [i % 7], y: (i % 7) / 7 }));
 * const net = network({ inputs: 1, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = sgd({ learningRate: 0.05 });
 * const controller = boldDriver({ window: 100 });
 * from(samples.slice(0, 300))
 *   .pipe(train(net, { loss: mse(), optimizer }), adaptLearningRate(net, optimizer, controller))
 *   .subscribe();
 * const saved = JSON.stringify(toCheckpoint({ network: net, optimizer, controller, samples: 300 }));
 * // … in a new process:
 * const resumed = fromCheckpoint(saved);
 * const { network: net2, optimizer: optimizer2 } = resumed;
 * from(samples.slice(resumed.samples))
 *   .pipe(
 *     train(net2, { loss: mse(), optimizer: optimizer2 }),
 *     adaptLearningRate(net2, optimizer2, resumed.controller ?? boldDriver({ window: 100 })),
 *   )
 *   .subscribe();
 * ```
 */
export function fromCheckpoint(json: unknown, into: CheckpointTargets = {}): LoadedCheckpoint {
  const name = 'fromCheckpoint';
  checkObject(
    name,
    'into',
    into,
    'an object { controller?, tracker?, detector?, resetModel?, parts? }',
  );
  const parts = checkCustomParts(name, into.parts, 'into.parts');
  const { checkpoint, model, controller, tracker, detector } = readCheckpoint(name, json, parts);
  if (model === undefined) {
    throw new Error(
      `${name}: model: absent: this checkpoint holds the automatic learner of streamprop run --lags (byKey, a forecaster per series), not one model; resume it with streamprop run --lags --resume`,
    );
  }

  // Check every state against the object given for it before changing any of them.
  const givenTracker = into.tracker;
  if (givenTracker !== undefined) {
    checkInstance(
      name,
      'into.tracker',
      givenTracker,
      MetricsTracker,
      'made with metricsTracker({ … })',
    );
  }
  const saved = checkpoint.metrics;
  if (saved !== undefined && givenTracker !== undefined) {
    if (saved.window !== givenTracker.window || saved.alpha !== givenTracker.alpha) {
      throw new Error(
        `${name}: metrics: saved with window ${saved.window} and alpha ${saved.alpha}, the tracker given has window ${givenTracker.window} and alpha ${givenTracker.alpha}`,
      );
    }
  }
  const givenDetector = into.detector;
  if (givenDetector !== undefined) checkDriftDetector(name, givenDetector, 'into.detector');
  const drift = checkpoint.drift as DriftDetectorState | undefined;
  if (drift !== undefined) {
    if (givenDetector !== undefined) {
      restoreInto(name, givenDetector.clone(), drift, 'drift');
    } else if (detector === undefined) {
      throw new Error(
        `${name}: drift: ${JSON.stringify(drift.name)} is not a built-in detector; pass yours in into.detector`,
      );
    }
  }
  const resets = checkpoint.resetModel;
  if (into.resetModel !== undefined) {
    const { seed } = checkResetModel(name, into.resetModel, 'into.resetModel');
    if (resets !== undefined && resets.seed !== seed) {
      throw new Error(
        `${name}: resetModel.seed: saved with seed ${resets.seed}, the action given has seed ${seed}`,
      );
    }
  }
  const givenController = into.controller;
  if (givenController !== undefined) {
    checkRateController(name, givenController, 'into.controller');
  }
  const rate = checkpoint.controller as RateControllerState | undefined;
  if (rate !== undefined && givenController === undefined && controller === undefined) {
    throw new Error(
      `${name}: controller: ${JSON.stringify(rate.name)} is not a built-in controller; pass yours in into.controller`,
    );
  }
  // The controller cannot be tried on a copy: it goes first, so that a throw changes nothing.
  if (rate !== undefined && givenController !== undefined) {
    restoreInto(name, givenController, rate, 'controller');
  }
  if (drift !== undefined && givenDetector !== undefined) givenDetector.restore(drift);
  if (saved !== undefined && givenTracker !== undefined) givenTracker.restore(saved);
  const reset = into.resetModel ?? (resets && resetModel(model.network, { seed: resets.seed }));
  if (resets !== undefined && reset !== undefined) reset.restore(resets);

  return {
    checkpoint,
    network: model.network,
    optimizer: model.optimizer as Optimizer,
    scaler: model.scaler,
    controller: givenController ?? controller,
    tracker: givenTracker ?? tracker,
    detector: givenDetector ?? detector,
    resetModel: reset,
    samples: checkpoint.samples,
    source: checkpoint.source,
    run: checkpoint.run,
  };
}

function checkResetModel(owner: string, value: unknown, name: string): ResetModel {
  return checkInstance(owner, name, value, ResetModelAction, 'made with resetModel(net, { … })');
}
