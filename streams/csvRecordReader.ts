import { argumentError } from '../src/checks/argumentChecks.js';
import type { Sample } from '../src/samples/sample.js';
import { decimalNumber } from './decimalNumber.js';
import { FeedError } from './feedError.js';
import type { CsvColumn, FromCsvOptions } from './fromCsv.js';
import { type KnownFields, malformedSample } from './malformedSample.js';
import { mapSample } from './mapSample.js';

/** @internal The columns the options of `fromCsv` name, checked. */
export interface ColumnPlan {
  readonly x: readonly CsvColumn[];
  readonly y: readonly CsvColumn[] | undefined;
  readonly yIsArray: boolean;
  readonly key: CsvColumn | undefined;
  readonly id: CsvColumn | undefined;
  readonly t: CsvColumn | undefined;
}

/** What names a column in the options of `fromCsv`. */
const COLUMN = 'a column name or a 0-based index';

/**
 * @internal Checks the columns `options` name (by name only when the file has a header,
 * `named`); `undefined` for `map`.
 */
export function checkColumns(options: FromCsvOptions, named: boolean): ColumnPlan | undefined {
  const { x, y, key, id, t, map } = options;
  if (map !== undefined) {
    for (const [name, value] of Object.entries({ x, y, key, id, t })) {
      if (value !== undefined) {
        throw new TypeError(
          `fromCsv: give either map or the columns, not both (got map and ${name})`,
        );
      }
    }
    return undefined;
  }
  if (x === undefined) {
    throw new TypeError('fromCsv: options.x (the input columns) or options.map is required');
  }
  const column = (name: string, value: unknown): CsvColumn => {
    if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= 0) return value;
      throw argumentError('fromCsv', name, COLUMN, value, 'number');
    }
    if (typeof value !== 'string' || value.trim().length === 0) {
      throw argumentError('fromCsv', name, COLUMN, value, 'string');
    }
    if (!named) {
      throw new TypeError(
        `fromCsv: ${name} names the column "${value}", but with header: false columns are 0-based indices (or give header: [names])`,
      );
    }
    return value.trim();
  };
  const list = (name: string, value: unknown): CsvColumn[] => {
    if (!Array.isArray(value)) return [column(name, value)];
    if (value.length === 0) {
      throw argumentError('fromCsv', name, `${COLUMN}, or a non-empty list of them`, value);
    }
    return value.map((v, i) => column(`${name}[${i}]`, v));
  };
  return {
    x: list('x', x),
    y: y === undefined ? undefined : list('y', y),
    yIsArray: Array.isArray(y),
    key: key === undefined ? undefined : column('key', key),
    id: id === undefined ? undefined : column('id', id),
    t: t === undefined ? undefined : column('t', t),
  };
}

/** @internal Makes the item of one data record: its fields, the line it ends on, its record number. */
export type RecordReader = (fields: string[], line: number, record: number) => Sample;

/**
 * @internal
 * The reader of the records of one file, once its column names are known: columns resolved to
 * indices (a name the header does not have is an error of the whole feed).
 */
export function recordReader(
  plan: ColumnPlan | undefined,
  names: readonly string[] | undefined,
  width: number,
  delimiter: string,
  map: FromCsvOptions['map'],
  where: string,
): RecordReader {
  const wrongWidth = (fields: string[], line: number, known?: KnownFields): Sample =>
    malformedSample(
      `line ${line}`,
      fields.join(delimiter),
      `has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${width}`,
      known,
    );
  if (plan === undefined) {
    const keys = Array.from({ length: width }, (_, i) => names?.[i] ?? String(i));
    return (fields, line, record) => {
      if (fields.length !== width) return wrongWidth(fields, line);
      const row: Record<string, string> = {};
      for (let i = 0; i < width; i++) row[keys[i]] = fields[i];
      return mapSample(
        `line ${line}`,
        () => map!(row, { line, record }),
        () => fields.join(delimiter),
      );
    };
  }
  const indexOf = (column: CsvColumn): number => {
    if (typeof column === 'number') {
      if (column >= width) {
        throw new FeedError(
          `fromCsv: ${where} has ${width} columns, so there is no column ${column} (indices count from 0)`,
        );
      }
      return column;
    }
    const at = names!.indexOf(column);
    if (at === -1) {
      throw new FeedError(
        `fromCsv: ${where} has no column "${column}" (its columns: ${names!.join(', ')})`,
      );
    }
    if (names!.indexOf(column, at + 1) !== -1) {
      throw new FeedError(
        `fromCsv: ${where} has two columns named "${column}"; name it by index instead`,
      );
    }
    return at;
  };
  const labelOf = (column: CsvColumn): string => `column ${names?.[indexOf(column)] ?? column}`;
  const xAt = plan.x.map(indexOf);
  const xLabel = plan.x.map(labelOf);
  const yAt = plan.y?.map(indexOf);
  const yLabel = plan.y?.map(labelOf);
  const keyAt = plan.key === undefined ? -1 : indexOf(plan.key);
  const idAt = plan.id === undefined ? -1 : indexOf(plan.id);
  const tAt = plan.t === undefined ? -1 : indexOf(plan.t);
  const tLabel = plan.t === undefined ? '' : labelOf(plan.t);
  const yIsArray = plan.yIsArray;

  /** The key, id and time of a record that gives a malformed item, as far as they can be read. */
  const knownOf = (fields: string[]): KnownFields => {
    const known: { -readonly [K in keyof KnownFields]: KnownFields[K] } = {};
    if (keyAt >= 0 && keyAt < fields.length) known.key = fields[keyAt];
    if (idAt >= 0 && idAt < fields.length) known.id = fields[idAt];
    const t = tAt >= 0 && tAt < fields.length ? timeOf(fields[tAt]) : Number.NaN;
    if (Number.isFinite(t)) known.t = t;
    return known;
  };
  const bad = (fields: string[], line: number, label: string, at: number, problem: string) =>
    malformedSample(`line ${line}: ${label}`, fields[at], problem, knownOf(fields));

  return (fields, line) => {
    if (fields.length !== width) return wrongWidth(fields, line, knownOf(fields));
    const x: number[] = [];
    for (let i = 0; i < xAt.length; i++) {
      const v = decimalNumber(fields[xAt[i]]);
      if (!Number.isFinite(v))
        return bad(fields, line, xLabel[i], xAt[i], 'is not a finite number');
      x.push(v);
    }
    const sample: { -readonly [K in keyof Sample]: Sample[K] } = { x };
    if (yAt !== undefined) {
      const y: number[] = [];
      for (let i = 0; i < yAt.length; i++) {
        const v = decimalNumber(fields[yAt[i]]);
        if (!Number.isFinite(v)) {
          return bad(fields, line, yLabel![i], yAt[i], 'is not a finite number');
        }
        y.push(v);
      }
      sample.y = yIsArray ? y : y[0];
    }
    if (keyAt >= 0) sample.key = fields[keyAt];
    if (idAt >= 0) sample.id = fields[idAt];
    if (tAt >= 0) {
      const t = timeOf(fields[tAt]);
      if (!Number.isFinite(t)) return bad(fields, line, tLabel, tAt, 'is not a number nor a date');
      sample.t = t;
    }
    return sample;
  };
}

/** A time field: a decimal number of milliseconds, or a date text `Date.parse` reads. */
function timeOf(text: string): number {
  const v = decimalNumber(text);
  return Number.isFinite(v) ? v : Date.parse(text);
}
