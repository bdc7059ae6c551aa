// shardedLearner on the in-memory log: every sample learned once into the checkpointed models
// (equal bit for bit to one process learning each key alone), shards shared among workers and
// handed over when one joins, a partitioned worker fenced out, outputs tagged.
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { appendTo } from '../../src/fleet/appendTo.js';
import { fleetStatus } from '../../src/fleet/fleetStatus.js';
import { restoreKey } from '../../src/fleet/keyCheckpoint.js';
import type { KeyRecord } from '../../src/fleet/keyModel.js';
import { mergeSummaries, parseKeySummary } from '../../src/fleet/keySummary.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { compareOffsets } from '../../src/fleet/offset.js';
import { sampleOfRecord, sampleRecord } from '../../src/fleet/sampleRecord.js';
import { type FleetPrediction, shardedLearner } from '../../src/fleet/shardedLearner.js';
import type { ShardedLog } from '../../src/fleet/shardedLog.js';
import type { Sample } from '../../src/samples/sample.js';
import { until } from '../polling.js';
import { fleetSamples, learnAlone, makeModel, sameBits, scoreAlone } from './fleetModels.js';

const ingest = (log: ShardedLog, samples: readonly Sample[]) =>
  lastValueFrom(from(samples).pipe(appendTo(log, { batch: 64, maxInFlight: 256 })));

/** Every key's counts and model as checkpointed in the log. */
const checkpointed = async (log: ShardedLog) => {
  const keys = new Map<string, KeyRecord & { parameters: Float64Array }>();
  for (let s = 0; s < log.shards; s++) {
    const saved = await log.load(s);
    const info = await log.inspect(s);
    for (const [key, text] of saved?.models ?? []) {
      const model = makeModel(key);
      const record = restoreKey(key, text, model);
      const summary = parseKeySummary(info.summaries.get(key) ?? '');
      expect(summary).toMatchObject(record);
      keys.set(key, { ...record, parameters: model.network.parameters });
    }
  }
  return keys;
};

/** Checks every key of `samples` against one process learning it alone from the stored records. */
const expectExactlyOnce = async (log: ShardedLog, samples: readonly Sample[]) => {
  const byKey = new Map<string, Sample[]>();
  for (const s of samples) {
    const stored = sampleOfRecord(sampleRecord(s), 'test');
    byKey.set(String(s.key), [...(byKey.get(String(s.key)) ?? []), stored]);
  }
  const saved = await checkpointed(log);
  expect([...saved.keys()].sort()).toEqual([...byKey.keys()].sort());
  for (const [key, mine] of byKey) {
    const got = saved.get(key);
    const rejected = mine.filter((s) => !(s.x as number[]).every(Number.isFinite)).length;
    expect({ key, learned: got?.learned, rejected: got?.rejected }).toEqual({
      key,
      learned: mine.length - rejected,
      rejected,
    });
    const alone = learnAlone(key, mine);
    expect(sameBits(got?.parameters ?? new Float64Array(), alone.network.parameters)).toBe(true);
  }
  // The metrics: each key's error metrics equal, bit for bit, those of one process learning it
  // alone; merged over every key (by status, from their states) they equal one metric of every
  // prediction (up to the order of the additions).
  const scored = scoreAlone(byKey, 2 / 501);
  for (const [key, errors] of scored.keys) {
    expect({ key, errors: saved.get(key)?.errors }).toEqual({ key, errors: errors.state() });
  }
  const merged = (await fleetStatus(log)).merged.total;
  const { mse, mae, r2 } = scored.all.get();
  expect(merged.count).toBe(scored.all.count);
  expect(merged.mse).toBeCloseTo(mse ?? Number.NaN, 12);
  expect(merged.rmse).toBeCloseTo(Math.sqrt(mse ?? Number.NaN), 12);
  expect(merged.mae).toBeCloseTo(mae ?? Number.NaN, 12);
  expect(merged.r2).toBeCloseTo(r2 ?? Number.NaN, 12);
  expect(merged.mse).not.toBe(null);
};

const applied = async (log: ShardedLog) => {
  let n = 0;
  for (let s = 0; s < log.shards; s++) n += (await log.inspect(s)).applied;
  return n;
};

describe('shardedLearner (in memory)', () => {
  it('one worker learns every sample once; the checkpoints equal learning each key alone', async () => {
    const log = memoryLog({ shards: 8 });
    const samples = fleetSamples(3000, 20, 1, 97);
    await ingest(log, samples);
    const worker = shardedLearner(log, {
      makeModel,
      name: 'solo',
      leaseMs: 3000,
      checkpointEvery: 100,
    });
    const predictions: FleetPrediction[] = [];
    worker.predictions$.subscribe((p) => predictions.push(p));
    await until(
      () => worker.stats().applied === samples.length,
      'all samples were applied',
      20_000,
    );
    expect(worker.stats().shards).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await worker.stop();
    await worker.done;
    expect(worker.stats()).toMatchObject({ applied: 3000, shards: [], lost: 0, refused: 0 });
    expect(worker.stats().rejected).toBe(Math.floor(3000 / 97));
    await expectExactlyOnce(log, samples);
    // Outputs are tagged (shard, offset); per shard, offsets grow.
    expect(predictions).toHaveLength(3000 - worker.stats().rejected);
    const last = new Map<number, string>();
    for (const p of predictions) {
      const before = last.get(p.shard);
      if (before !== undefined) expect(compareOffsets(before, p.offset)).toBeLessThan(0);
      last.set(p.shard, p.offset);
      expect(p.prediction).toHaveLength(1);
    }
    expect((await log.members()).map((m) => m.name)).toEqual([]); // it left
    // The status: every key's counts, the totals, and the metrics merged as sufficient statistics.
    const status = await fleetStatus(log);
    expect(status.totals).toMatchObject({
      appended: 3000,
      applied: 3000,
      lag: 0,
      learned: 3000 - 30,
      rejected: 30,
      unreadable: 0,
    });
    expect(Object.keys(status.keys)).toHaveLength(20);
    expect(status.shards.every((s) => s.owner === null && s.lag === 0)).toBe(true);
    expect(status.byWorker.solo.keys).toBe(20);
    const total = status.merged.total;
    expect(total.count).toBe(3000 - 30);
    expect(total.rmse).toBeCloseTo(Math.sqrt(total.mse ?? Number.NaN), 12);
    expect(status.merged.rejectedByReason).toEqual({ notNumber: 30 }); // NaN is null in JSON
    expect(mergeSummaries([]).total).toEqual({
      count: 0,
      mse: null,
      rmse: null,
      mae: null,
      r2: null,
    });
  });

  it('workers share the shards, a joining worker takes its part with nothing re-learned', async () => {
    const log = memoryLog({ shards: 12 });
    const first = fleetSamples(2000, 30, 2);
    await ingest(log, first);
    const a = shardedLearner(log, { makeModel, name: 'a', leaseMs: 2000, checkpointEvery: 50 });
    await until(() => a.stats().applied === 2000, 'a applied the first samples', 20_000);
    expect(a.stats().shards).toHaveLength(12);
    const b = shardedLearner(log, { makeModel, name: 'b', leaseMs: 2000, checkpointEvery: 50 });
    await until(
      () => a.stats().shards.length === 6 && b.stats().shards.length === 6,
      'the shards were split 6 / 6',
      20_000,
    );
    expect(a.stats().handedOver).toBe(6);
    const second = fleetSamples(2000, 30, 3);
    await ingest(log, second);
    await until(() => a.stats().applied + b.stats().applied >= 4000, 'all applied', 20_000);
    // Nothing was applied twice: handing over checkpointed first (no lease ran out: none lost).
    expect(a.stats().lost + b.stats().lost).toBe(0);
    expect(a.stats().applied + b.stats().applied).toBe(4000);
    await Promise.all([a.stop(), b.stop()]);
    expect(await applied(log)).toBe(4000);
    await expectExactlyOnce(log, [...first, ...second]);
  });

  it('a worker cut off from the log past its lease is fenced out: its shards go on elsewhere, exactly once', async () => {
    const inner = memoryLog({ shards: 4 });
    let cut = false;
    // The same log, but every call fails while `cut` (a network partition of worker "p").
    const partitioned = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          cut ? Promise.reject(new Error('partitioned')) : value.apply(target, args);
      },
    });
    const samples = fleetSamples(1500, 10, 4);
    await ingest(inner, samples.slice(0, 500));
    const errors: unknown[] = [];
    const p = shardedLearner(partitioned, {
      makeModel,
      name: 'p',
      leaseMs: 300,
      checkpointEvery: 1_000_000,
      checkpointSeconds: 60,
      onLogError: (e) => errors.push(e),
    });
    await until(() => p.stats().applied === 500, 'p applied the first 500', 20_000);
    cut = true; // p learned 500 samples it never checkpointed
    const q = shardedLearner(inner, { makeModel, name: 'q', leaseMs: 300, checkpointEvery: 100 });
    await until(() => q.stats().shards.length === 4, 'q took every shard', 20_000);
    await ingest(inner, samples.slice(500));
    await until(() => q.stats().applied === 1500, 'q re-learned and learned everything', 20_000);
    cut = false;
    await until(
      () => p.stats().shards.length + q.stats().shards.length === 4 && p.stats().lost > 0,
      'p came back and settled',
      20_000,
    );
    expect(errors.length).toBeGreaterThan(0);
    await Promise.all([p.stop(), q.stop()]);
    expect(await applied(inner)).toBe(1500);
    await expectExactlyOnce(inner, samples);
  });

  it('fails with a clear message for a pipeline that is not synchronous or a bad makeModel', async () => {
    const log = memoryLog({ shards: 1 });
    await ingest(log, fleetSamples(5, 1));
    const worker = shardedLearner(log, {
      makeModel: (key) => ({ ...makeModel(key), pipeline: () => from([]) as never }),
      leaseMs: 1000,
    });
    await expect(worker.done).rejects.toThrow(
      'shardedLearner: the pipeline of key "key-0" gave no step for a sample at once; its operators must be synchronous, one step per sample',
    );
    await expect(firstValueFrom(worker.metrics$)).rejects.toThrow(/synchronous/);
    const bad = shardedLearner(log, { makeModel: () => ({}) as never, leaseMs: 1000 });
    await expect(bad.done).rejects.toThrow(
      'shardedLearner: makeModel("key-0").pipeline must be a function, got undefined',
    );
    expect(() => shardedLearner(log, { makeModel, leaseMs: 0 })).toThrow(
      'shardedLearner: leaseMs must be a positive integer, got 0',
    );
    expect(() => shardedLearner({} as never, { makeModel })).toThrow(
      'shardedLearner: log.read must be a function, got undefined',
    );
    expect(() => shardedLearner(null as never, { makeModel })).toThrow(
      'shardedLearner: log must be a ShardedLog (redisLog(…), memoryLog(…)), got null',
    );
  });

  it('emits each key’s metrics, tagged', async () => {
    const log = memoryLog({ shards: 2 });
    await ingest(log, fleetSamples(400, 3, 5));
    const worker = shardedLearner(log, {
      makeModel,
      leaseMs: 1000,
      metrics: { everyMs: 20, window: 50 },
    });
    const all = lastValueFrom(worker.metrics$.pipe(toArray()));
    await until(() => worker.stats().applied === 400, 'applied', 20_000);
    await worker.stop();
    const metrics = await all;
    const keys = new Set(metrics.map((m) => m.key));
    expect([...keys].sort()).toEqual(['key-0', 'key-1', 'key-2']);
    const final = new Map(metrics.map((m) => [m.key, m]));
    expect([...final.values()].reduce((n, m) => n + m.learned, 0)).toBe(400);
    for (const m of final.values()) {
      expect(m.worker).toBe(worker.name);
      expect(m.total.count).toBe(m.learned);
      expect(m.recent.count).toBe(m.learned);
      expect(m.recent.rmse).toBeGreaterThan(0);
      expect(m.total.rmse).toBeCloseTo(Math.sqrt(m.total.mse ?? Number.NaN), 12);
    }
  });
});
