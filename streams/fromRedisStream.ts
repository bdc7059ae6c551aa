import { Observable } from 'rxjs';
import { argumentError, checkOptions, checkPositiveInteger } from '../src/checks/argumentChecks.js';
import {
  compareOffsets,
  isOffset,
  type Offset,
  offsetAt,
  START_OFFSET,
} from '../src/fleet/offset.js';
import { sampleOfRecord } from '../src/fleet/sampleRecord.js';
import type { LogEntry, ShardedLog } from '../src/fleet/shardedLog.js';
import type { Sample } from '../src/samples/sample.js';

/** Whether `a` comes before `b` in a replay: by offset, then (for equal offsets) by shard. */
function before(a: LogEntry, b: LogEntry): boolean {
  const order = compareOffsets(a.offset, b.offset);
  return order < 0 || (order === 0 && a.shard < b.shard);
}

/**
 * Options of {@link fromRedisStream}.
 *
 * @example
 * ```ts
 * import type { FromRedisStreamOptions } from 'streamprop/streams';
 * const lastHour: FromRedisStreamOptions = { from: new Date(Date.now() - 3_600_000), shards: [0, 1, 2] };
 * ```
 */
export interface FromRedisStreamOptions {
  /** The shards to replay (default: all). */
  readonly shards?: readonly number[];
  /**
   * Where to start: a `Date` or a time in ms (the entries appended at or after it), or an offset
   * (the entries strictly after it, as a worker reads after its checkpoint). Default: the start.
   */
  readonly from?: Date | number | Offset;
  /** Keep going with new entries once the replay has caught up (default false: complete). */
  readonly follow?: boolean;
  /** Entries read per shard at a time (default 1,000). */
  readonly batch?: number;
}

/**
 * A sample replayed from a fleet's log, with the shard and offset it is stored at.
 *
 * @example
 * ```ts
 * import type { LoggedSample } from 'streamprop/streams';
 * const where = (s: LoggedSample) => `${s.shard}/${s.offset}`;
 * ```
 */
export interface LoggedSample extends Sample {
  readonly shard: number;
  readonly offset: Offset;
}

/**
 * Replays the samples of a fleet's sharded log (`redisLog(…)` from `streamprop/fleet`, or any
 * `ShardedLog`): the chosen shards from a time or an offset on, merged in the order they were
 * appended (by offset; equal offsets of two shards by shard number), each sample tagged with its shard and offset — to train or evaluate a
 * model offline on what the fleet learned, or to look at a key's history. With `follow`, it
 * then goes on with new entries as they come. Entries that are not samples arrive as malformed
 * samples (rejected and counted by the learner). Entries trimmed by the retention policy are gone.
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { redisLog } from 'streamprop/fleet';
 * import { fromRedisStream } from 'streamprop/streams';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * fromRedisStream(log, { from: new Date('2026-01-01') }).subscribe({
 *   next: (s) => console.log(s.key, s.shard, s.offset, s.y),
 *   complete: () => void log.close(),
 * });
 * ```
 */
export function fromRedisStream(
  log: ShardedLog,
  options: FromRedisStreamOptions = {},
): Observable<LoggedSample> {
  const owner = 'fromRedisStream';
  if (log === null || typeof log !== 'object' || typeof log.range !== 'function') {
    throw argumentError(owner, 'log', 'a ShardedLog (redisLog(…), memoryLog(…))', log, 'object');
  }
  checkOptions(owner, options);
  const batch = checkPositiveInteger(owner, 'batch', options.batch ?? 1000);
  const shards = options.shards ?? Array.from({ length: log.shards }, (_, s) => s);
  if (
    !Array.isArray(shards) ||
    shards.some((s) => !Number.isInteger(s) || s < 0 || s >= log.shards)
  ) {
    throw argumentError(owner, 'shards', `shard numbers in [0, ${log.shards - 1}]`, options.shards);
  }
  const from = options.from;
  let start: { inclusive: Offset } | { after: Offset };
  if (from === undefined) start = { after: START_OFFSET };
  else if (from instanceof Date && !Number.isNaN(from.getTime()))
    start = { inclusive: offsetAt(from.getTime()) };
  else if (typeof from === 'number' && Number.isFinite(from)) start = { inclusive: offsetAt(from) };
  else if (isOffset(from)) start = { after: from };
  else throw argumentError(owner, 'from', 'a Date, a time in ms or an offset "<ms>-<seq>"', from);

  return new Observable<LoggedSample>((subscriber) => {
    let closed = false;
    const emit = (entry: LogEntry): void => {
      const sample = sampleOfRecord(entry.body, `shard ${entry.shard}, entry ${entry.offset}`);
      subscriber.next({ ...sample, shard: entry.shard, offset: entry.offset });
    };
    (async () => {
      // The replay: a merge of the shards by offset, a page of each at a time.
      const after = new Map<number, Offset>();
      const buffers = new Map<number, LogEntry[]>();
      for (const shard of new Set(shards)) {
        if ('inclusive' in start) {
          const page = await log.range(shard, start.inclusive, batch);
          buffers.set(shard, page);
          after.set(shard, page.length > 0 ? page[page.length - 1].offset : start.inclusive);
        } else {
          buffers.set(shard, []);
          after.set(shard, start.after);
        }
      }
      const exhausted = new Set<number>();
      while (!closed) {
        for (const [shard, buffer] of buffers) {
          if (buffer.length > 0 || exhausted.has(shard)) continue;
          const page = await log.read(new Map([[shard, after.get(shard) as Offset]]), {
            count: batch,
          });
          if (page.length === 0) exhausted.add(shard);
          else {
            buffers.set(shard, page);
            after.set(shard, page[page.length - 1].offset);
          }
        }
        let next: LogEntry | undefined;
        for (const buffer of buffers.values()) {
          const head = buffer[0];
          if (
            head !== undefined &&
            (next === undefined || compareOffsets(head.offset, next.offset) < 0)
          )
            next = head;
        }
        if (next === undefined) break;
        (buffers.get(next.shard) as LogEntry[]).shift();
        emit(next);
      }
      // Following: what comes next, batch by batch, in offset order within each batch.
      while (!closed && options.follow === true) {
        const entries = await log.read(after, { count: batch, waitMs: 1000 });
        entries.sort((a, b) => (before(a, b) ? -1 : 1));
        for (const entry of entries) {
          if (closed) return;
          after.set(entry.shard, entry.offset);
          emit(entry);
        }
      }
      if (!closed) subscriber.complete();
    })().catch((error: unknown) => {
      if (!closed) subscriber.error(error);
    });
    return () => {
      closed = true;
    };
  });
}
