// tanh, sigmoid and exp (in softmax) of each backend against Math, over the whole input range:
// the exact forms (the default) of the WebAssembly kernels within a few units in the last
// place, and the cheaper forms of `fastMath: true` (both backends) within the errors that
// NetworkOptions.fastMath states: 1e-7 absolute for tanh and sigmoid, 2e-7 relative for exp.
import { describe, expect, it } from 'vitest';
import {
  type Activation,
  type Backend,
  dense,
  network,
  sigmoid,
  softmax,
  tanh,
} from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';

/** Edge values: zeros, the smallest numbers, the reduction's boundaries, saturation, overflow. */
const EDGES = [
  0, -0, 5e-324, -5e-324, 1e-300, 1e-16, -1e-8, 1e-3, 0.34657359, 0.3466, 1, 19.06, 20, 20.5, 40,
  354, 355, 700, 709.78, 710, 745, 746, 800, 1e308, -1e308,
].flatMap((x) => [x, -x]);

/** f over `count` evenly spaced points of [lo, hi] and the edges: the largest errors. */
function errors(
  activation: Activation,
  exact: (x: number) => number,
  lo: number,
  hi: number,
  backend: Backend,
  fastMath: boolean,
): { absolute: number; relative: number; nanMismatches: number } {
  let absolute = 0;
  let relative = 0;
  let nanMismatches = 0;
  const count = 250_000;
  for (let part = 0; part < 4; part++) {
    const points = Float64Array.from({ length: count }, (_, i) => {
      const n = part * count + i;
      return lo + ((hi - lo) * n) / (4 * count - 1);
    });
    const xs = part === 0 ? Float64Array.from([...points, ...EDGES]) : points;
    // One input of 1, weights x and biases 0: the layer's pre-activations are the points.
    const net = network({ inputs: 1, layers: [dense(xs.length, activation)], backend, fastMath });
    net.layers[0].weights.set(xs);
    const y = net.predict([1]);
    for (let i = 0; i < xs.length; i++) {
      const want = exact(xs[i]);
      const e = Math.abs(y[i] - want);
      if (Number.isNaN(y[i]) !== Number.isNaN(want)) nanMismatches++;
      absolute = Math.max(absolute, e);
      if (want !== 0) relative = Math.max(relative, e / Math.abs(want));
    }
  }
  return { absolute, relative, nanMismatches };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

describe.each(BACKENDS)('%s: tanh, sigmoid and exp over their whole range', (name, backend) => {
  it('exact (the default): within 1e-15 relative of Math (a few units in the last place)', () => {
    const t = errors(tanh, Math.tanh, -25, 25, backend, false);
    const s = errors(sigmoid, logistic, -760, 760, backend, false);
    // Math itself on the JavaScript backend; the WebAssembly series within a few ulp.
    const bound = name === 'js' ? 0 : 1e-15;
    expect([t.nanMismatches, s.nanMismatches]).toEqual([0, 0]);
    expect(t.relative).toBeLessThanOrEqual(bound);
    expect(s.relative).toBeLessThanOrEqual(bound);
  });

  it('fastMath: tanh and sigmoid within 1e-7 absolute, and really cheaper forms', () => {
    const t = errors(tanh, Math.tanh, -25, 25, backend, true);
    const s = errors(sigmoid, logistic, -760, 760, backend, true);
    expect([t.nanMismatches, s.nanMismatches]).toEqual([0, 0]);
    expect(t.absolute).toBeLessThanOrEqual(1e-7);
    expect(s.absolute).toBeLessThanOrEqual(1e-7);
    // not the exact functions under another name
    expect(t.absolute).toBeGreaterThan(1e-9);
    expect(s.absolute).toBeGreaterThan(1e-9);
  });

  it('fastMath: exp (softmax of [x, 0]) within 2e-7 relative, exact without it', () => {
    for (const fastMath of [false, true]) {
      const net = network({ inputs: 1, layers: [dense(2, softmax)], backend, fastMath });
      let worst = 0;
      for (let i = 0; i <= 40_000; i++) {
        const x = -740 + (1480 * i) / 40_000;
        net.layers[0].weights.set([x, 0]);
        const y = net.predict([1]);
        const m = Math.max(x, 0);
        const [a, b] = [Math.exp(x - m), Math.exp(-m)];
        for (const [got, want] of [
          [y[0], a / (a + b)],
          [y[1], b / (a + b)],
        ]) {
          if (want > 1e-300) worst = Math.max(worst, Math.abs(got - want) / want);
        }
      }
      if (fastMath) {
        expect(worst).toBeLessThanOrEqual(2e-7);
        expect(worst).toBeGreaterThan(1e-9);
      } else {
        expect(worst).toBeLessThanOrEqual(name === 'js' ? 0 : 1e-15);
      }
    }
  });
});
