// The fleet's guarantee on a real redis-server, through the commands as users run them:
// 100,000 samples over 500 keys ingested while 3 workers learn; one worker is killed with
// SIGKILL at 10 random moments (and restarted), one is frozen past its lease, and Redis itself
// is killed and restarted from its AOF. Afterwards `status` shows for every key `learned` equal
// to the samples of that key in the log — nothing lost, nothing learned twice — and each key's
// checkpointed model equals, bit for bit, the model one process learns from that key's samples
// alone, in the same order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  learnerOptions,
  parseWorkerOptions,
  type WorkerOptions,
} from '../../src/cli/fleetOptions.js';
import { createLearner } from '../../src/cli/learner.js';
import { rng } from '../../src/core/rng.js';
import { restoreKey } from '../../src/fleet/keyCheckpoint.js';
import { KeyErrors } from '../../src/fleet/keyErrors.js';
import { START_OFFSET } from '../../src/fleet/offset.js';
import { redisLog } from '../../src/fleet/redisLog.js';
import { sampleOfRecord } from '../../src/fleet/sampleRecord.js';
import type { ShardedLog } from '../../src/fleet/shardedLog.js';
import { meanAbsoluteError } from '../../src/metrics/meanAbsoluteError.js';
import { meanSquaredError } from '../../src/metrics/meanSquaredError.js';
import { metricGroup } from '../../src/metrics/metricGroup.js';
import { rSquared } from '../../src/metrics/rSquared.js';
import { total } from '../../src/metrics/total.js';
import type { Sample } from '../../src/samples/sample.js';
import { type CliProcess, killAll, startCli } from '../cli/cliProcess.js';
import { sleep } from '../polling.js';
import { fleetSamples, sameBits } from './fleetModels.js';
import { startRedis, type TestRedis, withRedis } from './redisServer.js';

const SAMPLES = 100_000;
const KEYS = 500;
const LEASE_MS = 2000;
const SEED = Number(process.env.CHAOS_SEED ?? 12);

const WORKER_FLAGS = [
  '--layers',
  '4',
  '--window',
  '50',
  '--lease-ms',
  String(LEASE_MS),
  '--checkpoint-every',
  '300',
  '--checkpoint-seconds',
  '1',
  '--json',
];

/** Every entry of every shard, in order. */
const readAll = async (log: ShardedLog): Promise<Map<string, Sample[]>> => {
  const byKey = new Map<string, Sample[]>();
  for (let shard = 0; shard < log.shards; shard++) {
    let from = START_OFFSET;
    let first = true;
    for (;;) {
      const page = await log.range(shard, from, 5000);
      const entries = first ? page : page.slice(1);
      if (entries.length === 0) break;
      for (const entry of entries) {
        const sample = sampleOfRecord(entry.body, entry.offset);
        const key = String(sample.key ?? '');
        const list = byKey.get(key) ?? [];
        list.push(sample);
        byKey.set(key, list);
      }
      from = page[page.length - 1].offset;
      first = false;
    }
  }
  return byKey;
};

describe.runIf(withRedis)(
  'a fleet of 3 workers through kill -9, a freeze and a Redis crash',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamprop-chaos-'));
    let redis: TestRedis | undefined;
    afterAll(async () => {
      killAll();
      await redis?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('learns every sample exactly once, bit for bit as one process per key', async () => {
      redis = await startRedis({ aof: true });
      const url = redis.url;
      const random = rng(SEED);
      const samples = fleetSamples(SAMPLES, KEYS, SEED, 1000);
      const file = join(dir, 'samples.ndjson');
      writeFileSync(file, `${samples.map((s) => JSON.stringify(s)).join('\n')}\n`);

      const workers: CliProcess[] = [];
      const workerNames = new Map<CliProcess, string>();
      const startWorker = (i: number): CliProcess => {
        const name = `w${i}-${workers.length}`;
        const w = startCli([
          'worker',
          '--redis',
          url,
          '--prefix',
          'chaos',
          '--name',
          name,
          ...WORKER_FLAGS,
        ]);
        workers.push(w);
        workerNames.set(w, name);
        return w;
      };
      // The fleet is made by the ingester; the workers wait for its first samples.
      const ingest = startCli([
        'ingest',
        '--to',
        url,
        '--prefix',
        'chaos',
        '--shards',
        '64',
        '--source',
        `ndjson:${file}`,
        '--rate',
        '6000',
        '--json',
      ]);
      const live = [startWorker(0), startWorker(1), startWorker(2)];

      // The chaos, at random moments of the ingest's ~17 s.
      const kills = Array.from({ length: 10 }, () => 1000 + random.next() * 15_000).sort(
        (a, b) => a - b,
      );
      const freezeAt = 3000 + random.next() * 8000;
      const crashAt = 3000 + random.next() * 10_000;
      const started = Date.now();
      const at = (ms: number) => sleep(Math.max(0, started + ms - Date.now()));
      const chaos: Promise<void>[] = [];
      let frozenWorker: CliProcess | undefined;
      chaos.push(
        (async () => {
          for (const ms of kills) {
            await at(ms);
            const slot = Math.floor(random.next() * 2); // workers 0 and 1; worker 2 is the one frozen
            live[slot].child.kill('SIGKILL');
            await live[slot].exited;
            live[slot] = startWorker(slot);
          }
        })(),
      );
      chaos.push(
        (async () => {
          await at(freezeAt);
          // Frozen while it holds shards (as Redis records their owners).
          const watcher = await redisLog({ url, prefix: 'chaos' });
          const name = workerNames.get(live[2]);
          const owns = async () => {
            for (let s = 0; s < watcher.shards; s++) {
              if ((await watcher.inspect(s)).owner === name) return true;
            }
            return false;
          };
          while (!(await owns())) await sleep(50);
          await watcher.close();
          frozenWorker = live[2];
          frozenWorker.child.kill('SIGSTOP');
          await sleep(2 * LEASE_MS + 500); // past its lease: the others take its shards
          frozenWorker.child.kill('SIGCONT');
        })(),
      );
      chaos.push(
        (async () => {
          await at(crashAt);
          await redis?.stop('kill');
          await redis?.start();
        })(),
      );
      await Promise.all(chaos);
      const ingested = await ingest.exited;
      expect(ingested, ingest.stderr.join('\n')).toEqual({ code: 0, signal: null });

      // Wait until every shard's checkpoint has caught up with its log.
      const log = await redisLog({ url, prefix: 'chaos' });
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          let lag = 0;
          for (let s = 0; s < log.shards; s++) {
            const info = await log.inspect(s);
            lag += info.appended - info.applied;
          }
          if (lag === 0) break;
          if (Date.now() > deadline) {
            const tails = workers.map(
              (w) =>
                `${w.child.pid} ${w.child.exitCode ?? w.child.signalCode ?? 'running'}: ${[...w.stdout.slice(-3), ...w.stderr.slice(-3)].join(' | ')}`,
            );
            throw new Error(`the fleet did not catch up: lag ${lag}\n${tails.join('\n')}`);
          }
          await sleep(250);
        }
        for (const w of live) w.child.kill('SIGTERM');
        const exits = await Promise.all(live.map((w) => w.exited));
        expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
        // The frozen worker came back to find its shards gone: dropped, its writes refused.
        const summaries = workers
          .map((w) => w.stdout.findLast((line) => line.includes('"type":"summary"')))
          .filter((line) => line !== undefined)
          .map((line) => JSON.parse(line));
        expect(summaries).toHaveLength(3);
        const thawed = JSON.parse(
          frozenWorker?.stdout.findLast((line) => line.includes('"type":"summary"')) ?? '{}',
        );
        expect(thawed.lost + thawed.refused, JSON.stringify(thawed)).toBeGreaterThan(0);

        // status --json: every key's counts equal its entries in the log.
        const status = startCli(['status', '--redis', url, '--prefix', 'chaos', '--json']);
        expect(await status.exited).toEqual({ code: 0, signal: null });
        const document = JSON.parse(status.stdout.join('\n'));
        const stored = await readAll(log);
        expect(document.shards).toHaveLength(64);
        expect(document.totals.lag).toBe(0);
        expect(Object.keys(document.keys)).toHaveLength(KEYS);
        let inLog = 0;
        for (const [key, list] of stored) {
          const rejected = list.filter(
            (s) => !(s.x as unknown[]).every((v) => typeof v === 'number'),
          ).length;
          expect({ key, ...document.keys[key] }).toEqual({
            key,
            learned: list.length - rejected,
            rejected,
          });
          inLog += list.length;
        }
        // Nothing lost: every sample ingested is in the log (a retried append may add one twice).
        expect(inLog).toBeGreaterThanOrEqual(SAMPLES);
        const perKey = new Map<string, number>();
        for (const s of samples) perKey.set(String(s.key), (perKey.get(String(s.key)) ?? 0) + 1);
        for (const [key, n] of perKey)
          expect(stored.get(key)?.length ?? 0).toBeGreaterThanOrEqual(n);

        // Bit for bit: each key's checkpointed model against one process learning it alone.
        const options = parseWorkerOptions({
          redis: url,
          prefix: 'chaos',
          layers: '4',
          activation: 'tanh',
          optimizer: 'adam',
          adaptive: false,
          window: '50',
          seed: '1',
          checkpointEvery: '300',
          checkpointSeconds: '1',
          leaseMs: String(LEASE_MS),
          json: true,
        }) as WorkerOptions;
        const settings = learnerOptions(options);
        const alpha = 2 / (50 + 1); // --window 50
        const all = total(
          metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError(), r2: rSquared() }),
        );
        let compared = 0;
        for (let shard = 0; shard < log.shards; shard++) {
          const saved = await log.load(shard);
          for (const [key, text] of saved?.models ?? []) {
            const shape = { inputs: 3, outputs: 1 };
            const fromFleet = createLearner(settings, shape);
            const record = restoreKey(key, text, fromFleet);
            const alone = createLearner(settings, shape);
            const errors = new KeyErrors(alpha);
            from(stored.get(key) ?? [])
              .pipe(alone.pipeline)
              .subscribe((step) => {
                if (step.rejection !== undefined || step.actual === undefined) return;
                errors.update(step.output, step.actual);
                all.update(step.output, step.actual);
              });
            // Its error metrics too, bit for bit.
            expect({ key, errors: record.errors }).toEqual({ key, errors: errors.state() });
            expect(sameBits(fromFleet.network.parameters, alone.network.parameters), key).toBe(
              true,
            );
            expect(fromFleet.optimizer.state()).toEqual(alone.optimizer.state());
            compared++;
          }
        }
        expect(compared).toBe(KEYS);
        // The fleet's figures, merged by status from every key's metric state, equal one metric
        // of every prediction of every key (up to the order of the additions).
        const merged = document.metrics.all.total;
        const { mse, mae, r2 } = all.get();
        expect(merged.count).toBe(all.count);
        expect(merged.mse).toBeCloseTo(mse ?? Number.NaN, 12);
        expect(merged.mae).toBeCloseTo(mae ?? Number.NaN, 12);
        expect(merged.r2).toBeCloseTo(r2 ?? Number.NaN, 12);
        console.log(
          `chaos (seed ${SEED}): ${inLog} entries, ${kills.length} kills, a freeze at ${Math.round(freezeAt)} ms, Redis crashed at ${Math.round(crashAt)} ms; ${workers.length} worker processes in all; ${Date.now() - started} ms`,
        );
      } finally {
        await log.close();
      }
    }, 180_000);
  },
);
