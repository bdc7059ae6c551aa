import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type DriftDetector,
  detectDrift,
  fromCheckpoint,
  mse,
  type Network,
  type Optimizer,
  parseCheckpoint,
  type ResetModel,
  resetModel,
  type Sample,
  sgd,
  toCheckpoint,
  train,
} from '../../src/index.js';
import { collect, tanhNet, tanhSamples } from '../operators/snapshot.js';

/** Signals a change at the given 0-based counts of the values fed to each subscription. */
function scripted(alarmAt: readonly number[]): DriftDetector {
  let count = 0;
  return {
    name: 'scripted',
    update: () => alarmAt.includes(count++),
    clone: () => scripted(alarmAt),
    state: () => ({ name: 'scripted', settings: {}, values: {} }),
    restore() {},
  };
}

/** Trains `net` on `samples`, resetting it with `action` where `detector` signals; the actions' words. */
function run(
  net: Network,
  optimizer: Optimizer,
  samples: readonly Sample[],
  alarmAt: readonly number[],
  action: ResetModel,
): string[] {
  const out = collect(
    from(samples).pipe(
      train(net, { loss: mse(), optimizer }),
      detectDrift(scripted(alarmAt), { onDrift: action }),
      // Steps are reused: read the events as each one goes by.
      map((s) => s.events.flatMap((e) => (e.type === 'drift' ? [e.action] : []))),
    ),
  );
  expect(out.error).toBeUndefined();
  return out.values.flat();
}

const samples = tanhSamples(8);

/** The first half of the run (a reset at sample 2), checkpointed as text. */
function firstHalf(): string {
  const net = tanhNet();
  const optimizer = sgd({ learningRate: 0.1 });
  const action = resetModel(net, { seed: 9 });
  expect(run(net, optimizer, samples.slice(0, 4), [2], action)).toEqual([
    'weights redrawn (seed 9, reset 1)',
  ]);
  return JSON.stringify(toCheckpoint({ network: net, optimizer, resetModel: action, samples: 4 }));
}

describe('resetModel in checkpoints', () => {
  it('a resumed run redraws, at its next reset, exactly the weights of the uninterrupted run', () => {
    const net = tanhNet();
    const whole = run(
      net,
      sgd({ learningRate: 0.1 }),
      samples,
      [2, 6],
      resetModel(net, { seed: 9 }),
    );
    expect(whole).toEqual([
      'weights redrawn (seed 9, reset 1)',
      'weights redrawn (seed 9, reset 2)',
    ]);

    const text = firstHalf();
    expect(JSON.parse(text).resetModel).toMatchObject({ seed: 9, resets: 1 });
    const loaded = fromCheckpoint(text);
    expect(loaded.resetModel?.state()).toEqual(JSON.parse(text).resetModel);
    const resumed = loaded.network;
    const action = loaded.resetModel as ResetModel;
    expect(run(resumed, loaded.optimizer, samples.slice(4), [2], action)).toEqual([
      'weights redrawn (seed 9, reset 2)',
    ]);
    expect(new Float64Array(resumed.parameters)).toStrictEqual(new Float64Array(net.parameters));

    // Without the saved generator, the second reset draws the first reset's weights again.
    const fresh = fromCheckpoint(text);
    run(
      fresh.network,
      fresh.optimizer,
      samples.slice(4),
      [2],
      resetModel(fresh.network, { seed: 9 }),
    );
    expect(new Float64Array(fresh.network.parameters)).not.toStrictEqual(
      new Float64Array(net.parameters),
    );
  });

  it('restores into the action passed in into.resetModel, or by its restore', () => {
    const net = tanhNet();
    run(net, sgd({ learningRate: 0.1 }), samples, [2, 6], resetModel(net, { seed: 9 }));
    const text = firstHalf();
    const loaded = fromCheckpoint(text);
    const own = resetModel(loaded.network, { seed: 9 });
    expect(fromCheckpoint(text, { resetModel: own }).resetModel).toBe(own);
    run(loaded.network, loaded.optimizer, samples.slice(4), [2], own);
    expect(new Float64Array(loaded.network.parameters)).toStrictEqual(
      new Float64Array(net.parameters),
    );
    expect(own.state().resets).toBe(2);
  });

  it('refuses an action made with another seed, or one that is not a resetModel', () => {
    const text = firstHalf();
    const other = resetModel(tanhNet(), { seed: 10 });
    expect(() => fromCheckpoint(text, { resetModel: other })).toThrow(
      'fromCheckpoint: resetModel.seed: saved with seed 9, the action given has seed 10',
    );
    expect(() => other.restore(JSON.parse(text).resetModel)).toThrow(
      new RangeError('resetModel.restore: seed: saved with seed 9, this action has seed 10'),
    );
    expect(() => fromCheckpoint(text, { resetModel: {} as never })).toThrow(
      /^fromCheckpoint: into\.resetModel must be made with resetModel\(net, \{ … \}\), got/,
    );
    expect(() =>
      toCheckpoint({ network: tanhNet(), optimizer: sgd(), resetModel: [] as never, samples: 0 }),
    ).toThrow(/^toCheckpoint: resetModel must be made with resetModel/);
  });

  it('refuses a malformed saved state, naming its path', () => {
    const saved = JSON.parse(firstHalf());
    saved.resetModel.random.b = -1;
    expect(() => parseCheckpoint(saved)).toThrow(/^parseCheckpoint: resetModel\.random\.b: /);
    expect(() => fromCheckpoint(saved)).toThrow(/^fromCheckpoint: resetModel\.random\.b: /);
    const action = resetModel(tanhNet(), { seed: 9 });
    expect(() =>
      action.restore({ seed: 9, resets: 1.5, random: saved.resetModel.random } as never),
    ).toThrow(/^resetModel\.restore: resets: /);
    expect(action.state().resets).toBe(0);
  });

  it('loads a checkpoint without it, as older files are', () => {
    const saved = JSON.parse(firstHalf());
    delete saved.resetModel;
    const loaded = fromCheckpoint(saved);
    expect(loaded.resetModel).toBeUndefined();
    expect(loaded.samples).toBe(4);
  });
});
