import { z } from 'zod';
import { parseDocument } from '../checks/parseDocument.js';
import { readJson } from '../checks/readJson.js';
import { type CheckpointJson, fromCheckpoint } from '../model/checkpoint.js';
import { restoreInto } from '../model/readCheckpoint.js';
import { BufferedOptimizer } from '../optim/bufferedOptimizer.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { RunningScalerState } from '../scaling/runningScaler.js';
import { float64FromBase64, float64ToBase64 } from './float64Base64.js';
import type { KeyErrors } from './keyErrors.js';
import { type KeyModel, type KeyRecord, keyRecordSchema } from './keyModel.js';

/** @internal The `format` of a key's checkpoint text. */
export const KEY_CHECKPOINT_FORMAT = 'streamprop-key';
/** @internal The version of {@link KEY_CHECKPOINT_FORMAT} this streamprop writes and reads. */
export const KEY_CHECKPOINT_VERSION = 1;

/** Numbers as {@link float64ToBase64} writes them (checked when decoded). */
const floats = z.string();
const count = z.number().int().nonnegative();
const part = z.looseObject({});

/**
 * @internal The schema of a key's checkpoint text (`streamprop-key`, version 1): the key, the
 * network's description, input and output counts, and every number of the model as float64 in
 * base64 — the parameters and the optimizer's buffers — with the small parts (scaler,
 * controller, detector, the key's record) as plain JSON, each checked when restored into its
 * live part.
 */
const keyCheckpointSchema = z.object({
  format: z.literal(KEY_CHECKPOINT_FORMAT),
  version: z.literal(KEY_CHECKPOINT_VERSION),
  key: z.string(),
  /** `network.describe()`, such as `8-32(tanh)-16(tanh)-1(linear)`. */
  network: z.string(),
  inputs: count,
  outputs: count,
  parameters: floats,
  optimizer: z.object({
    name: z.string(),
    learningRate: z.number(),
    hyperParameters: z.record(z.string(), z.number()),
    steps: count,
    buffers: z.record(z.string(), floats),
  }),
  scaler: part.optional(),
  controller: part.optional(),
  detector: part.optional(),
  run: keyRecordSchema,
});

/**
 * @internal The whole state of a key as a checkpoint's text (`streamprop-key`, version 1): the
 * weights and the optimizer's moments as float64 in base64 (bit for bit, without formatting a
 * number: about 30 times cheaper than the same numbers as JSON), the scaler, controller and
 * detector states and the key's {@link KeyRecord} as JSON.
 *
 * @example
 * ```ts
 * const text = saveKey('sensor-1', model, record); // '{"format":"streamprop-key","version":1,…}'
 * ```
 */
export function saveKey(key: string, model: KeyModel, record: KeyRecord): string {
  const net = model.network;
  return JSON.stringify({
    format: KEY_CHECKPOINT_FORMAT,
    version: KEY_CHECKPOINT_VERSION,
    key,
    network: net.describe(),
    inputs: net.inputs,
    outputs: net.outputs,
    parameters: float64ToBase64(net.parameters),
    optimizer: optimizerText(model.optimizer),
    scaler: model.scaler?.state(),
    controller: model.controller?.state(),
    detector: model.detector?.state(),
    run: record,
  });
}

/**
 * @internal Pours a key's saved state into a model freshly made by `makeModel(key)` — the
 * weights, the optimizer's, scaler's, controller's and detector's states — and, when given,
 * into the key's error metrics (left as they are when the checkpoint holds none). Reads the
 * texts {@link saveKey} writes and those of streamprop 0.1 (a `streamprop-checkpoint` per key).
 *
 * @returns the key's record as saved with it.
 * @throws Error naming the key when the text is not a sound checkpoint (naming the field), is
 * of a later version, or the model was made with another architecture or other parts than the
 * saved one.
 */
export function restoreKey(
  key: string,
  text: string,
  model: KeyModel,
  errors?: KeyErrors,
): KeyRecord {
  const where = `shardedLearner: the checkpoint of key ${JSON.stringify(key)}`;
  try {
    const value = readJson(where, text, 'text');
    const format = (value as { format?: unknown } | null)?.format;
    if (format === 'streamprop-checkpoint') return restoreOldKey(text, model, errors);
    const saved = parseDocument(where, keyCheckpointSchema.shape.format, format, 'format', [
      'format',
    ]);
    const version = (value as { version?: unknown }).version;
    if (typeof version === 'number' && version > KEY_CHECKPOINT_VERSION) {
      throw new Error(
        `is ${saved} version ${version}, written by a later streamprop; this one reads version ${KEY_CHECKPOINT_VERSION}: upgrade every worker of the fleet`,
      );
    }
    const checkpoint = parseDocument(where, keyCheckpointSchema, value, 'the checkpoint');
    if (checkpoint.key !== key)
      throw new Error(`is the checkpoint of key ${JSON.stringify(checkpoint.key)}`);
    const net = model.network;
    checkArchitecture(checkpoint.network, net.describe());
    const parameters = decoded(checkpoint.parameters, 'parameters', net.parameters.length);
    checkScaler(checkpoint.scaler !== undefined, model.scaler !== undefined);
    const buffers: Record<string, Float64Array> = {};
    for (const [name, text] of Object.entries(checkpoint.optimizer.buffers)) {
      const values = decoded(text, `optimizer.buffers.${name}`);
      if (values.length !== 0 && values.length !== parameters.length) {
        throw new Error(
          `optimizer.buffers.${name}: has ${values.length} values, expected ${parameters.length} (one per parameter)`,
        );
      }
      buffers[name] = values;
    }
    const record = checkpoint.run as KeyRecord;
    if (errors !== undefined && record.errors !== null) errors.restore(record.errors, 'run.errors');
    restoreOptimizer(where, model.optimizer, checkpoint.optimizer, buffers);
    if (checkpoint.scaler !== undefined) {
      model.scaler?.restore(checkpoint.scaler as unknown as RunningScalerState);
    }
    if (model.controller !== undefined && checkpoint.controller !== undefined) {
      restoreInto(where, model.controller, checkpoint.controller, 'controller');
    }
    if (model.detector !== undefined && checkpoint.detector !== undefined) {
      restoreInto(where, model.detector, checkpoint.detector, 'detector');
    }
    net.parameters.set(parameters);
    return record;
  } catch (error) {
    const message = (error as Error).message;
    const text = message.startsWith(where) ? message : `${where}: ${message}`;
    throw new Error(text, { cause: error });
  }
}

/**
 * @internal The shape of the samples a key's checkpoint text was learned from (either format).
 *
 * @throws Error when the text is not a key's checkpoint.
 */
export function savedShape(text: string): { readonly inputs: number; readonly outputs: number } {
  const value = readJson('a key checkpoint', text, 'text') as { format?: unknown };
  if (value?.format === 'streamprop-checkpoint') {
    const { network } = fromCheckpoint(text);
    return { inputs: network.inputs, outputs: network.outputs };
  }
  const shape = z.object({
    format: z.literal(KEY_CHECKPOINT_FORMAT),
    inputs: count,
    outputs: count,
  });
  const { inputs, outputs } = parseDocument('a key checkpoint', shape, value, 'the checkpoint');
  return { inputs, outputs };
}

/** An optimizer's state with its buffers as float64 in base64 (a built-in one's without copying them). */
function optimizerText(optimizer: Optimizer) {
  if (optimizer instanceof BufferedOptimizer) {
    const views = optimizer.bufferViews();
    const buffers: Record<string, string> = {};
    for (const name of Object.keys(views)) buffers[name] = float64ToBase64(views[name]);
    return {
      name: optimizer.name,
      learningRate: optimizer.learningRate,
      hyperParameters: optimizer.hyperParameters,
      steps: optimizer.steps,
      buffers,
    };
  }
  const state = optimizer.state();
  const buffers: Record<string, string> = {};
  for (const name of Object.keys(state.buffers)) {
    buffers[name] = float64ToBase64(state.buffers[name]);
  }
  return { ...state, buffers };
}

/**
 * Restores an optimizer's saved state: a built-in one checked by its own schema (name,
 * hyper-parameters, the buffers it has) and loaded from the decoded buffers as they are; any
 * other through its `restore`, with the buffers as arrays of numbers.
 */
function restoreOptimizer(
  where: string,
  optimizer: Optimizer,
  saved: Omit<OptimizerState, 'buffers'>,
  buffers: Readonly<Record<string, Float64Array>>,
): void {
  if (optimizer instanceof BufferedOptimizer) {
    const names: Record<string, number[]> = {};
    for (const name of Object.keys(buffers)) names[name] = [];
    const head = { ...saved, buffers: names };
    parseDocument(where, optimizer.stateSchema(), head, 'the checkpoint', ['optimizer']);
    optimizer.load({ ...saved, buffers: buffers as unknown as Record<string, number[]> });
    return;
  }
  const arrays: Record<string, number[]> = {};
  for (const name of Object.keys(buffers)) arrays[name] = Array.from(buffers[name]);
  optimizer.restore({ ...saved, buffers: arrays });
}

/** The numbers of a base64 field, `expected` of them when given; else an error naming the field. */
function decoded(text: string, field: string, expected?: number): Float64Array {
  const values = float64FromBase64(text);
  if (values === undefined) throw new Error(`${field}: must be float64 numbers in base64`);
  if (expected !== undefined && values.length !== expected) {
    throw new Error(`${field}: has ${values.length} values, the network ${expected}`);
  }
  return values;
}

function checkArchitecture(saved: string, made: string): void {
  if (saved !== made) {
    throw new Error(
      `holds a ${saved} network, makeModel made ${made}; a fleet keeps one architecture per key`,
    );
  }
}

function checkScaler(saved: boolean, made: boolean): void {
  if (saved !== made) {
    throw new Error(
      saved ? 'has a scaler, makeModel made none' : 'has no scaler, makeModel made one',
    );
  }
}

/**
 * A key's checkpoint as streamprop 0.1 wrote it: a whole `streamprop-checkpoint` (numbers as
 * JSON) with the key's record in `run`. Still read, so that a fleet goes on from the checkpoints
 * of an earlier version; each key is written anew in the current format at its next checkpoint.
 */
function restoreOldKey(text: string, model: KeyModel, errors?: KeyErrors): KeyRecord {
  const loaded = fromCheckpoint(text, { controller: model.controller, detector: model.detector });
  const saved = loaded.network;
  const net = model.network;
  checkArchitecture(saved.describe(), net.describe());
  if (saved.parameters.length !== net.parameters.length) {
    throw new Error(
      `holds ${saved.parameters.length} parameters, makeModel made ${net.parameters.length}`,
    );
  }
  checkScaler(loaded.scaler !== undefined, model.scaler !== undefined);
  const record = parseDocument('run', keyRecordSchema, (loaded.run ?? {}) as CheckpointJson);
  if (errors !== undefined && record.errors !== null) errors.restore(record.errors, 'run.errors');
  model.optimizer.restore(loaded.optimizer.state());
  if (loaded.scaler !== undefined) model.scaler?.restore(loaded.scaler.state());
  net.parameters.set(saved.parameters);
  return record as KeyRecord;
}
