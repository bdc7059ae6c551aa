// appendTo's bounds: at most maxInFlight samples on their way (encoded only then), at most
// maxWaiting waiting when the source takes the valve (a file, a synthetic feed), and nothing
// lost nor reordered with a source that cannot stop (a synchronous array of 100,000 samples).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppendProgress, appendTo } from '../../src/fleet/appendTo.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { sampleOfRecord } from '../../src/fleet/sampleRecord.js';
import type { ShardedLog } from '../../src/fleet/shardedLog.js';
import type { Sample } from '../../src/samples/sample.js';
import { fromNdjson } from '../../streams/fromNdjson.js';
import { sensorFeed } from '../../streams/sensorFeed.js';
import { valve } from '../../streams/valve.js';

const dir = mkdtempSync(join(tmpdir(), 'streamprop-append-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A memory log whose appends take a timer tick each: the source is far faster than it. */
const slowLog = (shards = 8) => {
  const log = memoryLog({ shards });
  let inFlight = 0;
  let mostInFlight = 0;
  const slow: ShardedLog = {
    ...log,
    async append(entries) {
      inFlight += entries.length;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= entries.length;
      return log.append(entries);
    },
  };
  return { log: slow, mostInFlight: () => mostInFlight };
};

/** Every sample of the log, shard after shard, as `[shard, id]` in the order of each shard. */
const stored = async (log: ShardedLog) => {
  const out: [number, number][] = [];
  for (let s = 0; s < log.shards; s++) {
    for (const entry of await log.range(s, '0-0', 1_000_000)) {
      out.push([s, Number(sampleOfRecord(entry.body, 'test').id)]);
    }
  }
  return out;
};

/** Nothing lost, nothing twice, and each shard's samples in the order the source gave them. */
const expectAllInOrder = async (log: ShardedLog, n: number) => {
  const all = await stored(log);
  expect(all.length).toBe(n);
  expect(new Set(all.map(([, id]) => id)).size).toBe(n);
  for (let s = 0; s < log.shards; s++) {
    const ids = all.filter(([shard]) => shard === s).map(([, id]) => id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  }
};

const run = (samples: Observable<Sample>, log: ShardedLog, options = {}) =>
  lastValueFrom(samples.pipe(appendTo(log, options))) as Promise<AppendProgress>;

describe('appendTo, bounded', () => {
  it('a synchronous array of 100,000 samples all arrive, in order, with at most maxInFlight encoded at once', async () => {
    const { log, mostInFlight } = slowLog();
    const samples = Array.from({ length: 100_000 }, (_, i) => ({
      x: [i, i / 2],
      y: i % 7,
      key: `k${i % 50}`,
      id: i,
    }));
    const last = await run(from(samples), log, { maxInFlight: 2000, batch: 500 });
    expect(last.appended).toBe(100_000);
    expect(mostInFlight()).toBeLessThanOrEqual(2000);
    // An array cannot stop: its samples waited, as references (the array holds them anyway).
    expect(last.mostWaiting).toBeGreaterThan(90_000);
    await expectAllInOrder(log, 100_000);
  });

  it('a fast file ingest with the valve keeps at most maxWaiting samples waiting, and loses none', async () => {
    const path = join(dir, 'many.ndjson');
    const n = 60_000;
    writeFileSync(
      path,
      Array.from({ length: n }, (_, i) => JSON.stringify({ x: [i], y: i, key: `k${i % 9}`, id: i }))
        .join('\n')
        .concat('\n'),
    );
    const { log, mostInFlight } = slowLog();
    const v = valve();
    const last = await run(fromNdjson(path, { valve: v }), log, {
      valve: v,
      maxWaiting: 1000,
      maxInFlight: 500,
      batch: 250,
    });
    expect(last.appended).toBe(n);
    expect(last.mostWaiting).toBeLessThanOrEqual(1000);
    expect(mostInFlight()).toBeLessThanOrEqual(500);
    await expectAllInOrder(log, n);
    // Without the valve the same file outruns the log: the bound above is the valve's doing.
    const unvalved = slowLog();
    const free = await run(fromNdjson(path), unvalved.log, { maxInFlight: 500, batch: 250 });
    expect(free.mostWaiting).toBeGreaterThan(5000);
  });

  it('a synthetic feed at full speed stops at maxWaiting and goes on where it was', async () => {
    const { log } = slowLog(4);
    const v = valve();
    const last = await run(sensorFeed({ sensors: 5, limit: 30_000, valve: v }), log, {
      valve: v,
      maxWaiting: 700,
      maxInFlight: 300,
    });
    expect(last.appended).toBe(30_000);
    expect(last.mostWaiting).toBeLessThanOrEqual(700);
    await expectAllInOrder(log, 30_000);
  });

  it('checks its options: the valve must be one', () => {
    const { log } = slowLog();
    expect(() => appendTo(log, { maxWaiting: 0 })).toThrow(
      'appendTo: maxWaiting must be a positive integer, got 0',
    );
    expect(() => appendTo(log, { valve: {} as never })).toThrow(
      'appendTo: valve.close must be a function, got undefined',
    );
    expect(() => sensorFeed({ valve: 3 as never })).toThrow(
      'sensorFeed: valve must be a Valve (valve()), got 3',
    );
  });
});
