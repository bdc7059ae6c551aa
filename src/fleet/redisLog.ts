import { Redis } from 'ioredis';
import {
  argumentError,
  checkIdentifier,
  checkNonEmptyString,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { checkArray } from '../checks/arrayChecks.js';
import { entriesOfShardBytes } from './entryCursor.js';
import { type Offset, START_OFFSET } from './offset.js';
import { ACQUIRE, ANNOUNCE, APPEND, COMMIT, READ, RELEASE, RENEW } from './redisScripts.js';
import type {
  CheckpointWrite,
  Lease,
  LogEntry,
  Member,
  ReadOptions,
  ShardBytes,
  ShardCheckpoint,
  ShardedLog,
  ShardInfo,
} from './shardedLog.js';
import { checkLease, checkShard, DEFAULT_SHARDS, readCount } from './shardedLogChecks.js';

/**
 * Options of {@link redisLog}.
 *
 * @example
 * ```ts
 * import type { RedisLogOptions } from 'streamprop/fleet';
 * const options: RedisLogOptions = { url: 'redis://127.0.0.1:6379', prefix: 'sensors', shards: 64 };
 * ```
 */
export interface RedisLogOptions {
  /** The Redis server, as `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** The fleet's name: the prefix of every Redis key it uses (letters, digits, `.`, `_`, `-`, `:`). */
  readonly prefix: string;
  /**
   * The number of shards. A new fleet records it (default 64); an existing fleet keeps the one it
   * was made with, and giving another is an error.
   */
  readonly shards?: number;
  /** How long to try to reach Redis at the start before failing, in ms (default 5,000). */
  readonly connectTimeoutMs?: number;
}

/** The Redis keys of one shard, all with the hash tag `{prefix:shard}`: one Cluster slot. */
interface ShardKeys {
  readonly log: string;
  readonly lease: string;
  readonly epoch: string;
  readonly models: string;
  readonly summaries: string;
}

/** The client with the scripts defined on it. */
interface ScriptedRedis extends Redis {
  fleetAppend(log: string, ...bodies: string[]): Promise<string[]>;
  fleetAcquire(lease: string, epoch: string, holder: string, ttl: number): Promise<number | null>;
  fleetRenew(lease: string, token: string, ttl: number): Promise<number>;
  fleetRelease(lease: string, token: string): Promise<number>;
  fleetCommit(lease: string, models: string, summaries: string, ...args: string[]): Promise<number>;
  fleetAnnounce(workers: string, info: string, ...args: string[]): Promise<string[]>;
  /** The read script, its reply as bytes: the number of streams, the streams, their offsets, the count, the limit. */
  fleetReadBuffer(...args: (string | number)[]): Promise<Buffer[]>;
}

type StreamReply = [id: string, fields: string[]][];

/**
 * Opens the sharded log of a fleet on Redis Streams: one stream per shard, its lease, epoch
 * counter, checkpoint (a hash of every key's model and the offset) and key summaries all under
 * the hash tag `{prefix:shard}`, so that a shard lives in one Redis Cluster slot; the fleet's
 * shard count and its live workers under `{prefix}`. Leases, fenced checkpoint writes and
 * announcements are Lua scripts, each atomic. It uses two connections (ioredis): one for
 * commands, pipelined, and one for reads that wait. Both reconnect on their own; a call made
 * while Redis is away waits for it and fails after about 20 tries.
 *
 * @returns once Redis answered and the shard count was checked against the fleet's.
 * @throws TypeError or RangeError for a wrong option; Error (a rejected promise) when Redis
 * cannot be reached within `connectTimeoutMs`, or the fleet was made with another shard count.
 *
 * @example
 * ```ts
 * import { redisLog } from 'streamprop/fleet';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * console.log(log.shards); // 64
 * await log.close();
 * ```
 */
export async function redisLog(options: RedisLogOptions): Promise<ShardedLog> {
  const owner = 'redisLog';
  checkOptions(owner, options);
  const url = checkNonEmptyString(owner, 'url', options.url);
  if (!/^rediss?:\/\/./.test(url)) {
    throw argumentError(owner, 'url', 'a redis:// or rediss:// address', url);
  }
  const prefix = checkIdentifier(owner, 'prefix', options.prefix);
  const wanted =
    options.shards === undefined
      ? undefined
      : checkPositiveInteger(owner, 'shards', options.shards);
  const timeout = checkPositiveInteger(owner, 'connectTimeoutMs', options.connectTimeoutMs ?? 5000);

  let lastError: Error | undefined;
  const connect = (): ScriptedRedis => {
    const client = new Redis(url, {
      retryStrategy: (times) => Math.min(50 * times, 1000),
    }) as ScriptedRedis;
    client.on('error', (error: Error) => {
      lastError = error;
    });
    client.defineCommand('fleetAppend', { numberOfKeys: 1, lua: APPEND });
    client.defineCommand('fleetAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    client.defineCommand('fleetRenew', { numberOfKeys: 1, lua: RENEW });
    client.defineCommand('fleetRelease', { numberOfKeys: 1, lua: RELEASE });
    client.defineCommand('fleetCommit', { numberOfKeys: 3, lua: COMMIT });
    client.defineCommand('fleetAnnounce', { numberOfKeys: 2, lua: ANNOUNCE });
    client.defineCommand('fleetRead', { lua: READ });
    return client;
  };
  const redis = connect();
  const waiting = connect();
  const meta = `{${prefix}}:meta`;
  let shards: number;
  try {
    shards = await withTimeout(
      (async () => {
        if (wanted !== undefined) await redis.hsetnx(meta, 'shards', String(wanted));
        else await redis.hsetnx(meta, 'shards', String(DEFAULT_SHARDS));
        return Number(await redis.hget(meta, 'shards'));
      })(),
      timeout,
      () =>
        `${owner}: cannot reach Redis at ${url} within ${timeout} ms${lastError === undefined ? '' : ` (${lastError.message})`}`,
    );
  } catch (error) {
    redis.disconnect();
    waiting.disconnect();
    throw error;
  }
  if (wanted !== undefined && shards !== wanted) {
    redis.disconnect();
    waiting.disconnect();
    throw new Error(
      `${owner}: the fleet "${prefix}" was made with ${shards} shards, not ${wanted}; give --shards ${shards} or another prefix`,
    );
  }

  const keyCache: ShardKeys[] = Array.from({ length: shards }, (_, s) => {
    const tag = `{${prefix}:${s}}`;
    return {
      log: `${tag}:log`,
      lease: `${tag}:lease`,
      epoch: `${tag}:epoch`,
      models: `${tag}:models`,
      summaries: `${tag}:keys`,
    };
  });
  const keys = (name: string, shard: unknown): ShardKeys =>
    keyCache[checkShard(name, shard, shards)];
  const workers = `{${prefix}}:workers`;
  const workerInfo = `{${prefix}}:workers:info`;
  const token = (lease: Lease): string => `${lease.holder} ${lease.epoch}`;
  const members = (reply: string[]): Member[] => {
    const out: Member[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      out.push({ name: reply[i], expiresAt: Number(reply[i + 1]), info: reply[i + 2] });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };

  /** Reads every shard of `after` in one script call: its reply is one ShardBytes per shard. */
  async function readBytes(
    after: ReadonlyMap<number, Offset>,
    readOptions: ReadOptions = {},
  ): Promise<ShardBytes[]> {
    const { count, limit, waitMs } = readCount('read', readOptions);
    const shardList: number[] = [];
    const names: string[] = [];
    const ids: Offset[] = [];
    for (const [shard, offset] of after) {
      names.push(keys('read', shard).log);
      shardList.push(shard);
      ids.push(offset);
    }
    if (names.length === 0) return [];
    const readAll = async (): Promise<ShardBytes[]> => {
      const most = Math.min(limit, count * names.length);
      const replies = await redis.fleetReadBuffer(names.length, ...names, ...ids, count, most);
      const out: ShardBytes[] = [];
      for (let i = 0; i < replies.length; i++) {
        if (replies[i].length > 0) out.push({ shard: shardList[i], bytes: replies[i] });
      }
      return out;
    };
    const out = await readAll();
    if (out.length > 0 || waitMs === 0) return out;
    // Nothing yet: wait on every stream at once for the next entry, then read again.
    const woken = await waiting.xread('COUNT', 1, 'BLOCK', waitMs, 'STREAMS', ...names, ...ids);
    return woken === null ? out : readAll();
  }

  const log: ShardedLog = {
    name: prefix,
    shards,
    async append(entries) {
      checkArray(`${prefix}: append`, 'entries', entries, 'an array of { shard, body }');
      // One script call per shard (its entries in order): few commands, each within one slot.
      const groups = new Map<number, { bodies: string[]; at: number[] }>();
      entries.forEach((entry, i) => {
        keys('append', entry.shard);
        let group = groups.get(entry.shard);
        if (group === undefined) {
          group = { bodies: [], at: [] };
          groups.set(entry.shard, group);
        }
        group.bodies.push(String(entry.body));
        group.at.push(i);
      });
      const offsets: Offset[] = new Array(entries.length);
      await Promise.all(
        [...groups].map(async ([shard, group]) => {
          const ids = await redis.fleetAppend(keyCache[shard].log, ...group.bodies);
          ids.forEach((id, j) => {
            offsets[group.at[j]] = id;
          });
        }),
      );
      return offsets;
    },
    async read(after, readOptions: ReadOptions = {}) {
      const out: LogEntry[] = [];
      for (const part of await readBytes(after, readOptions)) entriesOfShardBytes(part, out);
      return out;
    },
    readBytes,
    async range(shard, from, count) {
      const k = keys('range', shard).log;
      checkPositiveInteger(`${prefix}: range`, 'count', count);
      const entries = (await redis.xrange(k, from, '+', 'COUNT', count)) as StreamReply;
      return entries.map(([offset, fields]) => ({ shard, offset, body: bodyOf(fields) }));
    },
    async trim(shard, below) {
      return redis.xtrim(keys('trim', shard).log, 'MINID', below);
    },
    async acquire(shard, holder, ttlMs) {
      const k = keys('acquire', shard);
      checkIdentifier(`${prefix}: acquire`, 'holder', holder);
      checkPositiveInteger(`${prefix}: acquire`, 'ttlMs', ttlMs);
      const epoch = await redis.fleetAcquire(k.lease, k.epoch, holder, ttlMs);
      return epoch === null ? undefined : { shard, holder, epoch: Number(epoch) };
    },
    async renew(lease, ttlMs) {
      checkLease(`${prefix}: renew`, lease, shards);
      checkPositiveInteger(`${prefix}: renew`, 'ttlMs', ttlMs);
      return (await redis.fleetRenew(keyCache[lease.shard].lease, token(lease), ttlMs)) === 1;
    },
    async release(lease) {
      checkLease(`${prefix}: release`, lease, shards);
      return (await redis.fleetRelease(keyCache[lease.shard].lease, token(lease))) === 1;
    },
    async commit(lease, write: CheckpointWrite) {
      checkLease(`${prefix}: commit`, lease, shards);
      const k = keyCache[lease.shard];
      const args: string[] = [
        token(lease),
        write.offset,
        String(write.applied),
        String(lease.epoch),
        lease.holder,
        String(Date.now()),
        String(write.models.size),
      ];
      for (const [key, model] of write.models) {
        args.push(key, model, write.summaries.get(key) ?? '{}');
      }
      return (await redis.fleetCommit(k.lease, k.models, k.summaries, ...args)) === 1;
    },
    async load(shard) {
      const all = await redis.hgetall(keys('load', shard).models);
      if (all['@offset'] === undefined) return undefined;
      const models = new Map<string, string>();
      for (const field in all) {
        if (field.startsWith('k:')) models.set(field.slice(2), all[field]);
      }
      const checkpoint: ShardCheckpoint = {
        shard,
        offset: all['@offset'],
        applied: Number(all['@applied']),
        epoch: Number(all['@epoch']),
        holder: all['@holder'],
        savedAt: Number(all['@at']),
        models,
      };
      return checkpoint;
    },
    async inspect(shard) {
      const k = keys('inspect', shard);
      const replies =
        (await redis
          .pipeline()
          .get(k.lease)
          .hmget(k.models, '@offset', '@applied')
          .xlen(k.log)
          .hgetall(k.summaries)
          .exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      const lease = replies[0][1] as string | null;
      const [offset, applied] = replies[1][1] as [string | null, string | null];
      const length = replies[2][1] as number;
      const summaries = new Map(Object.entries(replies[3][1] as Record<string, string>));
      let appended = 0;
      if (length > 0 || offset !== null) {
        try {
          const info = (await redis.xinfo('STREAM', k.log)) as unknown[];
          appended = Number(info[info.indexOf('entries-added') + 1]);
        } catch {
          appended = 0; // no stream yet
        }
      }
      const info: ShardInfo = {
        shard,
        owner: lease === null ? undefined : lease.slice(0, lease.indexOf(' ')),
        offset: offset ?? START_OFFSET,
        applied: applied === null ? 0 : Number(applied),
        appended,
        length,
        summaries,
      };
      return info;
    },
    async announce(name, ttlMs, info = '') {
      checkIdentifier(`${prefix}: announce`, 'name', name);
      checkPositiveInteger(`${prefix}: announce`, 'ttlMs', ttlMs);
      return members(await redis.fleetAnnounce(workers, workerInfo, name, String(ttlMs), info));
    },
    async depart(name) {
      await redis.pipeline().zrem(workers, name).hdel(workerInfo, name).exec();
    },
    async members() {
      return members(await redis.fleetAnnounce(workers, workerInfo, '', '0', ''));
    },
    async close() {
      waiting.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  return log;
}

/** The body of a stream entry: its field `b`. */
function bodyOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'b') return fields[i + 1];
  return '';
}

function withTimeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message())), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
