import { closeSync, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Observable } from 'rxjs';
import { fromCsv } from '../../streams/fromCsv.js';
import { fromMqtt } from '../../streams/fromMqtt.js';
import { fromNdjson } from '../../streams/fromNdjson.js';
import { salesFeed } from '../../streams/salesFeed.js';
import { sensorFeed } from '../../streams/sensorFeed.js';
import type { Sample } from '../samples/sample.js';
import { afterFirst } from './afterFirst.js';
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
  /** Target column of a CSV file (default: the last numeric column). */
  readonly y?: string;
}

/** An opened source and what the user should be told about it. */
export interface OpenedSource {
  readonly samples: Observable<Sample>;
  /** One line that says what is read, such as which CSV columns are the inputs. */
  readonly description: string;
  /** Whether the source has a read position to keep in checkpoints (a file). */
  readonly positioned: boolean;
  /** What a checkpoint records about the source (see `RunRecord`). */
  readonly record: RunSource;
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
  switch (spec.kind) {
    case 'sensor':
      return {
        samples: sensorFeed({ seed, rate: settings.rate ?? SYNTHETIC_RATE }),
        description: 'the synthetic sensor feed: 4 sensors, °C, forecast from the last 6 readings',
        positioned: false,
        record: { kind: 'sensor' },
      };
    case 'sales':
      return {
        samples: salesFeed({ seed, rate: settings.rate ?? SYNTHETIC_RATE }),
        description: 'the synthetic sales feed: 3 stores, daily units sold',
        positioned: false,
        record: { kind: 'sales' },
      };
    case 'csv': {
      const columns = csvColumns(spec.path, settings);
      return {
        samples: resumedAt(
          (from) => fromCsv(spec.path, { ...columns, rate: settings.rate, skip: from }),
          settings,
        ),
        description: `${spec.path}: x = ${columns.x.join(', ')}; y = ${columns.y}${columns.t === undefined ? '' : `; t = ${columns.t}`}${columns.key === undefined ? '' : `; key = ${columns.key}`}${skip > 0 ? `; from record ${skip + 1}` : ''}`,
        positioned: true,
        record: {
          kind: 'csv',
          path: recordedPath(spec.path),
          x: [...columns.x],
          y: columns.y,
          ...(columns.t === undefined ? {} : { t: columns.t }),
          ...(columns.key === undefined ? {} : { key: columns.key }),
          delimiter: ',',
        },
      };
    }
    case 'ndjson':
      return {
        samples:
          spec.path === undefined
            ? fromNdjson(process.stdin, { rate: settings.rate, skip })
            : resumedAt(
                (from) => fromNdjson(spec.path as string, { rate: settings.rate, skip: from }),
                settings,
              ),
        description: `${spec.path ?? 'standard input'}: one JSON sample per line${skip > 0 ? `, from line ${skip + 1}` : ''}`,
        positioned: spec.path !== undefined,
        record: { kind: 'ndjson', path: recordedPath(spec.path) },
      };
    case 'mqtt':
      return {
        samples: fromMqtt(spec.url, spec.topic),
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

/** Column names that are taken as the time or the series of a CSV record, not as inputs. */
const TIME_COLUMNS = new Set(['t', 'time', 'timestamp', 'date', 'datetime']);
const KEY_COLUMNS = new Set(['key', 'sensor', 'store', 'series']);

interface CsvColumns {
  readonly x: readonly string[];
  readonly y: string;
  readonly t?: string;
  readonly key?: string;
}

/**
 * Chooses the columns of a CSV file from its header and first record: the inputs are the
 * numeric columns but the last, the target the last numeric one, unless `settings` name them;
 * a column named like a time (`time`, `date` …) is the time, one named like a series (`key`,
 * `sensor`, `store` …) the key.
 */
function csvColumns(path: string, settings: SourceSettings): CsvColumns {
  const head = readHead(path);
  let rows: string[][];
  try {
    rows = parse(head, { to_line: 2, relax_column_count: true, bom: true, skip_empty_lines: true });
  } catch (error) {
    throw new Error(`${path}: cannot read the header: ${(error as Error).message}`);
  }
  const header = rows[0];
  if (header === undefined || header.length < 2) {
    throw new Error(`${path}: needs a header row naming at least two columns`);
  }
  const first = rows[1] ?? [];
  const named = (set: Set<string>): string | undefined =>
    header.find((name) => set.has(name.trim().toLowerCase()));
  const t = named(TIME_COLUMNS);
  const key = named(KEY_COLUMNS);
  for (const name of [...(settings.x ?? []), ...(settings.y === undefined ? [] : [settings.y])]) {
    if (!header.includes(name)) {
      throw new Error(`${path} has no column "${name}"; its columns: ${header.join(', ')}`);
    }
  }
  const numeric = header.filter(
    (name, i) =>
      name !== t && name !== key && first[i] !== undefined && Number.isFinite(Number(first[i])),
  );
  const y = settings.y ?? numeric[numeric.length - 1];
  const x = settings.x ?? numeric.filter((name) => name !== y);
  if (y === undefined || x.length === 0) {
    throw new Error(
      `${path}: cannot tell the inputs from the target (numeric columns: ${numeric.join(', ') || 'none'}); name them with --x and --y`,
    );
  }
  return { x, y, ...(t === undefined ? {} : { t }), ...(key === undefined ? {} : { key }) };
}

/** The first 64 KiB of a file, enough for a header and a record. */
function readHead(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new Error(`cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const buffer = Buffer.alloc(65_536);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
