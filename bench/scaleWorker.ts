// A worker of `npm run bench:scale`'s takeover: a shardedLearner with the bench's model that
// writes "SHARD OFFSET" for every sample it applies, at once (a synchronous write to a pipe, so
// what was written survives its SIGKILL) — the bench matches the killed worker's offsets with
// its successor's to count, exactly, the samples learned again.
// Arguments: REDIS_URL PREFIX NAME LEASE_MS [throughput WARM_UP].
// With `throughput` it writes nothing per sample; instead, every 20 ms, a JSON line of its
// `applied` count, and once stopped (SIGTERM) a last one with its own CPU time (process.cpuUsage)
// and clock from its WARM_UP-th sample applied to the end of its final checkpoints — a worker
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
      if (applied !== told) writeSync(1, `${JSON.stringify({ applied })}\n`);
      told = applied;
    }, 20);
  } else {
    // Predictions come just before each sample is learned, in the same synchronous step.
    worker.predictions$.subscribe((p) => writeSync(1, `${p.shard} ${p.offset}\n`));
  }
  process.once('SIGTERM', () => {
    void worker
      .stop()
      .then(() => {
        clearInterval(timer);
        if (mode === 'throughput') {
          const { applied } = worker.stats();
          writeSync(1, `${JSON.stringify({ applied, first, cpu: cpu(), at: Date.now() })}\n`);
        }
        return log.close();
      })
      .then(() => process.exit(0));
  });
}
