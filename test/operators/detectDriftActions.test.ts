import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  boostLearningRate,
  type DriftAction,
  type DriftDetector,
  detectDrift,
  mse,
  type Network,
  type Optimizer,
  resetModel,
  resetOptimizer,
  rng,
  type Sample,
  type StepEvent,
  sgd,
  train,
} from '../../src/index.js';
import { collect, linearNet, tanhNet, tanhSamples } from './snapshot.js';

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

type DriftEvent = Extract<StepEvent, { type: 'drift' }>;

interface Seen {
  seq: number;
  learningRate: number;
  drift: DriftEvent | undefined;
  /** The optimizer's rate, step count and parameters right after the step was emitted. */
  rateAfter: number;
  stepsAfter: number;
  paramsAfter: number[];
}

/** Trains `net` on `samples` with `optimizer`, detecting drift with `detector` and `onDrift`. */
function run(
  net: Network,
  optimizer: Optimizer,
  samples: readonly Sample[],
  detector: DriftDetector,
  onDrift: DriftAction | DriftAction[],
): Seen[] {
  const out = collect(
    from(samples).pipe(
      train(net, { loss: mse(), optimizer }),
      detectDrift(detector, { onDrift }),
      map((s) => ({
        seq: s.seq,
        learningRate: s.learningRate,
        drift: s.events.find((e): e is DriftEvent => e.type === 'drift'),
        rateAfter: optimizer.learningRate,
        stepsAfter: optimizer.state().steps,
        paramsAfter: Array.from(net.parameters),
      })),
    ),
  );
  expect(out.error).toBeUndefined();
  return out.values;
}

const samples = (n: number) => tanhSamples(n);

describe('boostLearningRate', () => {
  it('multiplies the learning rate at each detection; the next update uses it', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const seen = run(tanhNet(), optimizer, samples(6), scripted([1, 3]), [
      boostLearningRate(optimizer, 3),
    ]);
    expect(seen.map((s) => s.learningRate)).toEqual([
      0.1,
      0.1,
      expect.closeTo(0.3, 15),
      expect.closeTo(0.3, 15),
      expect.closeTo(0.9, 15),
      expect.closeTo(0.9, 15),
    ]);
    expect(seen[1].drift).toEqual({
      type: 'drift',
      seq: 1,
      detector: 'scripted',
      action: 'learning rate 0.1 → 0.3',
    });
    expect(seen[1].rateAfter).toBeCloseTo(0.3, 15);
    expect(seen[3].drift?.action).toBe('learning rate 0.3 → 0.9');
    expect(seen.filter((s) => s.drift).map((s) => s.seq)).toEqual([1, 3]);
  });

  it('stops at max, and never lowers a rate that is already above it', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const seen = run(tanhNet(), optimizer, samples(4), scripted([0, 1, 2]), [
      boostLearningRate(optimizer, 2, { max: 0.25 }),
    ]);
    expect(seen.map((s) => s.drift?.action)).toEqual([
      'learning rate 0.1 → 0.2',
      'learning rate 0.2 → 0.25',
      'learning rate 0.25 → 0.25',
      undefined,
    ]);
    optimizer.learningRate = 0.5;
    const again = run(tanhNet(), optimizer, samples(1), scripted([0]), [
      boostLearningRate(optimizer, 2, { max: 0.25 }),
    ]);
    expect(again[0].drift?.action).toBe('learning rate 0.5 → 0.5');
    expect(optimizer.learningRate).toBe(0.5);
  });

  it('checks its arguments at once', () => {
    const optimizer = sgd();
    expect(() => boostLearningRate({} as never, 2)).toThrow(
      /^boostLearningRate: optimizer\.name must be a non-empty string, got undefined$/,
    );
    expect(() => boostLearningRate(null as never, 2)).toThrow(
      /^boostLearningRate: optimizer must be an optimizer such as sgd\(\) or adam\(\), got null$/,
    );
    for (const factor of [0.5, Number.NaN, Number.POSITIVE_INFINITY, '2']) {
      expect(() => boostLearningRate(optimizer, factor as never)).toThrow(RangeError);
    }
    expect(() => boostLearningRate(optimizer, 0.5)).toThrow(
      'boostLearningRate: factor must be a finite number >= 1, got 0.5',
    );
    expect(() => boostLearningRate(optimizer, 2, { max: 0 })).toThrow(
      'boostLearningRate: max must be a number > 0 or Infinity, got 0',
    );
    expect(() => boostLearningRate(optimizer, 2, null as never)).toThrow(TypeError);
    expect(boostLearningRate(optimizer, 2).name).toBe('boostLearningRate(×2)');
  });
});

describe('resetOptimizer', () => {
  it('clears the optimizer state (moments, step count) at the detection, keeping the rate', () => {
    const optimizer = adam({ learningRate: 0.01 });
    const seen = run(tanhNet(), optimizer, samples(5), scripted([2]), resetOptimizer(optimizer));
    expect(seen.map((s) => s.stepsAfter)).toEqual([1, 2, 0, 1, 2]);
    expect(seen[2].drift?.action).toBe('optimizer state reset');
    expect(seen[2].rateAfter).toBe(0.01);
    // the moments after the 5th step are those of two steps from zero: rerun the last two
    // samples from the same weights with a fresh Adam and compare
    const fresh = adam({ learningRate: 0.01 });
    const net = tanhNet();
    net.parameters.set(seen[2].paramsAfter);
    collect(from(samples(5).slice(3)).pipe(train(net, { loss: mse(), optimizer: fresh })));
    expect(optimizer.state()).toEqual(fresh.state());
  });

  it('checks its argument at once', () => {
    expect(() => resetOptimizer('adam' as never)).toThrow(
      'resetOptimizer: optimizer must be an optimizer such as sgd() or adam(), got "adam"',
    );
    expect(resetOptimizer(sgd()).name).toBe('resetOptimizer');
  });
});

describe('resetModel', () => {
  /** The weights network() draws for tanhNet's layers from `random`, draw after draw. */
  function draws(seed: number, count: number): number[][] {
    const reference = tanhNet(seed); // its weights are the first draw of rng(seed)
    const out = [Array.from(reference.parameters)];
    const random = rng(seed);
    reference.reinitialize(random); // the same first draw again, from our own generator
    expect(Array.from(reference.parameters)).toEqual(out[0]);
    for (let k = 1; k < count; k++) {
      reference.reinitialize(random);
      out.push(Array.from(reference.parameters));
    }
    return out;
  }

  it('redraws the weights from the seed: the first reset gives network({ …, seed })', () => {
    const net = tanhNet(3);
    const optimizer = sgd({ learningRate: 0.05 });
    const seen = run(net, optimizer, samples(5), scripted([1, 3]), resetModel(net, { seed: 11 }));
    const [first, second] = draws(11, 2);
    expect(seen[1].paramsAfter).toEqual(first);
    expect(seen[3].paramsAfter).toEqual(second);
    expect(first).not.toEqual(second);
    expect(seen[1].drift?.action).toBe('weights redrawn (seed 11, reset 1)');
    expect(seen[3].drift?.action).toBe('weights redrawn (seed 11, reset 2)');
    // biases start at 0, as network() makes them
    expect(Array.from(net.layers[0].biases)).not.toEqual([0, 0, 0, 0]); // learnt since
    expect(seen[3].paramsAfter.slice(12, 16)).toEqual([0, 0, 0, 0]);
  });

  it('is deterministic: each subscription starts again from the seed', () => {
    const net = tanhNet(3);
    const action = resetModel(net, { seed: 5 });
    const a = run(net, sgd({ learningRate: 0.05 }), samples(4), scripted([2]), action);
    const c = run(net, sgd({ learningRate: 0.05 }), samples(4), scripted([2]), action);
    expect(c[2].drift?.action).toBe('weights redrawn (seed 5, reset 1)');
    expect(c[2].paramsAfter).toEqual(a[2].paramsAfter);
    expect(c[2].paramsAfter).toEqual(draws(5, 1)[0]);
  });

  it('uses seed 1 by default', () => {
    const net = tanhNet(3);
    const seen = run(net, sgd(), samples(1), scripted([0]), resetModel(net));
    expect(seen[0].paramsAfter).toEqual(Array.from(tanhNet(1).parameters));
  });

  it('checks its arguments at once', () => {
    expect(() => resetModel({} as never)).toThrow(
      /^resetModel: net must be a network made with network/,
    );
    expect(() => resetModel(linearNet(), { seed: 1.5 })).toThrow(
      new RangeError('resetModel: seed must be an integer, got 1.5'),
    );
    expect(() => resetModel(linearNet(), 7 as never)).toThrow(TypeError);
    expect(resetModel(linearNet(), { seed: 4 }).name).toBe('resetModel(seed 4)');
  });
});

describe('a list of actions', () => {
  it('runs them in order and says what each did', () => {
    const optimizer = adam({ learningRate: 0.01 });
    const order: string[] = [];
    const probe: DriftAction = {
      name: 'probe',
      start: () => () => {
        order.push(`probe saw rate ${optimizer.learningRate} and ${optimizer.state().steps} steps`);
        return 'probed';
      },
    };
    const seen = run(tanhNet(), optimizer, samples(3), scripted([1]), [
      resetOptimizer(optimizer),
      boostLearningRate(optimizer, 2),
      probe,
    ]);
    expect(seen[1].drift?.action).toBe('optimizer state reset; learning rate 0.01 → 0.02; probed');
    expect(order).toEqual(['probe saw rate 0.02 and 0 steps']);
  });

  it('an empty list, like no onDrift, only reports the drift', () => {
    const seen = run(tanhNet(), sgd(), samples(2), scripted([0]), []);
    expect(seen[0].drift).toEqual({ type: 'drift', seq: 0, detector: 'scripted', action: 'none' });
  });

  it('starts each action once per subscription', () => {
    let starts = 0;
    let runs = 0;
    const counting: DriftAction = {
      name: 'counting',
      start: () => {
        starts++;
        return () => `run ${++runs}`;
      },
    };
    const operator = detectDrift(scripted([0, 1]), { onDrift: counting });
    expect(starts).toBe(0);
    const net = tanhNet();
    const pipeline = from(samples(3)).pipe(train(net, { loss: mse(), optimizer: sgd() }), operator);
    collect(pipeline);
    collect(pipeline);
    expect(starts).toBe(2);
    expect(runs).toBe(4);
  });
});
