// normalize({ targets: true }): scaled targets, and forward turning predictions back into real
// units with the statistics each sample was scaled by.
import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  forward,
  linear,
  loss,
  minMax,
  mse,
  type NormalizedSample,
  network,
  normalize,
  predict,
  runningScaler,
  type Sample,
  sgd,
  type TargetScaler,
  train,
} from '../../src/index.js';
import { collect } from './snapshot.js';

/** One input, one linear output: prediction = 0.5·x + 0.1 on the scaled input. */
function tinyNet() {
  const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
  net.layers[0].weights.set([0.5]);
  net.layers[0].biases.set([0.1]);
  return net;
}

interface RealUnits {
  x: number;
  y: number | undefined;
  prediction: number;
  output: number;
  actual: number | undefined;
}

const realUnits = () =>
  map(
    (step: {
      sample: NormalizedSample;
      prediction: Float64Array;
      output: Float64Array;
      actual: Float64Array | undefined;
    }): RealUnits => ({
      x: step.sample.x[0],
      y: step.sample.y === undefined ? undefined : (step.sample.y as Float64Array)[0],
      prediction: step.prediction[0],
      output: step.output[0],
      actual: step.actual?.[0],
    }),
  );

// Samples (x, y) = (1, 100), (3, 300), (2, 200) through zScore on inputs and targets. Each
// input is learned, then scaled; the prediction goes back to real units with the targets seen
// before; the target is learned, then scaled (and actual is its exact inverse):
//   s0: x saw 1 (spread 1): 0; prediction 0.5·0 + 0.1 = 0.1. No target before: output =
//       sinh(0.1) = 0.10016675001984403. y saw 100 (σ 0, spread 100): 0; actual 100.
//   s1: x saw 1, 3 (mean 2, σ 1): 1; prediction 0.5·1 + 0.1 = 0.6; before, y saw only 100:
//       no spread to scale by, the output is 100. y saw 100, 300 (mean 200, σ 100):
//       (300 − 200)/100 = 1; actual = 200 + 1·100 = 300.
//   s2: x saw 1, 3, 2 (mean 2): 0; prediction 0.1; before: mean 200, σ 100: output =
//       200 + 0.1·100 = 210. y saw 100, 300, 200 (mean 200): 0; actual 200.
const SAMPLES: Sample[] = [
  { x: [1], y: 100 },
  { x: [3], y: 300 },
  { x: [2], y: 200 },
];

describe('normalize({ targets: true }) then forward', () => {
  it('gives the hand-computed scaled values and real-unit output and actual', () => {
    const out = collect(
      from(SAMPLES).pipe(normalize({ targets: true }), forward(tinyNet()), realUnits()),
    );
    expect(out.error).toBeUndefined();
    const expected = [
      { x: 0, y: 0, prediction: 0.1, output: 0.10016675001984403, actual: 100 },
      { x: 1, y: 1, prediction: 0.6, output: 100, actual: 300 },
      { x: 0, y: 0, prediction: 0.1, output: 210, actual: 200 },
    ];
    out.values.forEach((v, k) => {
      for (const field of ['x', 'y', 'prediction', 'output', 'actual'] as const) {
        expect(v[field], `${field} of sample ${k}`).toBeCloseTo(expected[k][field], 10);
      }
    });
  });

  it('actual is always the real target, to rounding', () => {
    const samples = Array.from({ length: 200 }, (_, i) => ({
      x: [i % 7, Math.sin(i)],
      y: [5000 + 800 * Math.cos(i / 3), -0.003 * i],
    }));
    for (const method of [undefined, minMax(), minMax([-1, 1])]) {
      const net = network({ inputs: 2, layers: [dense(2, linear)], seed: 3 });
      const got: number[][] = [];
      from(samples)
        .pipe(normalize({ method, targets: true }), forward(net))
        .subscribe((step) => got.push(Array.from(step.actual ?? [])));
      got.forEach((actual, k) => {
        expect(actual[0]).toBeCloseTo(samples[k].y[0], 8);
        expect(actual[1]).toBeCloseTo(samples[k].y[1], 12);
      });
    }
  });

  it('with minMax([0, 1]) targets: output by the inverse of the range map', () => {
    // s0: x saw 1 (min = max = 1, spread 1, scale 1): the centre 0.5; prediction
    //     0.5·0.5 + 0.1 = 0.35. y saw 100: 0.5.
    // s1: x saw 1…3 (mid 2, scale 2): 0.5 + (3 − 2)/2 = 1; prediction 0.5·1 + 0.1 = 0.6;
    //     before, y saw only 100: output 100 (no spread to scale by).
    //     y saw 100…300 (mid 200, scale 200): 0.5 + 100/200 = 1; actual = 200 + 0.5·200 = 300.
    const out = collect(
      from(SAMPLES.slice(0, 2)).pipe(
        normalize({ method: minMax(), targets: true }),
        forward(tinyNet()),
        realUnits(),
      ),
    );
    expect(out.values[0].prediction).toBeCloseTo(0.35, 12);
    expect(out.values[0].y).toBeCloseTo(0.5, 12);
    expect(out.values[1].x).toBeCloseTo(1, 12);
    expect(out.values[1].y).toBeCloseTo(1, 12);
    expect(out.values[1].prediction).toBeCloseTo(0.6, 12);
    expect(out.values[1].output).toBeCloseTo(100, 10);
    expect(out.values[1].actual).toBeCloseTo(300, 10);
  });

  it('a sample without y gets its prediction in real units and teaches the inputs only', () => {
    const scaler = runningScaler({ targets: true });
    const out = collect(
      from([...SAMPLES.slice(0, 2), { x: [2] }]).pipe(
        normalize({ scaler }),
        forward(tinyNet()),
        realUnits(),
      ),
    );
    // The third is scaled like s2 above: prediction 0.1, output 210, no actual.
    expect(out.values[2]).toEqual({
      x: 0,
      y: undefined,
      prediction: expect.closeTo(0.1, 12),
      output: expect.closeTo(210, 10),
      actual: undefined,
    });
    expect(scaler.inputStats?.count).toBe(3);
    expect(scaler.targetStats?.count).toBe(2);
  });

  it('a first sample without y gets sinh for its prediction', () => {
    const out = collect(
      from([{ x: [1] }, { x: [3], y: 30 }]).pipe(
        normalize({ targets: true }),
        forward(tinyNet()),
        realUnits(),
      ),
    );
    expect(out.values[0]).toEqual({
      x: 0,
      y: undefined,
      prediction: 0.1,
      output: Math.sinh(0.1),
      actual: undefined,
    });
    // Still no target before the second: its prediction goes back through sinh; its input saw
    // 1, 3 (mean 2, σ 1): 1, prediction 0.6, output sinh(0.6). Its target, once learned, is
    // the only one: 0.
    expect(out.values[1].y).toBeCloseTo(0, 12);
    expect(out.values[1].output).toBeCloseTo(Math.sinh(0.6), 12);
    expect(out.values[1].actual).toBeCloseTo(30, 12);
  });

  it("chains a sample's own scaler after its own inverse", () => {
    const tenfold: TargetScaler = {
      inverseTargets: (scaled, out) => {
        for (let i = 0; i < out.length; i++) out[i] = 10 * scaled[i];
      },
    };
    const out = collect(
      from(SAMPLES.map((s) => ({ ...s, scaler: tenfold }))).pipe(
        normalize({ targets: true }),
        forward(tinyNet()),
        realUnits(),
      ),
    );
    expect(out.values[1].output).toBeCloseTo(1000, 9);
    expect(out.values[1].actual).toBeCloseTo(3000, 9);
  });

  it("without targets, y and the sample's own scaler pass through", () => {
    const own: TargetScaler = { inverseTargets: (s, o) => o.set(s) };
    const seen: (TargetScaler | undefined)[] = [];
    from([{ x: [1], y: 4, scaler: own }])
      .pipe(normalize())
      .subscribe((s) => {
        seen.push(s.scaler);
        expect(s.y).toBe(4);
      });
    expect(seen).toEqual([own]);
  });

  it('predict after normalize: the lent scaler turns predictions into real units', () => {
    const net = tinyNet();
    const outputs: number[] = [];
    const real = new Float64Array(1);
    from(SAMPLES)
      .pipe(normalize({ targets: true }), predict(net))
      .subscribe((p) => {
        p.sample.scaler?.inverseTargets(p.prediction, real);
        outputs.push(real[0]);
      });
    expect(outputs[1]).toBeCloseTo(100, 10);
    expect(outputs[2]).toBeCloseTo(210, 10);
  });

  it('through train: the loss is in scaled units, output and actual in real ones', () => {
    const net = tinyNet();
    const out = collect(
      from(SAMPLES).pipe(
        normalize({ targets: true }),
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
        map((step) => ({ loss: step.loss, output: step.output[0], actual: step.actual?.[0] })),
      ),
    );
    // s0: the target, learned first, is 0; prediction 0.1: L = ½ · 0.1² = 0.005. Its update
    // (x = 0): b = 0.1 − 0.1·(0.1 − 0) = 0.09; w unchanged (its input was 0).
    expect(out.values[0].loss).toBeCloseTo(0.005, 12);
    // s1: prediction 0.5·1 + 0.09 = 0.59 (scaled); y = 1: L = ½ (1 − 0.59)²; output: the one
    //     target before, 100.
    expect(out.values[1].loss).toBeCloseTo(0.5 * 0.41 ** 2, 10);
    expect(out.values[1].output).toBeCloseTo(100, 9);
    expect(out.values[1].actual).toBeCloseTo(300, 10);
  });

  it('loss after normalize fails a sample without y as before, naming loss', () => {
    const out = collect(
      from([{ x: [1] }]).pipe(normalize({ targets: true }), forward(tinyNet()), loss(mse())),
    );
    expect((out.error as Error).message).toBe(
      'loss: sample 0: y is needed to compute the loss, got undefined',
    );
  });
});
