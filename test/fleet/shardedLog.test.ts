// The contract of a ShardedLog, run on the in-memory fake and on a real redis-server: reads
// strictly after an offset, leases with epochs, fenced checkpoint writes, announcements.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesOfShardBytes, shardBytesOf } from '../../src/fleet/entryCursor.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { compareOffsets, START_OFFSET } from '../../src/fleet/offset.js';
import { redisLog } from '../../src/fleet/redisLog.js';
import type { CheckpointWrite, LogEntry, ShardedLog } from '../../src/fleet/shardedLog.js';
import { sleep } from '../polling.js';
import { startRedis, type TestRedis, withRedis } from './redisServer.js';

const write = (
  offset: string,
  applied: number,
  models: Record<string, string>,
): CheckpointWrite => ({
  offset,
  applied,
  models: new Map(Object.entries(models)),
  summaries: new Map(Object.keys(models).map((k) => [k, `{"of":"${k}"}`])),
});

/** Calls `attempt` until it gives something other than `undefined` (at most 5 s). */
const eventually = async <T>(attempt: () => Promise<T | undefined>, what: string): Promise<T> => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
};

let prefixes = 0;
const contract = (name: string, open: (shards: number) => Promise<ShardedLog>): void => {
  describe(`${name}: the ShardedLog contract`, () => {
    it('appends in order and reads strictly after an offset, per shard', async () => {
      const log = await open(4);
      try {
        const offsets = await log.append([
          { shard: 1, body: 'a' },
          { shard: 2, body: 'x' },
          { shard: 1, body: 'b' },
          { shard: 1, body: 'c' },
        ]);
        expect(offsets).toHaveLength(4);
        expect(compareOffsets(offsets[0], offsets[2])).toBeLessThan(0);
        expect(compareOffsets(offsets[2], offsets[3])).toBeLessThan(0);
        const all = await log.read(
          new Map([
            [1, START_OFFSET],
            [2, START_OFFSET],
            [3, START_OFFSET],
          ]),
        );
        expect(all.map((e) => `${e.shard}${e.body}`).sort()).toEqual(['1a', '1b', '1c', '2x']);
        const after = await log.read(new Map([[1, offsets[0]]]), { count: 1 });
        expect(after).toEqual([{ shard: 1, offset: offsets[2], body: 'b' }]);
        // `limit` in all, shard after shard in the order asked: shard 2 first, then 1.
        const limited = await log.read(
          new Map([
            [2, START_OFFSET],
            [1, START_OFFSET],
          ]),
          { count: 2, limit: 3 },
        );
        expect(limited.map((e) => `${e.shard}${e.body}`)).toEqual(['2x', '1a', '1b']);
        expect(await log.read(new Map([[1, offsets[3]]]))).toEqual([]);
        const range = await log.range(1, offsets[2], 10);
        expect(range.map((e) => e.body)).toEqual(['b', 'c']);
        expect(await log.trim(1, offsets[2])).toBe(1);
        expect((await log.range(1, START_OFFSET, 10)).map((e) => e.body)).toEqual(['b', 'c']);
        const info = await log.inspect(1);
        expect(info).toMatchObject({ appended: 3, length: 2, owner: undefined, applied: 0 });
        expect(info.offset).toBe(START_OFFSET);
      } finally {
        await log.close();
      }
    });

    it('reads as bytes what it reads as entries, bodies in UTF-8 (readBytes, or the bytes of read)', async () => {
      const log = await open(3);
      try {
        const bodies = ['a', 'é€ 𝄞, ~', '', '~1,n,,,AAAAAAAA8D8AAAAAAAAAQA==,sa'];
        await log.append(bodies.map((body, i) => ({ shard: i % 2, body })));
        const after = new Map([
          [0, START_OFFSET],
          [1, START_OFFSET],
          [2, START_OFFSET],
        ]);
        const entries = await log.read(after);
        const parts = log.readBytes
          ? await log.readBytes(after)
          : shardBytesOf(await log.read(after));
        expect(parts.map((p) => p.shard).sort()).toEqual([0, 1]); // none for an empty shard
        const back: LogEntry[] = [];
        for (const part of parts) entriesOfShardBytes(part, back);
        expect(back).toEqual(entries);
        expect(back.map((e) => e.body).sort()).toEqual([...bodies].sort());
      } finally {
        await log.close();
      }
    });

    it('a read that waits returns as soon as an entry arrives', async () => {
      const log = await open(2);
      try {
        const started = Date.now();
        const reading = log.read(new Map([[0, START_OFFSET]]), { waitMs: 20_000 });
        setTimeout(() => void log.append([{ shard: 0, body: 'late' }]), 50);
        const entries = await reading;
        expect(entries.map((e) => e.body)).toEqual(['late']);
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        await log.close();
      }
    });

    it('leases: one holder at a time, a new epoch on every take, gone when released or expired', async () => {
      const log = await open(2);
      try {
        const a = await log.acquire(0, 'a', 60_000);
        expect(a).toMatchObject({ shard: 0, holder: 'a' });
        expect(await log.acquire(0, 'b', 60_000)).toBeUndefined();
        const again = await log.acquire(0, 'a', 60_000);
        expect(again?.epoch).toBe((a?.epoch ?? 0) + 1);
        expect(await log.renew(a!, 60_000)).toBe(false); // the old epoch no longer holds it
        expect(await log.renew(again!, 60_000)).toBe(true);
        expect((await log.inspect(0)).owner).toBe('a');
        expect(await log.release(again!)).toBe(true);
        expect(await log.release(again!)).toBe(false);
        const b = await log.acquire(0, 'b', 100);
        expect(b?.epoch).toBe((again?.epoch ?? 0) + 1);
        const c = await eventually(() => log.acquire(0, 'c', 60_000), 'the lease of b expired');
        expect(c?.epoch).toBe((b?.epoch ?? 0) + 1);
        expect(await log.renew(b!, 60_000)).toBe(false);
      } finally {
        await log.close();
      }
    });

    it('a checkpoint is written only under the lease that holds the shard, never backwards', async () => {
      const log = await open(2);
      try {
        const [o1, o2] = await log.append([
          { shard: 1, body: 'p' },
          { shard: 1, body: 'q' },
        ]);
        expect(await log.load(1)).toBeUndefined();
        const lease = await log.acquire(1, 'w1', 60_000);
        expect(await log.commit(lease!, write(o1, 1, { k1: 'm1', k2: 'n1' }))).toBe(true);
        expect(await log.commit(lease!, write(o2, 2, { k1: 'm2' }))).toBe(true);
        expect(await log.commit(lease!, write(o1, 1, { k1: 'old' }))).toBe(false); // backwards
        const saved = await log.load(1);
        expect(saved).toMatchObject({ shard: 1, offset: o2, applied: 2, holder: 'w1' });
        expect(saved?.epoch).toBe(lease?.epoch);
        expect(Object.fromEntries(saved?.models ?? [])).toEqual({ k1: 'm2', k2: 'n1' });
        // Another worker takes the shard: the first one's writes are refused from then on.
        await log.release(lease!);
        const next = await log.acquire(1, 'w2', 60_000);
        expect(await log.commit(lease!, write(o2, 2, { k1: 'stale' }))).toBe(false);
        expect(Object.fromEntries((await log.load(1))?.models ?? [])).toEqual({
          k1: 'm2',
          k2: 'n1',
        });
        expect(await log.commit(next!, write(o2, 2, { k3: 'z' }))).toBe(true);
        const info = await log.inspect(1);
        expect(info).toMatchObject({ owner: 'w2', offset: o2, applied: 2, appended: 2 });
        expect(Object.fromEntries(info.summaries)).toEqual({
          k1: '{"of":"k1"}',
          k2: '{"of":"k2"}',
          k3: '{"of":"k3"}',
        });
      } finally {
        await log.close();
      }
    });

    it('announcements: the live workers in name order; expired and departed ones are gone', async () => {
      const log = await open(1);
      try {
        await log.announce('w-b', 60_000, 'pid 2');
        const live = await log.announce('w-a', 60_000, 'pid 1');
        expect(live.map((m) => [m.name, m.info])).toEqual([
          ['w-a', 'pid 1'],
          ['w-b', 'pid 2'],
        ]);
        await log.announce('w-c', 50);
        await eventually(
          async () => ((await log.members()).some((m) => m.name === 'w-c') ? undefined : true),
          'w-c expired',
        );
        expect((await log.members()).map((m) => m.name)).toEqual(['w-a', 'w-b']);
        await log.depart('w-a');
        expect((await log.members()).map((m) => m.name)).toEqual(['w-b']);
      } finally {
        await log.close();
      }
    });

    it('refuses a shard out of range, a bad holder and a closed log', async () => {
      const log = await open(2);
      await expect(log.acquire(2, 'a', 1000)).rejects.toThrow(
        /shard must be an integer in \[0, 1\], got 2/,
      );
      await expect(log.acquire(0, 'has space', 1000)).rejects.toThrow(/holder must be a name/);
      await expect(log.read(new Map([[-1, START_OFFSET]]))).rejects.toThrow(/shard must be/);
      await log.close();
      await expect(log.append([{ shard: 0, body: 'a' }])).rejects.toThrow();
    });
  });
};

contract('memoryLog', async (shards) => memoryLog({ shards }));

describe.runIf(withRedis)('redisLog on a real redis-server', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ aof: true });
  });
  afterAll(async () => {
    await redis?.dispose();
  });
  contract('redisLog', (shards) =>
    redisLog({ url: redis.url, prefix: `contract${prefixes++}`, shards }),
  );

  it('keeps each shard in one Cluster slot: every key of shard s carries the tag {prefix:s}', async () => {
    const log = await redisLog({ url: redis.url, prefix: 'tags', shards: 3 });
    const [o] = await log.append([{ shard: 2, body: 'a' }]);
    const lease = await log.acquire(2, 'w', 60_000);
    await log.commit(lease!, write(o, 1, { k: 'm' }));
    await log.announce('w', 60_000, 'x');
    const raw = new Redis(redis.url);
    try {
      const keys = (await raw.keys('*tags*')).sort();
      expect(keys).toEqual([
        '{tags:2}:epoch',
        '{tags:2}:keys',
        '{tags:2}:lease',
        '{tags:2}:log',
        '{tags:2}:models',
        '{tags}:meta',
        '{tags}:workers',
        '{tags}:workers:info',
      ]);
    } finally {
      raw.disconnect();
      await log.close();
    }
  });

  it('records the shard count: a second open with another count fails, one without adopts it', async () => {
    const first = await redisLog({ url: redis.url, prefix: 'counted', shards: 16 });
    await first.close();
    await expect(redisLog({ url: redis.url, prefix: 'counted', shards: 8 })).rejects.toThrow(
      'redisLog: the fleet "counted" was made with 16 shards, not 8; give --shards 16 or another prefix',
    );
    const adopted = await redisLog({ url: redis.url, prefix: 'counted' });
    expect(adopted.shards).toBe(16);
    await adopted.close();
    const fresh = await redisLog({ url: redis.url, prefix: 'fresh' });
    expect(fresh.shards).toBe(64);
    await fresh.close();
  });

  it('fails with one clear line when Redis cannot be reached, and checks its options', async () => {
    const { freePort } = await import('../ports.js');
    const port = await freePort();
    await expect(
      redisLog({ url: `redis://127.0.0.1:${port}`, prefix: 'x', connectTimeoutMs: 300 }),
    ).rejects.toThrow(`redisLog: cannot reach Redis at redis://127.0.0.1:${port} within 300 ms`);
    await expect(redisLog({ url: 'http://x', prefix: 'x' })).rejects.toThrow(
      'redisLog: url must be a redis:// or rediss:// address, got "http://x"',
    );
    await expect(redisLog({ url: redis.url, prefix: 'a b' })).rejects.toThrow(
      /redisLog: prefix must be a name/,
    );
  });

  it('a crash of Redis with the AOF loses nothing acknowledged: log, lease and checkpoint come back', async () => {
    const log = await redisLog({ url: redis.url, prefix: 'crash', shards: 2 });
    const offsets = await log.append([
      { shard: 0, body: 'one' },
      { shard: 0, body: 'two' },
    ]);
    const lease = await log.acquire(0, 'w', 60_000);
    expect(await log.commit(lease!, write(offsets[0], 1, { k: 'state-1' }))).toBe(true);
    await redis.stop('kill');
    await redis.start();
    // The same log object reconnects by itself.
    const saved = await log.load(0);
    expect(saved).toMatchObject({ offset: offsets[0], applied: 1, epoch: lease?.epoch });
    expect(saved?.models.get('k')).toBe('state-1');
    expect((await log.read(new Map([[0, offsets[0]]]))).map((e) => e.body)).toEqual(['two']);
    expect(await log.renew(lease!, 60_000)).toBe(true);
    expect(await log.acquire(0, 'other', 60_000)).toBeUndefined();
    await log.close();
  });
});
