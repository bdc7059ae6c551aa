import { checkIdentifier, checkOptions, checkPositiveInteger } from '../checks/argumentChecks.js';
import { compareOffsets, type Offset, START_OFFSET } from './offset.js';
import type {
  CheckpointWrite,
  Lease,
  LogEntry,
  Member,
  ShardCheckpoint,
  ShardedLog,
  ShardInfo,
} from './shardedLog.js';
import { checkLease, checkShard, DEFAULT_SHARDS, readCount } from './shardedLogChecks.js';

/**
 * Options of {@link memoryLog}.
 *
 * @example
 * ```ts
 * import type { MemoryLogOptions } from 'streamprop/fleet';
 * let time = 0;
 * const options: MemoryLogOptions = { shards: 4, now: () => time };
 * ```
 */
export interface MemoryLogOptions {
  /** The number of shards (default 64). */
  readonly shards?: number;
  /** The fleet's name (default `memory`). */
  readonly name?: string;
  /** The clock of leases, announcements and offsets, in ms (default `Date.now`). */
  readonly now?: () => number;
}

interface MemoryShard {
  entries: LogEntry[];
  appended: number;
  last: [number, number];
  lease: { holder: string; epoch: number; expiresAt: number } | undefined;
  epoch: number;
  checkpoint: ShardCheckpoint | undefined;
  summaries: Map<string, string>;
}

/**
 * A {@link ShardedLog} in this process's memory, with the semantics of `redisLog` — offsets
 * `"<ms>-<seq>"`, leases that expire by `now()`, fenced checkpoint writes, announcements — and
 * no server: for tests of code written against the log, and for trying the fleet out.
 *
 * @example
 * ```ts
 * import { memoryLog } from 'streamprop/fleet';
 * const log = memoryLog({ shards: 2 });
 * await log.append([{ shard: 0, body: 'a' }, { shard: 0, body: 'b' }]);
 * const entries = await log.read(new Map([[0, '0-0']]));
 * console.log(entries.map((e) => e.body)); // ['a', 'b']
 * ```
 */
export function memoryLog(options: MemoryLogOptions = {}): ShardedLog {
  const owner = 'memoryLog';
  checkOptions(owner, options);
  const shards = checkPositiveInteger(owner, 'shards', options.shards ?? DEFAULT_SHARDS);
  const name = checkIdentifier(owner, 'name', options.name ?? 'memory');
  const now = options.now ?? Date.now;
  const state: MemoryShard[] = Array.from({ length: shards }, () => ({
    entries: [],
    appended: 0,
    last: [0, 0],
    lease: undefined,
    epoch: 0,
    checkpoint: undefined,
    summaries: new Map(),
  }));
  const announced = new Map<string, { expiresAt: number; info: string }>();
  let waiters: (() => void)[] = [];
  let closed = false;

  const shard = (method: string, s: unknown): MemoryShard =>
    state[checkShard(`${name}: ${method}`, s, shards)];
  const live = (s: MemoryShard): MemoryShard['lease'] => {
    if (s.lease !== undefined && s.lease.expiresAt <= now()) s.lease = undefined;
    return s.lease;
  };
  const holds = (s: MemoryShard, lease: Lease): boolean => {
    const current = live(s);
    return (
      current !== undefined && current.holder === lease.holder && current.epoch === lease.epoch
    );
  };
  const open = (): void => {
    if (closed) throw new Error(`${name}: the log is closed`);
  };
  const after = (entries: readonly LogEntry[], offset: Offset): number => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOffsets(entries[mid].offset, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const collect = (
    positions: ReadonlyMap<number, Offset>,
    count: number,
    limit: number,
  ): LogEntry[] => {
    const out: LogEntry[] = [];
    for (const [s, offset] of positions) {
      const entries = shard('read', s).entries;
      const from = after(entries, offset);
      const end = Math.min(entries.length, from + count, from + limit - out.length);
      for (let i = from; i < end; i++) out.push(entries[i]);
    }
    return out;
  };
  const memberList = (): Member[] => {
    const t = now();
    for (const [worker, m] of announced) if (m.expiresAt <= t) announced.delete(worker);
    return [...announced]
      .map(([worker, m]) => ({ name: worker, info: m.info, expiresAt: m.expiresAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };

  return {
    name,
    shards,
    async append(entries) {
      open();
      const offsets: Offset[] = [];
      for (const { shard: s, body } of entries) {
        const target = shard('append', s);
        const ms = Math.max(now(), target.last[0]);
        const seq = ms === target.last[0] ? target.last[1] + 1 : 0;
        target.last = [ms, seq];
        const offset = `${ms}-${seq}`;
        target.entries.push({ shard: s, offset, body: String(body) });
        target.appended++;
        offsets.push(offset);
      }
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
      return offsets;
    },
    async read(positions, readOptions = {}) {
      open();
      const { count, limit, waitMs } = readCount(`${name}: read`, readOptions);
      let out = collect(positions, count, limit);
      if (out.length > 0 || waitMs === 0) return out;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done(): void {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }
        waiters.push(done);
      });
      out = collect(positions, count, limit);
      return out;
    },
    async range(s, from, count) {
      open();
      const entries = shard('range', s).entries;
      checkPositiveInteger(`${name}: range`, 'count', count);
      let i = 0;
      while (i < entries.length && compareOffsets(entries[i].offset, from) < 0) i++;
      return entries.slice(i, i + count);
    },
    async trim(s, below) {
      open();
      const target = shard('trim', s);
      let i = 0;
      while (i < target.entries.length && compareOffsets(target.entries[i].offset, below) < 0) i++;
      target.entries.splice(0, i);
      return i;
    },
    async acquire(s, holder, ttlMs) {
      open();
      const target = shard('acquire', s);
      checkIdentifier(`${name}: acquire`, 'holder', holder);
      checkPositiveInteger(`${name}: acquire`, 'ttlMs', ttlMs);
      const current = live(target);
      if (current !== undefined && current.holder !== holder) return undefined;
      target.epoch++;
      target.lease = { holder, epoch: target.epoch, expiresAt: now() + ttlMs };
      return { shard: s, holder, epoch: target.epoch };
    },
    async renew(lease, ttlMs) {
      open();
      checkLease(`${name}: renew`, lease, shards);
      checkPositiveInteger(`${name}: renew`, 'ttlMs', ttlMs);
      const target = state[lease.shard];
      if (!holds(target, lease) || target.lease === undefined) return false;
      target.lease.expiresAt = now() + ttlMs;
      return true;
    },
    async release(lease) {
      open();
      checkLease(`${name}: release`, lease, shards);
      const target = state[lease.shard];
      if (!holds(target, lease)) return false;
      target.lease = undefined;
      return true;
    },
    async commit(lease, write: CheckpointWrite) {
      open();
      checkLease(`${name}: commit`, lease, shards);
      const target = state[lease.shard];
      if (!holds(target, lease)) return false;
      const previous = target.checkpoint;
      if (previous !== undefined && compareOffsets(write.offset, previous.offset) < 0) return false;
      const models = new Map(previous?.models ?? []);
      for (const [key, model] of write.models) {
        models.set(key, model);
        target.summaries.set(key, write.summaries.get(key) ?? '{}');
      }
      target.checkpoint = {
        shard: lease.shard,
        offset: write.offset,
        applied: write.applied,
        epoch: lease.epoch,
        holder: lease.holder,
        savedAt: now(),
        models,
      };
      return true;
    },
    async load(s) {
      open();
      return shard('load', s).checkpoint;
    },
    async inspect(s) {
      open();
      const target = shard('inspect', s);
      const info: ShardInfo = {
        shard: s,
        owner: live(target)?.holder,
        offset: target.checkpoint?.offset ?? START_OFFSET,
        applied: target.checkpoint?.applied ?? 0,
        appended: target.appended,
        length: target.entries.length,
        summaries: new Map(target.summaries),
      };
      return info;
    },
    async announce(worker, ttlMs, info = '') {
      open();
      checkIdentifier(`${name}: announce`, 'name', worker);
      checkPositiveInteger(`${name}: announce`, 'ttlMs', ttlMs);
      announced.set(worker, {
        expiresAt: now() + ttlMs,
        info: info !== '' ? info : (announced.get(worker)?.info ?? ''),
      });
      return memberList();
    },
    async depart(worker) {
      open();
      announced.delete(worker);
    },
    async members() {
      open();
      return memberList();
    },
    async close() {
      closed = true;
      for (const wake of waiters) wake();
      waiters = [];
    },
  };
}
