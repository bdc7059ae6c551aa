import { describe, expect, it } from 'vitest';
import {
  type Activation,
  type Backend,
  binaryCrossEntropy,
  crossEntropy,
  dense,
  elu,
  huber,
  jsBackend,
  type Loss,
  leakyRelu,
  linear,
  mae,
  mse,
  type Network,
  network,
  relu,
  rng,
  sigmoid,
  softmax,
  softplus,
  type Trace,
  tanh,
} from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';

// Finite-difference gradient checks of net.backward + net.accumulateGradient for every
// activation × every loss, on small random seeded networks, against central differences
// (L(θ + h) - L(θ - h)) / 2h on every parameter θ.

const H = 1e-6;
/**
 * Required agreement per parameter: |a - b| / max(1e-8, |a| + |b|, noise) < 1e-6, and for the
 * whole vector ‖a - b‖ / max(1e-8, ‖a‖ + ‖b‖) < 1e-6.
 *
 * `noise` is the resolution of the central difference itself: L(θ ± h) are each computed with
 * a rounding error of a few tens of ulps of |L| (ε = 2.2e-16), so (L₊ - L₋) / 2h carries an
 * error of about 10·ε·|L| / h ≈ 2e-9·|L|. A relative error of 1e-6 cannot be resolved on a
 * component smaller than 2e-9·|L| / 1e-6 = 2e-3·|L|, so such components are held to the
 * absolute bound 1e-6 · 2e-3·max(1, |L|) instead (measured differences are below 7e-10; a
 * wrong formula is off by the size of the component itself).
 */
const MAX_RELATIVE_ERROR = 1e-6;
const NOISE_PER_UNIT_LOSS = 2e-3;
/**
 * Pre-activations of kinked units (relu, leakyRelu, elu) and residuals of mae / huber must sit
 * at least this far from their kink. A step of h = 1e-6 in one parameter moves any
 * pre-activation or residual by far less than 1e-3 in these small nets (|weights|, |inputs|
 * are O(1)), so every evaluation of the central difference stays on one side of every kink.
 */
const KINK_MARGIN = 1e-3;

const ACTIVATIONS: readonly { label: string; make: () => Activation; kink: boolean }[] = [
  { label: 'sigmoid', make: () => sigmoid, kink: false },
  { label: 'tanh', make: () => tanh, kink: false },
  { label: 'linear', make: () => linear, kink: false },
  { label: 'relu', make: () => relu, kink: true },
  { label: 'leakyRelu(0.1)', make: () => leakyRelu(0.1), kink: true },
  { label: 'softplus', make: () => softplus, kink: false },
  // elu(1) is C¹ at 0 but its second derivative jumps there: keep away from 0 as well.
  { label: 'elu(1)', make: () => elu(1), kink: true },
  { label: 'softmax', make: () => softmax, kink: false },
];

type TargetKind = 'free' | 'probability' | 'unit';

const LOSSES: readonly { label: string; make: () => Loss; target: TargetKind }[] = [
  { label: 'mse()', make: mse, target: 'free' },
  { label: 'crossEntropy()', make: crossEntropy, target: 'probability' },
  { label: 'binaryCrossEntropy()', make: binaryCrossEntropy, target: 'unit' },
  { label: 'mae()', make: mae, target: 'free' },
  { label: 'huber(0.5)', make: () => huber(0.5), target: 'free' },
];

interface Case {
  name: string;
  hidden: number[];
  outputs: number;
  hiddenActivation: Activation;
  outputActivation: Activation;
}

/** The network shapes to check for one activation × loss pair. */
function casesFor(
  act: (typeof ACTIVATIONS)[number],
  loss: (typeof LOSSES)[number],
): readonly Case[] {
  const a = act.make();
  const cases: Case[] = [];
  // The activation as output layer too, wherever the loss accepts its range: any range for
  // mse / mae / huber; (0, 1) outputs (sigmoid, softmax) for the two cross entropies.
  const producesUnitInterval = a.name === 'sigmoid' || a.name === 'softmax';
  if (loss.target === 'free' || producesUnitInterval) {
    cases.push({
      name: `3-4-3 ${act.label} hidden and output`,
      hidden: [4],
      outputs: 3,
      hiddenActivation: a,
      outputActivation: a,
    });
    cases.push({
      name: `3-5-4-2 ${act.label} in every layer`,
      hidden: [5, 4],
      outputs: 2,
      hiddenActivation: a,
      outputActivation: a,
    });
  }
  // The activation in the hidden layers under a compatible output layer.
  if (loss.target === 'probability') {
    cases.push({
      name: `3-5-4-3 ${act.label} hidden, softmax output`,
      hidden: [5, 4],
      outputs: 3,
      hiddenActivation: a,
      outputActivation: softmax,
    });
  } else if (loss.target === 'unit') {
    cases.push({
      name: `3-5-4-2 ${act.label} hidden, sigmoid output`,
      hidden: [5, 4],
      outputs: 2,
      hiddenActivation: a,
      outputActivation: sigmoid,
    });
  } else {
    cases.push({
      name: `3-5-4-2 ${act.label} hidden, linear output`,
      hidden: [5, 4],
      outputs: 2,
      hiddenActivation: a,
      outputActivation: linear,
    });
  }
  return cases;
}

function lossAt(net: Network, trace: Trace, loss: Loss): number {
  net.forward(trace);
  return loss.value(trace.output, trace.target);
}

/** Builds the network of one case with random weights, biases, input and target. */
function setUp(c: Case, targetKind: TargetKind, seed: number, backend: Backend = jsBackend()) {
  const layers = [
    ...c.hidden.map((units) => dense(units, c.hiddenActivation)),
    dense(c.outputs, c.outputActivation),
  ];
  const net = network({ inputs: 3, layers, seed, backend });
  const random = rng(seed + 1000);
  // Non-zero biases, so that their gradients and their effect on the kinks are exercised.
  for (const layer of net.layers) {
    for (let j = 0; j < layer.biases.length; j++) layer.biases[j] = 0.3 * random.normal();
  }
  const trace = net.createTrace();
  for (let i = 0; i < 3; i++) trace.input[i] = random.normal();
  net.forward(trace);
  const n = c.outputs;
  if (targetKind === 'probability') {
    // A soft probability target: positive and summing to 1.
    let sum = 0;
    for (let i = 0; i < n; i++) {
      trace.target[i] = 0.1 + random.next();
      sum += trace.target[i];
    }
    for (let i = 0; i < n; i++) trace.target[i] /= sum;
  } else if (targetKind === 'unit') {
    for (let i = 0; i < n; i++) trace.target[i] = 0.05 + 0.9 * random.next();
  } else {
    // Residuals output - target chosen away from 0 and from ±0.5 (the kinks of mae and
    // huber(0.5)), alternating a quadratic-zone residual (±0.2) and a linear-zone one (±1.1)
    // so that huber's two branches are both exercised.
    for (let i = 0; i < n; i++) {
      const magnitude = i % 2 === 0 ? 0.2 : 1.1;
      const sign = random.next() < 0.5 ? -1 : 1;
      trace.target[i] = trace.output[i] - sign * magnitude;
    }
  }
  return { net, trace };
}

function minAbsPreActivation(net: Network, trace: Trace, kinked: (a: Activation) => boolean) {
  let min = Number.POSITIVE_INFINITY;
  net.forward(trace);
  net.layers.forEach((layer, k) => {
    if (!kinked(layer.activation)) return;
    for (const z of trace.z[k]) min = Math.min(min, Math.abs(z));
  });
  return min;
}

const KINKED = new Set(['relu', 'leakyRelu', 'elu']);

/** Compares backward + accumulateGradient with central differences on every parameter. */
function compareGradients(net: Network, trace: Trace, loss: Loss) {
  // The analytic gradient.
  net.forward(trace);
  net.backward(trace, loss);
  net.gradients.fill(0);
  net.accumulateGradient(trace);
  const analytic = net.gradients.slice();

  // The numeric gradient, parameter by parameter.
  const numeric = new Float64Array(analytic.length);
  const p = net.parameters;
  for (let i = 0; i < p.length; i++) {
    const saved = p[i];
    p[i] = saved + H;
    const up = lossAt(net, trace, loss);
    p[i] = saved - H;
    const down = lossAt(net, trace, loss);
    p[i] = saved;
    numeric[i] = (up - down) / (2 * H);
  }

  const noise = NOISE_PER_UNIT_LOSS * Math.max(1, Math.abs(lossAt(net, trace, loss)));
  let worst = 0;
  let worstAt = -1;
  let largest = 0;
  let diff2 = 0;
  let normA2 = 0;
  let normB2 = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i];
    const b = numeric[i];
    diff2 += (a - b) ** 2;
    normA2 += a * a;
    normB2 += b * b;
    const rel = Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b), noise);
    if (rel > worst) {
      worst = rel;
      worstAt = i;
    }
    largest = Math.max(largest, Math.abs(a));
  }
  const vectorError = Math.sqrt(diff2) / Math.max(1e-8, Math.sqrt(normA2) + Math.sqrt(normB2));
  const where = `parameter ${worstAt}: analytic ${analytic[worstAt]}, numeric ${numeric[worstAt]}`;
  return { worst, where, vectorError, largest };
}

describe.each(BACKENDS)(
  'finite-difference gradient check (central differences, h = 1e-6, every parameter) on %s',
  (_name, backend) => {
    for (const act of ACTIVATIONS) {
      for (const lossSpec of LOSSES) {
        describe(`${act.label} × ${lossSpec.label}`, () => {
          casesFor(act, lossSpec).forEach((c, index) => {
            it(c.name, () => {
              const loss = lossSpec.make();
              const seed = 11 + 7 * index;
              const { net, trace } = setUp(c, lossSpec.target, seed, backend);

              // No evaluation may straddle a kink, or the comparison would be meaningless.
              const minZ = minAbsPreActivation(net, trace, (a) => KINKED.has(a.name));
              expect(minZ).toBeGreaterThan(KINK_MARGIN);
              const output = net.forward(trace);
              for (let i = 0; i < output.length; i++) {
                const r = Math.abs(output[i] - trace.target[i]);
                if (lossSpec.label === 'mae()') expect(r).toBeGreaterThan(KINK_MARGIN);
                if (lossSpec.label === 'huber(0.5)') {
                  expect(Math.abs(r - 0.5)).toBeGreaterThan(KINK_MARGIN);
                }
              }

              const { worst, where, vectorError, largest } = compareGradients(net, trace, loss);
              expect(worst, where).toBeLessThan(MAX_RELATIVE_ERROR);
              expect(vectorError).toBeLessThan(MAX_RELATIVE_ERROR);
              // A gradient of all zeros would agree trivially with a flat loss.
              expect(largest).toBeGreaterThan(1e-3);
            });
          });
        });
      }
    }
  },
);

describe('the gradient check itself', () => {
  it('catches a derivative that is off by 1% (so the checks above can fail)', () => {
    // tanh with f' = 1.01·(1 - f²) instead of 1 - f²
    const skewed: Activation = {
      name: 'tanh',
      alpha: undefined,
      forward: tanh.forward,
      backward(_z, y, dy, dz) {
        for (let i = 0; i < y.length; i++) dz[i] = 1.01 * dy[i] * (1 - y[i] * y[i]);
      },
    };
    const c: Case = {
      name: 'skewed',
      hidden: [4],
      outputs: 3,
      hiddenActivation: skewed,
      outputActivation: linear,
    };
    const { net, trace } = setUp(c, 'free', 11);
    const { worst, vectorError } = compareGradients(net, trace, mse());
    // the first-layer gradients are 1% too large: relative error ≈ 0.01/2.01 ≈ 0.005
    expect(worst).toBeGreaterThan(1e-3);
    expect(vectorError).toBeGreaterThan(1e-4);
    // while the true tanh passes on the same net
    const good = setUp({ ...c, hiddenActivation: tanh }, 'free', 11);
    expect(compareGradients(good.net, good.trace, mse()).worst).toBeLessThan(MAX_RELATIVE_ERROR);
  });
});
