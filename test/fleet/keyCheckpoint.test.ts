import { describe, expect, it } from 'vitest';
import { linear } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { network } from '../../src/core/network.js';
import { restoreKey, savedShape, saveKey } from '../../src/fleet/keyCheckpoint.js';
import { KeyErrors } from '../../src/fleet/keyErrors.js';
import { sampleOfRecord, sampleRecord } from '../../src/fleet/sampleRecord.js';
import { type CheckpointJson, toCheckpoint } from '../../src/model/checkpoint.js';
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
      /^shardedLearner: the checkpoint of key "k": the text is not valid JSON/,
    );
    const wrongOptimizer = { ...makeModel('k'), optimizer: adam() };
    expect(restoreKey('k', text, wrongOptimizer)).toEqual({ learned: 0, rejected: 0, ...none });
    // A record that is not one, or error metrics of another alpha, name the field.
    const badCounts = saveKey('k', makeModel('k'), { learned: 0, rejected: 0, ...none }).replace(
      '"learned":0',
      '"learned":-1',
    );
    expect(() => restoreKey('k', badCounts, makeModel('k'))).toThrow(
      /^shardedLearner: the checkpoint of key "k": run\.learned: Too small/,
    );
    const errors = new KeyErrors(0.5).state();
    const otherAlpha = saveKey('k', makeModel('k'), { learned: 0, rejected: 0, ...none, errors });
    expect(() => restoreKey('k', otherAlpha, makeModel('k'), new KeyErrors(0.1))).toThrow(
      /the checkpoint of key "k": run\.errors: recent\.alpha: must be 0\.1/,
    );
  });

  it('holds every number bit for bit as float64 in base64, and says what is wrong with a text', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ x: [i, 1, -i], y: i / 3 }));
    const learned = learnAlone('k', samples);
    learned.network.parameters[0] = -0; // JSON would write 0
    learned.network.parameters[1] = Number.NaN; // JSON would write null
    const none = { rejectedByReason: {}, drifts: 0, learningRate: null, errors: null };
    const text = saveKey('k', learned, { learned: 20, rejected: 0, ...none });
    const saved = JSON.parse(text);
    expect(saved).toMatchObject({ format: 'streamprop-key', version: 1, key: 'k' });
    expect(saved.network).toBe('3-4(tanh)-1(linear)');
    expect(typeof saved.parameters).toBe('string');
    expect(Object.keys(saved.optimizer.buffers)).toEqual(['m', 'v']);
    const fresh = makeModel('k');
    restoreKey('k', text, fresh);
    expect(sameBits(fresh.network.parameters, learned.network.parameters)).toBe(true);
    expect(Object.is(fresh.network.parameters[0], -0)).toBe(true);
    expect(fresh.optimizer.state()).toEqual(learned.optimizer.state());
    expect(savedShape(text)).toEqual({ inputs: 3, outputs: 1 });

    const edit = (change: (s: Record<string, unknown>) => void) => {
      const copy = JSON.parse(text);
      change(copy);
      return () => restoreKey('k', JSON.stringify(copy), makeModel('k'));
    };
    const where = /^shardedLearner: the checkpoint of key "k": /;
    expect(edit((s) => Object.assign(s, { version: 2 }))).toThrow(
      /"k": is streamprop-key version 2, written by a later streamprop; this one reads version 1: upgrade every worker of the fleet$/,
    );
    expect(edit((s) => Object.assign(s, { format: 'other' }))).toThrow(
      /"k": format: Invalid input: expected "streamprop-key"$/,
    );
    expect(edit((s) => Object.assign(s, { parameters: 'not base64!' }))).toThrow(
      /"k": parameters: must be float64 numbers in base64$/,
    );
    expect(edit((s) => Object.assign(s, { parameters: 'AAAAAAAA8D8=' }))).toThrow(
      /"k": parameters: has 1 values, the network 21$/,
    );
    expect(
      edit((s) => {
        (s.optimizer as { buffers: Record<string, string> }).buffers.m = 'AAAAAAAA8D8=';
      }),
    ).toThrow(/"k": optimizer\.buffers\.m: has 1 values, expected 21 \(one per parameter\)$/);
    expect(
      edit((s) => {
        (s.optimizer as { hyperParameters: Record<string, number> }).hyperParameters.beta1 = 0.5;
      }),
    ).toThrow(where);
    expect(edit((s) => Object.assign(s, { key: 'j' }))).toThrow(
      /"k": is the checkpoint of key "j"$/,
    );
    expect(edit((s) => delete s.optimizer)).toThrow(/"k": optimizer: Invalid input/);
  });

  it('reads the per-key checkpoints of streamprop 0.1 (a whole streamprop-checkpoint), bit for bit', () => {
    const samples = Array.from({ length: 30 }, (_, i) => ({ x: [i / 30, 0.5, 1], y: i / 10 }));
    const learned = learnAlone('k', samples);
    const errors = new KeyErrors(0.2);
    for (const s of samples) errors.update([s.y + 1], [s.y]);
    const record = {
      learned: 30,
      rejected: 0,
      rejectedByReason: {},
      drifts: 0,
      learningRate: 0.01,
      errors: errors.state(),
    };
    // As saveKey wrote it up to streamprop 0.1.
    const old = JSON.stringify(
      toCheckpoint({
        network: learned.network,
        optimizer: learned.optimizer,
        scaler: learned.scaler,
        samples: 30,
        run: { key: 'k', ...record } as unknown as CheckpointJson,
      }),
    );
    const fresh = makeModel('k');
    const into = new KeyErrors(0.2);
    expect(restoreKey('k', old, fresh, into)).toEqual(record);
    expect(into.state()).toEqual(errors.state());
    expect(sameBits(fresh.network.parameters, learned.network.parameters)).toBe(true);
    expect(fresh.optimizer.state()).toEqual(learned.optimizer.state());
    expect(fresh.scaler?.state()).toEqual(learned.scaler?.state());
    expect(savedShape(old)).toEqual({ inputs: 3, outputs: 1 });
    const other = {
      ...makeModel('k'),
      network: network({ inputs: 3, layers: [dense(1, linear)], seed: 1 }),
    };
    expect(() => restoreKey('k', old, other)).toThrow(
      /^shardedLearner: the checkpoint of key "k": holds a 3-4\(tanh\)-1\(linear\) network, makeModel made 3-1\(linear\)/,
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
