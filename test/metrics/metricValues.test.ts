// The metric values and their aggregations against hand-computed figures. The derivations are
// in the comments; residuals are r = target − prediction.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  ewma,
  logLoss,
  meanAbsoluteError,
  meanSquaredError,
  metricGroup,
  rootMeanSquaredError,
  rSquared,
  total,
  windowed,
} from '../../src/index.js';

/** The six metrics of rollingMetrics, as one group. */
const six = () =>
  metricGroup({
    mse: meanSquaredError(),
    rmse: rootMeanSquaredError(),
    mae: meanAbsoluteError(),
    r2: rSquared(),
    accuracy: accuracy(),
    logLoss: logLoss(),
  });
type Figures = ReturnType<ReturnType<typeof six>['get']>;

/** Compares figures to 12 decimals; `undefined` must match exactly. */
function expectFigures(actual: Figures, expected: Figures): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const k of Object.keys(expected) as (keyof Figures)[]) {
    const e = expected[k];
    if (e === undefined) expect(actual[k], k).toBeUndefined();
    else expect(actual[k], k).toBeCloseTo(e, 12);
  }
}

/** A window, an EWMA and a total of the six, fed the same one-output pairs. */
function feedAll(pairs: [number, number][], size: number, alpha: number) {
  const w = windowed(six(), size);
  const e = ewma(six(), alpha);
  const t = total(six());
  for (const [p, y] of pairs) {
    for (const a of [w, e, t]) a.update([p], [y]);
  }
  return { w, e, t };
}

describe('a regression sequence, window 3, α = 0.5', () => {
  // (prediction, target) → r:  s1 (1, 2) → 1;  s2 (1, 4) → 3;  s3 (6, 6) → 0;  s4 (6, 4) → −2
  const { w, e, t } = feedAll(
    [
      [1, 2],
      [1, 4],
      [6, 6],
      [6, 4],
    ],
    3,
    0.5,
  );

  it('window: the last three pairs (s2, s3, s4)', () => {
    // r = 3, 0, −2: mse = (9 + 0 + 4)/3 = 13/3, mae = 5/3.
    // targets 4, 6, 4: mean 14/3, SS_tot = 2·(4 − 14/3)² + (6 − 14/3)² = 8/3;
    // SS_res = 13, so R² = 1 − 13/(8/3) = −31/8. Targets 2 and 4 are no classes, no probabilities.
    expect(w.count).toBe(3);
    expectFigures(w.get(), {
      mse: 13 / 3,
      rmse: Math.sqrt(13 / 3),
      mae: 5 / 3,
      r2: -31 / 8,
      accuracy: undefined,
      logLoss: undefined,
    });
  });

  it('ewma: seeded with s1, then e ← e + α(x − e)', () => {
    // r²: 1 → 5 → 2.5 → 3.25;  |r|: 1 → 2 → 1 → 1.5
    // Target mean μ and variance v, d = y − μ(old), μ ← μ + αd, v ← (1 − α)(v + αd²):
    //   s1: μ = 2, v = 0;  s2: d = 2, μ = 3, v = 1;  s3: d = 3, μ = 4.5, v = 2.75;
    //   s4: d = −0.5, μ = 4.25, v = 1.4375.  R² = 1 − 3.25/1.4375 = −29/23.
    expect(e.count).toBe(4);
    expectFigures(e.get(), {
      mse: 3.25,
      rmse: Math.sqrt(3.25),
      mae: 1.5,
      r2: -29 / 23,
      accuracy: undefined,
      logLoss: undefined,
    });
  });

  it('total: all four pairs', () => {
    // r = 1, 3, 0, −2: mse = 14/4 = 3.5, mae = 6/4 = 1.5.
    // targets 2, 4, 6, 4: mean 4, SS_tot = 8; R² = 1 − 14/8 = −0.75.
    expect(t.count).toBe(4);
    expectFigures(t.get(), {
      mse: 3.5,
      rmse: Math.sqrt(3.5),
      mae: 1.5,
      r2: -0.75,
      accuracy: undefined,
      logLoss: undefined,
    });
  });
});

describe('binary classification, window 2, α = 0.5', () => {
  // s1 (0.8, 1): 0.8 ≥ 0.5 → 1, right; log-loss −ln 0.8
  // s2 (0.4, 1): 0.4 < 0.5 → 0, wrong; log-loss −ln 0.4
  // s3 (0.3, 0): 0.3 < 0.5 → 0, right; log-loss −ln 0.7
  const { w, e, t } = feedAll(
    [
      [0.8, 1],
      [0.4, 1],
      [0.3, 0],
    ],
    2,
    0.5,
  );
  const [l1, l2, l3] = [-Math.log(0.8), -Math.log(0.4), -Math.log(0.7)];

  it('window (s2, s3): accuracy 1/2, log-loss the mean of the two', () => {
    // r = 0.6, −0.3: mse = 0.225, mae = 0.45; targets 1, 0: SS_tot = 0.5, R² = 1 − 0.45/0.5 = 0.1.
    expectFigures(w.get(), {
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
    // r²: 0.04 → 0.2 → 0.145;  |r|: 0.2 → 0.4 → 0.35
    // targets 1, 1, 0: μ = 1, v = 0; then μ = 1, v = 0; then d = −1: μ = 0.5, v = 0.25
    // R² = 1 − 0.145/0.25 = 0.42
    expectFigures(e.get(), {
      mse: 0.145,
      rmse: Math.sqrt(0.145),
      mae: 0.35,
      r2: 0.42,
      accuracy: 0.75,
      logLoss: ll2 + 0.5 * (l3 - ll2),
    });
  });

  it('total: accuracy 2/3, log-loss the mean of the three', () => {
    // r = 0.2, 0.6, −0.3: mse = 0.49/3, mae = 1.1/3; targets 1, 1, 0: SS_tot = 2/3, R² = 0.265.
    expectFigures(t.get(), {
      mse: 0.49 / 3,
      rmse: Math.sqrt(0.49 / 3),
      mae: 1.1 / 3,
      r2: 0.265,
      accuracy: 2 / 3,
      logLoss: (l1 + l2 + l3) / 3,
    });
  });

  it('a prediction of exactly 0.5 counts as class 1', () => {
    const a = accuracy();
    a.update([0.5], [1]);
    a.update([0.5], [0]);
    expect(a.get()).toBe(0.5);
  });

  it('predictions of exactly 0 and 1 are clipped to 1e-15 before the logarithm', () => {
    const l = logLoss();
    l.update([1], [0]);
    l.update([0], [0]);
    // (1, 0): p = 1 is clipped to 1 − 1e-15, so −ln(1 − p) ≈ 34.54 (in floating point
    // 1 − (1 − 1e-15) is 9.992e-16); (0, 0): p = 0 is clipped to 1e-15, −ln(1 − 1e-15) ≈ 1e-15.
    const expected = (-Math.log(1 - (1 - 1e-15)) - Math.log(1 - 1e-15)) / 2;
    expect(expected).toBeGreaterThan(17.2);
    expect(l.get()).toBeCloseTo(expected, 12);
  });
});

describe('one-hot targets over several outputs', () => {
  it('accuracy by argmax, categorical log-loss, MSE per output', () => {
    // s1 p = (0.7, 0.2, 0.1), t = (1, 0, 0): argmax 0 = the hot index, right; −ln 0.7
    // s2 p = (0.3, 0.5, 0.2), t = (0, 0, 1): argmax 1 ≠ 2, wrong;             −ln 0.2
    // r1 = (0.3, −0.2, −0.1): Σr² = 0.14;  r2 = (−0.3, −0.5, 0.8): Σr² = 0.98
    // mse over the 2·3 values = 1.12/6; mae = 2.2/6. Output 2's target is 0 twice: no R².
    const t = total(six());
    t.update([0.7, 0.2, 0.1], [1, 0, 0]);
    t.update([0.3, 0.5, 0.2], [0, 0, 1]);
    expectFigures(t.get(), {
      mse: 1.12 / 6,
      rmse: Math.sqrt(1.12 / 6),
      mae: 2.2 / 6,
      r2: undefined,
      accuracy: 0.5,
      logLoss: (-Math.log(0.7) - Math.log(0.2)) / 2,
    });
  });

  it('R² averages the outputs', () => {
    // t = (1, 0), (0, 1), (1, 0); p = (0.9, 0.2), (0.3, 0.6), (0.6, 0.5)
    // output 0: targets 1, 0, 1 (SS_tot = 2/3), r = 0.1, −0.3, 0.4: SS_res = 0.26, R²₀ = 0.61
    // output 1: targets 0, 1, 0 (SS_tot = 2/3), r = −0.2, 0.4, −0.5: SS_res = 0.45, R²₁ = 0.325
    // argmax right three times: accuracy 1. Predictions sum to 1.1, 0.9, 1.1: no log-loss.
    const t = total(six());
    t.update([0.9, 0.2], [1, 0]);
    t.update([0.3, 0.6], [0, 1]);
    t.update([0.6, 0.5], [1, 0]);
    const f = t.get();
    expect(f.r2).toBeCloseTo(0.4675, 12);
    expect(f.accuracy).toBe(1);
    expect(f.logLoss).toBeUndefined();
  });

  it('the first largest output wins a tie', () => {
    const a = accuracy();
    a.update([0.5, 0.5], [1, 0]);
    a.update([0.5, 0.5], [0, 1]);
    expect(a.get()).toBe(0.5);
  });
});

describe('when accuracy and log-loss apply', () => {
  it('a target that is no class: accuracy undefined while it is counted; log-loss stays', () => {
    const t = total(six());
    t.update([0.9], [1]);
    expect(t.get().accuracy).toBe(1);
    t.update([0.4], [0.5]);
    // log-loss of (0.4, 0.5): −(0.5 ln 0.4 + 0.5 ln 0.6)
    expect(t.get().accuracy).toBeUndefined();
    expect(t.get().logLoss).toBeCloseTo(
      (-Math.log(0.9) - 0.5 * Math.log(0.4) - 0.5 * Math.log(0.6)) / 2,
      12,
    );
    t.update([0.9], [1]);
    expect(t.get().accuracy).toBeUndefined();
  });

  it('in a window, the figure comes back once the pair it does not apply to has left', () => {
    const w = windowed(accuracy(), 2);
    w.update([0.9], [0.5]); // no class
    w.update([0.9], [1]);
    expect(w.get()).toBeUndefined();
    w.update([0.1], [1]); // (0.5) leaves: right, wrong
    expect(w.get()).toBe(0.5);
  });

  it('a prediction outside [0, 1] has no log-loss', () => {
    const l = logLoss();
    l.update([0.9], [1]);
    l.update([1.2], [1]);
    expect(l.get()).toBeUndefined();
    l.revert([1.2], [1]);
    expect(l.get()).toBeCloseTo(-Math.log(0.9), 12);
  });

  it('several outputs: log-loss needs predictions summing to 1 and a target summing to 1', () => {
    const loss = (p: number[], y: number[]) => {
      const l = logLoss();
      l.update(p, y);
      return l.get();
    };
    const right = (p: number[], y: number[]) => {
      const a = accuracy();
      a.update(p, y);
      return a.get();
    };
    expect(loss([0.9, 0.9], [1, 0])).toBeUndefined(); // not a softmax
    expect(loss([0.5, 0.5], [1, 1])).toBeUndefined(); // multi-label
    expect(right([0.5, 0.5], [1, 1])).toBeUndefined(); // two 1s: not one-hot
    // a distribution as target: −(0.5 ln 0.25 + 0.5 ln 0.75), and no class
    expect(loss([0.25, 0.75], [0.5, 0.5])).toBeCloseTo(
      -0.5 * Math.log(0.25) - 0.5 * Math.log(0.75),
      12,
    );
    expect(right([0.25, 0.75], [0.5, 0.5])).toBeUndefined();
    expect(loss([0.5, 0.5], [-1, 2])).toBeUndefined();
    expect(right([0.5, 0.5], [0, 0])).toBeUndefined(); // no hot index
  });
});

describe('edge cases', () => {
  it('nothing counted: every figure undefined, count 0', () => {
    const none = {
      mse: undefined,
      rmse: undefined,
      mae: undefined,
      r2: undefined,
      accuracy: undefined,
      logLoss: undefined,
    };
    for (const a of [windowed(six(), 3), ewma(six(), 0.5), total(six())]) {
      expect(a.get()).toEqual(none);
      expect(a.count).toBe(0);
    }
  });

  it('one pair: errors but no R²', () => {
    const { w, e, t } = feedAll([[1, 3]], 3, 0.5);
    for (const a of [w, e, t]) {
      expect(a.get()).toMatchObject({ mse: 4, rmse: 2, mae: 2, r2: undefined });
    }
  });

  it('a constant target has no R²', () => {
    const { w, e, t } = feedAll(
      [
        [1, 5],
        [2, 5],
        [3, 5],
        [4, 5],
      ],
      3,
      0.5,
    );
    for (const a of [w, e, t]) expect(a.get().r2).toBeUndefined();
    expect(w.get().mse).toBeCloseTo((1 + 4 + 9) / 3, 12);
  });

  it('a large offset costs no precision: targets are summed about the first', () => {
    // targets 1e9 + (1, 2, 3, 4), predictions 0.5 below. Window 3 after the 4th: targets
    // 1e9 + (2, 3, 4): SS_tot = 2, SS_res = 0.75, R² = 0.625. Total: SS_tot = 5, SS_res = 1, R² = 0.8.
    const base = 1e9;
    const { w, t } = feedAll(
      [1, 2, 3, 4].map((k): [number, number] => [base + k - 0.5, base + k]),
      3,
      0.5,
    );
    expect(w.get().r2).toBeCloseTo(0.625, 9);
    expect(t.get().r2).toBeCloseTo(0.8, 9);
  });

  it('a huge residual that has left the window leaves no trace', () => {
    // Window 2, residuals 1e9, 1, 1, 1. Running sums alone would lose the 1 next to 1e18 and,
    // once 1e18 is taken out again, be left with Σr² = 1 for two pairs of r² = 1. The metric is
    // counted again from the ring each time it wraps (after the 2nd and the 4th pair), so the
    // window's mse after the 4th is exactly (1 + 1)/2 = 1.
    const { w } = feedAll(
      [
        [0, 1e9],
        [0, 1],
        [0, 1],
        [0, 1],
      ],
      2,
      0.5,
    );
    expect(w.get().mse).toBe(1);
    expect(w.get().mae).toBe(1);
  });

  it('an overflow that has left the window leaves no trace either', () => {
    // r² = 1e400 is Infinity; Infinity − Infinity would be NaN for good without the recount.
    const w = windowed(meanSquaredError(), 2);
    w.update([0], [1e200]);
    expect(w.get()).toBe(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 3; i++) w.update([0], [2]);
    expect(w.get()).toBe(4);
  });

  it('the window matches a direct computation over a long stream, outputs 2', () => {
    const size = 7;
    const w = windowed(six(), size);
    const rows: { p: number[]; y: number[] }[] = [];
    for (let i = 0; i < 500; i++) {
      const y = [Math.sin(i) * 10 + 100, Math.cos(0.3 * i)];
      const p = [y[0] + Math.sin(7 * i), y[1] - 0.5 * Math.cos(11 * i)];
      rows.push({ p, y });
      w.update(p, y);
      if (i < size) continue;
      const last = rows.slice(-size);
      let sq = 0;
      let abs = 0;
      let r2 = 0;
      for (let j = 0; j < 2; j++) {
        const mean = last.reduce((s, r) => s + r.y[j], 0) / size;
        let ssTot = 0;
        let ssRes = 0;
        for (const r of last) {
          const res = r.y[j] - r.p[j];
          sq += res * res;
          abs += Math.abs(res);
          ssRes += res * res;
          ssTot += (r.y[j] - mean) ** 2;
        }
        r2 += (1 - ssRes / ssTot) / 2;
      }
      const f = w.get();
      expect(w.count).toBe(size);
      expect(f.mse).toBeCloseTo(sq / (2 * size), 10);
      expect(f.mae).toBeCloseTo(abs / (2 * size), 10);
      expect(f.r2).toBeCloseTo(r2, 8);
    }
  });

  it('weights: a pair of weight 2 counts as two', () => {
    const once = meanSquaredError();
    once.update([0], [1], 2);
    once.update([0], [4]);
    const twice = meanSquaredError();
    for (const y of [1, 1, 4]) twice.update([0], [y]);
    expect(once.get()).toBe(twice.get()); // (2·1 + 16) / 3 = 6
    expect(once.get()).toBe(6);
  });
});
