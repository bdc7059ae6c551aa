import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import { adwin } from '../drift/adwin.js';
import type { DriftDetector, DriftDetectorState } from '../drift/driftDetector.js';
import { pageHinkley } from '../drift/pageHinkley.js';
import { boldDriver } from '../optim/boldDriver.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import type { RateController, RateControllerState } from '../optim/rateController.js';
import { reduceOnPlateau } from '../optim/reduceOnPlateau.js';
import { RunningScaler } from '../scaling/runningScaler.js';
import { MetricsTracker } from '../tracking/metricsTracker.js';
import { metricsTrackerStateSchema } from '../tracking/metricsTrackerState.js';
import { fromJSON, type LoadedModel } from './fromJSON.js';
import { modelFileSchema } from './modelFile.js';
import { toJSON } from './toJSON.js';

const finite = z.number().finite();
const jsonObject = z.record(z.string(), z.json());

/** The version of the checkpoint files this streamprop writes and reads. */
const VERSION = 2;

/** The schema of a checkpoint file, version 2 (see {@link Checkpoint}). */
export const checkpointSchema = z.object({
  format: z.literal('streamprop-checkpoint'),
  version: z.literal(VERSION, {
    error: (issue) =>
      `is ${JSON.stringify(issue.input)}, and this streamprop reads version ${VERSION} only: a version 1 checkpoint (before 0.2) saved its metrics in another shape; start the run afresh`,
  }),
  savedAt: z.iso.datetime(),
  samples: z.number().int().nonnegative(),
  model: modelFileSchema.required({ optimizer: true }),
  controller: z
    .object({
      name: z.string().min(1),
      options: z.record(z.string(), z.union([finite, z.boolean()])),
      values: z.record(z.string(), finite.nullable()),
    })
    .optional(),
  metrics: metricsTrackerStateSchema().optional(),
  drift: z
    .object({
      name: z.string().min(1),
      settings: z.record(z.string(), z.union([finite, z.boolean()])),
      values: z.record(z.string(), z.union([finite, z.array(finite)])),
    })
    .optional(),
  source: jsonObject.optional(),
  run: jsonObject.optional(),
});

/**
 * A checkpoint file, version 2: the whole learning state of a training run, as plain JSON, so
 * that a run stopped at any point continues exactly where it was —
 *
 * - `format`, `version`: `'streamprop-checkpoint'`, 2 (version 1 files, whose metrics had
 *   another shape, are refused with a message naming both versions);
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
 * { "format": "streamprop-checkpoint", "version": 2, "savedAt": "2025-05-01T12:00:00.000Z",
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
  if (parts === null || typeof parts !== 'object') {
    throw new TypeError(
      `toCheckpoint: expected { network, optimizer, samples, scaler?, controller?, tracker?, detector?, source?, run? }, got ${describeValue(parts)}`,
    );
  }
  checkNetwork('toCheckpoint', parts.network);
  checkOptimizer('toCheckpoint', parts.optimizer);
  const samples = parts.samples;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 0) {
    throw new RangeError(
      `toCheckpoint: samples must be a non-negative integer, got ${describeValue(samples)}`,
    );
  }
  if (parts.scaler !== undefined && !(parts.scaler instanceof RunningScaler)) {
    throw new TypeError(
      `toCheckpoint: scaler must be made with runningScaler({ … }), got ${describeValue(parts.scaler)}`,
    );
  }
  if (parts.tracker !== undefined && !(parts.tracker instanceof MetricsTracker)) {
    throw new TypeError(
      `toCheckpoint: tracker must be made with metricsTracker({ … }), got ${describeValue(parts.tracker)}`,
    );
  }
  for (const name of ['controller', 'detector'] as const) {
    const part = parts[name] as { state?: unknown } | undefined;
    if (part !== undefined && (part === null || typeof part.state !== 'function')) {
      throw new TypeError(
        `toCheckpoint: ${name} must have a state() method, got ${describeValue(part)}`,
      );
    }
  }
  const savedAt = parts.savedAt ?? new Date();
  if (!(savedAt instanceof Date) || Number.isNaN(savedAt.getTime())) {
    throw new TypeError(
      `toCheckpoint: savedAt must be a valid Date, got ${describeValue(savedAt)}`,
    );
  }
  const model = toJSON(parts.network, { optimizer: parts.optimizer, scaler: parts.scaler });
  const checkpoint: Checkpoint = {
    format: 'streamprop-checkpoint',
    version: VERSION,
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

/**
 * Reads and checks a checkpoint (as text or as parsed JSON) without building anything from it:
 * the schema, every shape of the model (as `fromJSON` does), and the states of the built-in
 * controllers (`boldDriver`, `reduceOnPlateau`), of the tracker and of the built-in detectors
 * (`pageHinkley`, `adwin`) by restoring them into scratch objects. What `checkpointStore`
 * calls on each file to tell a sound one from a truncated or corrupt one.
 *
 * @throws Error naming the field that is wrong, such as
 * `parseCheckpoint: metrics.errors.window.targets: must hold 5 numbers (count × outputs), got 4`,
 * or saying that
 * the text is not JSON (as a truncated file is not).
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
export function parseCheckpoint(json: unknown): Checkpoint {
  return check('parseCheckpoint', json).checkpoint;
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
  if (into === null || typeof into !== 'object') {
    throw new TypeError(
      `${name}: into must be an object { controller?, tracker?, detector? }, got ${describeValue(into)}`,
    );
  }
  const { checkpoint, model, controller, tracker, detector } = check(name, json);

  // Check every state against the object given for it before changing any of them.
  const givenTracker = into.tracker;
  if (givenTracker !== undefined && !(givenTracker instanceof MetricsTracker)) {
    throw new TypeError(
      `${name}: into.tracker must be made with metricsTracker({ … }), got ${describeValue(givenTracker)}`,
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
  const drift = checkpoint.drift as DriftDetectorState | undefined;
  if (drift !== undefined) {
    if (givenDetector !== undefined) {
      part(name, 'drift', () => givenDetector.clone().restore(drift));
    } else if (detector === undefined) {
      throw new Error(
        `${name}: drift: ${JSON.stringify(drift.name)} is not a built-in detector; pass yours in into.detector`,
      );
    }
  }
  const givenController = into.controller;
  const rate = checkpoint.controller as RateControllerState | undefined;
  if (rate !== undefined && givenController === undefined && controller === undefined) {
    throw new Error(
      `${name}: controller: ${JSON.stringify(rate.name)} is not a built-in controller; pass yours in into.controller`,
    );
  }
  // The controller cannot be tried on a copy: it goes first, so that a throw changes nothing.
  if (rate !== undefined && givenController !== undefined) {
    part(name, 'controller', () => givenController.restore(rate));
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

/** Parses and checks `json`; errors are prefixed with `name`. */
function check(name: string, json: unknown): Checked {
  let value = json;
  if (typeof json === 'string') {
    if (json.length === 0) throw new Error(`${name}: the text is empty`);
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new Error(`${name}: the text is not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${name}: ${fieldName(issue.path) || 'the checkpoint'}: ${issue.message}`);
  }
  const checkpoint = parsed.data;
  const model = part(name, 'model', () => fromJSON(checkpoint.model), 'fromJSON');
  const outputs = model.network.outputs;
  let controller: RateController | undefined;
  const rate = checkpoint.controller;
  const make = rate && Object.hasOwn(CONTROLLERS, rate.name) ? CONTROLLERS[rate.name] : undefined;
  if (rate && make) {
    controller = part(name, 'controller.options', () => make(rate.options));
    const c = controller;
    part(name, 'controller', () => c.restore(rate));
  }
  let tracker: MetricsTracker | undefined;
  const metrics = checkpoint.metrics;
  if (metrics !== undefined) {
    if (metrics.outputs !== 0 && metrics.outputs !== outputs) {
      throw new Error(
        `${name}: metrics.outputs is ${metrics.outputs}, the network has ${outputs} outputs`,
      );
    }
    // The schema has checked the whole state: it loads as it is.
    tracker = new MetricsTracker(metrics.window, metrics.alpha);
    tracker.load(metrics);
  }
  let detector: DriftDetector | undefined;
  const drift = checkpoint.drift;
  const makeDetector =
    drift && Object.hasOwn(DETECTORS, drift.name) ? DETECTORS[drift.name] : undefined;
  if (drift && makeDetector) {
    detector = part(name, 'drift.settings', () => makeDetector(drift.settings));
    const d = detector;
    part(name, 'drift', () => d.restore(drift));
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

/**
 * Runs `f`, turning what it throws into an Error `name: field: message`; when the message
 * starts with `thrower: ` and names a field of its own, `name: field.rest`.
 */
function part<T>(name: string, field: string, f: () => T, thrower?: string): T {
  try {
    return f();
  } catch (e) {
    const message = (e as Error).message;
    const own = thrower === undefined ? '' : `${thrower}: `;
    if (own !== '' && message.startsWith(own)) {
      throw new Error(`${name}: ${field}.${message.slice(own.length)}`);
    }
    throw new Error(`${name}: ${field}: ${message}`);
  }
}

/** A deep copy of a JSON object; a TypeError naming `field` for anything else. */
function jsonCopy(field: string, value: unknown): CheckpointJson {
  const parsed = jsonObject.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = fieldName(issue.path);
    throw new TypeError(
      `toCheckpoint: ${field}${at ? `.${at}` : ''} must be JSON (an object of strings, finite numbers, booleans, null, arrays and objects): ${issue.message}`,
    );
  }
  return JSON.parse(JSON.stringify(parsed.data)) as CheckpointJson;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
