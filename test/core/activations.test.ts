import { describe, expect, it } from 'vitest';
import {
  type Activation,
  elu,
  leakyRelu,
  linear,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from '../../src/index.js';

const f64 = (values: readonly number[]) => Float64Array.from(values);

function run(act: Activation, z: readonly number[], dy: readonly number[]) {
  const zs = f64(z);
  const y = new Float64Array(z.length);
  act.forward(zs, y);
  const dz = new Float64Array(z.length);
  act.backward(zs, y, f64(dy), dz);
  return { y: Array.from(y), dz: Array.from(dz) };
}

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - expected[i]), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

const LN2 = Math.log(2);
const LN3 = Math.log(3);

describe('sigmoid', () => {
  it('forward and backward match hand-computed values', () => {
    // σ(0) = 1/2; σ(ln 3) = 1/(1 + 1/3) = 3/4; σ(-ln 3) = 1/(1 + 3) = 1/4.
    // f' = f(1 - f): 1/4, 3/16, 3/16; times dy = [1, 2, -4] → 0.25, 0.375, -0.75.
    const { y, dz } = run(sigmoid, [0, LN3, -LN3], [1, 2, -4]);
    expectClose(y, [0.5, 0.75, 0.25]);
    expectClose(dz, [0.25, 0.375, -0.75]);
  });

  it('saturates to 0 and 1 without NaN for ±800', () => {
    // e^800 overflows to Infinity: 1/(1 + ∞) = 0, and 1/(1 + e^-800) = 1/(1 + 0) = 1.
    const { y, dz } = run(sigmoid, [-800, 800], [1, 1]);
    expect(y).toEqual([0, 1]);
    expect(dz).toEqual([0, 0]);
  });

  it('has name "sigmoid" and no alpha', () => {
    expect(sigmoid.name).toBe('sigmoid');
    expect(sigmoid.alpha).toBeUndefined();
  });
});

describe('tanh', () => {
  it('forward and backward match hand-computed values', () => {
    // tanh(x) = (e^x - e^-x)/(e^x + e^-x): tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 0.6;
    // tanh(-ln 3) = (1/3 - 3)/(1/3 + 3) = -0.8. f' = 1 - f²: 1, 0.64, 0.36;
    // times dy = [1, 2, 3] → 1, 1.28, 1.08.
    const { y, dz } = run(tanh, [0, LN2, -LN3], [1, 2, 3]);
    expectClose(y, [0, 0.6, -0.8]);
    expectClose(dz, [1, 1.28, 1.08]);
  });
});

describe('linear', () => {
  it('is the identity forward and passes dy through backward', () => {
    const { y, dz } = run(linear, [-2.5, 0, 7], [0.1, -3, 4]);
    expect(y).toEqual([-2.5, 0, 7]);
    expect(dz).toEqual([0.1, -3, 4]);
  });
});

describe('relu', () => {
  it('clips negatives to 0 and takes the derivative at 0 as 0', () => {
    // max(0, x): [-2, 0, 3] → [0, 0, 3]; f' = 0, 0 (by convention at 0), 1; dy = 5 each.
    const { y, dz } = run(relu, [-2, 0, 3], [5, 5, 5]);
    expect(y).toEqual([0, 0, 3]);
    expect(dz).toEqual([0, 0, 5]);
  });
});

describe('leakyRelu', () => {
  it('leakyRelu(0.1) scales negatives by 0.1 forward and backward', () => {
    // x > 0 ? x : 0.1x: [-2, 0, 3] → [-0.2, 0, 3]; f' = 0.1, 0.1 (at 0 the left slope), 1;
    // times dy = 5 → 0.5, 0.5, 5.
    const { y, dz } = run(leakyRelu(0.1), [-2, 0, 3], [5, 5, 5]);
    expectClose(y, [-0.2, 0, 3]);
    expectClose(dz, [0.5, 0.5, 5]);
  });

  it('defaults to alpha 0.01 and records it', () => {
    const act = leakyRelu();
    expect(act.name).toBe('leakyRelu');
    expect(act.alpha).toBe(0.01);
    // -100 · 0.01 = -1
    expectClose(run(act, [-100], [1]).y, [-1]);
    expect(leakyRelu(0.3).alpha).toBe(0.3);
  });

  it('accepts alpha 0 (a plain relu)', () => {
    const { y, dz } = run(leakyRelu(0), [-2, 3], [1, 1]);
    expect(y[0] === 0).toBe(true); // -0 or 0: both are a zero output
    expect(y[1]).toBe(3);
    expect(dz).toEqual([0, 1]);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects alpha %s with a RangeError naming alpha',
    (alpha) => {
      expect(() => leakyRelu(alpha)).toThrow(RangeError);
      expect(() => leakyRelu(alpha)).toThrow(/leakyRelu.*alpha/);
    },
  );
});

describe('softplus', () => {
  it('forward and backward match hand-computed values', () => {
    // ln(1 + e^x): ln 2 = 0.6931471805599453; ln(1 + 3) = ln 4 = 1.3862943611198906;
    // ln(1 + 1/3) = ln(4/3) = 0.28768207245178085. f' = σ(x): 1/2, 3/4, 1/4;
    // times dy = [2, 4, 8] → 1, 3, 2.
    const { y, dz } = run(softplus, [0, LN3, -LN3], [2, 4, 8]);
    expectClose(y, [Math.log(2), Math.log(4), Math.log(4 / 3)]);
    // the decimal values of ln 4 and ln(4/3), to 12 significant digits
    expectClose(y, [Math.LN2, 1.38629436112, 0.287682072452], 1e-11);
    expectClose(dz, [1, 3, 2]);
  });

  it('does not overflow for 800 (nor 1000) and underflows cleanly for -800', () => {
    // ln(1 + e^800) = 800 + ln(1 + e^-800) = 800 exactly in float64; a naive ln(1 + e^800)
    // would be ln(∞) = ∞. ln(1 + e^-800) = ln(1 + 0) = 0.
    const { y, dz } = run(softplus, [800, 1000, -800], [1, 1, 1]);
    expect(y).toEqual([800, 1000, 0]);
    // f' = σ: 1, 1, 0 — finite, no NaN
    expect(dz).toEqual([1, 1, 0]);
  });
});

describe('elu', () => {
  it('elu(1) forward and backward match hand-computed values', () => {
    // x > 0 ? x : α(e^x - 1): -ln 2 → 1/2 - 1 = -0.5; 0 → e^0 - 1 = 0; 2 → 2.
    // f' = x > 0 ? 1 : α e^x = y + α: 0.5, 1, 1; times dy = [4, 3, 2] → 2, 3, 2.
    const { y, dz } = run(elu(1), [-LN2, 0, 2], [4, 3, 2]);
    expectClose(y, [-0.5, 0, 2]);
    expectClose(dz, [2, 3, 2]);
  });

  it('elu(2) scales the negative side by alpha', () => {
    // 2(e^-ln2 - 1) = 2(-0.5) = -1; f' = 2 e^-ln2 = 1. Far left saturates at -α = -2.
    const { y, dz } = run(elu(2), [-LN2, -800], [1, 1]);
    expectClose(y, [-1, -2]);
    expectClose(dz, [1, 0]);
  });

  it('defaults to alpha 1 and records it', () => {
    expect(elu().alpha).toBe(1);
    expect(elu().name).toBe('elu');
    expect(elu(0.5).alpha).toBe(0.5);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects alpha %s with a RangeError naming alpha',
    (alpha) => {
      expect(() => elu(alpha)).toThrow(RangeError);
      expect(() => elu(alpha)).toThrow(/elu.*alpha/);
    },
  );
});

describe('softmax', () => {
  it('forward and backward match hand-computed values', () => {
    // e^[0, ln 2, ln 3] = [1, 2, 3], sum 6 → y = [1/6, 1/3, 1/2].
    // dz_i = y_i (dy_i - Σ_j y_j dy_j); dy = [1, 0, 0]: Σ = 1/6 →
    // dz = [1/6·5/6, 1/3·(-1/6), 1/2·(-1/6)] = [5/36, -1/18, -1/12].
    const { y, dz } = run(softmax, [0, LN2, LN3], [1, 0, 0]);
    expectClose(y, [1 / 6, 1 / 3, 1 / 2]);
    expectClose(dz, [5 / 36, -1 / 18, -1 / 12]);
  });

  it('sums to 1 and does not overflow on [1000, 1001]', () => {
    // Shift by the max: e^[-1, 0] / (e^-1 + 1) = [1/(1 + e), e/(1 + e)] = [0.268941…, 0.731058…]
    const { y } = run(softmax, [1000, 1001], [0, 0]);
    expectClose(y, [1 / (1 + Math.E), Math.E / (1 + Math.E)]);
    expectClose([y[0] + y[1]], [1]);
  });

  it('does not underflow to 0/0 on [-1000, -1001] and is shift invariant', () => {
    const low = run(softmax, [-1000, -1001], [0, 0]).y;
    const mid = run(softmax, [1, 0], [0, 0]).y;
    expectClose(low, mid);
    expectClose(low, [Math.E / (1 + Math.E), 1 / (1 + Math.E)]);
  });

  it('gives equal shares for equal inputs and sums to 1 on random vectors', () => {
    expectClose(run(softmax, [1000, 1000, 1000, 1000], [0, 0, 0, 0]).y, [0.25, 0.25, 0.25, 0.25]);
    for (const z of [
      [3.2, -1.5, 0.25, 7.75, -20],
      [-300, 450, 449, 12],
    ]) {
      const { y } = run(softmax, z, z);
      const sum = y.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-15);
      for (const v of y) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('backward: the error terms sum to 0 (the Jacobian rows of a softmax sum to 0)', () => {
    const { dz } = run(softmax, [0.3, -1.2, 2.5, 0.1], [1.5, -2, 0.25, 4]);
    expect(Math.abs(dz.reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
    expect(dz.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });
});

describe('element-wise derivatives against central differences', () => {
  // Points chosen away from the kinks at 0 of relu, leakyRelu and elu.
  const points = [-3.1, -1.2, -0.4, 0.35, 1.7, 2.9];
  const cases: readonly [string, Activation][] = [
    ['sigmoid', sigmoid],
    ['tanh', tanh],
    ['linear', linear],
    ['relu', relu],
    ['leakyRelu(0.1)', leakyRelu(0.1)],
    ['softplus', softplus],
    ['elu(1)', elu(1)],
    ['elu(0.5)', elu(0.5)],
  ];
  it.each(cases)('%s: backward with dy = 1 equals (f(x + h) - f(x - h)) / 2h', (_name, act) => {
    const h = 1e-6;
    const up = new Float64Array(points.length);
    const down = new Float64Array(points.length);
    act.forward(f64(points.map((x) => x + h)), up);
    act.forward(f64(points.map((x) => x - h)), down);
    const z = f64(points);
    const y = new Float64Array(points.length);
    act.forward(z, y);
    const dz = new Float64Array(points.length);
    act.backward(z, y, new Float64Array(points.length).fill(1), dz);
    points.forEach((_x, i) => {
      const numeric = (up[i] - down[i]) / (2 * h);
      // central-difference error: O(h²·f''') + rounding ε·|f|/h ≈ 1e-10 here
      expect(Math.abs(dz[i] - numeric)).toBeLessThan(1e-8);
    });
  });
});
