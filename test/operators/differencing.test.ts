// difference / seasonalDifference: the target becomes a change, and step.output and
// step.actual come back in the target's own units, through normalize and train.
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  difference,
  forward,
  linear,
  mse,
  network,
  normalize,
  type Sample,
  seasonalDifference,
  sgd,
  train,
} from '../../src/index.js';
import { lagged } from '../../streams/index.js';

describe('difference and seasonalDifference', () => {
  it('make the target a change from a known value, with the inputs optionally relative to it', () => {
    const seen: { x: number[]; y: number[] }[] = [];
    from([10, 20, 30, 12, 22, 32])
      .pipe(lagged(3), seasonalDifference(3, { inputs: true }))
      .subscribe((s) => seen.push({ x: Array.from(s.x), y: Array.from(s.y as Float64Array) }));
    expect(seen).toEqual([
      { x: [0, 10, 20], y: [2] }, // base 10, one season before 12
      { x: [0, 10, -8], y: [2] }, // base 20
      { x: [0, -18, -8], y: [2] }, // base 30
    ]);
    const changes: number[] = [];
    from([1, 2, 4, 7, 11])
      .pipe(lagged(2, { horizon: 2 }), difference(2, { horizon: 2 }))
      .subscribe((s) => changes.push((s.y as Float64Array)[0]));
    expect(changes).toEqual([7 - 2, 11 - 4]); // y − the newest input, 2 steps ahead
  });

  it('through normalize and train, output and actual are in the target’s units again', () => {
    const series = Array.from({ length: 600 }, (_, i) => 1000 + 3 * i + 20 * Math.sin(i / 3));
    const net = network({ inputs: 6, layers: [dense(1, linear)], seed: 1 });
    const got: { output: number; actual: number }[] = [];
    from(series)
      .pipe(
        lagged(6),
        difference(),
        normalize({ targets: true }),
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }),
      )
      .subscribe((step) =>
        got.push({ output: step.output[0], actual: (step.actual as Float64Array)[0] }),
      );
    for (const [k, g] of got.entries()) expect(g.actual).toBeCloseTo(series[k + 6], 8);
    const late = got.slice(-100);
    const rmse = Math.sqrt(late.reduce((s, g) => s + (g.output - g.actual) ** 2, 0) / 100);
    expect(rmse).toBeLessThan(5); // the level (≈ 2800) is given; only the change is learned
  });

  it('pass what they cannot difference untouched, for forward to reject', () => {
    const samples = [
      null,
      { x: [Number.NaN, 1], y: 2 },
      { x: [1, 2], y: 'three' },
      { x: [1], y: 2 },
      { x: [], malformed: { field: 'line 1', value: '', problem: 'is empty' } },
    ] as unknown as Sample[];
    const out: unknown[] = [];
    from(samples)
      .pipe(seasonalDifference(2))
      .subscribe((s) => out.push(s === null ? null : { x: s.x, y: s.y, scaler: s.scaler }));
    expect(out[0]).toBeNull();
    expect(out[1]).toEqual({ x: [Number.NaN, 1], y: 2, scaler: undefined });
    expect(out[2]).toEqual({ x: [1, 2], y: 'three', scaler: undefined });
    expect(out[3]).toEqual({ x: [1], y: 2, scaler: undefined }); // too short for a season of 2
    expect((out[4] as { x: unknown }).x).toEqual([]);
  });

  it('chain the sample’s own scaler after adding the base back', () => {
    const real = new Float64Array(1);
    from([
      {
        x: [5],
        y: 7,
        scaler: { inverseTargets: (s: Float64Array, o: Float64Array) => o.set([s[0] * 10]) },
      },
    ])
      .pipe(difference())
      .subscribe((s) => s.scaler?.inverseTargets(new Float64Array([2]), real));
    expect(real[0]).toBe(70); // (2 + 5) · 10
  });

  it('a sample without y still gets the scaler, for its prediction', () => {
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
    net.layers[0].weights.fill(0);
    net.layers[0].biases.fill(0.5);
    const outputs: number[] = [];
    from([{ x: [3, 8] }])
      .pipe(difference(), forward(net))
      .subscribe((step) => outputs.push(step.output[0]));
    expect(outputs).toEqual([8.5]); // a change of 0.5 from the newest input, 8
  });

  it('check their arguments at once', () => {
    expect(() => difference(0)).toThrow('difference: lag must be a positive integer, got 0');
    expect(() => difference(1, { horizon: 2 })).toThrow(
      /^difference: lag must be at least the horizon \(2\), a value already known, got 1/,
    );
    expect(() => seasonalDifference(1)).toThrow(
      /^seasonalDifference: period must be an integer ≥ 2/,
    );
    expect(() => seasonalDifference(4, { inputs: 'yes' as unknown as boolean })).toThrow(
      /^seasonalDifference: inputs must be/,
    );
  });
});
