import type { z } from 'zod';
import { checkInstance, checkObject } from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { readJson } from '../checks/readJson.js';
import type { Network } from '../core/network.js';
import { adwin } from '../drift/adwin.js';
import {
  checkDriftDetector,
  type DriftDetector,
  type DriftDetectorState,
} from '../drift/driftDetector.js';
import { pageHinkley } from '../drift/pageHinkley.js';
import { boldDriver } from '../optim/boldDriver.js';
import type { Optimizer } from '../optim/optimizer.js';
import {
  checkRateController,
  type RateController,
  type RateControllerState,
} from '../optim/rateController.js';
import { reduceOnPlateau } from '../optim/reduceOnPlateau.js';
import type { RunningScaler } from '../scaling/runningScaler.js';
import { MetricsTracker, trackerSettings } from '../tracking/metricsTracker.js';
import { type Checkpoint, type CheckpointJson, checkpointSchema } from './checkpoint.js';
import { type CustomParts, checkCustomParts } from './customParts.js';
import { buildModel, type LoadedModel } from './fromJSON.js';

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
 * @internal {@link parseCheckpoint}, its errors naming `owner` (`checkpointStore` names the file
 * it reads: `run.ckpt: the text is not valid JSON (…)`).
 */
export function readCheckpointAs(owner: string, json: unknown, parts: CustomParts): Checkpoint {
  return readCheckpoint(owner, json, parts).checkpoint;
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
  checkObject(name, 'into', into, 'an object { controller?, tracker?, detector?, parts? }');
  const parts = checkCustomParts(name, into.parts, 'into.parts');
  const { checkpoint, model, controller, tracker, detector } = readCheckpoint(name, json, parts);

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

  return {
    checkpoint,
    network: model.network,
    optimizer: model.optimizer as Optimizer,
    scaler: model.scaler,
    controller: givenController ?? controller,
    tracker: givenTracker ?? tracker,
    detector: givenDetector ?? detector,
    samples: checkpoint.samples,
    source: checkpoint.source,
    run: checkpoint.run,
  };
}

/** A checked checkpoint and the built-in objects restored from it while checking. */
interface Checked {
  readonly checkpoint: Checkpoint;
  readonly model: LoadedModel;
  readonly controller: RateController | undefined;
  readonly tracker: MetricsTracker | undefined;
  readonly detector: DriftDetector | undefined;
}

/**
 * Reads and checks `json` as a checkpoint, building the model and the built-in parts it holds
 * (each checked by its own schema); every error names `owner` and the field.
 */
function readCheckpoint(owner: string, json: unknown, parts: CustomParts): Checked {
  const value = readJson(owner, json, 'text');
  const checkpoint = parseDocument(owner, checkpointSchema, value, 'the checkpoint');
  const model = buildModel(owner, checkpoint.model, parts, ['model']);
  const outputs = model.network.outputs;
  let controller: RateController | undefined;
  const rate = checkpoint.controller;
  const make = rate && Object.hasOwn(CONTROLLERS, rate.name) ? CONTROLLERS[rate.name] : undefined;
  if (rate && make) {
    controller = made(owner, 'controller', () => make(rate.options));
    restoreInto(owner, controller, rate, 'controller');
  }
  let tracker: MetricsTracker | undefined;
  const metrics = checkpoint.metrics;
  if (metrics !== undefined) {
    tracker = made(owner, 'metrics', () => {
      const settings = { window: metrics.window, alpha: metrics.alpha };
      const { window, alpha } = trackerSettings('metricsTracker', settings);
      const t = new MetricsTracker(window, alpha);
      t.restore(metrics);
      return t;
    });
    const errors = metrics.errors;
    if (errors !== null && errors.outputs !== outputs) {
      throw new Error(
        `${owner}: metrics.errors.outputs: is ${errors.outputs}, the network has ${outputs} outputs`,
      );
    }
  }
  let detector: DriftDetector | undefined;
  const drift = checkpoint.drift;
  const makeDetector =
    drift && Object.hasOwn(DETECTORS, drift.name) ? DETECTORS[drift.name] : undefined;
  if (drift && makeDetector) {
    detector = made(owner, 'drift', () => makeDetector(drift.settings));
    restoreInto(owner, detector, drift, 'drift');
  }
  return { checkpoint, model, controller, tracker, detector };
}

/** The built-in controllers, by the name their state is saved under. */
const CONTROLLERS: Readonly<
  Record<string, (options: Readonly<Record<string, number | boolean>>) => RateController>
> = {
  boldDriver: (options) => boldDriver(options),
  reduceOnPlateau: (options) => reduceOnPlateau(options as { patience: number; factor: number }),
};

/** The built-in drift detectors, by name. */
const DETECTORS: Readonly<
  Record<string, (settings: Readonly<Record<string, number | boolean>>) => DriftDetector>
> = {
  pageHinkley: (settings) => pageHinkley(settings),
  adwin: (settings) => adwin(settings),
};

/** What `make` returns; what it throws (a setting out of range) as an Error naming `field`. */
function made<T>(owner: string, field: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new Error(`${owner}: ${field}: ${(e as Error).message}`);
  }
}

/**
 * Restores `state` into `part` after checking it: a built-in part with its own schema, so that
 * the error names the field (`controller.values.count: …`); a part of yours by its `restore`,
 * whose error is named after `field`. Throws before anything changes.
 */
function restoreInto(
  owner: string,
  part: { restore(state: never): void; stateSchema?: () => z.ZodType },
  state: unknown,
  field: string,
): void {
  if (typeof part.stateSchema === 'function') {
    parseDocument(owner, part.stateSchema(), state, 'the checkpoint', [field]);
  }
  made(owner, field, () => part.restore(state as never));
}
