import { Transform } from 'node:stream';
import type { Observable } from 'rxjs';
import { checkFunction, checkOptions, checkPositiveInteger } from '../src/checks/argumentChecks.js';
import type { Sample } from '../src/samples/sample.js';
import { LineScanner, type LineSink } from './lineScanner.js';
import { malformedSample } from './malformedSample.js';
import { type ReplayOptions, replay } from './replay.js';
import { sampleFromJson } from './sampleFromJson.js';

/** Options of {@link fromNdjson}. */
export interface FromNdjsonOptions extends ReplayOptions {
  /**
   * Builds the sample of each line from its parsed JSON value (any JSON value: an array, a
   * number, an object of another shape) and its 1-based line number. When it throws or returns
   * a non-object the line gives a malformed item instead. Without it, each line must be a
   * sample object `{ x, y?, key?, id?, t? }`.
   */
  readonly map?: (value: unknown, line: number) => Sample;
  /**
   * The longest line accepted, in bytes (default 1,048,576, 1 MiB): a longer one gives one
   * item rejected as `tooLarge` and is passed over without ever being held in memory whole.
   */
  readonly maxRecordBytes?: number;
}

/**
 * Replays newline-delimited JSON — a file, or a stream such as `process.stdin` — as samples,
 * one line at a time as it streams in (a UTF-8 byte order mark at the start is passed over;
 * `\n` or `\r\n` line ends; a last line without a line
 * end is read too).
 *
 * **Lines.** Each line holds one sample `{ x, y?, key?, id?, t? }` (`t` in milliseconds since
 * the epoch, or a date text such as ISO 8601); a new sample is made of those fields only. Or
 * `map(value, line)` builds the sample from whatever JSON the line holds.
 *
 * **One item per non-blank line**, in order. Blank lines (empty or only whitespace) are no
 * records: they give no item and are not counted, so the number of items taken is the read
 * position and `skip: n` resumes right after the first `n` non-blank lines (skipped lines are
 * not even parsed). `limit` stops after that many items, `rate` replays so many lines per
 * second (the input is then read only as fast as that).
 *
 * **Bad lines never stop the feed.** A line that is not valid JSON, not an object (without
 * `map`), with an `x` that is not an array, a `y` that is neither a number nor an array, a
 * `key`/`id` that is neither text nor a finite number, or a `t` that is not a time, gives a
 * *malformed* item — `{ x: [], malformed: { field: 'line 17', value:
 * <the line, cut to about 200 characters>, problem: 'is not valid JSON (…)' } }`, keeping the
 * `key`, `id` and `t` that could be read — which `train(…, { onInvalid: 'skip' })` rejects and
 * `rollingMetrics` counts under `rejectedByReason.malformed`, and which with the default
 * `onInvalid: 'error'` fails the stream with a `SampleError` naming the line. The numbers
 * inside `x` and `y` are checked by the learner (rejected as `notNumber`, `nonFinite` or
 * `length`).
 *
 * **Errors and closing.** A file that cannot be opened fails the Observable with an error
 * naming the path (with its `code`, such as `ENOENT`). Unsubscribing stops reading and closes
 * a file; a stream passed in (`process.stdin`) is only unpiped, and so paused — never closed or
 * destroyed — so the process goes on (and exits when nothing else keeps it alive); a later
 * subscription reads on from where the stream is (lines already read ahead by the earlier
 * one are lost).
 *
 * @param source A file path, or a readable stream of NDJSON text such as `process.stdin`.
 * @throws TypeError or RangeError naming `fromNdjson` at once for a wrong argument.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { dense, linear, mse, network, rollingMetrics, train } from 'streamprop';
 * import { fromNdjson } from 'streamprop/streams';
 * writeFileSync('samples.ndjson', '{"x":[0.1,0.2],"y":0.3}\n{"x":[0.2,\n\n{"x":[0.3,0.1],"y":0.4,"key":"a"}\n');
 * const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
 * fromNdjson('samples.ndjson')
 *   .pipe(train(net, { loss: mse(), onInvalid: 'skip' }), rollingMetrics({ window: 100, every: 1 }))
 *   .subscribe((m) => console.log(m.samples, m.rejectedByReason.malformed)); // 1 0, 2 1, 3 1
 *
 * // samples piped in, `some-producer | node learn.js`, 20 per second at most:
 * fromNdjson(process.stdin, { rate: 20 }).subscribe((s) => console.log(s.x));
 * // lines that are plain arrays [x1, x2, y]:
 * fromNdjson('rows.ndjson', { map: (v) => { const a = v as number[]; return { x: a.slice(0, 2), y: a[2] }; } });
 * ```
 */
export function fromNdjson(
  source: string | NodeJS.ReadableStream,
  options: FromNdjsonOptions = {},
): Observable<Sample> {
  checkOptions('fromNdjson', options);
  const { map, maxRecordBytes = 1_048_576 } = options;
  if (map !== undefined) checkFunction('fromNdjson', 'map', map);
  checkPositiveInteger('fromNdjson', 'maxRecordBytes', maxRecordBytes);
  return replay('fromNdjson', source, options, (skip) => lineSamples(skip, map, maxRecordBytes));
}

/**
 * The transform from NDJSON bytes to samples: one per non-blank line past the first `skip`.
 * Lines are cut out of the bytes as they come ({@link LineScanner}); only the unfinished last
 * line is held, never more than `maxRecordBytes` of it: a longer line gives one `tooLarge`
 * item and its bytes are passed over.
 */
function lineSamples(
  skip: number,
  map: FromNdjsonOptions['map'],
  maxRecordBytes: number,
): Transform {
  const scanner = new LineScanner({ maxBytes: maxRecordBytes, perLine: true });
  let line = 0; // lines finished so far
  let seen = 0; // non-blank lines so far, skipped ones included
  let out: Transform;
  const sink: LineSink = {
    good(buffer, from, end) {
      line++;
      const start = line === 1 && startsWithBom(buffer, from, end) ? from + 3 : from;
      if (!hasText(buffer, start, end)) return;
      if (++seen <= skip) return;
      const text = buffer.toString('utf8', start, end);
      const where = `line ${line}`;
      out.push(
        map === undefined
          ? sampleFromJson(text, where)
          : sampleFromJson(text, where, (v) => map(v, line)),
      );
    },
    bad(at, _kind, preview) {
      line = at;
      if (++seen <= skip) return;
      out.push(
        malformedSample(
          `line ${at}`,
          preview,
          `is longer than ${maxRecordBytes} bytes (maxRecordBytes): passed over unread`,
          undefined,
          'tooLarge',
        ),
      );
    },
  };
  out = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _encoding, done) {
      scanner.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, sink);
      done();
    },
    flush(done) {
      scanner.end(sink);
      done();
    },
  });
  return out;
}

/** Whether bytes `[start, end)` begin with a UTF-8 byte order mark (EF BB BF). */
function startsWithBom(buffer: Uint8Array, start: number, end: number): boolean {
  return (
    end - start >= 3 &&
    buffer[start] === 0xef &&
    buffer[start + 1] === 0xbb &&
    buffer[start + 2] === 0xbf
  );
}

/** Whether bytes `[start, end)` hold anything but spaces, tabs and line ends. */
function hasText(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buffer[i];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 11 && c !== 12) return true;
  }
  return false;
}
