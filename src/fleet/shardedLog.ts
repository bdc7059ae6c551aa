import type { Offset } from './offset.js';

/**
 * One entry of a shard's log: where it is and what it holds (the text an ingester appended,
 * for samples the JSON of one sample).
 *
 * @example
 * ```ts
 * import type { LogEntry } from 'streamprop/fleet';
 * const entry: LogEntry = { shard: 3, offset: '1763840000123-0', body: '{"x":[1,2],"y":3,"key":"a"}' };
 * ```
 */
export interface LogEntry {
  readonly shard: number;
  readonly offset: Offset;
  readonly body: string;
}

/**
 * The entries of one shard that a read gave, as bytes: for each entry in order its offset, a
 * space, the length in bytes of its body, a space, and the body's UTF-8 bytes
 * (`1763840000123-0 5 hello1763840000124-0 …`). Workers read these in place, making no text
 * per entry (see {@link ShardedLog.readBytes}).
 *
 * @example
 * ```ts
 * import type { ShardBytes } from 'streamprop/fleet';
 * const part: ShardBytes = { shard: 3, bytes: Buffer.from('1763840000123-0 5 hello') };
 * ```
 */
export interface ShardBytes {
  readonly shard: number;
  readonly bytes: Buffer;
}

/**
 * The right to work on one shard, until it expires or is released: `epoch` grows by one each
 * time anyone takes the shard, and every checkpoint write names it, so a holder that lost the
 * lease (it froze, the network parted) has its later writes refused — fencing.
 *
 * @example
 * ```ts
 * import type { Lease } from 'streamprop/fleet';
 * const lease: Lease = { shard: 3, holder: 'worker-a', epoch: 17 };
 * ```
 */
export interface Lease {
  readonly shard: number;
  readonly holder: string;
  readonly epoch: number;
}

/**
 * What a fenced checkpoint write sets: the offset of the last entry applied, the count of
 * entries applied on the shard since its start, and, for each key that changed since the
 * previous checkpoint, its whole state (`models`) and a small summary (`summaries`, read by
 * `status` and the fleet view without loading the models).
 *
 * @example
 * ```ts
 * import type { CheckpointWrite } from 'streamprop/fleet';
 * const write: CheckpointWrite = {
 *   offset: '1763840000123-0',
 *   applied: 1200,
 *   models: new Map([['sensor-1', '{"format":"streamprop-checkpoint","…":"…"}']]),
 *   summaries: new Map([['sensor-1', '{"learned":1199,"rejected":1}']]),
 * };
 * ```
 */
export interface CheckpointWrite {
  readonly offset: Offset;
  readonly applied: number;
  readonly models: ReadonlyMap<string, string>;
  readonly summaries: ReadonlyMap<string, string>;
}

/**
 * A shard's checkpoint as stored: every key's state and the position it was taken at.
 *
 * @example
 * ```ts
 * import type { ShardCheckpoint } from 'streamprop/fleet';
 * const resumeFrom = (c: ShardCheckpoint | undefined) => c?.offset ?? '0-0';
 * ```
 */
export interface ShardCheckpoint {
  readonly shard: number;
  /** The offset of the last entry the models have learned. */
  readonly offset: Offset;
  /** Entries applied on the shard since its start (learned and rejected). */
  readonly applied: number;
  /** The lease epoch and holder that wrote it, and when (ms since the epoch, the writer's clock). */
  readonly epoch: number;
  readonly holder: string;
  readonly savedAt: number;
  /** Each key's state, as written. */
  readonly models: ReadonlyMap<string, string>;
}

/**
 * What the status of a shard shows: who holds it, how far its checkpoint is, how many entries
 * were ever appended, and each key's summary as checkpointed.
 *
 * @example
 * ```ts
 * import type { ShardInfo } from 'streamprop/fleet';
 * const lag = (s: ShardInfo) => s.appended - s.applied;
 * ```
 */
export interface ShardInfo {
  readonly shard: number;
  /** The lease holder now, if any. */
  readonly owner: string | undefined;
  /** The checkpoint's offset ({@link START_OFFSET} before the first checkpoint). */
  readonly offset: Offset;
  /** Entries applied as of the checkpoint. */
  readonly applied: number;
  /** Entries ever appended to the shard (trimming does not lower it). */
  readonly appended: number;
  /** Entries in the log now (after trimming). */
  readonly length: number;
  /** Each key's summary, as of the checkpoint. */
  readonly summaries: ReadonlyMap<string, string>;
}

/**
 * A live worker of the fleet: its name, the information it announced, and when its
 * announcement expires (ms since the epoch, by the log's clock).
 *
 * @example
 * ```ts
 * import type { Member } from 'streamprop/fleet';
 * const names = (members: readonly Member[]) => members.map((m) => m.name);
 * ```
 */
export interface Member {
  readonly name: string;
  readonly info: string;
  readonly expiresAt: number;
}

/** How {@link ShardedLog.read} reads. */
export interface ReadOptions {
  /** At most this many entries per shard (default 500). */
  readonly count?: number;
  /**
   * At most this many entries in all (default: no limit but `count` per shard): the shards are
   * read in the order of the read's `after`, each up to `count`, until the limit is reached;
   * the shards after that give nothing this time.
   */
  readonly limit?: number;
  /** Wait this long, in ms, for an entry when none is there yet (default 0: return at once). */
  readonly waitMs?: number;
}

/**
 * The log a fleet of learners works on: `shards` ordered logs of text entries, with leases and
 * fenced checkpoints. It is kept small on purpose — append, read after an offset, lease, fenced
 * checkpoint, membership — so that other brokers can stand behind it: `redisLog()` implements
 * it on Redis Streams (one stream per shard, a Lua script per fenced write); `memoryLog()` in
 * memory, for tests. A Kafka implementation would map shards to partitions, leases to the
 * consumer group's generations and the fenced checkpoint to a transactional write.
 *
 * @example
 * ```ts
 * import { memoryLog } from 'streamprop/fleet';
 * const log = memoryLog({ shards: 4 });
 * const [offset] = await log.append([{ shard: 1, body: '{"x":[1],"y":2}' }]);
 * const lease = await log.acquire(1, 'worker-a', 10_000);
 * const entries = await log.read(new Map([[1, '0-0']]));
 * if (lease) await log.commit(lease, { offset, applied: 1, models: new Map(), summaries: new Map() });
 * ```
 */
export interface ShardedLog {
  /** The fleet's name (the Redis key prefix). */
  readonly name: string;
  /** The number of shards, fixed for the life of the fleet. */
  readonly shards: number;
  /**
   * Appends entries, each to its shard, in order; resolves with their offsets. Pipelined: one
   * round trip for the whole batch. Across a lost connection an append may be retried and so
   * stored twice (at least once).
   */
  append(entries: readonly { readonly shard: number; readonly body: string }[]): Promise<Offset[]>;
  /**
   * The entries strictly after the given offset of each shard in `after`, at most `count` per
   * shard and `limit` in all (shard after shard, in the order of `after`), each shard's in
   * order; waits up to `waitMs` when there are none.
   */
  read(after: ReadonlyMap<number, Offset>, options?: ReadOptions): Promise<LogEntry[]>;
  /**
   * Optional: what {@link ShardedLog.read} reads, as bytes, one {@link ShardBytes} per shard
   * that has entries. Workers use it when the log has it (no object or text per entry: `redisLog`
   * has it); without it they read with `read`.
   */
  readBytes?(after: ReadonlyMap<number, Offset>, options?: ReadOptions): Promise<ShardBytes[]>;
  /** At most `count` entries of one shard from `from` on (inclusive), in order (a replay). */
  range(shard: number, from: Offset, count: number): Promise<LogEntry[]>;
  /** Removes a shard's entries before `below` (never those at or after it); resolves with how many. */
  trim(shard: number, below: Offset): Promise<number>;
  /**
   * Takes the shard's lease for `ttlMs` if nobody else holds it (taking one's own again starts a
   * new epoch); resolves with the lease, or `undefined` when another holder has it.
   */
  acquire(shard: number, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the lease by `ttlMs` from now; `false` when it is no longer held (expired, taken). */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; `false` when it was no longer held. */
  release(lease: Lease): Promise<boolean>;
  /**
   * Writes the shard's checkpoint, atomically, only while `lease` is still held and the offset
   * does not go backwards; resolves `false` when refused (nothing is written then).
   */
  commit(lease: Lease, write: CheckpointWrite): Promise<boolean>;
  /** The shard's checkpoint, or `undefined` before the first. */
  load(shard: number): Promise<ShardCheckpoint | undefined>;
  /** The shard's owner, checkpoint position, sizes and key summaries. */
  inspect(shard: number): Promise<ShardInfo>;
  /** Announces a live worker for `ttlMs`; resolves with every live worker, in name order. */
  announce(name: string, ttlMs: number, info?: string): Promise<Member[]>;
  /** Removes a worker's announcement (it leaves). */
  depart(name: string): Promise<void>;
  /** The live workers, in name order. */
  members(): Promise<Member[]>;
  /** Closes the connections; pending calls fail. */
  close(): Promise<void>;
}
