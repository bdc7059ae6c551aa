// The error figures of a MetricsTracker (what rollingMetrics emits) over the window, as an EWMA
// and since the start, against hand-computed values. The derivations are in the comments;
// residuals are r = actual − output.
import { describe, expect, it } from 'vitest';
import {
  dense,
  type ErrorMetrics,
  linear,
  type MetricsSnapshot,
  metricsTracker,
  network,
  type Sample,
} from '../../src/index.js';
import { Stage, StepContext } from '../../src/steps/step.js';

/** The figures a snapshot shows for one aggregation, and nothing else. */
function figures(m: ErrorMetrics): ErrorMetrics {
  const { count, mse, rmse, mae, r2, accuracy, logLoss } = m;
  return { count, mse, rmse, mae, r2, accuracy, logLoss };
}

/** A tracker fed (output, actual) pairs as the steps of a network of `outputs` outputs. */
class TrackedErrors {
  private readonly tracker;
  private readonly step: StepContext<Sample>;

  constructor(outputs: number, window: number, alpha: number) {
    this.tracker = metricsTracker({ window, alpha });
    this.step = new StepContext<Sample>(
      network({ inputs: 1, layers: [dense(outputs, linear)], seed: 1 }),
    );
    this.step.stage = Stage.Updated;
    this.step.sample = { x: [0], y: 0 };
  }

  /** Counts the pair as a step; whether it was scored (its residuals finite). */
  add(output: Float64Array, actual: Float64Array): boolean {
    const before = this.tracker.scored;
    this.step.output.set(output);
    this.step.actual = actual;
    this.step.target = actual;
    this.step.seq++;
    this.tracker.add(this.step);
    return this.tracker.scored === before + 1;
  }

  get scored(): number {
    return this.tracker.scored;
  }

  private snapshot(): MetricsSnapshot {
    return this.tracker.snapshot(0);
  }

  windowMetrics(): ErrorMetrics {
    return figures(this.snapshot());
  }

  ewmaMetrics(): ErrorMetrics {
    return figures(this.snapshot().ewma);
  }

  totalMetrics(): ErrorMetrics {
    return figures(this.snapshot().total);
  }
}

const f = (...values: number[]) => Float64Array.from(values);

/** Feeds (output, actual) pairs of one output each. */
function feed(errors: TrackedErrors, pairs: [number, number][]): void {
  for (const [o, a] of pairs) expect(errors.add(f(o), f(a))).toBe(true);
}

/** Compares figures to 12 decimals; `undefined` must match exactly. */
function expectFigures(actual: ErrorMetrics, expected: ErrorMetrics): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const k of Object.keys(expected) as (keyof ErrorMetrics)[]) {
    const e = expected[k];
    if (e === undefined) expect(actual[k], k).toBeUndefined();
    else expect(actual[k], k).toBeCloseTo(e, 12);
  }
}

describe('the error figures: a regression sequence, window 3, α = 0.5', () => {
  // (output, actual) → r:  s1 (1, 2) → 1;  s2 (1, 4) → 3;  s3 (6, 6) → 0;  s4 (6, 4) → −2
  const pairs: [number, number][] = [
    [1, 2],
    [1, 4],
    [6, 6],
    [6, 4],
  ];
  const errors = new TrackedErrors(1, 3, 0.5);
  feed(errors, pairs);

  it('window: the last three samples (s2, s3, s4)', () => {
    // r = 3, 0, −2: mse = (9 + 0 + 4)/3 = 13/3, mae = 5/3.
    // actuals 4, 6, 4: mean 14/3, SS_tot = 2·(4 − 14/3)² + (6 − 14/3)² = 8/9 + 16/9 = 8/3;
    // SS_res = 13, so R² = 1 − 13/(8/3) = 1 − 39/8 = −31/8.
    // Targets 2 and 4 are neither 0/1 nor probabilities: no accuracy, no log-loss.
    expectFigures(errors.windowMetrics(), {
      count: 3,
      mse: 13 / 3,
      rmse: Math.sqrt(13 / 3),
      mae: 5 / 3,
      r2: -31 / 8,
      accuracy: undefined,
      logLoss: undefined,
    });
  });

  it('ewma: seeded with s1, then e ← e + α(x − e)', () => {
    // r²: 1 → 1 + ½(9 − 1) = 5 → 5 + ½(0 − 5) = 2.5 → 2.5 + ½(4 − 2.5) = 3.25
    // |r|: 1 → 1 + ½(3 − 1) = 2 → 2 + ½(0 − 2) = 1 → 1 + ½(2 − 1) = 1.5
    // Target mean μ and variance v, d = y − μ(old), μ ← μ + αd, v ← (1 − α)(v + αd²):
    //   s1: μ = 2, v = 0;  s2: d = 2, μ = 3, v = ½(0 + ½·4) = 1
    //   s3: d = 3, μ = 4.5, v = ½(1 + ½·9) = 2.75;  s4: d = −0.5, μ = 4.25, v = ½(2.75 + ½·0.25) = 1.4375
    // R² = 1 − 3.25/1.4375 = 1 − 52/23 = −29/23.
    expectFigures(errors.ewmaMetrics(), {
      count: 4,
      mse: 3.25,
      rmse: Math.sqrt(3.25),
      mae: 1.5,
      r2: -29 / 23,
      accuracy: undefined,
      logLoss: undefined,
    });
  });

  it('total: all four samples', () => {
    // r = 1, 3, 0, −2: mse = 14/4 = 3.5, mae = 6/4 = 1.5.
    // actuals 2, 4, 6, 4: mean 4, SS_tot = 4 + 0 + 4 + 0 = 8; R² = 1 − 14/8 = −0.75.
    expectFigures(errors.totalMetrics(), {
      count: 4,
      mse: 3.5,
      rmse: Math.sqrt(3.5),
      mae: 1.5,
      r2: -0.75,
      accuracy: undefined,
      logLoss: undefined,
    });
    expect(errors.scored).toBe(4);
  });
});

describe('the error figures: binary classification, window 2, α = 0.5', () => {
  // s1 (0.8, 1): 0.8 ≥ 0.5 → 1, right; log-loss −ln 0.8
  // s2 (0.4, 1): 0.4 < 0.5 → 0, wrong; log-loss −ln 0.4
  // s3 (0.3, 0): 0.3 < 0.5 → 0, right; log-loss −ln(1 − 0.3) = −ln 0.7
  const errors = new TrackedErrors(1, 2, 0.5);
  feed(errors, [
    [0.8, 1],
    [0.4, 1],
    [0.3, 0],
  ]);
  const [l1, l2, l3] = [-Math.log(0.8), -Math.log(0.4), -Math.log(0.7)];

  it('window (s2, s3): accuracy 1/2, log-loss the mean of the two', () => {
    // r = 0.6, −0.3: mse = (0.36 + 0.09)/2 = 0.225, mae = 0.45.
    // actuals 1, 0: SS_tot = 0.5, SS_res = 0.45, R² = 1 − 0.9 = 0.1.
    expectFigures(errors.windowMetrics(), {
      count: 2,
      mse: 0.225,
      rmse: Math.sqrt(0.225),
      mae: 0.45,
      r2: 0.1,
      accuracy: 0.5,
      logLoss: (l2 + l3) / 2,
    });
  });

  it('ewma: accuracy 1 → 0.5 → 0.75; log-loss likewise', () => {
    const ll2 = l1 + 0.5 * (l2 - l1);
    const ll3 = ll2 + 0.5 * (l3 - ll2);
    // r²: 0.04 → 0.04 + ½(0.36 − 0.04) = 0.2 → 0.2 + ½(0.09 − 0.2) = 0.145
    // |r|: 0.2 → 0.4 → 0.35
    // targets 1, 1, 0: μ = 1, v = 0; d = 0: μ = 1, v = 0; d = −1: μ = 0.5, v = ½(0 + ½) = 0.25
    // R² = 1 − 0.145/0.25 = 0.42
    expectFigures(errors.ewmaMetrics(), {
      count: 3,
      mse: 0.145,
      rmse: Math.sqrt(0.145),
      mae: 0.35,
      r2: 0.42,
      accuracy: 0.75,
      logLoss: ll3,
    });
  });

  it('total: accuracy 2/3, log-loss the mean of the three', () => {
    // r = 0.2, 0.6, −0.3: mse = (0.04 + 0.36 + 0.09)/3 = 0.49/3, mae = 1.1/3.
    // actuals 1, 1, 0: mean 2/3, SS_tot = 2·(1/9) + 4/9 = 2/3; R² = 1 − 0.49/(2/3) = 0.265.
    expectFigures(errors.totalMetrics(), {
      count: 3,
      mse: 0.49 / 3,
      rmse: Math.sqrt(0.49 / 3),
      mae: 1.1 / 3,
      r2: 0.265,
      accuracy: 2 / 3,
      logLoss: (l1 + l2 + l3) / 3,
    });
  });

  it('an output of exactly 0.5 counts as class 1', () => {
    const e = new TrackedErrors(1, 4, 0.5);
    feed(e, [
      [0.5, 1],
      [0.5, 0],
    ]);
    expect(e.totalMetrics().accuracy).toBe(0.5);
  });

  it('outputs of exactly 0 and 1 are clipped to 1e-15 before the logarithm', () => {
    const e = new TrackedErrors(1, 4, 0.5);
    feed(e, [
      [1, 0],
      [0, 0],
    ]);
    // (1, 0): p = 1 is clipped to 1 − 1e-15, so −ln(1 − p) = −ln(1 − (1 − 1e-15)) ≈ 34.54
    // (in floating point 1 − (1 − 1e-15) is 9.992e-16, not 1e-15);
    // (0, 0): p = 0 is clipped to 1e-15, so −ln(1 − 1e-15) ≈ 1e-15. A finite mean, not Infinity.
    const expected = (-Math.log(1 - (1 - 1e-15)) - Math.log(1 - 1e-15)) / 2;
    expect(expected).toBeGreaterThan(17.2);
    expect(e.totalMetrics().logLoss).toBeCloseTo(expected, 12);
  });
});

describe('the error figures: one-hot targets over three outputs', () => {
  // s1 o = (0.7, 0.2, 0.1), t = (1, 0, 0): argmax 0 = the hot index, right; −ln 0.7
  // s2 o = (0.3, 0.5, 0.2), t = (0, 0, 1): argmax 1 ≠ 2, wrong;             −ln 0.2
  const errors = new TrackedErrors(3, 10, 0.5);
  errors.add(f(0.7, 0.2, 0.1), f(1, 0, 0));
  errors.add(f(0.3, 0.5, 0.2), f(0, 0, 1));

  it('accuracy by argmax, categorical log-loss, MSE per output', () => {
    // r1 = (0.3, −0.2, −0.1): Σr² = 0.14;  r2 = (−0.3, −0.5, 0.8): Σr² = 0.98
    // mse over the 2·3 pairs = 1.12/6; mae = (0.6 + 1.6)/6 = 2.2/6.
    // The second output's target is 0 both times: no spread, so R² does not apply.
    const m = errors.totalMetrics();
    expectFigures(m, {
      count: 2,
      mse: 1.12 / 6,
      rmse: Math.sqrt(1.12 / 6),
      mae: 2.2 / 6,
      r2: undefined,
      accuracy: 0.5,
      logLoss: (-Math.log(0.7) - Math.log(0.2)) / 2,
    });
    expect(errors.windowMetrics()).toEqual(m);
  });

  it('R² averages the outputs', () => {
    // Two outputs: t = (1, 0), (0, 1), (1, 0); o = (0.9, 0.2), (0.3, 0.6), (0.6, 0.5)
    // output 0: targets 1, 0, 1 (mean 2/3, SS_tot = 2/3), r = 0.1, −0.3, 0.4: SS_res = 0.26
    //   R²₀ = 1 − 0.26·1.5 = 0.61
    // output 1: targets 0, 1, 0 (SS_tot = 2/3), r = −0.2, 0.4, −0.5: SS_res = 0.45
    //   R²₁ = 1 − 0.45·1.5 = 0.325;  mean (0.61 + 0.325)/2 = 0.4675
    // argmax: 0 = 0 right, 1 = 1 right, 0 = 0 right → accuracy 1. Outputs sum to 1.1, 0.9, 1.1:
    // not a distribution, so no log-loss.
    const e = new TrackedErrors(2, 3, 0.5);
    e.add(f(0.9, 0.2), f(1, 0));
    e.add(f(0.3, 0.6), f(0, 1));
    e.add(f(0.6, 0.5), f(1, 0));
    for (const m of [e.totalMetrics(), e.windowMetrics()]) {
      expect(m.r2).toBeCloseTo(0.4675, 12);
      expect(m.accuracy).toBe(1);
      expect(m.logLoss).toBeUndefined();
    }
  });

  it('the first largest output wins a tie', () => {
    const e = new TrackedErrors(2, 3, 0.5);
    e.add(f(0.5, 0.5), f(1, 0));
    e.add(f(0.5, 0.5), f(0, 1));
    expect(e.totalMetrics().accuracy).toBe(0.5);
  });
});

describe('the error figures: when accuracy and log-loss apply', () => {
  it('a target that is not 0/1 turns accuracy off for good, log-loss stays while in [0, 1]', () => {
    const e = new TrackedErrors(1, 10, 0.5);
    feed(e, [[0.9, 1]]);
    expect(e.windowMetrics().accuracy).toBe(1);
    feed(e, [[0.4, 0.5]]);
    // log-loss of (0.4, 0.5): −(0.5 ln 0.4 + 0.5 ln 0.6)
    const ll = (-Math.log(0.9) - 0.5 * Math.log(0.4) - 0.5 * Math.log(0.6)) / 2;
    expect(e.windowMetrics().accuracy).toBeUndefined();
    expect(e.totalMetrics().accuracy).toBeUndefined();
    expect(e.ewmaMetrics().accuracy).toBeUndefined();
    expect(e.totalMetrics().logLoss).toBeCloseTo(ll, 12);
    feed(e, [[0.9, 1]]);
    expect(e.totalMetrics().accuracy).toBeUndefined();
  });

  it('an output outside [0, 1] turns log-loss off for good', () => {
    const e = new TrackedErrors(1, 10, 0.5);
    feed(e, [
      [0.9, 1],
      [1.2, 1],
      [0.9, 1],
    ]);
    expect(e.totalMetrics().logLoss).toBeUndefined();
    expect(e.windowMetrics().logLoss).toBeUndefined();
    expect(e.totalMetrics().accuracy).toBe(1);
  });

  it('several outputs: log-loss needs outputs summing to 1 and a target summing to 1', () => {
    const notSoftmax = new TrackedErrors(2, 10, 0.5);
    notSoftmax.add(f(0.9, 0.9), f(1, 0));
    expect(notSoftmax.totalMetrics().logLoss).toBeUndefined();
    const multiLabel = new TrackedErrors(2, 10, 0.5);
    multiLabel.add(f(0.5, 0.5), f(1, 1));
    expect(multiLabel.totalMetrics().logLoss).toBeUndefined();
    expect(multiLabel.totalMetrics().accuracy).toBeUndefined(); // two 1s: not one-hot
    const distribution = new TrackedErrors(2, 10, 0.5);
    distribution.add(f(0.25, 0.75), f(0.5, 0.5));
    // −(0.5 ln 0.25 + 0.5 ln 0.75); a target of 0.5s is no class: no accuracy
    expect(distribution.totalMetrics().logLoss).toBeCloseTo(
      -0.5 * Math.log(0.25) - 0.5 * Math.log(0.75),
      12,
    );
    expect(distribution.totalMetrics().accuracy).toBeUndefined();
    const negative = new TrackedErrors(2, 10, 0.5);
    negative.add(f(0.5, 0.5), f(-1, 2));
    expect(negative.totalMetrics().logLoss).toBeUndefined();
    const noHot = new TrackedErrors(2, 10, 0.5);
    noHot.add(f(0.5, 0.5), f(0, 0));
    expect(noHot.totalMetrics().accuracy).toBeUndefined();
  });
});

describe('the error figures: edge cases', () => {
  it('no sample: every figure undefined, count 0', () => {
    const e = new TrackedErrors(1, 3, 0.5);
    const none = {
      count: 0,
      mse: undefined,
      rmse: undefined,
      mae: undefined,
      r2: undefined,
      accuracy: undefined,
      logLoss: undefined,
    };
    expect(e.windowMetrics()).toEqual(none);
    expect(e.ewmaMetrics()).toEqual(none);
    expect(e.totalMetrics()).toEqual(none);
  });

  it('one sample: errors but no R²', () => {
    const e = new TrackedErrors(1, 3, 0.5);
    feed(e, [[1, 3]]);
    for (const m of [e.windowMetrics(), e.ewmaMetrics(), e.totalMetrics()]) {
      expect(m.mse).toBe(4);
      expect(m.rmse).toBe(2);
      expect(m.mae).toBe(2);
      expect(m.r2).toBeUndefined();
    }
  });

  it('a constant target has no R²', () => {
    const e = new TrackedErrors(1, 3, 0.5);
    feed(e, [
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ]);
    expect(e.windowMetrics().r2).toBeUndefined();
    expect(e.ewmaMetrics().r2).toBeUndefined();
    expect(e.totalMetrics().r2).toBeUndefined();
    expect(e.windowMetrics().mse).toBeCloseTo((1 + 4 + 9) / 3, 12);
  });

  it('a non-finite output or target is not scored', () => {
    const e = new TrackedErrors(1, 3, 0.5);
    expect(e.add(f(Number.NaN), f(1))).toBe(false);
    expect(e.add(f(1), f(Number.POSITIVE_INFINITY))).toBe(false);
    expect(e.scored).toBe(0);
    feed(e, [[1, 2]]);
    expect(e.totalMetrics().mse).toBe(1);
  });

  it('a large offset costs no precision: targets are summed shifted by the first', () => {
    // actuals 1e9 + (1, 2, 3) then 1e9 + 4; outputs each 0.5 below. Window 3 (after the 4th):
    // actuals 1e9 + (2, 3, 4): SS_tot = 2, SS_res = 3·0.25 = 0.75, R² = 1 − 0.375 = 0.625.
    // Without the shift, Σy² ≈ 3e18 leaves no digits for a spread of 2.
    const e = new TrackedErrors(1, 3, 0.5);
    const base = 1e9;
    feed(e, [
      [base + 0.5, base + 1],
      [base + 1.5, base + 2],
      [base + 2.5, base + 3],
      [base + 3.5, base + 4],
    ]);
    expect(e.windowMetrics().r2).toBeCloseTo(0.625, 9);
    // total: actuals 1..4 (+1e9), SS_tot = 5, SS_res = 1, R² = 0.8
    expect(e.totalMetrics().r2).toBeCloseTo(0.8, 9);
  });

  it('a huge residual that has left the window leaves no trace', () => {
    // Window 2, residuals 1e9, 1, 1, 1. Running sums alone would lose the 1 next to 1e18 and,
    // once 1e18 is taken out again, be left with Σr² = 1 for two samples of r² = 1. The sums
    // are recomputed from the ring each time it wraps (after the 2nd and the 4th sample), so
    // the window's mse after the 4th is exactly (1 + 1)/2 = 1.
    const e = new TrackedErrors(1, 2, 0.5);
    feed(e, [
      [0, 1e9],
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(e.windowMetrics().mse).toBe(1);
    expect(e.windowMetrics().mae).toBe(1);
  });

  it('the sliding window matches a direct computation over a long stream', () => {
    const window = 7;
    const e = new TrackedErrors(2, window, 0.1);
    const rows: { o: number[]; a: number[] }[] = [];
    for (let i = 0; i < 500; i++) {
      const a = [Math.sin(i) * 10 + 100, Math.cos(0.3 * i)];
      const o = [a[0] + Math.sin(7 * i), a[1] - 0.5 * Math.cos(11 * i)];
      rows.push({ o, a });
      e.add(Float64Array.from(o), Float64Array.from(a));
      if (i < window) continue;
      const last = rows.slice(-window);
      let sq = 0;
      let abs = 0;
      let r2 = 0;
      for (let j = 0; j < 2; j++) {
        const mean = last.reduce((s, r) => s + r.a[j], 0) / window;
        let ssTot = 0;
        let ssRes = 0;
        for (const r of last) {
          const res = r.a[j] - r.o[j];
          sq += res * res;
          abs += Math.abs(res);
          ssRes += res * res;
          ssTot += (r.a[j] - mean) ** 2;
        }
        r2 += (1 - ssRes / ssTot) / 2;
      }
      const m = e.windowMetrics();
      expect(m.count).toBe(window);
      expect(m.mse).toBeCloseTo(sq / (2 * window), 10);
      expect(m.mae).toBeCloseTo(abs / (2 * window), 10);
      expect(m.r2).toBeCloseTo(r2, 8);
    }
  });
});
