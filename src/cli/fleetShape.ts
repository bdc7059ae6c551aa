import { savedShape } from '../fleet/keyCheckpoint.js';
import { START_OFFSET } from '../fleet/offset.js';
import { sampleOfRecord } from '../fleet/sampleRecord.js';
import type { ShardedLog } from '../fleet/shardedLog.js';
import type { SampleShape } from './learner.js';

/**
 * The shape of a fleet's samples, for the models of `streamprop worker`: that of a model already
 * checkpointed, else that of the first sample in the log with an `x` and a `y` of numbers.
 *
 * @returns the shape, or `undefined` when the log holds neither yet (the caller waits).
 */
export async function fleetShape(log: ShardedLog): Promise<SampleShape | undefined> {
  for (let shard = 0; shard < log.shards; shard++) {
    const saved = await log.load(shard);
    const first = saved?.models.values().next();
    if (first !== undefined && first.done === false) {
      return savedShape(first.value);
    }
  }
  for (let shard = 0; shard < log.shards; shard++) {
    for (const entry of await log.range(shard, START_OFFSET, 100)) {
      const sample = sampleOfRecord(entry.body, '');
      const { x, y } = sample;
      const list = (v: unknown): v is ArrayLike<number> =>
        Array.isArray(v) || ArrayBuffer.isView(v);
      if (sample.malformed !== undefined || !list(x) || x.length === 0) continue;
      const outputs = typeof y === 'number' ? 1 : list(y) ? y.length : 0;
      if (outputs > 0) return { inputs: x.length, outputs };
    }
  }
  return undefined;
}
