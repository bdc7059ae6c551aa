// A worker of `npm run bench:scale`'s takeover: a shardedLearner with the bench's model that
// writes "SHARD OFFSET" for every sample it applies, at once (a synchronous write to a pipe, so
// what was written survives its SIGKILL) — the bench matches the killed worker's offsets with
// its successor's to count, exactly, the samples learned again.
// Arguments: REDIS_URL PREFIX NAME LEASE_MS.
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

const [url, prefix, name, leaseMs] = process.argv.slice(2);
if (url !== undefined) {
  const log = await redisLog({ url, prefix });
  const worker = shardedLearner(log, {
    makeModel: () => createLearner(SCALE_MODEL, { inputs: 8, outputs: 1 }),
    name,
    leaseMs: Number(leaseMs),
  });
  // Predictions come just before each sample is learned, in the same synchronous step.
  worker.predictions$.subscribe((p) => writeSync(1, `${p.shard} ${p.offset}\n`));
  process.once('SIGTERM', () => {
    void worker
      .stop()
      .then(() => log.close())
      .then(() => process.exit(0));
  });
}
