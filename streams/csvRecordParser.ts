import { type Options, Parser } from 'csv-parse';
import type { Sample } from '../src/samples/sample.js';
import type { BadLineKind, LineScanner, LineSink } from './lineScanner.js';

/** A line that {@link LineScanner} set aside, waiting for its place among the records. */
export interface SetAside {
  readonly line: number;
  readonly kind: BadLineKind;
  readonly preview: string;
}

/**
 * What csv-parse is given in place of a line set aside: one field of text no real record
 * holds, so that the line still counts as one record, at its place, and keeps the line count.
 */
export const SET_ASIDE = '\u0001streamprop: line set aside\u0001';
const SET_ASIDE_LINE = Buffer.from(`${SET_ASIDE}\n`, 'utf8');

/**
 * Why a line was set aside, as the malformed item says it.
 *
 * @example
 * ```ts
 * import { setAsideProblem } from './csvRecordParser.js';
 * setAsideProblem({ line: 3, kind: 'openQuote', preview: '1,"2' }, 1024); // 'leaves a quote open: …'
 * ```
 */
export function setAsideProblem(aside: SetAside, maxRecordBytes: number): string {
  return aside.kind === 'tooLarge'
    ? `is longer than ${maxRecordBytes} bytes (maxRecordBytes): passed over unread`
    : 'leaves a quote open: a quoted field must be closed on the line it starts on';
}

/**
 * csv-parse's stream, turning each record into an item as it is pushed — when the parser's
 * `info.lines` is the line the record ends on — at no cost per record beyond the call (its
 * `on_record` hook builds an information object for every record, which halves the speed). A
 * record turned into `null` is dropped; an error thrown (a column missing from the header)
 * fails the stream.
 *
 * Its input goes through a {@link LineScanner} first: csv-parse never sees a line longer than
 * the limit, nor one that leaves a quote open (it would take the lines after it for the rest of
 * the field): each such line is replaced by a line of its own text, {@link SET_ASIDE}, which
 * becomes one malformed item at its place. A record is therefore one line, held in memory at
 * most `maxRecordBytes` at a time.
 *
 * @example
 * ```ts
 * import { CsvRecordParser } from './csvRecordParser.js';
 * import { LineScanner } from './lineScanner.js';
 * const parser = new CsvRecordParser(new LineScanner({ maxBytes: 1024, csv: { quote: '"', delimiter: ',' } }), {}, (fields) => ({ x: fields.map(Number) }));
 * parser.end('1,2\n3,4\n');
 * ```
 */
export class CsvRecordParser extends Parser {
  readonly #toItem: (fields: string[], line: number) => Sample | null;
  readonly #scanner: LineScanner;
  readonly #aside: SetAside[] = [];
  #failed = false;

  constructor(
    scanner: LineScanner,
    options: Options,
    toItem: (fields: string[], line: number) => Sample | null,
  ) {
    super(options);
    this.#scanner = scanner;
    this.#toItem = toItem;
  }

  /** The oldest line set aside that has not met its place yet. */
  setAside(): SetAside | undefined {
    return this.#aside.shift();
  }

  override _transform(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const pieces = this.#scan((sink) => this.#scanner.push(bytes, sink));
    if (pieces === undefined) {
      callback();
      return;
    }
    super._transform(pieces, encoding, callback);
  }

  override _flush(callback: (error?: Error | null) => void): void {
    const pieces = this.#scan((sink) => this.#scanner.end(sink));
    if (pieces === undefined) {
      super._flush(callback);
      return;
    }
    super._transform(pieces, 'utf8', (error?: Error | null) => {
      if (error) callback(error);
      else super._flush(callback);
    });
  }

  /** The bytes for csv-parse of one scan, lines set aside replaced; `undefined`: none. */
  #scan(scan: (sink: LineSink) => void): Buffer | undefined {
    const pieces: Buffer[] = [];
    scan({
      good: (buffer, start, end) => {
        pieces.push(buffer.subarray(start, end));
      },
      bad: (line, kind, preview) => {
        this.#aside.push({ line, kind, preview });
        pieces.push(SET_ASIDE_LINE);
      },
    });
    if (pieces.length === 0) return undefined;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
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
