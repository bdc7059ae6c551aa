/** Why {@link LineScanner} set a line aside. */
export type BadLineKind = 'tooLarge' | 'openQuote';

/** What a {@link LineScanner} hands on. */
export interface LineSink {
  /**
   * Bytes `[start, end)` of `buffer`: one or more complete good lines with their line ends (with
   * `perLine`, exactly one line, without its `\n`; a last line may have no line end). The
   * buffer is valid only during the call.
   */
  good(buffer: Buffer, start: number, end: number): void;
  /**
   * Line `line` (1-based, every line counted) was set aside: longer than the limit (its bytes
   * beyond the limit were never held) or, with a quote character, a quote left open at its end.
   * `preview` is its first 201 bytes, as text.
   */
  bad(line: number, kind: BadLineKind, preview: string): void;
}

/** Options of {@link LineScanner}. */
export interface LineScannerOptions {
  /** The longest line accepted, in bytes, its line end not counted. */
  readonly maxBytes: number;
  /**
   * CSV quoting: the quote and the delimiter (and the comment marker, if any). A field that
   * starts with the quote must end on the same line (a quote doubled inside is a quote); a
   * line whose quoted field is still open at its end is set aside as `openQuote`, so that the
   * damage of a stray quote stays on its own line.
   */
  readonly csv?: { readonly quote: string; readonly delimiter: string; readonly comment?: string };
  /** Hand on one line per {@link LineSink.good} call (NDJSON); default: spans of lines (CSV). */
  readonly perLine?: boolean;
}

const NEWLINE = 10;
const CR = 13;
/** Bytes kept of a line set aside: one more than a malformed item shows, so that it shows a cut. */
const PREVIEW = 201;

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one line, and
 * sets aside the lines a record reader must not see whole: those longer than the limit (only
 * their first 200 bytes are kept, for the message) and, for CSV, those that leave a quoted
 * field open. Every other byte is handed on unchanged, in order. A `\n` ends a line; a `\r`
 * before it belongs to the line end. Lines are counted from 1, blank ones included.
 *
 * For each chunk only the unfinished last line is copied (to be completed by the next chunk);
 * lines without the quote character are not looked at byte by byte.
 *
 * @example
 * ```ts
 * import { LineScanner } from './lineScanner.js';
 * const scanner = new LineScanner({ maxBytes: 10, csv: { quote: '"', delimiter: ',' } });
 * const sink = {
 *   good: (b: Buffer, s: number, e: number) => console.log(JSON.stringify(b.toString('utf8', s, e))),
 *   bad: (line: number, kind: string) => console.log(line, kind),
 * };
 * scanner.push(Buffer.from('1,2\n"3,4\n5,6\n12345678901,2\n'), sink); // "1,2\n", 2 openQuote, "5,6\n", 4 tooLarge
 * scanner.end(sink);
 * ```
 */
export class LineScanner {
  private readonly maxBytes: number;
  private readonly perLine: boolean;
  private readonly quote: Buffer | undefined;
  private readonly delimiter: Buffer | undefined;
  private readonly comment: Buffer | undefined;
  /** The unfinished line, from earlier chunks (at most `maxBytes` + a CR). */
  private held: Buffer = Buffer.alloc(0);
  /** The unfinished line is too long: its bytes are passed over up to its line end. */
  private overlong = false;
  /** The first bytes of that line, for the message, and how long it is so far. */
  private preview: Buffer = EMPTY;
  private overlongBytes = 0;
  /** Lines finished so far. */
  private lines = 0;

  constructor(options: LineScannerOptions) {
    this.maxBytes = options.maxBytes;
    this.perLine = options.perLine ?? false;
    const csv = options.csv;
    if (csv !== undefined) {
      this.quote = Buffer.from(csv.quote, 'utf8');
      this.delimiter = Buffer.from(csv.delimiter, 'utf8');
      this.comment = csv.comment === undefined ? undefined : Buffer.from(csv.comment, 'utf8');
    }
  }

  /** Scans the next chunk, handing its complete lines on to `sink`. */
  push(chunk: Buffer, sink: LineSink): void {
    const data = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    this.held = EMPTY;
    if (this.overlong) {
      const stop = data.indexOf(NEWLINE);
      const length = stop === -1 ? data.length : stop;
      this.overlongBytes += length;
      const want = PREVIEW - this.preview.length;
      if (want > 0) {
        this.preview = Buffer.concat([this.preview, data.subarray(0, Math.min(length, want))]);
      }
    }
    let lineStart = 0;
    let spanStart = 0; // the good lines not handed on yet start here
    let quoteAt = this.quote === undefined ? -1 : data.indexOf(this.quote);
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, lineStart)) {
      this.lines++;
      let kind: BadLineKind | undefined;
      let preview = '';
      if (this.overlong) {
        kind = 'tooLarge';
        preview = this.overlongPreview();
      } else {
        const stop = end > lineStart && data[end - 1] === CR ? end - 1 : end;
        if (stop - lineStart > this.maxBytes) {
          kind = 'tooLarge';
        } else if (quoteAt !== -1 && quoteAt < stop) {
          if (quoteAt < lineStart) quoteAt = data.indexOf(this.quote as Buffer, lineStart);
          if (quoteAt !== -1 && quoteAt < stop && this.leavesQuoteOpen(data, lineStart, stop)) {
            kind = 'openQuote';
          }
        }
        if (kind !== undefined)
          preview = data.toString('utf8', lineStart, Math.min(stop, lineStart + PREVIEW));
      }
      if (kind !== undefined) {
        if (spanStart < lineStart) sink.good(data, spanStart, lineStart);
        sink.bad(this.lines, kind, preview);
        spanStart = end + 1;
      } else if (this.perLine) {
        const stop = end > lineStart && data[end - 1] === CR ? end - 1 : end;
        sink.good(data, lineStart, stop);
        spanStart = end + 1;
      }
      lineStart = end + 1;
      if (quoteAt !== -1 && quoteAt < lineStart) {
        quoteAt = data.indexOf(this.quote as Buffer, lineStart);
      }
    }
    if (!this.perLine && spanStart < lineStart) sink.good(data, spanStart, lineStart);
    // The unfinished last line: kept for the next chunk, unless it is already too long.
    if (this.overlong) return;
    const rest = data.length - lineStart;
    if (rest > this.maxBytes + 1) {
      this.overlong = true;
      this.preview = Buffer.from(data.subarray(lineStart, lineStart + PREVIEW));
      this.overlongBytes = rest;
    } else if (rest > 0) {
      this.held = Buffer.from(data.subarray(lineStart)); // a copy: the chunk is not retained
    }
  }

  /** Hands on the last line, when the input did not end with a line end. */
  end(sink: LineSink): void {
    if (this.overlong) {
      sink.bad(++this.lines, 'tooLarge', this.overlongPreview());
      return;
    }
    const data = this.held;
    this.held = EMPTY;
    if (data.length === 0) return;
    this.lines++;
    const stop = data[data.length - 1] === CR ? data.length - 1 : data.length;
    if (stop > this.maxBytes) {
      sink.bad(this.lines, 'tooLarge', data.toString('utf8', 0, Math.min(stop, PREVIEW)));
    } else if (this.quote !== undefined && this.leavesQuoteOpen(data, 0, stop)) {
      sink.bad(this.lines, 'openQuote', data.toString('utf8', 0, Math.min(stop, PREVIEW)));
    } else {
      sink.good(data, 0, this.perLine ? stop : data.length);
    }
  }

  /** The preview of the overlong line that just ended (without the CR of its line end), reset. */
  private overlongPreview(): string {
    const bytes = this.preview;
    const whole = bytes.length === this.overlongBytes; // the line's last byte is in it
    const n =
      whole && bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    this.overlong = false;
    this.preview = EMPTY;
    this.overlongBytes = 0;
    return bytes.toString('utf8', 0, n);
  }

  /**
   * Whether the CSV line `[start, stop)` ends inside a quoted field: a field that starts with
   * the quote is quoted up to a quote that is not doubled; a quote elsewhere is text.
   */
  private leavesQuoteOpen(data: Buffer, start: number, stop: number): boolean {
    const quote = this.quote as Buffer;
    const delimiter = this.delimiter as Buffer;
    const comment = this.comment;
    let fieldStart = true;
    let quoted = false;
    for (let i = start; i < stop; ) {
      if (quoted) {
        if (matchAt(data, i, stop, quote)) {
          if (matchAt(data, i + quote.length, stop, quote)) {
            i += 2 * quote.length; // a doubled quote: a quote in the text
            continue;
          }
          quoted = false;
          i += quote.length;
          continue;
        }
        i++;
        continue;
      }
      if (fieldStart && matchAt(data, i, stop, quote)) {
        quoted = true;
        fieldStart = false;
        i += quote.length;
        continue;
      }
      if (comment !== undefined && matchAt(data, i, stop, comment)) return false;
      if (matchAt(data, i, stop, delimiter)) {
        fieldStart = true;
        i += delimiter.length;
        continue;
      }
      fieldStart = false;
      i++;
    }
    return quoted;
  }
}

const EMPTY = Buffer.alloc(0);

/** Whether the bytes of `sequence` are at `data[i…]`, before `stop`. */
function matchAt(data: Buffer, i: number, stop: number, sequence: Buffer): boolean {
  if (i + sequence.length > stop) return false;
  for (let k = 0; k < sequence.length; k++) if (data[i + k] !== sequence[k]) return false;
  return true;
}
