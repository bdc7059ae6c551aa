// The error figures of the metric values (MetricsTracker, rewired) against those of the
// hand-unrolled accumulator they replace (PrequentialErrors), on the same steps: the sensor and
// sales feeds through normalize and train, a binary classifier, a softmax classifier, and a
// stream with rejected samples. Every figure of the window, the EWMA and the total, compared
// after every step, must agree to rounding (1e-10 relative; 1e-7 for R²: the accumulator took
// the totals' and the EWMA's spread by Welford's method, the metric values by sums about the
// first target, like the window's).
import { from, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PrequentialErrors } from '../../bench/legacy/prequentialErrors.js';
import {
  binaryCrossEntropy,
  crossEntropy,
  dense,
  type ErrorMetrics,
  linear,
  metricsTracker,
  mse,
  network,
  normalize,
  rng,
  type Sample,
  type Step,
  sgd,
  sigmoid,
  softmax,
  tanh,
  train,
} from '../../src/index.js';
import { salesFeed, sensorFeed } from '../../streams/index.js';

const FIGURES = ['mse', 'rmse', 'mae', 'r2', 'accuracy', 'logLoss'] as const;

/** The largest relative difference seen, per figure, over every comparison of a stream. */
type Worst = Record<(typeof FIGURES)[number], number>;

function compare(steps: Observable<Step<Sample>>, window: number): Worst {
  const tracker = metricsTracker({ window });
  let old: PrequentialErrors | undefined;
  const worst: Worst = { mse: 0, rmse: 0, mae: 0, r2: 0, accuracy: 0, logLoss: 0 };
  let compared = 0;
  const check = (now: ErrorMetrics, before: ErrorMetrics, where: string): void => {
    expect(now.count, where).toBe(before.count);
    for (const f of FIGURES) {
      const a = now[f];
      const b = before[f];
      if (a === undefined || b === undefined) {
        expect(a, `${where} ${f}`).toBe(b);
        continue;
      }
      const difference = Math.abs(a - b) / Math.max(1, Math.abs(b));
      worst[f] = Math.max(worst[f], difference);
      // R² divides by the targets' spread: the accumulator's, summed about the stream's first
      // target, carries the rounding of that offset (1e-9 relative after a shift of 1e3)
      const tolerance = f === 'r2' ? 1e-7 : 1e-10;
      expect(difference, `${where} ${f}: ${a} against ${b}`).toBeLessThan(tolerance);
    }
  };
  steps.subscribe((step) => {
    tracker.add(step);
    old ??= new PrequentialErrors(step.output.length, window, tracker.alpha);
    if (step.rejection === undefined && step.actual !== undefined) {
      old.add(step.output, step.actual);
    }
    const m = tracker.snapshot(0);
    check(m, old.windowMetrics(), `seq ${step.seq} window`);
    check(m.ewma, old.ewmaMetrics(), `seq ${step.seq} ewma`);
    check(m.total, old.totalMetrics(), `seq ${step.seq} total`);
    compared++;
  });
  expect(compared).toBeGreaterThan(1000);
  return worst;
}

const makeNet = (layers: Parameters<typeof network>[0]['layers'], inputs: number) =>
  network({ inputs, layers, seed: 3 });

describe('the metric values give the figures of the accumulator they replace', () => {
  it('the sensor feed, scaled, forecast by a small net (window 500)', () => {
    const net = makeNet([dense(16, tanh), dense(1, linear)], 8);
    const steps = sensorFeed({ limit: 6000, seed: 2 }).pipe(
      normalize({ targets: true }),
      train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }) }),
    );
    const worst = compare(steps as Observable<Step<Sample>>, 500);
    expect(worst.r2).toBeGreaterThan(0); // the R² sums differ in rounding only
  });

  it('the sales feed, several stores, a window of 60 that wraps a hundred times', () => {
    const net = makeNet([dense(8, tanh), dense(1, linear)], 13);
    const steps = salesFeed({ limit: 6000, seed: 4 }).pipe(
      normalize({ targets: true }),
      train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }) }),
    );
    compare(steps as Observable<Step<Sample>>, 60);
  });

  it('a binary classifier: accuracy and log-loss', () => {
    const random = rng(5);
    const samples = Array.from({ length: 3000 }, () => {
      const a = 2 * random.next() - 1;
      const b = 2 * random.next() - 1;
      return { x: [a, b], y: a * b > 0 ? 1 : 0 };
    });
    const net = makeNet([dense(6, tanh), dense(1, sigmoid)], 2);
    const steps = from(samples).pipe(
      train(net, { loss: binaryCrossEntropy(), optimizer: sgd({ learningRate: 0.3 }) }),
    );
    compare(steps, 200);
  });

  it('a softmax classifier of three classes, then a target that is no class', () => {
    const random = rng(6);
    const samples = Array.from({ length: 2500 }, (_, i) => {
      const a = 2 * random.next() - 1;
      const hot = a < -0.3 ? 0 : a < 0.3 ? 1 : 2;
      const y = i === 2000 ? [0.5, 0.5, 0] : [0, 1, 2].map((k) => (k === hot ? 1 : 0));
      return { x: [a, random.next()], y };
    });
    const net = makeNet([dense(8, tanh), dense(3, softmax)], 2);
    const steps = from(samples).pipe(
      train(net, { loss: crossEntropy(), optimizer: sgd({ learningRate: 0.2 }) }),
    );
    compare(steps, 300);
  });

  it('rejected samples, non-finite ones, and a level shift of 1e3', () => {
    const net = makeNet([dense(4, tanh), dense(1, linear)], 2);
    const steps = from(shifted(1e3)).pipe(
      normalize({ targets: true }),
      train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), onInvalid: 'skip' }),
    );
    compare(steps as Observable<Step<Sample>>, 250);
  });
});

/** 3,000 samples, every 101st with a NaN input; the target's level jumps by `shift` at 1,500. */
function shifted(shift: number): Sample[] {
  const random = rng(7);
  return Array.from({ length: 3000 }, (_, i): Sample => {
    if (i % 101 === 5) return { x: [Number.NaN, 1], y: 1 };
    const a = random.next();
    return { x: [a, 1 - a], y: (i < 1500 ? 0 : shift) + 3 * a + random.next() };
  });
}
