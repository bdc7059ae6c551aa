// fleetMetrics on the in-memory log: what changed is emitted once per reading (per key, per
// worker, in total), its rate between readings, and a reading that fails is told and skipped.
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { appendTo } from '../../src/fleet/appendTo.js';
import { FLEET_TOTAL_KEY, fleetMetrics, fleetWorkerKey } from '../../src/fleet/fleetMetrics.js';
import { fleetStatus } from '../../src/fleet/fleetStatus.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { shardedLearner } from '../../src/fleet/shardedLearner.js';
import type { ShardedLog } from '../../src/fleet/shardedLog.js';
import type { MetricsSnapshot } from '../../src/metrics/metricsSnapshot.js';
import type { Sample } from '../../src/samples/sample.js';
import { until } from '../polling.js';
import { fleetSamples, makeModel } from './fleetModels.js';

/** Appends `samples`, then lets a worker named `name` learn everything in the log and stop. */
const learn = async (log: ShardedLog, samples: readonly Sample[], name: string) => {
  await lastValueFrom(from(samples).pipe(appendTo(log, { batch: 64 })));
  const worker = shardedLearner(log, { makeModel, name, leaseMs: 3000, checkpointEvery: 50 });
  // It reads after the checkpoints: it applies the new samples only.
  await until(() => worker.stats().applied === samples.length, 'the samples were applied', 20_000);
  await worker.stop(); // the final checkpoint
  expect((await fleetStatus(log)).totals.lag).toBe(0);
};

/** The log, counting the readings of shard 0 (one per reading of the fleet), failing when told. */
const watched = (log: ShardedLog) => {
  const state = { readings: 0, failing: false };
  const view: ShardedLog = Object.assign(Object.create(log) as ShardedLog, {
    inspect: (shard: number) => {
      if (shard === 0) state.readings++;
      if (state.failing) return Promise.reject(new Error('Redis is away'));
      return log.inspect(shard);
    },
  });
  return { view, state };
};

describe('fleetMetrics', () => {
  it('emits per key, per worker and in total what changed, with its rate between readings', async () => {
    const log = memoryLog({ shards: 4 });
    const samples = fleetSamples(600, 3, 3, 0);
    await learn(log, samples.slice(0, 400), 'w1');
    const { view, state } = watched(log);
    let clock = 10_000;
    const got: MetricsSnapshot[] = [];
    const errors: string[] = [];
    const subscription = fleetMetrics(view, {
      everyMs: 10,
      now: () => clock,
      onError: (e) => errors.push((e as Error).message),
    }).subscribe((m) => got.push(m));
    try {
      await until(() => got.length === 5, 'the first reading');
      expect(got.map((m) => m.key)).toEqual([
        FLEET_TOTAL_KEY,
        fleetWorkerKey('w1'),
        ...got.slice(2).map((m) => m.key),
      ]);
      expect(
        got
          .slice(2)
          .map((m) => String(m.key))
          .sort(),
      ).toEqual(['key-0', 'key-1', 'key-2']);
      const first = got[0];
      expect(first).toMatchObject({ samples: 400, seq: 400, t: 10_000, rejected: 0, drifts: 0 });
      expect(first.samplesPerSecond).toBeUndefined();
      expect(first.count).toBe(400);
      expect(first.total).toEqual({
        count: first.count,
        mse: first.mse,
        rmse: first.rmse,
        mae: first.mae,
        r2: first.r2,
        accuracy: undefined,
        logLoss: undefined,
      });
      expect(first.ewma.count).toBe(400);
      expect(first.ewma.mse).not.toBe(first.mse); // recent, not since the start
      expect(Object.values(first.rejectedByReason).every((n) => n === 0)).toBe(true);
      const keyed = got.slice(2);
      expect(keyed.reduce((n, m) => n + m.samples, 0)).toBe(400);
      expect(keyed.every((m) => typeof m.learningRate === 'number')).toBe(true);

      // Nothing changed: readings go on, nothing is emitted.
      const before = state.readings;
      await until(() => state.readings >= before + 3, 'three more readings');
      expect(got).toHaveLength(5);

      // A reading that fails is told and skipped; the next ones go on.
      state.failing = true;
      await until(() => errors.length >= 2, 'two failed readings');
      expect(errors[0]).toBe('Redis is away');
      state.failing = false;

      // More samples, learned by another worker 2 s later: the changed figures, with their rate.
      clock += 2000;
      await learn(log, samples.slice(400), 'w2');
      await until(() => got.some((m) => m.key === FLEET_TOTAL_KEY && m.samples === 600), 'w2');
      const total = got.findLast((m) => m.key === FLEET_TOTAL_KEY);
      expect(total?.samplesPerSecond).toBe(100); // 200 samples in 2 s of the clock
      expect(got.some((m) => m.key === fleetWorkerKey('w2'))).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('checks its arguments', () => {
    const log = memoryLog({ shards: 1 });
    expect(() => fleetMetrics(log, { everyMs: 0 })).toThrow(
      'fleetMetrics: everyMs must be a positive integer, got 0',
    );
    expect(() => fleetMetrics(log, { onError: 5 as never })).toThrow(
      'fleetMetrics: onError must be a function, got 5',
    );
    expect(() => fleetMetrics(log, { now: 'soon' as never })).toThrow(
      'fleetMetrics: now must be a function, got "soon"',
    );
  });
});
