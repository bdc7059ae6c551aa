import type { Transform } from 'node:stream';
import { type CsvError, type Options, Parser } from 'csv-parse';
import type { Observable } from 'rxjs';
import { describeValue } from '../src/checks/describeValue.js';
import type { Sample } from '../src/samples/sample.js';
import { type KnownFields, malformedSample } from './malformedSample.js';
import { mapSample } from './mapSample.js';
import { type ReplayOptions, replay } from './replay.js';

/**
 * A column of a CSV file: its name in the header, or its 0-based index (the only way to name a
 * column of a file without a header, unless `header` gives the names).
 */
export type CsvColumn = string | number;

/** Where a CSV record is: the line it ends on (1-based, the header is line 1) and its number. */
export interface CsvPosition {
  /** The line of the file the record ends on, counting from 1 (blank lines included). */
  readonly line: number;
  /** The 1-based number of the record among the data records (the header is not one). */
  readonly record: number;
}

/** Options of {@link fromCsv}: which columns make the sample, how the file is written, the pace. */
export interface FromCsvOptions extends ReplayOptions {
  /** The input columns, in order; one column gives a one-input `x`. Required unless `map`. */
  readonly x?: CsvColumn | readonly CsvColumn[];
  /** The target column (then `y` is a number) or columns (then `y` is an array). */
  readonly y?: CsvColumn | readonly CsvColumn[];
  /** The column naming the series (a sensor, a store): `key`, as text. */
  readonly key?: CsvColumn;
  /** The column of the sample's own identifier: `id`, as text. */
  readonly id?: CsvColumn;
  /**
   * The time column: a number is taken as milliseconds since the epoch; other text is read with
   * `Date.parse` (ISO 8601 such as `2024-05-01T10:00:00Z`; without an offset it is local time).
   */
  readonly t?: CsvColumn;
  /**
   * Builds the sample of each record instead of `x`/`y`/`key`/`id`/`t`: `row` holds the record's
   * text by column name (by index, `'0'`, `'1'`, …, for a file without a header). Must return a
   * sample; when it throws or returns a non-object the record gives a malformed item instead.
   */
  readonly map?: (row: Readonly<Record<string, string>>, at: CsvPosition) => Sample;
  /**
   * `true` (the default): the first record names the columns; `false`: there is no header,
   * columns are named by index; an array: there is no header and these are the column names.
   */
  readonly header?: boolean | readonly string[];
  /** The field delimiter (default `,`), such as `;` or `\t`; one or more characters. */
  readonly delimiter?: string;
  /** The quote character (default `"`); `false`: fields are never quoted. */
  readonly quote?: string | false;
  /** Lines starting with this text are comments and are ignored (default: none). */
  readonly comment?: string;
}

/**
 * Replays a CSV file or stream as samples, parsed by `csv-parse` as it streams (a file of any
 * size is read a chunk at a time, never held whole). A BOM, `\r\n` line ends, quoted fields
 * (with delimiters, quotes doubled as `""` and line breaks inside) are handled; blank lines
 * and comment lines are ignored and are not records.
 *
 * **Columns.** `x` and `y` name the input and target columns (by header name, or 0-based
 * index); `key`, `id` and `t` optional ones. Or `map` builds each sample from the record.
 *
 * **One item per data record**, in file order, so the number of items taken is the read
 * position: `skip: n` resumes right after the first `n` data records (those are parsed — CSV
 * quoting allows no shortcut — but no sample is made of them), `limit` stops after that many
 * items, `rate` replays so many records per second (the file is then read only as fast as that).
 *
 * **Bad records never stop the feed**: a record that cannot be made into a sample gives a
 * *malformed* item (`{ x: [], malformed: { field, value, problem }, key?, id?, t? }`, keeping
 * the key, id and time that could be read), which `train(…, { onInvalid: 'skip' })` rejects
 * and `rollingMetrics` counts under `rejectedByReason.malformed` — and which, with the default
 * `onInvalid: 'error'`, fails the stream with a `SampleError` naming the line. That is: a
 * record with another number of fields than the header (or, without one, than the first
 * record) — `line 17 has 2 fields, expected 3`; an `x` or `y` field that is not a finite number
 * (empty, `abc`, `NaN`, `Infinity`) — `line 17: column temp is not a number` (the choice made
 * here rather than a NaN in `x`, so that the rejection names the line and column); a `t` that
 * is neither a number nor a date; a quote left open up to the end of the input; a `map` that
 * throws. A quote in the middle of an unquoted field is kept as text (csv-parse's
 * `relax_quotes`). `key` and `id` are kept as text.
 *
 * **Errors.** A file that cannot be opened fails the Observable with an error naming the path
 * (and its `code`, such as `ENOENT`); so does a column named in the options that the header
 * does not have. Unsubscribing stops reading and closes the file; a stream passed in is
 * unpiped (so paused), not closed. Each subscription reads the source anew (a stream can be
 * read only once: subscribe to it once).
 *
 * @param source A file path, or a readable stream of CSV text (such as `process.stdin`).
 * @throws TypeError or RangeError naming `fromCsv` at once for a wrong argument.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { dense, linear, mse, network, rollingMetrics, tanh, train } from 'streamprop';
 * import { fromCsv } from 'streamprop/streams';
 * writeFileSync('weather.csv', 'time,sensor,temp,humidity,temp_next\n' +
 *   '2024-05-01T10:00:00Z,s1,21.5,0.40,21.9\n2024-05-01T10:05:00Z,s1,21.9,0.41,oops\n');
 * const net = network({ inputs: 2, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * fromCsv('weather.csv', { x: ['temp', 'humidity'], y: 'temp_next', key: 'sensor', t: 'time' })
 *   .pipe(train(net, { loss: mse(), onInvalid: 'skip' }), rollingMetrics({ window: 100, every: 1 }))
 *   .subscribe((m) => console.log(m.samples, m.rejectedByReason.malformed)); // 1 0, then 2 1
 *
 * // no header, semicolons, resume after the first 1000 records, 50 records per second:
 * fromCsv('log.csv', { header: false, delimiter: ';', x: [1, 2, 3], y: 4, skip: 1000, rate: 50 });
 * // anything else:
 * fromCsv('sales.csv', {
 *   map: (row) => ({ x: [Number(row.price), row.promo === 'yes' ? 1 : 0], y: Number(row.units) }),
 * });
 * ```
 */
export function fromCsv(
  source: string | NodeJS.ReadableStream,
  options: FromCsvOptions,
): Observable<Sample> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('fromCsv: options must be an object { x, y?, … } or { map, … }');
  }
  const { header = true, delimiter = ',', quote = '"', comment, map } = options;
  if (typeof header !== 'boolean' && !isNameList(header)) {
    throw new TypeError(
      `fromCsv: header must be true, false or an array of column names, got ${describeValue(header)}`,
    );
  }
  const names = typeof header === 'boolean' ? undefined : header.map((n) => n.trim());
  const plan = checkColumns(options, header !== false);
  if (typeof delimiter !== 'string' || delimiter.length === 0) {
    throw new TypeError(
      `fromCsv: delimiter must be a non-empty string, got ${describeValue(delimiter)}`,
    );
  }
  if (quote !== false && (typeof quote !== 'string' || quote.length === 0)) {
    throw new TypeError(
      `fromCsv: quote must be a non-empty string or false, got ${describeValue(quote)}`,
    );
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length === 0)) {
    throw new TypeError(
      `fromCsv: comment must be a non-empty string, got ${describeValue(comment)}`,
    );
  }
  if (map !== undefined && typeof map !== 'function') {
    throw new TypeError(
      `fromCsv: map must be a function (row, at) => sample, got ${describeValue(map)}`,
    );
  }
  const where = typeof source === 'string' ? source : 'the CSV stream';
  const parser = (skip: number): Transform => {
    let reader: RecordReader | undefined;
    let seen = 0; // data records so far, skipped ones included
    const records = new RecordParser(
      {
        delimiter,
        quote: quote === false ? null : quote,
        comment,
        bom: true,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        on_skip: (error: CsvError | undefined) => {
          if (reader === undefined && header === true) {
            throw new Error(`fromCsv: cannot read the header of ${where}: ${error?.message}`);
          }
          if (++seen <= skip) return undefined;
          const line = typeof error?.lines === 'number' ? error.lines : Number.NaN;
          records.push(
            malformedSample(
              `line ${line}`,
              error?.code,
              `cannot be parsed as CSV (${error?.message})`,
            ),
          );
          return undefined;
        },
      },
      (fields, line) => {
        if (reader === undefined) {
          if (header === true) {
            const columns = fields.map((n) => n.trim());
            reader = recordReader(plan, columns, columns.length, delimiter, map, where);
            return null;
          }
          const width = names?.length ?? fields.length;
          reader = recordReader(plan, names, width, delimiter, map, where);
        }
        if (++seen <= skip) return null;
        return reader(fields, line, seen);
      },
    );
    return records;
  };
  return replay('fromCsv', source, options, parser);
}

/**
 * csv-parse's stream, turning each record into an item as it is pushed — when the parser's
 * `info.lines` is the line the record ends on — at no cost per record beyond the call (its
 * `on_record` hook builds an information object for every record, which halves the speed). A
 * record turned into `null` is dropped; an error thrown (a column missing from the header)
 * fails the stream.
 */
class RecordParser extends Parser {
  readonly #toItem: (fields: string[], line: number) => Sample | null;
  #failed = false;

  constructor(options: Options, toItem: (fields: string[], line: number) => Sample | null) {
    super(options);
    this.#toItem = toItem;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!Array.isArray(chunk)) return super.push(chunk, encoding); // the end, or an item made already
    if (this.#failed) return false;
    let item: Sample | null;
    try {
      item = this.#toItem(chunk, this.info.lines);
    } catch (error) {
      this.#failed = true;
      this.destroy(error as Error);
      return false;
    }
    return item === null || super.push(item);
  }
}

/** The columns the options name, checked; `undefined` for `map`. */
interface ColumnPlan {
  readonly x: readonly CsvColumn[];
  readonly y: readonly CsvColumn[] | undefined;
  readonly yIsArray: boolean;
  readonly key: CsvColumn | undefined;
  readonly id: CsvColumn | undefined;
  readonly t: CsvColumn | undefined;
}

function checkColumns(options: FromCsvOptions, named: boolean): ColumnPlan | undefined {
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
      throw new RangeError(
        `fromCsv: ${name} must name a column or be a 0-based index, got ${value}`,
      );
    }
    if (typeof value !== 'string' || value.trim().length === 0) {
      throw new TypeError(
        `fromCsv: ${name} must be a column name or index, got ${describeValue(value)}`,
      );
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
    if (value.length === 0) throw new RangeError(`fromCsv: ${name} must name at least one column`);
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

/** Makes the item of one data record: its fields, the line it ends on, its record number. */
type RecordReader = (fields: string[], line: number, record: number) => Sample;

/**
 * The reader of the records of one file, once its column names are known: columns resolved to
 * indices (a name the header does not have is an error of the whole feed).
 */
function recordReader(
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
        throw new Error(
          `fromCsv: ${where} has ${width} columns, so there is no column ${column} (indices count from 0)`,
        );
      }
      return column;
    }
    const at = names!.indexOf(column);
    if (at === -1) {
      throw new Error(
        `fromCsv: ${where} has no column "${column}" (its columns: ${names!.join(', ')})`,
      );
    }
    if (names!.indexOf(column, at + 1) !== -1) {
      throw new Error(
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
      const v = numberOf(fields[xAt[i]]);
      if (!Number.isFinite(v))
        return bad(fields, line, xLabel[i], xAt[i], 'is not a finite number');
      x.push(v);
    }
    const sample: { -readonly [K in keyof Sample]: Sample[K] } = { x };
    if (yAt !== undefined) {
      const y: number[] = [];
      for (let i = 0; i < yAt.length; i++) {
        const v = numberOf(fields[yAt[i]]);
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

/** The number a field holds, NaN for an empty or blank one (which `Number` reads as 0). */
function numberOf(text: string): number {
  const v = Number(text);
  return v === 0 && !/\d/.test(text) ? Number.NaN : v;
}

/** A time field: a number of milliseconds, or a date text `Date.parse` reads. */
function timeOf(text: string): number {
  const v = numberOf(text);
  return Number.isFinite(v) ? v : Date.parse(text);
}

function isNameList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((n) => typeof n === 'string' && n.trim().length > 0)
  );
}
