import type { Transform } from 'node:stream';
import type { CsvError } from 'csv-parse';
import type { Observable } from 'rxjs';
import {
  argumentError,
  checkFunction,
  checkNonEmptyString,
  checkObject,
  checkPositiveInteger,
} from '../src/checks/argumentChecks.js';
import type { Sample } from '../src/samples/sample.js';
import { CsvRecordParser, SET_ASIDE, type SetAside, setAsideProblem } from './csvRecordParser.js';
import { checkColumns, type RecordReader, recordReader } from './csvRecordReader.js';
import { FeedError } from './feedError.js';
import { LineScanner } from './lineScanner.js';
import { malformedSample } from './malformedSample.js';
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
  /**
   * The longest record (line) accepted, in bytes (default 1,048,576, 1 MiB): a longer one gives
   * one item rejected as `tooLarge` and is passed over as it streams, never held whole.
   */
  readonly maxRecordBytes?: number;
}

/**
 * Replays a CSV file or stream as samples, parsed by `csv-parse` as it streams (a file of any
 * size is read a chunk at a time, never held whole). A BOM, `\r\n` line ends, quoted fields
 * (with delimiters and quotes doubled as `""` inside) are handled; blank lines and comment
 * lines are ignored and are not records.
 *
 * **A record is one line**, of at most `maxRecordBytes` (1 MiB): a quoted field must close on
 * the line it opens on, so that a stray quote costs its own line and nothing more (it used to
 * swallow every record up to the next quote, or to the end of the file); a line longer than
 * the limit is passed over as it streams, never held whole, and gives one item rejected as
 * `tooLarge`. (Samples are numbers: a line break inside a quoted field is not supported.)
 *
 * **Numbers are decimal**: `1`, `-2.5`, `.5`, `1e5`, with spaces around allowed; `0x10`,
 * `0b11`, `1_000`, `Infinity`, `NaN` and an empty field are not numbers (see `decimalNumber`).
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
 * record) — `line 17 has 2 fields, expected 3`; an `x` or `y` field that is not a finite
 * decimal number (empty, `abc`, `0x10`, `NaN`, `Infinity`) — `line 17: column temp is not a
 * finite number` (the choice made here rather than a NaN in `x`, so that the rejection names
 * the line and column); a `t` that is neither a number nor a date; a line that leaves a quote
 * open — `line 17 leaves a quote open: …`; a `map` that throws. A quote in the middle of an unquoted field is kept as text (csv-parse's
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
  checkObject('fromCsv', 'options', options, 'an object { x, y?, … } or { map, … }');
  const {
    header = true,
    delimiter = ',',
    quote = '"',
    comment,
    map,
    maxRecordBytes = 1_048_576,
  } = options;
  checkPositiveInteger('fromCsv', 'maxRecordBytes', maxRecordBytes);
  if (typeof header !== 'boolean' && !isNameList(header)) {
    throw argumentError('fromCsv', 'header', 'true, false or an array of column names', header);
  }
  const names = typeof header === 'boolean' ? undefined : header.map((n) => n.trim());
  const plan = checkColumns(options, header !== false);
  checkNonEmptyString('fromCsv', 'delimiter', delimiter);
  if (quote !== false && (typeof quote !== 'string' || quote.length === 0)) {
    throw argumentError('fromCsv', 'quote', 'a non-empty string or false', quote, 'string');
  }
  if (comment !== undefined) checkNonEmptyString('fromCsv', 'comment', comment);
  if (map !== undefined) checkFunction('fromCsv', 'map', map);
  const where = typeof source === 'string' ? source : 'the CSV stream';
  const parser = (skip: number): Transform => {
    let reader: RecordReader | undefined;
    let seen = 0; // data records so far, skipped ones included
    const records: CsvRecordParser = new CsvRecordParser(
      new LineScanner({
        maxBytes: maxRecordBytes,
        ...(quote === false
          ? {}
          : { csv: { quote, delimiter, ...(comment === undefined ? {} : { comment }) } }),
      }),
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
            throw new FeedError(`fromCsv: cannot read the header of ${where}: ${error?.message}`);
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
      (fields, line): Sample | null => {
        const aside: SetAside | undefined =
          fields.length <= 3 && fields.join(delimiter) === SET_ASIDE
            ? records.setAside()
            : undefined;
        if (aside !== undefined && reader === undefined && header === true) {
          throw new FeedError(
            `fromCsv: cannot read the header of ${where}: line 1 ${setAsideProblem(aside, maxRecordBytes)}`,
          );
        }
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
        if (aside !== undefined) {
          return malformedSample(
            `line ${aside.line}`,
            aside.preview,
            setAsideProblem(aside, maxRecordBytes),
            undefined,
            aside.kind === 'tooLarge' ? 'tooLarge' : undefined,
          );
        }
        return reader(fields, line, seen);
      },
    );
    return records;
  };
  return replay('fromCsv', source, options, parser);
}

function isNameList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((n) => typeof n === 'string' && n.trim().length > 0)
  );
}
