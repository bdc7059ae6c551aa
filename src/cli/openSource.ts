import { createReadStream, statSync } from 'node:fs';
import { pipeline, type Readable, Transform } from 'node:stream';
import { defer, from, type Observable, switchMap } from 'rxjs';
import { fromCsv } from '../../streams/fromCsv.js';
import { fromNdjson } from '../../streams/fromNdjson.js';
import { salesFeed } from '../../streams/salesFeed.js';
import { sensorFeed } from '../../streams/sensorFeed.js';
import type { Valve } from '../../streams/valve.js';
import type { Sample } from '../samples/sample.js';
import { afterFirst } from './afterFirst.js';
import { readingSample } from './autoLearner.js';
import { type CsvLayout, csvLayout } from './csvLayout.js';
import type { ReadProgress } from './progressLine.js';
import { type RunSource, recordedPath } from './runRecord.js';
import type { SourceSpec } from './sourceSpec.js';

/** How `streamprop run` opens its source. */
export interface SourceSettings {
  /** Samples per second (synthetic feeds and file replays); `undefined`: the source's default. */
  readonly rate: number | undefined;
  readonly seed: number;
  /** Records of a file source already learned (from a checkpoint): read on from there. */
  readonly skip: number;
  /**
   * Called when a file resumed at `skip` turns out to have fewer records than that (it was
   * changed or replaced since the checkpoint): the file is read from record `skip - 1`, which
   * is dropped, so that a file cut short delivers nothing at all.
   */
  readonly onBeyondEnd?: () => void;
  /** Input columns of a CSV file (default: every numeric column but the last). */
  readonly x?: readonly string[];
  /** Stops a file or a synthetic feed while it is closed (back-pressure of `streamprop ingest`). */
  readonly valve?: Valve;
  /** Target column of a CSV file (default: the last numeric column). */
  readonly y?: string;
  /** The delimiter of a CSV file (default: found in its header line). */
  readonly delimiter?: string;
  /** `false`: the CSV file has no header; its columns are named `c1` … `cn` (default `true`). */
  readonly header?: boolean;
  /**
   * NDJSON lines and MQTT messages are readings of a series (`--lags`): a number or
   * `{ "value", "t"?, "key"? }` (see `readingSample`), not samples.
   */
  readonly readings?: boolean;
  /** The longest CSV record or NDJSON line, in bytes (default 1 MiB). */
  readonly maxRecordBytes?: number;
  /** Where `ndjson:-` is read from (default: the process's standard input). */
  readonly stdin?: NodeJS.ReadableStream;
}

/** An opened source and what the user should be told about it. */
export interface OpenedSource {
  readonly samples: Observable<Sample>;
  /** One line that says what is read, such as which CSV columns are the inputs. */
  readonly description: string;
  /** Whether the source has a read position to keep in checkpoints (a file). */
  readonly positioned: boolean;
  /** How a CSV file is read: its delimiter, header and columns. */
  readonly layout?: CsvLayout;
  /** What is predicted, for the dashboard's error axis: a name and a unit, when known. */
  readonly target?: { readonly name?: string; readonly unit?: string };
  /** What a checkpoint records about the source (see `RunRecord`). */
  readonly record: RunSource;
  /** How far a file has been read, for the progress bar (files only). */
  readonly progress?: () => ReadProgress;
}

/**
 * A file, read by a stream of our own so that how far it has been read can be told: the bytes
 * handed on to the parser are counted (not those read from the disk, which runs ahead by the
 * buffers). The stream is made when the feed is subscribed.
 */
function trackedFile(path: string): {
  readonly open: () => Readable;
  readonly progress: () => ReadProgress;
} {
  let total = 0;
  try {
    total = statSync(path).size;
  } catch {
    // the feed reports the file that cannot be opened
  }
  let read = 0;
  return {
    open: () => {
      read = 0;
      const counter = new Transform({
        highWaterMark: 4096,
        transform(chunk: Buffer, _encoding, done) {
          read += chunk.length;
          done(null, chunk);
        },
      });
      pipeline(createReadStream(path, { highWaterMark: 16_384 }), counter, () => {
        // an error reaches the feed through the counter, which pipeline destroys with it
      });
      return counter;
    },
    progress: () => ({ read, total }),
  };
}

/** The pace of the synthetic feeds when `--rate` is not given: lively, and easy to watch. */
const SYNTHETIC_RATE = 500;

/**
 * Opens the source `spec` names. Synthetic feeds run at 500 samples/s unless `rate` says
 * otherwise (0: as fast as possible); files are replayed as fast as possible unless `rate` is
 * given, from record `skip` on.
 *
 * @throws Error for a CSV file whose header cannot be read or whose columns cannot be chosen.
 *
 * @example
 * ```ts
 * import { openSource } from './openSource.js';
 * const { samples, description } = openSource({ kind: 'sensor' }, { rate: 100, seed: 1, skip: 0 });
 * ```
 */
export function openSource(spec: SourceSpec, settings: SourceSettings): OpenedSource {
  const { seed, skip } = settings;
  const readings = settings.readings === true ? { map: readingSample } : {};
  const maxRecordBytes = settings.maxRecordBytes ?? 1_048_576;
  const valve = settings.valve === undefined ? {} : { valve: settings.valve };
  switch (spec.kind) {
    case 'sensor':
      return {
        samples: sensorFeed({ seed, rate: settings.rate ?? SYNTHETIC_RATE, ...valve }),
        description: 'the synthetic sensor feed: 4 sensors, °C, forecast from the last 6 readings',
        target: { name: 'temperature', unit: '°C' },
        positioned: false,
        record: { kind: 'sensor' },
      };
    case 'sales':
      return {
        samples: salesFeed({ seed, rate: settings.rate ?? SYNTHETIC_RATE, ...valve }),
        description: 'the synthetic sales feed: 3 stores, daily units sold',
        target: { name: 'units sold', unit: 'units' },
        positioned: false,
        record: { kind: 'sales' },
      };
    case 'csv': {
      const layout = csvLayout(spec.path, {
        header: settings.header ?? true,
        ...(settings.delimiter === undefined ? {} : { delimiter: settings.delimiter }),
        ...(settings.x === undefined ? {} : { x: settings.x }),
        ...(settings.y === undefined ? {} : { y: settings.y }),
      });
      const { delimiter, header, x, y, t, key } = layout;
      const written = [
        layout.detected && delimiter !== ','
          ? `${delimiter === '\t' ? 'tab' : delimiter}-separated`
          : '',
        header === true ? '' : `no header: columns ${header[0]} … ${header[header.length - 1]}`,
      ].filter((part) => part !== '');
      const file = trackedFile(spec.path);
      return {
        samples: resumedAt(
          (from) =>
            defer(() =>
              fromCsv(file.open(), {
                x,
                y,
                ...(t === undefined ? {} : { t }),
                ...(key === undefined ? {} : { key }),
                delimiter,
                header,
                rate: settings.rate,
                skip: from,
                maxRecordBytes,
                ...valve,
              }),
            ),
          settings,
        ),
        progress: file.progress,
        target: { name: y },
        description: `${spec.path}${written.length > 0 ? ` (${written.join('; ')})` : ''}: x = ${x.join(', ')}; y = ${y}${t === undefined ? '' : `; t = ${t}`}${key === undefined ? '' : `; key = ${key}`}${skip > 0 ? `; from record ${skip + 1}` : ''}`,
        positioned: true,
        layout,
        record: {
          kind: 'csv',
          path: recordedPath(spec.path),
          x: [...x],
          y,
          ...(t === undefined ? {} : { t }),
          ...(key === undefined ? {} : { key }),
          delimiter,
        },
      };
    }
    case 'ndjson': {
      const path = spec.path;
      const file = path === undefined ? undefined : trackedFile(path);
      return {
        samples:
          file === undefined
            ? defer(() =>
                fromNdjson(settings.stdin ?? process.stdin, {
                  rate: settings.rate,
                  skip,
                  maxRecordBytes,
                  ...readings,
                  ...valve,
                }),
              )
            : resumedAt(
                (from) =>
                  defer(() =>
                    fromNdjson(file.open(), {
                      rate: settings.rate,
                      skip: from,
                      maxRecordBytes,
                      ...readings,
                      ...valve,
                    }),
                  ),
                settings,
              ),
        ...(file === undefined ? {} : { progress: file.progress }),
        description: `${spec.path ?? 'standard input'}: one JSON sample per line${skip > 0 ? `, from line ${skip + 1}` : ''}`,
        positioned: spec.path !== undefined,
        record: { kind: 'ndjson', path: recordedPath(spec.path) },
      };
    }
    case 'mqtt':
      return {
        // mqtt.js is loaded only for an MQTT source: it is a fifth of the command's start-up.
        samples: defer(() => from(import('../../streams/fromMqtt.js'))).pipe(
          switchMap(({ fromMqtt }) =>
            fromMqtt(
              spec.url,
              spec.topic,
              settings.readings === true
                ? { map: (payload: Buffer) => readingOfText(payload.toString('utf8')) }
                : {},
            ),
          ),
        ),
        description: `${spec.url}, topic ${spec.topic}: one JSON sample per message`,
        positioned: false,
        record: { kind: 'mqtt', url: spec.url, topic: spec.topic },
      };
  }
}

/** A file feed read from record `settings.skip` on (see {@link SourceSettings.onBeyondEnd}). */
function resumedAt(
  feed: (skip: number) => Observable<Sample>,
  settings: SourceSettings,
): Observable<Sample> {
  const { skip, onBeyondEnd } = settings;
  if (skip === 0 || onBeyondEnd === undefined) return feed(skip);
  return afterFirst(feed(skip - 1), onBeyondEnd);
}

/** An MQTT payload read as a reading of a series (`--lags`). */
function readingOfText(text: string): Sample {
  try {
    return readingSample(JSON.parse(text));
  } catch {
    return {
      x: [],
      malformed: { field: 'payload', value: text.slice(0, 80), problem: 'is not valid JSON' },
    };
  }
}
