import { readFileSync } from 'node:fs';
import { identity, lastValueFrom, map, tap } from 'rxjs';
import { fromNdjson } from '../../streams/fromNdjson.js';
import { fromJSON, type LoadedModel } from '../model/fromJSON.js';
import { forward } from '../operators/forward.js';
import { normalize } from '../operators/normalize.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { modelOfFile } from './modelOfFile.js';

/** Where `streamprop predict` reads and writes. */
export interface PredictIO {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
}

/**
 * `streamprop predict --model PATH`: reads NDJSON samples (`{"x": […], "id": …}`) and writes one
 * NDJSON line per sample, in order: `{"seq", "id"?, "key"?, "t"?, "prediction"}` with the
 * prediction in the targets' own units (a number for a one-output network, else an array), or
 * `{"seq", "id"?, "error"}` for a sample that cannot be predicted (a line that is not JSON, an
 * `x` of the wrong length …). Nothing is learned: the weights and the scaler stay as saved.
 * The model is a model file (`toJSON`) or a checkpoint of `streamprop run`.
 *
 * @returns the number of lines written, once standard input has ended.
 * @throws Error naming the file when it cannot be read or is not a model.
 *
 * @example
 * ```ts
 * import { runPredict } from './predictCommand.js';
 * await runPredict('model.json', { stdin: process.stdin, stdout: process.stdout });
 * ```
 */
export async function runPredict(modelPath: string, io: PredictIO): Promise<number> {
  const model = loadModel(modelPath);
  const net = model.network;
  const scaler = model.scaler;
  let lines = 0;
  const steps = fromNdjson(io.stdin).pipe(
    scaler === undefined ? identity : normalize<Sample>({ scaler, learn: false }),
    forward(net, { onInvalid: 'skip' }),
    map((step) => JSON.stringify(predictionLine(step))),
    tap((line) => {
      io.stdout.write(`${line}\n`);
      lines++;
    }),
  );
  await lastValueFrom(steps, { defaultValue: undefined });
  return lines;
}

function loadModel(path: string): LoadedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the model ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return fromJSON(modelOfFile(json));
  } catch (error) {
    throw new Error(`${path} is not a streamprop model: ${(error as Error).message}`);
  }
}

/** The output line of one step (a new object; the step itself is lent). */
function predictionLine(step: Step): Record<string, unknown> {
  const sample = step.sample as Sample & { raw?: Sample };
  const original = sample.raw ?? sample;
  const line: Record<string, unknown> = { seq: step.seq };
  if (original !== null && typeof original === 'object') {
    if (original.id !== undefined) line.id = original.id;
    if (original.key !== undefined) line.key = original.key;
    if (original.t !== undefined) line.t = original.t;
  }
  if (step.rejection !== undefined) {
    line.error = step.rejection.message;
    return line;
  }
  line.prediction = step.output.length === 1 ? step.output[0] : Array.from(step.output);
  return line;
}
