// A metric of one's own (the Bias of the Metric interface's TSDoc) in every aggregation and in
// a group; checkMetric at hand-over; meanScore for a mean of one's own score.
import { describe, expect, it } from 'vitest';
import {
  checkMetric,
  ewma,
  type Metric,
  meanScore,
  meanSquaredError,
  metricGroup,
  total,
  windowed,
} from '../../src/index.js';

interface BiasState {
  readonly weight: number;
  readonly sum: number;
}

/** The mean of prediction − target, written against the interface only. */
class Bias implements Metric<number | undefined, BiasState> {
  private weight = 0;
  private sum = 0;
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    let error = 0;
    for (let j = 0; j < target.length; j++) error += prediction[j] - target[j];
    this.weight += weight;
    this.sum += (weight * error) / target.length;
  }
  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    this.update(prediction, target, -weight);
  }
  decay(factor: number): void {
    this.weight *= factor;
    this.sum *= factor;
  }
  merge(other: Bias): void {
    this.weight += other.weight;
    this.sum += other.sum;
  }
  reset(): void {
    this.weight = 0;
    this.sum = 0;
  }
  get(): number | undefined {
    return this.weight > 0 ? this.sum / this.weight : undefined;
  }
  state(): BiasState {
    return { weight: this.weight, sum: this.sum };
  }
  restore(state: unknown): void {
    const s = state as Partial<BiasState> | null;
    if (typeof s?.weight !== 'number' || typeof s.sum !== 'number') {
      throw new TypeError('Bias.restore: state must be { weight, sum }');
    }
    this.weight = s.weight;
    this.sum = s.sum;
  }
}

describe('a metric of your own', () => {
  it('works in a window (the TSDoc example), an EWMA and a total', () => {
    const recent = windowed(new Bias(), 3);
    for (const p of [1, 2, 3, 4]) recent.update([p], [0]);
    expect(recent.get()).toBe(3); // (2 + 3 + 4) / 3
    const smooth = ewma(new Bias(), 0.5);
    for (const p of [1, 3]) smooth.update([p], [0]);
    expect(smooth.get()).toBe(2); // 1 + 0.5 (3 − 1)
    const whole = total(new Bias());
    for (const p of [1, 2, 6]) whole.update([p], [0]);
    expect(whole.get()).toBe(3);
  });

  it('saves and restores inside an aggregation; a wrong inner state changes nothing', () => {
    const recent = windowed(new Bias(), 3);
    for (const p of [1, 2, 3, 4]) recent.update([p], [0]);
    const copy = windowed(new Bias(), 3);
    copy.restore(JSON.parse(JSON.stringify(recent.state())));
    expect(copy.state()).toEqual(recent.state());
    copy.update([10], [0]);
    expect(copy.get()).toBe((3 + 4 + 10) / 3);
    const before = JSON.stringify(copy.state());
    expect(() => copy.restore({ ...recent.state(), metric: { weight: 'x' } })).toThrow(
      'Bias.restore: state must be { weight, sum }',
    );
    expect(JSON.stringify(copy.state())).toBe(before);
  });

  it('in a group: when one member of yours refuses its state, the others are put back', () => {
    const group = metricGroup({ a: new Bias(), b: new Bias(), mse: meanSquaredError() });
    group.update([2], [0]);
    const saved = group.state();
    const other = metricGroup({ a: new Bias(), b: new Bias(), mse: meanSquaredError() });
    other.update([5], [0]);
    const before = JSON.stringify(other.state());
    expect(() => other.restore({ ...saved, b: null })).toThrow('Bias.restore');
    expect(JSON.stringify(other.state())).toBe(before); // a was restored, then put back
    other.restore(saved);
    expect(other.get()).toEqual({ a: 2, b: 2, mse: 4 });
  });
});

describe('checkMetric: a metric is checked when it is handed over', () => {
  it('names the missing method, or says that it is no metric', () => {
    const { revert: _revert, ...noRevert } = {
      ...Object.fromEntries(
        ['update', 'revert', 'decay', 'merge', 'reset', 'get', 'state', 'restore'].map((m) => [
          m,
          () => undefined,
        ]),
      ),
    };
    expect(() => windowed(noRevert as never, 3)).toThrow(
      'windowed: metric.revert must be a function, got undefined',
    );
    expect(() => ewma(null as never, 0.5)).toThrow(TypeError);
    expect(() => ewma(null as never, 0.5)).toThrow(
      'ewma: metric must be a metric (an object with update, revert, decay, merge, reset, get, state, restore), got null',
    );
    expect(() => total(42 as never)).toThrow('total: metric must be a metric');
    expect(() => metricGroup({ bias: new Bias(), bad: {} as never })).toThrow(
      'metricGroup: bad.update must be a function, got undefined',
    );
    const bias = new Bias();
    expect(checkMetric('mine', 'metric', bias)).toBe(bias);
  });

  it('the aggregations check their settings', () => {
    expect(() => windowed(new Bias(), 0)).toThrow(
      'windowed: size must be a positive integer, got 0',
    );
    expect(() => ewma(new Bias(), 0)).toThrow(
      'ewma: alpha must be a finite number in (0, 1], got 0',
    );
    expect(() => ewma(new Bias(), 1.5)).toThrow(RangeError);
    expect(() => metricGroup({})).toThrow('metricGroup: metrics must be at least one metric');
    expect(() => metricGroup([] as never)).toThrow(
      'metricGroup: metrics must be an object of metrics by name, got an array of length 0',
    );
  });
});

describe('meanScore: a mean of your own score', () => {
  const mape = () =>
    meanScore({
      name: 'meanAbsolutePercentageError',
      score: (p, t) => (t[0] === 0 ? Number.NaN : Math.abs((t[0] - p[0]) / t[0])),
      min: 0,
    });

  it('the TSDoc example: MAPE over a window of 2, undefined while a target of 0 is held', () => {
    const recent = windowed(mape(), 2);
    recent.update([9], [10]);
    recent.update([12], [10]);
    expect(recent.get()).toBeCloseTo(0.15, 12);
    recent.update([1], [0]);
    expect(recent.get()).toBeUndefined();
    recent.update([4], [5]);
    recent.update([4], [5]);
    expect(recent.get()).toBeCloseTo(0.2, 12);
  });

  it('clamps to [min, max] and transforms the mean', () => {
    const clamped = meanScore({ name: 'c', score: (p) => p[0], min: 0, max: 1 });
    clamped.update([-3], [0]);
    expect(clamped.get()).toBe(0);
    clamped.update([9], [0]);
    expect(clamped.get()).toBe(1);
    const rooted = meanScore({ name: 'r', score: (p) => p[0], transform: Math.sqrt });
    rooted.update([9], [0]);
    expect(rooted.get()).toBe(3);
  });

  it('merges only with a metric of its own kind; restores only its own kind', () => {
    const a = mape();
    a.update([9], [10]);
    expect(() => a.merge(meanSquaredError() as never)).toThrow(
      'meanAbsolutePercentageError.merge: other must be a meanAbsolutePercentageError metric, got a meanSquaredError metric',
    );
    expect(() => a.merge({} as never)).toThrow('got an object');
    expect(() => a.restore(meanSquaredError().state())).toThrow(
      'meanAbsolutePercentageError.restore: kind: Invalid input: expected "meanAbsolutePercentageError"',
    );
  });

  it('checks its options', () => {
    expect(() => meanScore({ name: '', score: () => 0 })).toThrow(
      'meanScore: name must be a non-empty string, got ""',
    );
    expect(() => meanScore({ name: 'x', score: 1 as never })).toThrow(
      'meanScore: score must be a function, got 1',
    );
    expect(() => meanScore({ name: 'x', score: () => 0, min: Number.NaN })).toThrow(
      'meanScore: min must be a finite number, got NaN',
    );
    expect(() => meanScore({ name: 'x', score: () => 0, max: 'a' as never })).toThrow(TypeError);
    expect(() => meanScore({ name: 'x', score: () => 0, transform: 2 as never })).toThrow(
      'meanScore: transform must be a function, got 2',
    );
    expect(() => meanScore(null as never)).toThrow('meanScore: options must be an object');
  });
});
