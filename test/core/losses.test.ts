import { describe, expect, it } from 'vitest';
import {
  type Activation,
  binaryCrossEntropy,
  crossEntropy,
  elu,
  huber,
  type Loss,
  leakyRelu,
  linear,
  mae,
  mse,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from '../../src/index.js';

const f64 = (values: readonly number[]) => Float64Array.from(values);

function grad(loss: Loss, p: readonly number[], t: readonly number[]): number[] {
  const out = new Float64Array(p.length);
  loss.gradient(f64(p), f64(t), out);
  return Array.from(out);
}

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - expected[i]), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

const near = (actual: number, expected: number, tol = 1e-12) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(tol);

describe('mse()', () => {
  it('is ½ Σ (t - y)² with gradient y - t', () => {
    // ½(1 - 0.5)² = 0.125; ∂/∂y = 0.5 - 1 = -0.5
    near(mse().value(f64([0.5]), f64([1])), 0.125);
    expectClose(grad(mse(), [0.5], [1]), [-0.5]);
    // ½[(0.01 - 0.75)² + (0.99 - 0.77)²] = ½(0.5476 + 0.0484) = 0.298; gradient [0.74, -0.22]
    near(mse().value(f64([0.75, 0.77]), f64([0.01, 0.99])), 0.298);
    expectClose(grad(mse(), [0.75, 0.77], [0.01, 0.99]), [0.74, -0.22]);
  });

  it('sums over the outputs rather than averaging', () => {
    // ½·1² + ½·2² = 2.5 (an average would give 1.25)
    near(mse().value(f64([1, 2]), f64([0, 0])), 2.5);
    expect(mse().name).toBe('mse');
  });
});

describe('crossEntropy()', () => {
  it('is -Σ t ln y with gradient -t / y', () => {
    // -ln 0.7 = 0.35667494393873245; gradient [-1/0.7, 0, 0] = [-1.4285714…, 0, 0]
    near(crossEntropy().value(f64([0.7, 0.2, 0.1]), f64([1, 0, 0])), 0.35667494393873245);
    expectClose(grad(crossEntropy(), [0.7, 0.2, 0.1], [1, 0, 0]), [-1 / 0.7, 0, 0]);
    // a probability target: -(½ ln ¼ + ½ ln ½) = ½(1.3862944 + 0.6931472) = 1.0397208
    near(crossEntropy().value(f64([0.25, 0.5, 0.25]), f64([0.5, 0.5, 0])), 1.5 * Math.log(2));
    near(crossEntropy().value(f64([0.25, 0.5, 0.25]), f64([0.5, 0.5, 0])), 1.0397207708, 1e-9);
    expectClose(grad(crossEntropy(), [0.25, 0.5, 0.25], [0.5, 0.5, 0]), [-2, -1, 0]);
  });

  it('stays finite for a zero probability (clipped at 1e-12)', () => {
    // -ln(1e-12) = 12 ln 10 = 27.631021115928547
    const value = crossEntropy().value(f64([0, 1]), f64([1, 0]));
    near(value, 12 * Math.log(10), 1e-9);
    // 0 · ln 0 terms (t = 0) are skipped rather than NaN
    near(crossEntropy().value(f64([0, 1]), f64([0, 1])), 0, 1e-11);
    for (const g of grad(crossEntropy(), [0, 1], [1, 0])) expect(Number.isFinite(g)).toBe(true);
  });
});

describe('binaryCrossEntropy()', () => {
  it('is -Σ [t ln y + (1 - t) ln(1 - y)] with gradient (y - t) / (y(1 - y))', () => {
    // -ln 0.9 = 0.10536051565782628; gradient (0.9 - 1)/(0.9·0.1) = -1.1111…
    near(binaryCrossEntropy().value(f64([0.9]), f64([1])), 0.10536051565782628);
    expectClose(grad(binaryCrossEntropy(), [0.9], [1]), [-1 / 0.9]);
    // -(½ ln ¼ + ½ ln ¾) = ½(1.3862944 + 0.2876821) = 0.8369882; (¼ - ½)/(3/16) = -4/3
    near(binaryCrossEntropy().value(f64([0.25]), f64([0.5])), 0.5 * Math.log(16 / 3));
    expectClose(grad(binaryCrossEntropy(), [0.25], [0.5]), [-4 / 3]);
    // sums over outputs: 0.1053605 + 0.8369882
    near(
      binaryCrossEntropy().value(f64([0.9, 0.25]), f64([1, 0.5])),
      -Math.log(0.9) + 0.5 * Math.log(16 / 3),
    );
  });

  it('stays finite at y = 0 and y = 1 (clipped at 1e-12)', () => {
    const value = binaryCrossEntropy().value(f64([1, 0]), f64([0, 1]));
    // each term ≈ -ln(1e-12) = 27.63; the sum ≈ 55.26
    expect(value).toBeGreaterThan(55);
    expect(value).toBeLessThan(56);
    for (const g of grad(binaryCrossEntropy(), [1, 0], [0, 1])) {
      expect(Number.isFinite(g)).toBe(true);
    }
  });
});

describe('mae()', () => {
  it('is Σ |t - y| with gradient sign(y - t), 0 at 0', () => {
    // |3 - 2| = 1
    near(mae().value(f64([2]), f64([3])), 1);
    // 1 + 0 + 3 = 4; signs -1, 0, +1
    near(mae().value(f64([2, -1, 4]), f64([3, -1, 1])), 4);
    expect(grad(mae(), [2, -1, 4], [3, -1, 1])).toEqual([-1, 0, 1]);
  });
});

describe('huber(δ)', () => {
  it('is ½ r² inside δ and δ(|r| - δ/2) outside, with a clipped gradient', () => {
    // huber(1): r = -3 → 1·(3 - 0.5) = 2.5; r = 0.5 → ½·0.25 = 0.125
    near(huber(1).value(f64([0]), f64([3])), 2.5);
    near(huber(1).value(f64([0.5]), f64([0])), 0.125);
    expectClose(grad(huber(1), [0, 0.5], [3, 0]), [-1, 0.5]);
    // huber(0.5), r = [-1, 0.2, 0]: 0.5(1 - 0.25) = 0.375, ½·0.04 = 0.02, 0 → 0.395;
    // gradient clipped to ±0.5: [-0.5, 0.2, 0]
    near(huber(0.5).value(f64([0, 0.2, 2]), f64([1, 0, 2])), 0.395);
    expectClose(grad(huber(0.5), [0, 0.2, 2], [1, 0, 2]), [-0.5, 0.2, 0]);
    // r = +2 beyond δ = 0.5: gradient +0.5
    expectClose(grad(huber(0.5), [2], [0]), [0.5]);
  });

  it('is continuous at |r| = δ', () => {
    // both branches give ½δ² = 0.125 at |r| = δ = 0.5
    const d = 0.5;
    near(huber(d).value(f64([d]), f64([0])), 0.125);
    near(huber(d).value(f64([d + 1e-9]), f64([0])), 0.125, 1e-9);
    near(huber(d).value(f64([-d - 1e-9]), f64([0])), 0.125, 1e-9);
  });

  it('defaults to δ = 1', () => {
    // |r| = 1.5 > δ = 1: δ(|r| − ½δ) = 1; with δ = 2 it is still quadratic: ½·1.5² = 1.125
    near(huber().value(f64([1.5]), f64([0])), 1);
    near(huber(2).value(f64([1.5]), f64([0])), 1.125);
    expect(huber().name).toBe('huber');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'huber(%s) throws a RangeError naming delta',
    (d) => {
      expect(() => huber(d)).toThrow(RangeError);
      expect(() => huber(d)).toThrow(/huber.*delta/);
    },
  );
});

describe('gradient() against central differences of value()', () => {
  const cases: readonly [string, Loss, number[], number[]][] = [
    ['mse', mse(), [0.3, -1.2, 2], [0.1, 0.4, -0.5]],
    ['crossEntropy', crossEntropy(), [0.2, 0.5, 0.3], [0.1, 0.6, 0.3]],
    ['binaryCrossEntropy', binaryCrossEntropy(), [0.2, 0.65, 0.9], [0, 0.3, 1]],
    // residuals -0.9, 0.7, -0.2: away from the kink at 0
    ['mae', mae(), [0.1, 0.7, 0.3], [1, 0, 0.5]],
    // residuals -0.9 (linear zone), 0.2 (quadratic), 1.5 (linear): away from |r| = 0.5
    ['huber(0.5)', huber(0.5), [0.1, 0.7, 2], [1, 0.5, 0.5]],
  ];
  it.each(cases)('%s', (_name, loss, p, t) => {
    const h = 1e-6;
    const g = grad(loss, p, t);
    p.forEach((_v, i) => {
      const up = p.slice();
      const down = p.slice();
      up[i] += h;
      down[i] -= h;
      const numeric = (loss.value(f64(up), f64(t)) - loss.value(f64(down), f64(t))) / (2 * h);
      // central differences: O(h²) + rounding ε/h ≈ 1e-10
      expect(Math.abs(g[i] - numeric)).toBeLessThan(1e-7);
    });
  });
});

describe('outputDelta: the closed forms y - t', () => {
  const others: readonly Activation[] = [
    tanh,
    linear,
    relu,
    leakyRelu(0.1),
    softplus,
    elu(1),
    sigmoid,
    softmax,
  ];

  it('crossEntropy + softmax writes y - t and returns true', () => {
    // y = [0.7, 0.2, 0.1], t = [0, 1, 0] → [0.7, -0.8, 0.1]
    const out = new Float64Array(3);
    const used = crossEntropy().outputDelta?.(softmax, f64([0.7, 0.2, 0.1]), f64([0, 1, 0]), out);
    expect(used).toBe(true);
    expectClose(Array.from(out), [0.7, -0.8, 0.1]);
  });

  it('binaryCrossEntropy + sigmoid writes y - t and returns true', () => {
    // y = [0.9, 0.25], t = [1, 0.5] → [-0.1, -0.25]
    const out = new Float64Array(2);
    const used = binaryCrossEntropy().outputDelta?.(sigmoid, f64([0.9, 0.25]), f64([1, 0.5]), out);
    expect(used).toBe(true);
    expectClose(Array.from(out), [-0.1, -0.25]);
  });

  it('returns false and leaves out untouched for every other pairing', () => {
    const pairs: [Loss, Activation][] = [
      ...others
        .filter((a) => a.name !== 'softmax')
        .map((a): [Loss, Activation] => [crossEntropy(), a]),
      ...others
        .filter((a) => a.name !== 'sigmoid')
        .map((a): [Loss, Activation] => [binaryCrossEntropy(), a]),
      ...others.map((a): [Loss, Activation] => [mse(), a]),
      ...others.map((a): [Loss, Activation] => [mae(), a]),
      ...others.map((a): [Loss, Activation] => [huber(), a]),
    ];
    // 7 + 7 + 8 + 8 + 8 pairings
    expect(pairs.length).toBe(38);
    for (const [loss, act] of pairs) {
      const out = f64([42, 42]);
      // mse, mae and huber have no closed form at all: no outputDelta, the chain rule applies
      const used = loss.outputDelta?.(act, f64([0.3, 0.6]), f64([0, 1]), out) ?? false;
      expect(used, `${loss.name} + ${act.name}`).toBe(false);
      expect(Array.from(out)).toEqual([42, 42]);
    }
  });

  it('the closed forms are for the built-in activations themselves, not for a look-alike name', () => {
    // An activation of one's own that happens to be called softmax is not softmax.
    const named: Activation = { ...linear, name: 'softmax' };
    const out = f64([42, 42]);
    expect(crossEntropy().outputDelta?.(named, f64([0.3, 0.6]), f64([0, 1]), out)).toBe(false);
    expect(
      binaryCrossEntropy().outputDelta?.({ ...linear, name: 'sigmoid' }, f64([0.3]), f64([1]), out),
    ).toBe(false);
    expect(Array.from(out)).toEqual([42, 42]);
  });

  it('softmax + crossEntropy closed form equals the chain rule for a probability target', () => {
    const z = f64([0.4, -1.3, 2.2, 0.05]);
    const y = new Float64Array(4);
    softmax.forward(z, y);
    const t = f64([0.1, 0.2, 0.6, 0.1]); // sums to 1
    const dy = new Float64Array(4);
    crossEntropy().gradient(y, t, dy);
    const chain = new Float64Array(4);
    softmax.backward(z, y, dy, chain);
    const closed = new Float64Array(4);
    expect(crossEntropy().outputDelta?.(softmax, y, t, closed)).toBe(true);
    expectClose(Array.from(closed), Array.from(chain), 1e-14);
    expectClose(
      Array.from(closed),
      Array.from(y).map((v, i) => v - t[i]),
    );
  });

  it('softmax + crossEntropy closed form equals the chain rule for a multi-label target too', () => {
    // t = [1, 1, 0] sums to 2: ∂L/∂zᵢ = yᵢ·Σt - tᵢ = 2yᵢ - tᵢ, not yᵢ - tᵢ.
    const z = f64([0.4, -1.3, 2.2]);
    const y = new Float64Array(3);
    softmax.forward(z, y);
    const t = f64([1, 1, 0]);
    const dy = new Float64Array(3);
    crossEntropy().gradient(y, t, dy);
    const chain = new Float64Array(3);
    softmax.backward(z, y, dy, chain);
    const closed = new Float64Array(3);
    expect(crossEntropy().outputDelta?.(softmax, y, t, closed)).toBe(true);
    expectClose(Array.from(closed), Array.from(chain), 1e-12);
    expectClose(
      Array.from(closed),
      Array.from(y).map((v, i) => 2 * v - t[i]),
    );
  });

  it('sigmoid + binaryCrossEntropy closed form equals the chain rule', () => {
    const z = f64([0.4, -1.3, 2.2]);
    const y = new Float64Array(3);
    sigmoid.forward(z, y);
    const t = f64([1, 0, 0.3]);
    const dy = new Float64Array(3);
    binaryCrossEntropy().gradient(y, t, dy);
    const chain = new Float64Array(3);
    sigmoid.backward(z, y, dy, chain);
    const closed = new Float64Array(3);
    expect(binaryCrossEntropy().outputDelta?.(sigmoid, y, t, closed)).toBe(true);
    expectClose(Array.from(closed), Array.from(chain), 1e-14);
  });
});
