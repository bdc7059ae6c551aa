import {
  type KeySummary,
  type MergedSummary,
  mergeSummaries,
  parseKeySummary,
} from './keySummary.js';
import type { Offset } from './offset.js';
import type { Member, ShardedLog } from './shardedLog.js';

/**
 * The state of a fleet as its log records it: each shard's owner, checkpoint offset and lag
 * (entries appended but not yet in its checkpoint), the live workers, and each key's counts as
 * checkpointed — what `streamprop status --redis --json` prints.
 *
 * @example
 * ```ts
 * import type { FleetStatus } from 'streamprop/fleet';
 * const behind = (s: FleetStatus) => s.shards.filter((shard) => shard.lag > 1000).map((shard) => shard.shard);
 * ```
 */
export interface FleetStatus {
  readonly prefix: string;
  readonly shards: readonly ShardStatus[];
  readonly workers: readonly Member[];
  /** Each key's samples learned and rejected, as of its shard's checkpoint. */
  readonly keys: Readonly<Record<string, { readonly learned: number; readonly rejected: number }>>;
  /** Everything added up; `byWorker`: the keys each worker checkpointed last, merged. */
  readonly totals: {
    readonly appended: number;
    readonly applied: number;
    readonly lag: number;
    readonly learned: number;
    readonly rejected: number;
    /** Key summaries that could not be read (left out of the figures). */
    readonly unreadable: number;
  };
  readonly merged: MergedSummary;
  readonly byWorker: Readonly<Record<string, MergedSummary>>;
}

/** One shard in a {@link FleetStatus}. */
export interface ShardStatus {
  readonly shard: number;
  readonly owner: string | null;
  readonly offset: Offset;
  readonly applied: number;
  readonly appended: number;
  readonly lag: number;
  readonly length: number;
}

/**
 * Reads the status of a fleet from its log (see {@link FleetStatus}).
 *
 * @example
 * ```ts
 * import { fleetStatus, redisLog } from 'streamprop/fleet';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * const status = await fleetStatus(log);
 * console.log(status.totals.lag, Object.keys(status.keys).length);
 * await log.close();
 * ```
 */
export async function fleetStatus(log: ShardedLog): Promise<FleetStatus> {
  const shards: ShardStatus[] = [];
  const keys: Record<string, { learned: number; rejected: number }> = {};
  const summaries: KeySummary[] = [];
  const byWorker = new Map<string, KeySummary[]>();
  let unreadable = 0;
  // Asked all at once: a Redis client sends them in a few round trips.
  const infos = await Promise.all(Array.from({ length: log.shards }, (_, s) => log.inspect(s)));
  for (const info of infos) {
    const shard = info.shard;
    shards.push({
      shard,
      owner: info.owner ?? null,
      offset: info.offset,
      applied: info.applied,
      appended: info.appended,
      lag: Math.max(0, info.appended - info.applied),
      length: info.length,
    });
    for (const [key, text] of info.summaries) {
      const summary = parseKeySummary(text);
      if (summary === undefined) {
        unreadable++;
        continue;
      }
      keys[key] = { learned: summary.learned, rejected: summary.rejected };
      summaries.push(summary);
      const list = byWorker.get(summary.worker) ?? [];
      list.push(summary);
      byWorker.set(summary.worker, list);
    }
  }
  const merged = mergeSummaries(summaries);
  const sum = (f: (s: ShardStatus) => number): number => shards.reduce((n, s) => n + f(s), 0);
  return {
    prefix: log.name,
    shards,
    workers: await log.members(),
    keys,
    totals: {
      appended: sum((s) => s.appended),
      applied: sum((s) => s.applied),
      lag: sum((s) => s.lag),
      learned: merged.learned,
      rejected: merged.rejected,
      unreadable,
    },
    merged,
    byWorker: Object.fromEntries([...byWorker].map(([w, list]) => [w, mergeSummaries(list)])),
  };
}
