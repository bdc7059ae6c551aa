// A worker of `npm run bench:scale`'s takeover: a shardedLearner with the bench's model that
// writes "SHARD OFFSET" for every sample it applies, at once (a synchronous write to a pipe, so
// what was written survives its SIGKILL) — the bench matches the killed worker's offsets with
// its successor's to count, exactly, the samples learned again.
// Arguments: REDIS_URL PREFIX NAME LEASE_MS [throughput WARM_UP].
// With `throughput` it writes nothing per sample; instead, every 20 ms, a JSON line of its
// `applied` count, and once stopped (SIGTERM) a last one with its own CPU time (process.cpuUsage)
// and clock from its WARM_UP-th sample applied to the end of its final checkpoints, and the CPU
// it spent after its last sample until the SIGTERM (`idle`: waiting for work) — a worker
// measures itself, so its start-up (loading modules, reaching Redis, the fleet's shape, the JIT
// compiling its first samples: the reference is warmed up too) is not counted, and nothing
// waits on the 5 s checkpoints to see its progress.
import { writeSync } from 'node:fs';
import { createLearner } from '../src/cli/learner.js';
import { redisLog } from '../src/fleet/redisLog.js';
import { shardedLearner } from '../src/fleet/shardedLearner.js';

export const SCALE_MODEL = {
  layers: [32, 16],
  activation: 'tanh',
  optimizer: 'adam',
  adaptive: false,
  window: 500,
  seed: 1,
} as const;

const [url, prefix, name, leaseMs, mode, warmUp] = process.argv.slice(2);
if (url !== undefined) {
  const log = await redisLog({ url, prefix });
  const worker = shardedLearner(log, {
    makeModel: () => createLearner(SCALE_MODEL, { inputs: 8, outputs: 1 }),
    name,
    leaseMs: Number(leaseMs),
  });
  let first: { applied: number; cpu: number; at: number } | undefined;
  /** The CPU time when `applied` was last seen to grow (at most 20 ms after that sample). */
  let lastGrowth = 0;
  const cpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  let timer: NodeJS.Timeout | undefined;
  if (mode === 'throughput') {
    let told = -1;
    timer = setInterval(() => {
      const { applied } = worker.stats();
      if (first === undefined && applied >= Math.max(1, Number(warmUp ?? 1)))
        first = { applied, cpu: cpu(), at: Date.now() };
      if (applied !== told) {
        lastGrowth = cpu();
        writeSync(1, `${JSON.stringify({ applied })}\n`);
      }
      told = applied;
    }, 20);
  } else {
    // Predictions come just before each sample is learned, in the same synchronous step.
    worker.predictions$.subscribe((p) => writeSync(1, `${p.shard} ${p.offset}\n`));
  }
  process.once('SIGTERM', () => {
    // CPU spent waiting, out of work, since its last sample: a worker whose shards held fewer
    // samples ran out before the others, and only polls until the bench stops them all.
    const idle = cpu() - lastGrowth;
    void worker
      .stop()
      .then(() => {
        clearInterval(timer);
        if (mode === 'throughput') {
          const { applied, acquired, handedOver, checkpoints } = worker.stats();
          const end = {
            applied,
            first,
            cpu: cpu(),
            idle,
            at: Date.now(),
            acquired,
            handedOver,
            checkpoints,
          };
          writeSync(1, `${JSON.stringify(end)}\n`);
        }
        return log.close();
      })
      .then(() => process.exit(0));
  });
}
