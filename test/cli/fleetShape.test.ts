// The shape of a fleet's samples for `streamprop worker`: from a key's checkpoint when one is
// saved (in the current format and in that of streamprop 0.1), else from the first sample.
import { describe, expect, it } from 'vitest';
import { fleetShape } from '../../src/cli/fleetShape.js';
import { linear, tanh } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { network } from '../../src/core/network.js';
import { saveKey } from '../../src/fleet/keyCheckpoint.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { toCheckpoint } from '../../src/model/checkpoint.js';
import { adam } from '../../src/optim/adam.js';
import { makeModel } from '../fleet/fleetModels.js';

const none = {
  learned: 0,
  rejected: 0,
  rejectedByReason: {},
  drifts: 0,
  learningRate: null,
  errors: null,
};

async function logWith(model: string | undefined, sample: string | undefined) {
  const log = memoryLog({ shards: 4 });
  if (sample !== undefined) await log.append([{ shard: 3, body: sample }]);
  const lease = await log.acquire(2, 'w', 10_000);
  if (lease === undefined) throw new Error('no lease');
  const models = new Map(model === undefined ? [] : [['k', model]]);
  await log.commit(lease, { offset: '1-0', applied: 1, models, summaries: new Map() });
  return log;
}

describe('fleetShape', () => {
  it('reads the shape of a saved key, in the current format and in that of streamprop 0.1', async () => {
    const current = saveKey('k', makeModel('k'), none);
    // The first sample says otherwise: a checkpointed model comes first.
    expect(await fleetShape(await logWith(current, '{"x":[1],"y":2}'))).toEqual({
      inputs: 3,
      outputs: 1,
    });
    const net = network({ inputs: 5, layers: [dense(4, tanh), dense(2, linear)], seed: 1 });
    const old = JSON.stringify(toCheckpoint({ network: net, optimizer: adam(), samples: 0 }));
    expect(await fleetShape(await logWith(old, undefined))).toEqual({ inputs: 5, outputs: 2 });
  });

  it('reads the first sample with numbers when nothing is saved, and waits for one', async () => {
    expect(await fleetShape(await logWith(undefined, '{"x":[1,2],"y":[3,4,5]}'))).toEqual({
      inputs: 2,
      outputs: 3,
    });
    expect(await fleetShape(await logWith(undefined, undefined))).toBeUndefined();
  });
});
