import { readFileSync } from 'node:fs';
import { identity, lastValueFrom, type Observable, tap } from 'rxjs';
import { fromCsv } from '../../streams/fromCsv.js';
import { fromNdjson } from '../../streams/fromNdjson.js';
import { fromJSON, type LoadedModel } from '../model/fromJSON.js';
import { forward } from '../operators/forward.js';
import { normalize } from '../operators/normalize.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { csvLayout } from './csvLayout.js';
import { isAutoCheckpoint, modelOfFile } from './modelOfFile.js';
import { type PredictionRecord, predictionWriter } from './predictionWriter.js';
import type { PredictOptions } from './predictOptions.js';
import { readRunRecord } from './runRecord.js';

/** Where `streamprop predict` reads and writes. */
export interface PredictIO {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
}

/**
 * `streamprop predict --model PATH [--source csv:FILE|ndjson:FILE|ndjson:-] [--format
 * ndjson|csv]`: reads samples and writes one prediction per sample, in order, in the targets'
 * own units (see {@link predictionWriter}): `{"seq", "id"?, "key"?, "t"?, "prediction"}`, or
 * `{"seq", "id"?, "error"}` for a sample that cannot be predicted (a line that is not JSON, an
 * `x` of the wrong length …). Nothing is learned: the weights and the scaler stay as saved.
 *
 * The model is a model file (`toJSON`) or a checkpoint of `streamprop run`. NDJSON samples carry
 * their `x`; a CSV file is read by column name: `--x`, or the input columns (and delimiter)
 * that the checkpoint of a CSV run records; the delimiter is `--delimiter`, or the one found in
 * the header line, or the one of the run.
 *
 * @returns the number of predictions written, once the source has ended.
 * @throws Error naming the file when it cannot be read or is not a model, or when the input
 * columns of a CSV source are not known.
 *
 * @example
 * ```ts
 * import { runPredict } from './predictCommand.js';
 * await runPredict({ model: 'run.ckpt', source: { kind: 'csv', path: 'new.csv' }, format: 'csv', header: true }, { stdin: process.stdin, stdout: process.stdout });
 * ```
 */
export async function runPredict(options: PredictOptions, io: PredictIO): Promise<number> {
  const { model, saved } = loadModel(options.model);
  const net = model.network;
  const scaler = model.scaler;
  const samples = openSamples(options, saved, io.stdin);
  const write = predictionWriter(options.format, net.outputs, (text) => io.stdout.write(text));
  let lines = 0;
  const steps = samples.pipe(
    scaler === undefined ? identity : normalize<Sample>({ scaler, learn: false }),
    forward(net, { onInvalid: 'skip' }),
    tap((step) => {
      write(predictionRecord(step));
      lines++;
    }),
  );
  await lastValueFrom(steps, { defaultValue: undefined });
  return lines;
}

/** What a checkpoint of a CSV run records of the file it read (see `RunRecord`). */
interface SavedCsv {
  readonly x?: readonly string[];
  readonly delimiter?: string;
}

function openSamples(
  options: PredictOptions,
  saved: SavedCsv,
  stdin: NodeJS.ReadableStream,
): Observable<Sample> {
  const source = options.source;
  if (source.kind === 'ndjson') return fromNdjson(source.path ?? stdin);
  const x = options.x ?? saved.x;
  if (x === undefined) {
    throw new Error(
      `${options.model} does not record the input columns of a CSV: name them with --x`,
    );
  }
  // The delimiter given, else the one found in the header line, else the one of the run.
  const read = (delimiter: string | undefined) =>
    csvLayout(source.path, {
      header: options.header,
      x,
      ...(delimiter === undefined ? {} : { delimiter }),
    });
  let layout: ReturnType<typeof csvLayout>;
  try {
    layout = read(options.delimiter);
  } catch (error) {
    if (options.delimiter !== undefined || saved.delimiter === undefined) throw error;
    layout = read(saved.delimiter);
  }
  return fromCsv(source.path, {
    x: layout.x,
    delimiter: layout.delimiter,
    header: layout.header,
    ...(layout.t === undefined ? {} : { t: layout.t }),
    ...(layout.key === undefined ? {} : { key: layout.key }),
  });
}

function loadModel(path: string): { model: LoadedModel; saved: SavedCsv } {
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
  if (isAutoCheckpoint(json)) {
    throw new Error(
      `${path} is a checkpoint of the automatic learner of streamprop run --lags (a forecaster per series, each needing its series' latest readings), not one model: its forecasts are those of the run itself (--json, the dashboard); to predict later, run with a model (--layers …)`,
    );
  }
  try {
    return { model: fromJSON(modelOfFile(json)), saved: savedCsv(json) };
  } catch (error) {
    throw new Error(`${path} is not a streamprop model: ${(error as Error).message}`);
  }
}

/** The CSV columns and delimiter a checkpoint of a CSV run records (see `RunRecord`), if any. */
function savedCsv(json: unknown): SavedCsv {
  const record = readRunRecord((json as { run?: unknown } | null)?.run);
  if (typeof record === 'string' || record.source.kind !== 'csv') return {};
  return { x: record.source.x, delimiter: record.source.delimiter };
}

/** The record of one step (a new object; the step itself is lent). */
function predictionRecord(step: Step): PredictionRecord {
  const sample = step.sample as Sample & { raw?: Sample };
  const original = sample.raw ?? sample;
  const line: { -readonly [K in keyof PredictionRecord]: PredictionRecord[K] } = { seq: step.seq };
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
