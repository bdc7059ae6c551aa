// The built-in optimizers' internal fast path (FUSED_STEP: a step straight from the error terms)
// against step(net.parameters, g) with the written-out gradient: the same bits.
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  dense,
  linear,
  type Network,
  network,
  type Optimizer,
  relu,
  sigmoid,
  tanh,
} from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';
import {
  bitDifferences,
  expectRelativelyClose,
  fusedStep,
  OPTIMIZERS,
  pass,
  SAMPLES,
  smallNet,
} from './fixtures.js';

const STEPS = 9;

/** A deeper net, to exercise the layer offsets: 2 → 3 sigmoid → 3 relu → 1 linear. */
function deepNet(backend: Backend): Network {
  return network({
    inputs: 2,
    layers: [dense(3, sigmoid), dense(3, relu), dense(1, linear)],
    seed: 11,
    backend,
  });
}
const DEEP_SAMPLES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[0.4, -0.6], [0.5]],
  [[-1.2, 0.3], [-0.25]],
  [[0.9, 0.8], [1.5]],
];

/**
 * Two identical nets and two identical optimizers: one stepped on the fast path, the other with
 * step along `net.gradients` after `gradients.fill(0); accumulateGradient(trace)`.
 * Returns the two parameter arrays after `steps` steps, and the initial parameters.
 */
function runBothWays(
  makeNet: (backend: Backend) => Network,
  backend: Backend,
  make: () => Optimizer,
  samples: readonly (readonly [readonly number[], readonly number[]])[],
  steps: number,
): { fromTrace: Float64Array; fromGradient: Float64Array; initial: Float64Array } {
  const a = makeNet(backend);
  const b = makeNet(backend);
  const initial = Float64Array.from(a.parameters);
  const oa = make();
  const ob = make();
  const ta = a.createTrace();
  const tb = b.createTrace();
  for (let s = 0; s < steps; s++) {
    const sample = samples[s % samples.length];
    pass(a, ta, sample);
    fusedStep(oa, a, ta);
    pass(b, tb, sample);
    b.gradients.fill(0);
    b.accumulateGradient(tb);
    ob.step(b.parameters, b.gradients);
  }
  expect(oa.state().steps).toBe(steps);
  expect(ob.state().steps).toBe(steps);
  return { fromTrace: a.parameters, fromGradient: b.parameters, initial };
}

/**
 * A wide net: rows of 11 and 19 weights, so the kernels' eight-weights-per-turn loops run full
 * turns and leave a remainder (11 = 8 + 3, 19 = 2·8 + 3).
 */
function wideNet(backend: Backend): Network {
  return network({ inputs: 11, layers: [dense(19, tanh), dense(3, linear)], seed: 5, backend });
}
const WIDE_SAMPLES: readonly (readonly [readonly number[], readonly number[]])[] = [0, 1, 2].map(
  (s) => [
    Array.from({ length: 11 }, (_, i) => Math.sin(1.3 * i + s)),
    [Math.cos(s), 0.5 - s / 4, 0.25 * s],
  ],
);

describe.each(BACKENDS)(
  'the fused step ≡ step(net.parameters, written-out gradient) on %s',
  (_backendName, backend) => {
    for (const { name, make } of OPTIMIZERS) {
      it(`${name}: equal to 1e-12 relative over ${STEPS} steps on 3-4(tanh)-2(linear)`, () => {
        const { fromTrace, fromGradient, initial } = runBothWays(
          smallNet,
          backend,
          make,
          SAMPLES,
          STEPS,
        );
        // the steps really moved every parameter (the comparison is not between two no-ops)
        expect(bitDifferences(fromGradient, initial).length).toBe(initial.length);
        expectRelativelyClose(fromTrace, fromGradient, 1e-12);
      });

      it(`${name}: equal to 1e-12 relative on a 3-layer net (offsets of every layer)`, () => {
        const { fromTrace, fromGradient, initial } = runBothWays(
          deepNet,
          backend,
          make,
          DEEP_SAMPLES,
          STEPS,
        );
        expect(bitDifferences(fromGradient, initial).length).toBeGreaterThan(initial.length / 2);
        expectRelativelyClose(fromTrace, fromGradient, 1e-12);
      });

      // The two paths are meant to do the same floating-point operations in the same order.
      it(`${name}: bitwise equal over ${STEPS} steps`, () => {
        const { fromTrace, fromGradient } = runBothWays(smallNet, backend, make, SAMPLES, STEPS);
        expect(bitDifferences(fromTrace, fromGradient)).toEqual([]);
      });

      it(`${name}: bitwise equal on 11-19(tanh)-3(linear), whose rows are longer than 8`, () => {
        const { fromTrace, fromGradient, initial } = runBothWays(
          wideNet,
          backend,
          make,
          WIDE_SAMPLES,
          STEPS,
        );
        expect(bitDifferences(fromGradient, initial).length).toBe(initial.length);
        expect(bitDifferences(fromTrace, fromGradient)).toEqual([]);
      });
    }
  },
);
