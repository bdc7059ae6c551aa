import { createReadStream } from 'node:fs';
import type { Transform } from 'node:stream';
import { Observable } from 'rxjs';
import {
  argumentError,
  checkLimit,
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOptions,
} from '../src/checks/argumentChecks.js';
import type { Sample } from '../src/samples/sample.js';
import { FeedError } from './feedError.js';
import { type Valve, valveOption } from './valve.js';

/**
 * Where and how fast a file feed ({@link fromCsv}, {@link fromNdjson}) replays its records.
 * Every record gives exactly one item (a sample, or a malformed one), in file order, so the
 * number of items taken is the read position: `skip` that many on a later run resumes right
 * after them.
 */
export interface ReplayOptions {
  /**
   * Records per second; omitted or 0: as fast as the subscriber takes them. The pace is kept on
   * average (a late timer is made up by emitting the records then due together), but a source
   * that stalls for more than a second does not build up more than a second of catching up.
   */
  readonly rate?: number;
  /** Records to pass over first, without making samples of them (default 0). */
  readonly skip?: number;
  /** Complete after this many items (default: at the end of the input). */
  readonly limit?: number;
  /**
   * While this valve is closed nothing is emitted and the input is read no further (its
   * stream's own back-pressure): back-pressure from a consumer such as `appendTo`.
   */
  readonly valve?: Valve;
}

/** The pace is kept from a schedule; more than this far behind, the schedule restarts. */
const MAX_CATCH_UP_MS = 1000;

/**
 * The Observable of a file feed: on each subscription, opens `source` (a path, read with a
 * stream of its own, closed on unsubscribe; or a readable stream, which is piped from and
 * released — unpiped and so paused, never destroyed — on unsubscribe), pipes it through a new
 * `parser(skip)` (a transform whose readable side holds samples, one per record past the first
 * `skip`) and emits its samples, at `rate`, up to `limit`. The parser is read only as fast as
 * samples are emitted, so a paced replay buffers a few chunks at most. A source that cannot be
 * read fails the Observable with an error naming `name` and the path (with the `code`, such as
 * `ENOENT`, of the cause); so does a parser error.
 *
 * @throws TypeError or RangeError naming `name` at once for a wrong source or option.
 *
 * @example
 * ```ts
 * import { Transform } from 'node:stream';
 * import { replay } from './replay.js';
 * const lines = (skip: number) => new Transform({
 *   readableObjectMode: true,
 *   transform(chunk, _encoding, done) {
 *     for (const line of String(chunk).split('\n').slice(skip)) if (line) this.push({ x: [Number(line)] });
 *     done();
 *   },
 * });
 * replay('numbers', 'numbers.txt', { rate: 10 }, lines).subscribe((s) => console.log(s.x));
 * ```
 */
export function replay(
  name: string,
  source: string | NodeJS.ReadableStream,
  options: ReplayOptions,
  parser: (skip: number) => Transform,
): Observable<Sample> {
  const isPath = typeof source === 'string';
  if (isPath ? source.length === 0 : !isReadable(source)) {
    throw argumentError(name, 'source', 'a file path or a readable stream', source, 'object');
  }
  checkOptions(name, options);
  const rate = checkNonNegativeNumber(name, 'rate', options.rate ?? 0);
  const skip = checkNonNegativeInteger(name, 'skip', options.skip ?? 0);
  const limit = checkLimit(name, 'limit', options.limit ?? Number.POSITIVE_INFINITY);
  const valve = valveOption(name, options.valve);
  const where = isPath ? source : 'the input stream';
  const interval = rate > 0 ? 1000 / rate : 0;

  return new Observable<Sample>((subscriber) => {
    if (limit === 0) {
      subscriber.complete();
      return undefined;
    }
    const file = isPath ? createReadStream(source) : undefined;
    const input: NodeJS.ReadableStream = file ?? (source as NodeJS.ReadableStream);
    const samples = parser(skip);
    let emitted = 0;
    let due = Number.NaN;
    let timer: NodeJS.Timeout | undefined;
    let shut: (() => void) | undefined;

    const pump = (): void => {
      if (timer !== undefined || shut !== undefined) return;
      while (!subscriber.closed) {
        if (valve !== undefined && !valve.isOpen) {
          shut = valve.whenOpen(() => {
            shut = undefined;
            pump();
          });
          return;
        }
        if (interval > 0) {
          const now = Date.now();
          if (!(now - due < MAX_CATCH_UP_MS)) due = now; // the first record, or a stall
          if (due > now) {
            timer = setTimeout(() => {
              timer = undefined;
              pump();
            }, due - now);
            return;
          }
        }
        const sample = samples.read() as Sample | null;
        if (sample === null) return; // 'readable' or 'end' follows
        due += interval;
        subscriber.next(sample);
        if (++emitted >= limit) subscriber.complete();
      }
    };
    const onInputError = (error: Error): void => {
      subscriber.error(
        Object.assign(
          new Error(`${name}: cannot read ${where}: ${error.message}`, { cause: error }),
          {
            code: (error as NodeJS.ErrnoException).code,
          },
        ),
      );
    };
    const onParserError = (error: Error): void => {
      subscriber.error(
        error instanceof FeedError
          ? error
          : new Error(`${name}: ${where}: ${error.message}`, { cause: error }),
      );
    };
    const onEnd = (): void => subscriber.complete();

    input.on('error', onInputError);
    samples.on('error', onParserError);
    samples.on('readable', pump);
    samples.on('end', onEnd);
    input.pipe(samples);

    return () => {
      clearTimeout(timer);
      shut?.();
      input.unpipe(samples);
      input.off('error', onInputError);
      samples.off('readable', pump);
      samples.off('end', onEnd);
      samples.destroy();
      if (file !== undefined) {
        file.on('error', () => {}); // an error already under way after closing goes nowhere
        file.destroy();
      }
    };
  });
}

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  const stream = value as Partial<NodeJS.ReadableStream> | null;
  return (
    stream !== null &&
    typeof stream === 'object' &&
    typeof stream.pipe === 'function' &&
    typeof stream.on === 'function' &&
    typeof stream.unpipe === 'function'
  );
}
