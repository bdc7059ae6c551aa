// The TSDoc examples of online normalisation print what their comments say.
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  dense,
  forward,
  fromJSON,
  linear,
  minMax,
  mse,
  network,
  normalize,
  rng,
  runningScaler,
  runningStats,
  type ScalingMethod,
  tanh,
  toJSON,
  train,
  zScore,
} from '../../src/index.js';

const firstInputs = (method: ScalingMethod, xs: number[]): number[] => {
  const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
  const got: number[] = [];
  from(xs.map((x) => ({ x: [x], y: 1 })))
    .pipe(normalize({ method }), forward(net))
    .subscribe((step) => got.push(step.sample.x[0]));
  return got;
};

describe('TSDoc examples of normalisation', () => {
  it('RunningStatsState, RunningStats, runningStats', () => {
    const one = runningStats(1);
    one.push([2]);
    one.push([4]);
    expect(one.state()).toEqual({ count: 2, mean: [3], m2: [2], min: [2], max: [4] });
    const two = runningStats(2);
    two.push([1, 10]);
    two.push([3, 30]);
    expect([two.mean[1], two.variance(0), two.max[1]]).toEqual([20, 1, 30]);
    const eight = runningStats(1);
    for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) eight.push([v]);
    expect([eight.mean[0], eight.std(0)]).toEqual([5, 2]);
  });

  it('ScalingMethod', () => {
    const stats = runningStats(1);
    for (const v of [10, 20, 30]) stats.push([v]);
    const offsets = new Float64Array(1);
    const scales = new Float64Array(1);
    const at30 = (method: ScalingMethod): number => {
      method.fit(stats, offsets, scales);
      return method.centre + (30 - offsets[0]) / scales[0];
    };
    expect(at30(zScore())).toBeCloseTo(1.2247, 4);
    expect(at30(minMax([-1, 1]))).toBe(1);
  });

  it('zScore and minMax', () => {
    expect(firstInputs(zScore(), [1000, 3000, 2000])).toEqual([0, 1, 0]);
    expect(firstInputs(minMax([-1, 1]), [1000, 3000, 2000, 3000])).toEqual([0, 1, 0, 1]);
  });

  it('runningScaler', () => {
    const scaler = runningScaler({ method: minMax([-1, 1]), inputs: 2 });
    const got: number[][] = [];
    from([{ x: [0, 100] }, { x: [10, 300] }, { x: [5, 200] }])
      .pipe(normalize({ scaler }))
      .subscribe((s) => got.push(Array.from(s.x)));
    expect(got).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(Array.from(scaler.inputStats?.min ?? [])).toEqual([0, 100]);
    expect(Array.from(scaler.inputStats?.max ?? [])).toEqual([10, 300]);
  });

  it('RunningScaler and RunningScalerState', () => {
    const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
    const optimizer = adam();
    const scaler = runningScaler({ targets: true, inputs: 1, outputs: 1 });
    const real: number[] = [];
    from([
      { x: [1000], y: 5000 },
      { x: [2000], y: 7000 },
      { x: [1500], y: 6000 },
    ])
      .pipe(normalize({ scaler }), train(net, { loss: mse(), optimizer }))
      .subscribe((step) => real.push(step.actual?.[0] ?? Number.NaN));
    expect(real[0]).toBeCloseTo(5000, 8);
    expect(real[2]).toBeCloseTo(6000, 8);
    const saved = JSON.stringify(toJSON(net, { optimizer, scaler }));
    expect(scaler.inputStats?.mean[0]).toBe(1500);
    expect(fromJSON(saved).scaler?.inputStats?.count).toBe(3);
    expect(JSON.stringify(runningScaler({ targets: true, inputs: 2, outputs: 1 }).state())).toMatch(
      /^\{"method":\{"name":"zScore"\},"targets":true,"inputStats":\{"count":0,.*"targetStats":\{/,
    );
  });

  it('NormalizedSample', () => {
    const got: unknown[] = [];
    from([
      { x: [10], id: 'a' },
      { x: [20], id: 'b' },
    ])
      .pipe(normalize())
      .subscribe((s) => got.push({ id: s.id, x: Array.from(s.x), raw: s.raw.x }));
    expect(got).toEqual([
      { id: 'a', x: [0], raw: [10] },
      { id: 'b', x: [1], raw: [20] },
    ]);
  });

  it('normalize: real-unit output close to the target after 3,000 samples', () => {
    const net = network({ inputs: 2, layers: [dense(8, tanh), dense(1, linear)], seed: 7 });
    const random = rng(1);
    const samples = Array.from({ length: 3000 }, () => {
      const a = 1000 + 2000 * random.next(); // inputs in the thousands
      const b = 5000 + 3000 * random.next();
      return { x: [a, b], y: 0.01 * a - 0.002 * b + 40 }; // targets in the tens
    });
    const errors: number[] = [];
    from(samples)
      .pipe(
        normalize({ targets: true }),
        train(net, { loss: mse(), optimizer: adam({ learningRate: 0.01 }) }),
      )
      .subscribe((step) => errors.push(Math.abs(step.output[0] - (step.actual?.[0] ?? 0))));
    // The targets have a standard deviation of about 6; after 2,500 samples the mean absolute
    // error in real units is under a tenth of that (measured 0.40).
    const late = errors.slice(2500);
    expect(late.reduce((p, e) => p + e, 0) / late.length).toBeLessThan(0.6);
  });
});
