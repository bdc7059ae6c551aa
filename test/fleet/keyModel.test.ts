import { describe, expect, it } from 'vitest';
import { linear } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { network } from '../../src/core/network.js';
import { restoreKey, saveKey } from '../../src/fleet/keyModel.js';
import { sampleOfRecord, sampleRecord } from '../../src/fleet/sampleRecord.js';
import { adam } from '../../src/optim/adam.js';
import { metricsTracker } from '../../src/tracking/metricsTracker.js';
import { learnAlone, makeModel, sameBits } from './fleetModels.js';

describe('a key’s saved state', () => {
  it('comes back bit for bit into a model made anew, with its counts', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({
      x: [i / 50, 1 - i / 50, 0.5],
      y: i / 25,
    }));
    const learned = learnAlone('k', samples);
    const text = saveKey('k', learned, metricsTracker({ window: 10 }), {
      learned: 49,
      rejected: 1,
    });
    const fresh = makeModel('k');
    expect(restoreKey('k', text, fresh, metricsTracker({ window: 10 }))).toEqual({
      learned: 49,
      rejected: 1,
    });
    expect(sameBits(fresh.network.parameters, learned.network.parameters)).toBe(true);
    expect(fresh.optimizer.state()).toEqual(learned.optimizer.state());
    expect(fresh.scaler?.state()).toEqual(learned.scaler?.state());
  });

  it('refuses a model of another architecture or other parts, naming the key', () => {
    const text = saveKey('k', makeModel('k'), metricsTracker({ window: 10 }), {
      learned: 0,
      rejected: 0,
    });
    const other = {
      ...makeModel('k'),
      network: network({ inputs: 3, layers: [dense(1, linear)], seed: 1 }),
    };
    expect(() => restoreKey('k', text, other, metricsTracker({ window: 10 }))).toThrow(
      /^shardedLearner: the checkpoint of key "k": holds a 3-4\(tanh\)-1\(linear\) network, makeModel made 3-1\(linear\)/,
    );
    const noScaler = { ...makeModel('k'), scaler: undefined };
    expect(() => restoreKey('k', text, noScaler, metricsTracker({ window: 10 }))).toThrow(
      /has a scaler, makeModel made none/,
    );
    expect(() => restoreKey('k', '{"x":', makeModel('k'), metricsTracker({ window: 10 }))).toThrow(
      /the checkpoint of key "k": fromCheckpoint: the text is not valid JSON/,
    );
    const wrongOptimizer = { ...makeModel('k'), optimizer: adam() };
    expect(restoreKey('k', text, wrongOptimizer, metricsTracker({ window: 10 }))).toEqual({
      learned: 0,
      rejected: 0,
    });
  });

  it('records samples as JSON, malformed ones included, and reads them back', () => {
    expect(
      sampleRecord({
        x: new Float64Array([1, 2]),
        y: new Float64Array([3]),
        key: 7,
        id: 'a',
        t: 5,
      }),
    ).toBe('{"x":[1,2],"y":[3],"key":7,"id":"a","t":5}');
    const bad = sampleRecord({
      x: [],
      key: 'k',
      malformed: { field: 'line 3', value: 'x,y', problem: 'is not a number' },
    });
    expect(sampleOfRecord(bad, 'here')).toEqual({
      x: [],
      key: 'k',
      malformed: { field: 'line 3', value: 'x,y', problem: 'is not a number' },
    });
    expect(sampleOfRecord('{"malformed": 1', 'entry 9').malformed?.field).toBe('entry 9');
    expect(sampleRecord(null as never)).toBe('{"notObject":"null"}');
  });
});
