// normalize helps where the scale is bad: inputs in the thousands, and targets in the thousands.
// Every number here is prequential: each sample is predicted before the network learns from it.
import { from, type OperatorFunction, pipe } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  mse,
  network,
  normalize,
  rng,
  type Sample,
  type Step,
  sgd,
  tanh,
  train,
} from '../../src/index.js';

const N = 5000;

/**
 * A seeded stream: x0 uniform in [1000, 3000], x1 uniform in [−5000, 5000] (badly scaled inputs),
 * y = sin((x0 − 2000)/400) + 0.5·tanh(x1/2500), of order 1 (variance about 0.85).
 */
function stream(): { x: number[]; y: number }[] {
  const random = rng(1);
  return Array.from({ length: N }, () => {
    const a = 1000 + 2000 * random.next();
    const b = -5000 + 10000 * random.next();
    return { x: [a, b], y: Math.sin((a - 2000) / 400) + 0.5 * Math.tanh(b / 2500) };
  });
}

/**
 * Trains a seeded 2-16(tanh)-1(linear) network with SGD (η = 0.05) through `before`, and returns
 * the mean of ½(output − actual)² in real units over samples [from, to).
 */
function meanRealLoss(
  samples: Sample[],
  before: OperatorFunction<Sample, Sample>,
  fromSeq: number,
  toSeq: number,
): number {
  const net = network({ inputs: 2, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
  let sum = 0;
  from(samples)
    .pipe(before, train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }))
    .subscribe((step: Step<Sample>) => {
      if (step.seq >= fromSeq && step.seq < toSeq) {
        const e = step.output[0] - (step.actual?.[0] ?? Number.NaN);
        sum += 0.5 * e * e;
      }
    });
  return sum / (toSeq - fromSeq);
}

const raw: OperatorFunction<Sample, Sample> = pipe();

describe('normalize: learning on badly scaled data', () => {
  it('inputs in the thousands: without it a tanh net stays near the variance, with it it learns within 2,000 samples', () => {
    const samples = stream();
    // Without normalize the hidden layer saturates at once (inputs × weights in the hundreds):
    // the loss stays near ½·variance ≈ 0.42 for all 5,000 samples (measured: 0.42).
    const without = meanRealLoss(samples, raw, 4000, 5000);
    expect(without).toBeGreaterThan(0.3);
    // With normalize the second thousand is already below 0.01 (measured 0.0065) and the fifth
    // below 0.005 (measured 0.0021): over a hundred times better.
    expect(meanRealLoss(samples, normalize(), 1000, 2000)).toBeLessThan(0.01);
    const withIt = meanRealLoss(samples, normalize(), 4000, 5000);
    expect(withIt).toBeLessThan(0.005);
    expect(withIt).toBeLessThan(without / 100);
  });

  it('targets in the thousands too: targets: true learns them in real units within 5,000 samples', () => {
    // y' = 3000 + 500·y: mean 3000, variance about 500² · 0.85 ≈ 212,000, so predicting the
    // mean costs ½·variance ≈ 106,000.
    const samples = stream().map((s) => ({ x: s.x, y: 3000 + 500 * s.y }));
    const inputsOnly = meanRealLoss(samples, normalize(), 4000, 5000); // measured 130,000
    const both = meanRealLoss(samples, normalize({ targets: true }), 4000, 5000); // measured 615
    expect(inputsOnly).toBeGreaterThan(50_000);
    expect(both).toBeLessThan(2000); // under 2 % of ½·variance
    expect(both).toBeLessThan(inputsOnly / 50);
  });
});
