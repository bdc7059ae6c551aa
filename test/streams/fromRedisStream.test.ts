import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { sampleRecord } from '../../src/fleet/sampleRecord.js';
import { fromRedisStream } from '../../streams/fromRedisStream.js';

const filled = async () => {
  let time = 1000;
  const log = memoryLog({ shards: 3, now: () => time });
  for (let i = 0; i < 30; i++) {
    time += 10;
    await log.append([{ shard: i % 3, body: sampleRecord({ x: [i], y: i, key: `k${i % 3}` }) }]);
  }
  await log.append([{ shard: 1, body: 'not json' }]);
  return { log, setTime: (t: number) => (time = t) };
};

describe('fromRedisStream', () => {
  it('replays every shard merged in the order of appending, tagged with shard and offset', async () => {
    const { log } = await filled();
    const all = await lastValueFrom(fromRedisStream(log, { batch: 4 }).pipe(toArray()));
    expect(all).toHaveLength(31);
    const good = all.filter((s) => s.malformed === undefined);
    expect(good.map((s) => s.x[0])).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(all[0]).toMatchObject({ key: 'k0', shard: 0, offset: '1010-0', y: 0 });
    expect(all[29]).toMatchObject({ shard: 1, offset: '1300-0' }); // ties with shard 2's 1300-0
    expect(all[29].malformed?.problem).toMatch(/is not valid JSON/);
  });

  it('starts at a time (inclusive) or after an offset, on chosen shards', async () => {
    const { log } = await filled();
    const fromTime = await lastValueFrom(
      fromRedisStream(log, { from: 1200, shards: [1] }).pipe(toArray()),
    );
    expect(fromTime.map((s) => s.x[0])).toEqual([19, 22, 25, 28, undefined]);
    const fromDate = await lastValueFrom(
      fromRedisStream(log, { from: new Date(1290) }).pipe(toArray()),
    );
    expect(fromDate.map((s) => s.x[0])).toEqual([28, undefined, 29]); // 1300-0 twice: shard 1, then 2
    const afterOffset = await lastValueFrom(
      fromRedisStream(log, { from: '1280-0', shards: [0, 2] }).pipe(toArray()),
    );
    expect(afterOffset.map((s) => s.x[0])).toEqual([29]);
  });

  it('follows new entries once caught up', async () => {
    const { log, setTime } = await filled();
    const next = firstValueFrom(
      fromRedisStream(log, { follow: true, from: 5000 }).pipe(take(2), toArray()),
    );
    setTime(6000);
    setTimeout(() => {
      void log.append([
        { shard: 2, body: sampleRecord({ x: [100], key: 'late' }) },
        { shard: 0, body: sampleRecord({ x: [101], key: 'later' }) },
      ]);
    }, 20);
    expect((await next).map((s) => [s.key, s.shard])).toEqual([
      ['later', 0],
      ['late', 2],
    ]);
  });

  it('checks its options', async () => {
    const { log } = await filled();
    expect(() => fromRedisStream(log, { shards: [3] })).toThrow(
      /fromRedisStream: shards must be shard numbers in \[0, 2\], got/,
    );
    expect(() => fromRedisStream(log, { from: 'yesterday' })).toThrow(
      'fromRedisStream: from must be a Date, a time in ms or an offset "<ms>-<seq>", got "yesterday"',
    );
    expect(() => fromRedisStream({} as never)).toThrow(/log must be a ShardedLog/);
    await log.close();
    await expect(lastValueFrom(fromRedisStream(log))).rejects.toThrow(/closed/);
  });
});
