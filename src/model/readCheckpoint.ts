import type { z } from 'zod';
import { parseDocument } from '../checks/parseDocument.js';
import { readJson } from '../checks/readJson.js';
import { adwin } from '../drift/adwin.js';
import type { DriftDetector } from '../drift/driftDetector.js';
import { pageHinkley } from '../drift/pageHinkley.js';
import { boldDriver } from '../optim/boldDriver.js';
import type { RateController } from '../optim/rateController.js';
import { reduceOnPlateau } from '../optim/reduceOnPlateau.js';
import { MetricsTracker } from '../tracking/metricsTracker.js';
import { type Checkpoint, checkpointSchema } from './checkpointFile.js';
import type { CustomParts } from './customParts.js';
import { buildModel, type LoadedModel } from './fromJSON.js';

/**
 * @internal `parseCheckpoint`, its errors naming `owner` (`checkpointStore` names the file
 * it reads: `run.ckpt: the text is not valid JSON (…)`).
 */
export function readCheckpointAs(owner: string, json: unknown, parts: CustomParts): Checkpoint {
  return readCheckpoint(owner, json, parts).checkpoint;
}

/** @internal A checked checkpoint and the built-in objects restored from it while checking. */
export interface Checked {
  readonly checkpoint: Checkpoint;
  /** The model; `undefined` for a checkpoint of the automatic learner (`byKey`). */
  readonly model: LoadedModel | undefined;
  readonly controller: RateController | undefined;
  readonly tracker: MetricsTracker | undefined;
  readonly detector: DriftDetector | undefined;
}

/**
 * @internal Reads and checks `json` as a checkpoint, building the model and the built-in parts it holds
 * (each checked by its own schema); every error names `owner` and the field.
 */
export function readCheckpoint(owner: string, json: unknown, parts: CustomParts): Checked {
  const value = readJson(owner, json, 'text');
  const checkpoint = parseDocument(owner, checkpointSchema, value, 'the checkpoint');
  const model =
    checkpoint.model === undefined
      ? undefined
      : buildModel(owner, checkpoint.model, parts, ['model']);
  const outputs = model?.network.outputs ?? 1; // the automatic learner forecasts one value
  let controller: RateController | undefined;
  const rate = checkpoint.controller;
  const make = rate && Object.hasOwn(CONTROLLERS, rate.name) ? CONTROLLERS[rate.name] : undefined;
  if (rate && make) {
    controller = made(owner, 'controller.options', () => make(rate.options));
    restoreInto(owner, controller, rate, 'controller');
  }
  let tracker: MetricsTracker | undefined;
  const metrics = checkpoint.metrics;
  if (metrics !== undefined) {
    if (metrics.outputs !== 0 && metrics.outputs !== outputs) {
      throw new Error(
        `${owner}: metrics.outputs: is ${metrics.outputs}, the network has ${outputs} outputs`,
      );
    }
    // The checkpoint's schema has checked the whole state (the tracker's): it loads as it is.
    tracker = new MetricsTracker(metrics.window, metrics.alpha);
    tracker.load(metrics);
  }
  let detector: DriftDetector | undefined;
  const drift = checkpoint.drift;
  const makeDetector =
    drift && Object.hasOwn(DETECTORS, drift.name) ? DETECTORS[drift.name] : undefined;
  if (drift && makeDetector) {
    detector = made(owner, 'drift.settings', () => makeDetector(drift.settings));
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
 * @internal Restores `state` into `part` after checking it: a built-in part with its own schema, so that
 * the error names the field (`controller.values.count: …`); a part of yours by its `restore`,
 * whose error is named after `field`. Throws before anything changes.
 */
export function restoreInto(
  owner: string,
  part: { restore(state: never): void; stateSchema?: () => z.ZodType; load?(state: never): void },
  state: unknown,
  field: string,
): void {
  if (typeof part.stateSchema === 'function' && typeof part.load === 'function') {
    part.load(parseDocument(owner, part.stateSchema(), state, 'the checkpoint', [field]) as never);
    return;
  }
  made(owner, field, () => part.restore(state as never));
}
