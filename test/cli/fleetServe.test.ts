// streamprop serve --redis: two workers learn a fleet on a real redis-server; the fleet's view
// serves, over the WebSocket protocol, each key's, each worker's and the fleet's metrics, merged
// from the metric states the workers checkpoint — and those equal the merge of what each worker
// itself scored. The client is a program (ws), no browser.
import { from, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeOptions } from '../../src/cli/fleetOptions.js';
import { startFleetServe } from '../../src/cli/serveCommand.js';
import { appendTo } from '../../src/fleet/appendTo.js';
import { FLEET_TOTAL_KEY, fleetWorkerKey } from '../../src/fleet/fleetMetrics.js';
import { redisLog } from '../../src/fleet/redisLog.js';
import { type FleetPrediction, shardedLearner } from '../../src/fleet/shardedLearner.js';
import type { ShardedLog } from '../../src/fleet/shardedLog.js';
import { meanAbsoluteError } from '../../src/metrics/meanAbsoluteError.js';
import { meanSquaredError } from '../../src/metrics/meanSquaredError.js';
import { metricGroup } from '../../src/metrics/metricGroup.js';
import { rSquared } from '../../src/metrics/rSquared.js';
import { total } from '../../src/metrics/total.js';
import type { MetricsMessage } from '../../src/serve/protocol.js';
import { fleetSamples, makeModel } from '../fleet/fleetModels.js';
import { startRedis, type TestRedis, withRedis } from '../fleet/redisServer.js';
import { until } from '../polling.js';
import { connect, expectValid } from '../serve/helpers.js';

const errorMetric = () =>
  total(metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError(), r2: rSquared() }));

describe.runIf(withRedis)('streamprop serve --redis (a real redis-server)', () => {
  let redis: TestRedis;
  const logs: ShardedLog[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await redis?.dispose();
  });

  it('serves per key, per worker and in total the merge of the workers’ metric states', async () => {
    const open = async () => {
      const log = await redisLog({ url: redis.url, prefix: 'view', shards: 8 });
      logs.push(log);
      return log;
    };
    const workers = [
      shardedLearner(await open(), { makeModel, name: 'w1', leaseMs: 3000, checkpointEvery: 200 }),
      shardedLearner(await open(), { makeModel, name: 'w2', leaseMs: 3000, checkpointEvery: 200 }),
    ];
    const predictions: FleetPrediction[] = [];
    for (const w of workers) w.predictions$.subscribe((p) => predictions.push(p));
    await until(
      () => workers.every((w) => w.stats().shards.length === 4),
      'the two workers share the 8 shards',
      20_000,
    );
    const samples = fleetSamples(2000, 12, 5, 97);
    await lastValueFrom(from(samples).pipe(appendTo(await open(), { batch: 64 })));
    await until(
      () => workers[0].stats().applied + workers[1].stats().applied === samples.length,
      'every sample was applied',
      30_000,
    );
    for (const w of workers) await w.stop();
    const rejected = Math.floor(samples.length / 97);

    // What each worker scored itself: a key belongs to the worker that predicted it last (the
    // one whose checkpoint holds it); each worker's state is one metric of its keys' predictions.
    const ownerOf = new Map<string, string>();
    for (const p of predictions) ownerOf.set(p.key, p.worker);
    const byWorker = new Map([
      ['w1', errorMetric()],
      ['w2', errorMetric()],
    ]);
    const byKey = new Map<string, ReturnType<typeof errorMetric>>();
    for (const p of predictions) {
      byWorker.get(ownerOf.get(p.key) ?? '')?.update(p.prediction, p.actual ?? []);
      const key = byKey.get(p.key) ?? errorMetric();
      key.update(p.prediction, p.actual ?? []);
      byKey.set(p.key, key);
    }
    const merged = errorMetric();
    for (const state of byWorker.values()) merged.merge(state);
    expect(merged.count).toBe(samples.length - rejected);

    const options = parseServeOptions({
      redis: redis.url,
      prefix: 'view',
      host: '127.0.0.1',
      port: '0',
      everyMs: '50',
      allowOrigin: [],
      allowHost: [],
    });
    if (Array.isArray(options)) throw new Error(options.join('\n'));
    const out: string[] = [];
    const problems: string[] = [];
    const fleet = await startFleetServe(
      options,
      { write: (t: string) => out.push(t) },
      { write: (t: string) => problems.push(t) },
    );
    try {
      expect(out.join('')).toContain(`dashboard ${fleet.server.url}, socket ${fleet.server.wsUrl}`);
      const client = await connect(fleet.server);
      client.send({ type: 'subscribe', topics: ['metrics'] });
      const received = (): MetricsMessage[] => [
        ...client.of('history').flatMap((h) => h.metrics),
        ...client.of('metrics'),
      ];
      const latest = (key: string) => received().findLast((m) => m.key === key);
      await client.until(
        () =>
          latest(FLEET_TOTAL_KEY)?.samples === samples.length &&
          [...byKey.keys(), 'w1', 'w2'].every((k) => latest(byKey.has(k) ? k : fleetWorkerKey(k))),
        'the fleet, both workers and every key',
      );
      expectValid(client);
      const expectFigures = (key: string, metric: ReturnType<typeof errorMetric>) => {
        const got = latest(key);
        const { mse, mae, r2 } = metric.get();
        expect({ key, count: got?.count }).toEqual({ key, count: metric.count });
        expect(got?.mse).toBeCloseTo(mse ?? Number.NaN, 12);
        expect(got?.rmse).toBeCloseTo(Math.sqrt(mse ?? Number.NaN), 12);
        expect(got?.mae).toBeCloseTo(mae ?? Number.NaN, 12);
        expect(got?.r2).toBeCloseTo(r2 ?? Number.NaN, 12);
      };
      expectFigures(FLEET_TOTAL_KEY, merged);
      expect(latest(FLEET_TOTAL_KEY)).toMatchObject({
        samples: samples.length,
        rejected,
        rejectedByReason: expect.objectContaining({ notNumber: rejected }),
      });
      for (const [name, state] of byWorker) expectFigures(fleetWorkerKey(name), state);
      for (const [key, state] of byKey) expectFigures(key, state);
      const perKey = [...byKey.keys()].map((k) => latest(k)?.samples ?? 0);
      expect(perKey.reduce((a, b) => a + b, 0)).toBe(samples.length);
      expect(problems).toEqual([]);
      client.socket.close();
    } finally {
      await fleet.close();
    }
  });

  it('names a port that is taken, in one line, and leaves nothing open', async () => {
    const options = parseServeOptions({
      redis: redis.url,
      prefix: 'view',
      host: '127.0.0.1',
      port: '0',
      everyMs: '1000',
      allowOrigin: [],
      allowHost: [],
    });
    if (Array.isArray(options)) throw new Error(options.join('\n'));
    const quiet = { write: () => true };
    const first = await startFleetServe(options, quiet, quiet);
    try {
      const port = first.server.port;
      await expect(startFleetServe({ ...options, port }, quiet, quiet)).rejects.toThrow(
        `port ${port} of 127.0.0.1 is taken: give another with --port, or --port 0 for any free one`,
      );
    } finally {
      await first.close();
    }
  });
});
