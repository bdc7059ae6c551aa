// MetricsTracker.merge: the trackers of two workers (or two parts of a stream) merged into one
// view, against figures computed directly from the pairs; the merged tracker counting on; and
// an EWMA of alpha 1 (no rescaling: the sums decay at each pair).
import { describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  type MetricsTracker,
  metricsTracker,
  network,
  rng,
  type Sample,
} from '../../src/index.js';
import { Stage, StepContext } from '../../src/steps/step.js';

type Pair = readonly [prediction: number, target: number];

/** `n` (prediction, target) pairs about `level`, from seed `seed`. */
function pairs(n: number, seed: number, level: number): Pair[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => {
    const target = level + 3 * random.normal();
    return [target + random.normal(), target] as const;
  });
}

/** Feeds the pairs to the tracker as steps of a network of one output. */
function feed(tracker: MetricsTracker, list: readonly Pair[], key: string): void {
  const step = new StepContext<Sample>(network({ inputs: 1, layers: [dense(1, linear)], seed: 1 }));
  step.stage = Stage.Updated;
  step.learningRate = 0.01;
  for (const [prediction, target] of list) {
    step.seq++;
    step.sample = { x: [0], y: target, key };
    step.output[0] = prediction;
    step.actual = Float64Array.of(target);
    step.target = step.actual;
    tracker.add(step);
  }
}

/** MSE, MAE and R² of the pairs, computed directly. */
function direct(list: readonly Pair[]): { mse: number; mae: number; r2: number } {
  const n = list.length;
  const mean = list.reduce((s, [, t]) => s + t, 0) / n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (const [p, t] of list) {
    sse += (t - p) ** 2;
    sae += Math.abs(t - p);
    sst += (t - mean) ** 2;
  }
  return { mse: sse / n, mae: sae / n, r2: 1 - sse / sst };
}

function expectFigures(
  got: { count: number; mse?: number; mae?: number; r2?: number },
  list: readonly Pair[],
): void {
  const want = direct(list);
  expect(got.count).toBe(list.length);
  expect(got.mse).toBeCloseTo(want.mse, 10);
  expect(got.mae).toBeCloseTo(want.mae, 10);
  expect(got.r2).toBeCloseTo(want.r2, 10);
}

describe('MetricsTracker.merge', () => {
  const a = pairs(130, 1, 20);
  const b = pairs(70, 2, 500); // another level: R² of both is not that of either
  const c = pairs(90, 3, 100);

  it('the total is that of every pair of both; the window holds both windows; counts add up', () => {
    const one = metricsTracker({ window: 50 });
    const two = metricsTracker({ window: 50 });
    feed(one, a, 'a');
    feed(two, b, 'b');
    one.merge(two);
    expect(one.window).toBe(100);
    expect(one.samples).toBe(200);
    expect(one.scored).toBe(200);
    expect(one.seq).toBe(129); // this one's last step
    const m = one.snapshot(0);
    expectFigures(m.total, [...a, ...b]);
    expectFigures(m, [...a.slice(-50), ...b.slice(-50)]);
    // the other is left as it was
    expect(two.samples).toBe(70);
    expectFigures(two.snapshot(0).total, b);
  });

  it('counts on after the merge: the window of 100 slides over both windows, then the new pairs', () => {
    const one = metricsTracker({ window: 50 });
    const two = metricsTracker({ window: 50 });
    feed(one, a, 'a');
    feed(two, b, 'b');
    one.merge(two);
    const held = [...a.slice(-50), ...b.slice(-50)];
    for (let k = 0; k < c.length; k += 30) {
      feed(one, c.slice(k, k + 30), 'c');
      const seen = [...held, ...c.slice(0, k + 30)];
      expectFigures(one.snapshot(0), seen.slice(-100));
    }
    expectFigures(one.snapshot(0).total, [...a, ...b, ...c]);
  });

  it('into an empty tracker: the other one, as it was', () => {
    const empty = metricsTracker({ window: 50 });
    const two = metricsTracker({ window: 50 });
    feed(two, b, 'b');
    empty.merge(two);
    expect(empty.seq).toBe(two.seq);
    expect(empty.snapshot(0).key).toBe('b');
    expectFigures(empty.snapshot(0).total, b);
    expectFigures(empty.snapshot(0), [...b.slice(-50)]);
    expect(empty.snapshot(0).ewma).toEqual(two.snapshot(0).ewma);
  });

  it('refuses what is not a tracker, another alpha, or steps of other outputs', () => {
    const one = metricsTracker({ window: 10 });
    expect(() => one.merge({} as MetricsTracker)).toThrow(
      'MetricsTracker.merge: other must be made with metricsTracker({ … }), got an object',
    );
    expect(() => one.merge(metricsTracker({ window: 10, alpha: 0.5 }))).toThrow(
      `MetricsTracker.merge: other must have this tracker's alpha ${2 / 11}, got 0.5`,
    );
    feed(one, a.slice(0, 3), 'a');
    const wide = metricsTracker({ window: 10 });
    const step = new StepContext<Sample>(
      network({ inputs: 1, layers: [dense(2, linear)], seed: 1 }),
    );
    step.stage = Stage.Updated;
    step.sample = { x: [0], y: [1, 2] };
    step.actual = Float64Array.of(1, 2);
    wide.add(step);
    expect(() => one.merge(wide)).toThrow(
      'MetricsTracker.merge: other counted steps of 2 outputs, this one of 1',
    );
  });
});

describe('an EWMA of alpha 1: the figures of the last pair only', () => {
  it('decays the sums at each pair (no rescaling) and shows the newest pair', () => {
    const tracker = metricsTracker({ window: 20, alpha: 1 });
    const list = pairs(45, 4, 10);
    for (let k = 0; k < list.length; k += 7) {
      feed(tracker, list.slice(k, k + 7), 'x');
      const [p, t] = list[Math.min(k + 7, list.length) - 1];
      const e = tracker.snapshot(0).ewma;
      expect(e.mse).toBeCloseTo((t - p) ** 2, 10);
      expect(e.mae).toBeCloseTo(Math.abs(t - p), 10);
    }
  });
});
