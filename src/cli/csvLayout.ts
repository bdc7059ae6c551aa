import { closeSync, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { decimalNumber } from '../../streams/decimalNumber.js';

/** The delimiters `streamprop` recognises in a header line, in order of preference on a tie. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/** How a CSV file is written and which of its columns make the samples. */
export interface CsvLayout {
  /** The field delimiter: given with `--delimiter`, or found in the header line. */
  readonly delimiter: string;
  /** Whether the delimiter was found in the file (not given). */
  readonly detected: boolean;
  /** `true`: the first line names the columns; else the names given to a file without one (`c1` …). */
  readonly header: true | readonly string[];
  readonly x: readonly string[];
  readonly y: string;
  readonly t?: string;
  readonly key?: string;
}

/** What {@link csvLayout} is told. */
export interface CsvLayoutSettings {
  /** The delimiter (`--delimiter`); `undefined`: found in the header line. */
  readonly delimiter?: string;
  /** `false` (`--no-header`): the file has no header; its columns are named `c1` … `cn`. */
  readonly header: boolean;
  /** Input columns (`--x`; default: every numeric column but the last). */
  readonly x?: readonly string[];
  /** Target column (`--y`; default: the last numeric column). */
  readonly y?: string;
}

/** Column names taken as the time or the series of a CSV record, not as inputs. */
const TIME_COLUMNS = new Set(['t', 'time', 'timestamp', 'date', 'datetime']);
const KEY_COLUMNS = new Set(['key', 'sensor', 'store', 'series']);
/** Lines of the file looked at. */
const HEAD_LINES = 20;

/**
 * Reads the head of a CSV file and decides how to read it: the delimiter (given, or the one of
 * `,` `;` tab `|` that splits the header line into the most fields, at least two, and most of
 * the first records alike), whether the first line is a header, and the columns: the inputs are the numeric
 * columns but the last, the target the last numeric one, unless `settings` name them; a column
 * named like a time (`time`, `date` …) is the time, one named like a series (`key`, `sensor`,
 * `store` …) the key. A file without a header (`header: false`) has its columns named `c1` …
 * `cn`.
 *
 * @throws Error with one line saying what is wrong: the file cannot be read, no delimiter
 * splits it, a first line that looks like data rather than a header (give `--no-header`), a
 * column named that the file lacks, no way to tell the inputs from the target.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { csvLayout } from './csvLayout.js';
 * writeFileSync('readings.csv', 'time;a;b;y\n1;0.5;0.25;0.75\n');
 * csvLayout('readings.csv', { header: true }); // { delimiter: ';', detected: true, header: true, x: ['a', 'b'], y: 'y', t: 'time' }
 * ```
 */
export function csvLayout(path: string, settings: CsvLayoutSettings): CsvLayout {
  const head = readHead(path);
  if (head.trim() === '') throw new Error(`${path}: is empty`);
  const detected = settings.delimiter === undefined;
  const delimiter = settings.delimiter ?? detectDelimiter(path, head);
  let rows: string[][];
  try {
    rows = parse(head, {
      delimiter,
      to_line: HEAD_LINES,
      relax_column_count: true,
      relax_quotes: true,
      bom: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    throw new Error(`${path}: cannot read its first lines: ${(error as Error).message}`);
  }
  const first = rows[0] ?? [];
  const shown = delimiter === '\t' ? 'tab' : delimiter;
  if (first.length < 2) {
    throw new Error(
      `${path}: its first line has one field split at "${shown}": give the delimiter with --delimiter`,
    );
  }
  let header: string[];
  let record: string[];
  let given: true | string[] = true;
  if (settings.header) {
    header = first.map((name) => name.trim());
    record = rows[1] ?? [];
    const named = [...(settings.x ?? []), ...(settings.y === undefined ? [] : [settings.y])];
    const trusted = named.length > 0 && named.every((name) => header.includes(name));
    if (!trusted && looksLikeData(header)) {
      throw new Error(
        `${path}: its first line (${first.join(shown)}) looks like data, not a header naming the columns; if the file has no header, give --no-header (its columns are then c1 … c${first.length})`,
      );
    }
  } else {
    given = first.map((_, i) => `c${i + 1}`);
    header = given;
    record = first;
  }
  const byName = (set: Set<string>): string | undefined =>
    header.find((name) => set.has(name.toLowerCase()));
  const t = settings.header ? byName(TIME_COLUMNS) : undefined;
  const key = settings.header ? byName(KEY_COLUMNS) : undefined;
  for (const name of [...(settings.x ?? []), ...(settings.y === undefined ? [] : [settings.y])]) {
    if (!header.includes(name)) {
      throw new Error(`${path} has no column "${name}"; its columns: ${header.join(', ')}`);
    }
  }
  const numeric = header.filter(
    (name, i) => name !== t && name !== key && record[i] !== undefined && isNumber(record[i]),
  );
  const y = settings.y ?? numeric[numeric.length - 1];
  const x = settings.x ?? numeric.filter((name) => name !== y);
  if (y === undefined || x.length === 0) {
    throw new Error(
      `${path}: cannot tell the inputs from the target (numeric columns: ${numeric.join(', ') || 'none'}); name them with --x and --y`,
    );
  }
  return {
    delimiter,
    detected,
    header: given,
    x,
    y,
    ...(t === undefined ? {} : { t }),
    ...(key === undefined ? {} : { key }),
  };
}

/**
 * The delimiter of the file: among {@link CSV_DELIMITERS}, the one that splits the header line
 * into the most fields (at least two), with most of the first records split alike.
 */
function detectDelimiter(path: string, head: string): string {
  let best: string | undefined;
  let bestWidth = 1;
  for (const delimiter of CSV_DELIMITERS) {
    let rows: string[][];
    try {
      rows = parse(head, {
        delimiter,
        to_line: HEAD_LINES,
        relax_column_count: true,
        relax_quotes: true,
        bom: true,
        skip_empty_lines: true,
      });
    } catch {
      continue;
    }
    // The header's width, shared by most records (a bad record or two may differ).
    const width = rows[0]?.length ?? 0;
    const alike = rows.filter((row) => row.length === width).length;
    if (width > bestWidth && alike >= 0.8 * rows.length) {
      best = delimiter;
      bestWidth = width;
    }
  }
  if (best === undefined) {
    throw new Error(
      `${path}: none of , ; tab | splits its first lines into the same number of fields: give the delimiter with --delimiter`,
    );
  }
  return best;
}

/** A header "looks like data" when at least half its fields are numbers or dates. */
function looksLikeData(header: readonly string[]): boolean {
  const values = header.filter((field) => isNumber(field) || /^\d{4}-\d\d-\d\d/.test(field));
  return values.length * 2 >= header.length;
}

function isNumber(text: string): boolean {
  return Number.isFinite(decimalNumber(text)); // what fromCsv takes for a number
}

/** The first lines of a file (at most 64 KiB, cut after the last whole line). */
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
    const text = buffer.subarray(0, n).toString('utf8');
    const end = n < buffer.length ? text.length : text.lastIndexOf('\n') + 1;
    return text.slice(0, end > 0 ? end : text.length);
  } finally {
    closeSync(fd);
  }
}
