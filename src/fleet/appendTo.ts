import { Observable, type OperatorFunction } from 'rxjs';
import { type Valve, valveOption } from '../../streams/valve.js';
import {
  checkMethods,
  checkObject,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import type { Sample } from '../samples/sample.js';
import { sampleRecord } from './sampleRecord.js';
import type { ShardedLog } from './shardedLog.js';
import { shardOf } from './shardOf.js';

/**
 * Options of {@link appendTo}.
 *
 * @example
 * ```ts
 * import type { AppendOptions } from 'streamprop/fleet';
 * const options: AppendOptions = { maxInFlight: 10_000, maxWaiting: 10_000, batch: 500 };
 * ```
 */
export interface AppendOptions {
  /** At most this many samples sent and not yet acknowledged (default 10,000). */
  readonly maxInFlight?: number;
  /**
   * The waiting samples (received, not yet sent) at which the `valve` is closed; it opens again
   * once half of them are sent (default 10,000).
   */
  readonly maxWaiting?: number;
  /**
   * The valve of the source (the same one given to `fromCsv`, `fromNdjson`, `sensorFeed`, …):
   * closed while `maxWaiting` samples wait, so that the source stops and memory stays bounded.
   */
  readonly valve?: Valve;
  /** At most this many samples per round trip (default 500). */
  readonly batch?: number;
}

/**
 * Progress of {@link appendTo}, after each acknowledged batch.
 *
 * @example
 * ```ts
 * import type { AppendProgress } from 'streamprop/fleet';
 * const line = (p: AppendProgress) => `${p.appended} appended, ${p.waiting} waiting`;
 * ```
 */
export interface AppendProgress {
  /** Samples appended and acknowledged so far. */
  readonly appended: number;
  /** Samples sent, not yet acknowledged. */
  readonly inFlight: number;
  /** Samples received from the source and not yet sent (the source is faster than the log). */
  readonly waiting: number;
  /** The most samples that ever waited at once. */
  readonly mostWaiting: number;
}

/**
 * An operator that appends every sample to its shard of `log` (`shardOf(sample.key)`), in the
 * order they come, and emits the progress after each acknowledged batch; it completes once the
 * source completed and everything was acknowledged, and fails if an append fails. Appends are
 * pipelined — up to `maxInFlight` samples are on their way at once, in batches of `batch` — and
 * a sample its source could not parse is appended too, so that its key's worker rejects and
 * counts it. Samples arriving while `maxInFlight` are on their way wait, in order, and are
 * counted in `waiting`; a sample is encoded only when it is sent.
 *
 * **Back-pressure.** An RxJS source cannot be asked for less, so it is done with a `valve`
 * given both to the source and to `appendTo`: once `maxWaiting` samples wait the valve is
 * closed and the source stops (a file is then read no further), until half of them are sent.
 * The waiting queue is then bounded by `maxWaiting` plus at most one sample. A source that
 * cannot stop — an array (`from(array)`, all synchronous), a Subject, MQTT — is never refused a
 * sample either: its samples wait as they are (only those in flight are encoded), nothing is
 * lost and the order is kept, and `mostWaiting` tells how far the queue went.
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { appendTo, redisLog } from 'streamprop/fleet';
 * import { sensorFeed } from 'streamprop/streams';
 * import { last } from 'rxjs';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * sensorFeed({ rate: 0, limit: 100_000 })
 *   .pipe(appendTo(log), last())
 *   .subscribe((p) => console.log(`${p.appended} samples appended`));
 * ```
 */
export function appendTo(
  log: ShardedLog,
  options: AppendOptions = {},
): OperatorFunction<Sample, AppendProgress> {
  const owner = 'appendTo';
  checkObject(owner, 'log', log, 'a ShardedLog (redisLog(…), memoryLog(…))');
  checkMethods(owner, 'log', log, ['append']);
  checkOptions(owner, options);
  const maxInFlight = checkPositiveInteger(owner, 'maxInFlight', options.maxInFlight ?? 10_000);
  const maxWaiting = checkPositiveInteger(owner, 'maxWaiting', options.maxWaiting ?? 10_000);
  const valve = valveOption(owner, options.valve);
  const batch = checkPositiveInteger(owner, 'batch', options.batch ?? 500);
  const shards = log.shards;

  return (source) =>
    new Observable<AppendProgress>((subscriber) => {
      /** The samples received and not yet sent, from `head` on: encoded only when sent. */
      let queue: Sample[] = [];
      let head = 0;
      let mostWaiting = 0;
      let inFlight = 0;
      let appended = 0;
      let sourceDone = false;
      let scheduled = false;
      let failed = false;

      const send = (): void => {
        scheduled = false;
        while (!failed && head < queue.length && inFlight < maxInFlight) {
          const n = Math.min(batch, maxInFlight - inFlight, queue.length - head);
          const chunk = new Array<{ shard: number; body: string }>(n);
          for (let i = 0; i < n; i++) {
            const sample = queue[head + i];
            chunk[i] = { shard: shardOf(sample?.key, shards), body: sampleRecord(sample) };
          }
          queue.fill(undefined as unknown as Sample, head, head + n); // sent: no longer held
          head += n;
          inFlight += n;
          log.append(chunk).then(
            () => {
              inFlight -= n;
              appended += n;
              if (subscriber.closed) return;
              subscriber.next({ appended, inFlight, waiting: queue.length - head, mostWaiting });
              send();
            },
            (error: unknown) => {
              failed = true;
              subscriber.error(
                new Error(
                  `${owner}: appending to ${log.name} failed: ${(error as Error).message}`,
                  {
                    cause: error,
                  },
                ),
              );
            },
          );
        }
        if (head > 4096 && head * 2 > queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        if (valve !== undefined && !valve.isOpen && queue.length - head <= maxWaiting / 2) {
          valve.open();
        }
        if (sourceDone && inFlight === 0 && head >= queue.length) subscriber.complete();
      };
      const schedule = (): void => {
        if (scheduled) return;
        scheduled = true;
        queueMicrotask(send);
      };

      const upstream = source.subscribe({
        next: (sample) => {
          queue.push(sample);
          const waiting = queue.length - head;
          if (waiting > mostWaiting) mostWaiting = waiting;
          if (valve !== undefined && waiting >= maxWaiting) valve.close();
          if (waiting >= batch) send();
          else schedule();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          schedule();
        },
      });
      return () => upstream.unsubscribe();
    });
}
