import { describe, expect, it } from 'vitest';
import { linear } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { network } from '../../src/core/network.js';
import { KeyErrors } from '../../src/fleet/keyErrors.js';
import { restoreKey, saveKey } from '../../src/fleet/keyModel.js';
import { sampleOfRecord, sampleRecord } from '../../src/fleet/sampleRecord.js';
import { adam } from '../../src/optim/adam.js';
import { learnAlone, makeModel, sameBits } from './fleetModels.js';

describe('a key’s saved state', () => {
  it('comes back bit for bit into a model made anew, with its counts', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({
      x: [i / 50, 1 - i / 50, 0.5],
      y: i / 25,
    }));
    const learned = learnAlone('k', samples);
    const errors = new KeyErrors(0.2);
    for (const s of samples) errors.update([s.y + 0.5], [s.y]);
    const record = {
      learned: 49,
      rejected: 1,
      rejectedByReason: { nonFinite: 1 },
      drifts: 2,
      learningRate: 0.01,
      errors: errors.state(),
    };
    const text = saveKey('k', learned, record);
    const fresh = makeModel('k');
    const into = new KeyErrors(0.2);
    expect(restoreKey('k', text, fresh, into)).toEqual(record);
    expect(into.state()).toEqual(errors.state());
    expect(into.figures().total).toEqual({
      count: 50,
      mse: 0.25,
      rmse: 0.5,
      mae: 0.5,
      r2: expect.any(Number),
    });
    expect(sameBits(fresh.network.parameters, learned.network.parameters)).toBe(true);
    expect(fresh.optimizer.state()).toEqual(learned.optimizer.state());
    expect(fresh.scaler?.state()).toEqual(learned.scaler?.state());
  });

  it('refuses a model of another architecture or other parts, naming the key', () => {
    const none = { rejectedByReason: {}, drifts: 0, learningRate: null, errors: null };
    const text = saveKey('k', makeModel('k'), { learned: 0, rejected: 0, ...none });
    const other = {
      ...makeModel('k'),
      network: network({ inputs: 3, layers: [dense(1, linear)], seed: 1 }),
    };
    expect(() => restoreKey('k', text, other)).toThrow(
      /^shardedLearner: the checkpoint of key "k": holds a 3-4\(tanh\)-1\(linear\) network, makeModel made 3-1\(linear\)/,
    );
    const noScaler = { ...makeModel('k'), scaler: undefined };
    expect(() => restoreKey('k', text, noScaler)).toThrow(/has a scaler, makeModel made none/);
    expect(() => restoreKey('k', '{"x":', makeModel('k'))).toThrow(
      /the checkpoint of key "k": fromCheckpoint: the text is not valid JSON/,
    );
    const wrongOptimizer = { ...makeModel('k'), optimizer: adam() };
    expect(restoreKey('k', text, wrongOptimizer)).toEqual({ learned: 0, rejected: 0, ...none });
    // A record that is not one, or error metrics of another alpha, name the field.
    const badCounts = saveKey('k', makeModel('k'), { learned: 0, rejected: 0, ...none }).replace(
      '"learned":0',
      '"learned":-1',
    );
    expect(() => restoreKey('k', badCounts, makeModel('k'))).toThrow(
      /^shardedLearner: the checkpoint of key "k": run: learned: Too small/,
    );
    const errors = new KeyErrors(0.5).state();
    const otherAlpha = saveKey('k', makeModel('k'), { learned: 0, rejected: 0, ...none, errors });
    expect(() => restoreKey('k', otherAlpha, makeModel('k'), new KeyErrors(0.1))).toThrow(
      /the checkpoint of key "k": run\.errors: recent\.alpha: must be 0\.1/,
    );
  });

  it('records samples as JSON when they have no compact record, malformed ones included, and reads them back', () => {
    expect(
      sampleRecord({
        x: new Float64Array([1, Number.NaN]),
        y: new Float64Array([3]),
        key: 7,
        id: 'a',
        t: 5,
      }),
    ).toBe('{"x":[1,null],"y":[3],"key":7,"id":"a","t":5}');
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
    expect(
      sampleOfRecord('{"malformed":{"field":"f","value":"v","problem":3}}', 'entry 10').malformed,
    ).toEqual({
      field: 'entry 10',
      value: '{"malformed":{"field":"f","value":"v","problem":3}}',
      problem:
        'is not a malformed-sample record: malformed.problem: Invalid input: expected string, received number',
    });
    expect(sampleRecord(null as never)).toBe('{"notObject":"null"}');
  });
});
