import { concatMap, defer, exhaustMap, from, type Observable, timer } from 'rxjs';
import { checkFunction, checkOptions, checkPositiveInteger } from '../checks/argumentChecks.js';
import type { ErrorMetrics, MetricsSnapshot, RejectionCounts } from '../metrics/metricsSnapshot.js';
import { REJECTION_REASONS } from '../samples/rejection.js';
import type { ErrorFigures } from './keyErrors.js';
import {
  type KeySummary,
  type MergedSummary,
  mergeSummaries,
  parseKeySummary,
} from './keySummary.js';
import type { ShardedLog } from './shardedLog.js';

/**
 * The key of the fleet's total in {@link fleetMetrics}: every key of every worker, merged.
 *
 * @example
 * ```ts
 * import { FLEET_TOTAL_KEY } from 'streamprop/fleet';
 * console.log(FLEET_TOTAL_KEY); // (all keys)
 * ```
 */
export const FLEET_TOTAL_KEY = '(all keys)';

/**
 * The key of one worker's figures in {@link fleetMetrics}: `(worker NAME)`.
 *
 * @example
 * ```ts
 * import { fleetWorkerKey } from 'streamprop/fleet';
 * console.log(fleetWorkerKey('w1')); // (worker w1)
 * ```
 */
export const fleetWorkerKey = (name: string): string => `(worker ${name})`;

/**
 * Options of {@link fleetMetrics}.
 *
 * @example
 * ```ts
 * import type { FleetMetricsOptions } from 'streamprop/fleet';
 * const options: FleetMetricsOptions = { everyMs: 2000, onError: (e) => console.error(e) };
 * ```
 */
export interface FleetMetricsOptions {
  /** Read the checkpoints this often, in ms (default 1,000). */
  readonly everyMs?: number;
  /** Told when a reading fails (Redis away); the next one is tried as usual (default: nothing). */
  readonly onError?: (error: unknown) => void;
  /** The clock, in ms (default `Date.now`): `t` of the snapshots and their samples per second. */
  readonly now?: () => number;
}

/**
 * The metrics of a whole fleet, as the checkpoints in its log record them: every `everyMs`, it
 * reads every shard's key summaries and emits, for what changed since the last reading, one
 * {@link MetricsSnapshot} per key (its own key), per worker ({@link fleetWorkerKey}: the keys
 * that worker checkpointed last) and for the fleet ({@link FLEET_TOTAL_KEY}: every key). Each
 * is the merge of the keys' metric states with the metrics' own `merge` ({@link mergeSummaries}),
 * so every figure is exact — that of all their predictions together, not an average of
 * averages. What `streamprop serve --redis` serves: `serve(EMPTY, { metricsFrom: fleetMetrics(log) })`.
 *
 * The top-level figures and `total` are over every prediction since the keys' start
 * (prequential); `ewma` holds the keys' recent errors merged. `samples` and `seq` count the
 * samples applied (learned or rejected); `samplesPerSecond` is their rate since the latest
 * emission of the same key at an earlier time.
 * The figures are as fresh as the checkpoints (a worker writes them every `checkpointSeconds`
 * or `checkpointEvery` entries). A reading that fails is skipped (and told to `onError`); an
 * unreadable summary is left out. Cold: each subscription polls the log on its own.
 *
 * @example
 * ```ts
 * import { FLEET_TOTAL_KEY, fleetMetrics, redisLog } from 'streamprop/fleet';
 * import { serve } from 'streamprop/serve';
 * import { EMPTY } from 'rxjs';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * fleetMetrics(log).subscribe((m) => {
 *   if (m.key === FLEET_TOTAL_KEY) console.log(m.samples, m.rmse);
 * });
 * const server = await serve(EMPTY, { metricsFrom: fleetMetrics(log) });
 * console.log(server.url);
 * ```
 */
export function fleetMetrics(
  log: ShardedLog,
  options: FleetMetricsOptions = {},
): Observable<MetricsSnapshot> {
  checkOptions('fleetMetrics', options);
  const everyMs = checkPositiveInteger('fleetMetrics', 'everyMs', options.everyMs ?? 1000);
  const onError =
    options.onError === undefined
      ? () => {}
      : checkFunction<(error: unknown) => void>('fleetMetrics', 'onError', options.onError);
  const now =
    options.now === undefined
      ? Date.now
      : checkFunction<() => number>('fleetMetrics', 'now', options.now);
  return defer(() => {
    // Per key, its last emission and the latest one at an earlier time (the base of its rate).
    type Seen = { samples: number; t: number; base: Seen | undefined };
    const seen = new Map<string, Seen>();
    const reading = async (): Promise<MetricsSnapshot[]> => {
      const summaries = await readSummaries(log);
      const t = now();
      const snapshots: MetricsSnapshot[] = [];
      const emit = (key: string, merged: MergedSummary, learningRate: number | null) => {
        const samples = merged.learned + merged.rejected;
        const before = seen.get(key);
        if (before !== undefined && before.samples === samples) return;
        const base = before === undefined || t > before.t ? before : before.base;
        seen.set(key, { samples, t, base });
        const perSecond =
          base === undefined ? undefined : ((samples - base.samples) * 1000) / (t - base.t);
        snapshots.push(snapshotOf(key, merged, { t, learningRate, samplesPerSecond: perSecond }));
      };
      const byWorker = new Map<string, KeySummary[]>();
      for (const summary of summaries.values()) {
        const list = byWorker.get(summary.worker) ?? [];
        list.push(summary);
        byWorker.set(summary.worker, list);
      }
      emit(FLEET_TOTAL_KEY, mergeSummaries(summaries.values()), null);
      for (const [worker, list] of byWorker)
        emit(fleetWorkerKey(worker), mergeSummaries(list), null);
      for (const [key, summary] of summaries) {
        emit(key, mergeSummaries([summary]), summary.learningRate);
      }
      return snapshots;
    };
    return timer(0, everyMs).pipe(
      exhaustMap(() =>
        from(
          reading().catch((error: unknown) => {
            onError(error);
            return [] as MetricsSnapshot[];
          }),
        ),
      ),
      concatMap((snapshots) => snapshots),
    );
  });
}

/** Every key's summary as checkpointed, read from all the shards at once. */
async function readSummaries(log: ShardedLog): Promise<Map<string, KeySummary>> {
  const infos = await Promise.all(Array.from({ length: log.shards }, (_, s) => log.inspect(s)));
  const summaries = new Map<string, KeySummary>();
  for (const info of infos) {
    for (const [key, text] of info.summaries) {
      const summary = parseKeySummary(text);
      if (summary !== undefined) summaries.set(key, summary);
    }
  }
  return summaries;
}

/** The snapshot of merged summaries: top level and `total` since the start, `ewma` recent. */
function snapshotOf(
  key: string,
  merged: MergedSummary,
  at: { t: number; learningRate: number | null; samplesPerSecond: number | undefined },
): MetricsSnapshot {
  const samples = merged.learned + merged.rejected;
  const rejectedByReason = Object.fromEntries(
    REJECTION_REASONS.map((reason) => [reason, merged.rejectedByReason[reason] ?? 0]),
  ) as unknown as RejectionCounts;
  const total = errorMetricsOf(merged.total);
  return {
    ...total,
    seq: samples,
    t: at.t,
    key,
    samples,
    learningRate: at.learningRate ?? undefined,
    samplesPerSecond: at.samplesPerSecond,
    rejected: merged.rejected,
    rejectedByReason,
    drifts: merged.drifts,
    ewma: errorMetricsOf(merged.recent),
    total,
  };
}

function errorMetricsOf(figures: ErrorFigures): ErrorMetrics {
  return {
    count: figures.count,
    mse: figures.mse ?? undefined,
    rmse: figures.rmse ?? undefined,
    mae: figures.mae ?? undefined,
    r2: figures.r2 ?? undefined,
    accuracy: undefined,
    logLoss: undefined,
  };
}
