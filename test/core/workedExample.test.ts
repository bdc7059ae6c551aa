import { describe, expect, it } from 'vitest';
import { type Backend, dense, mse, network, sgd, sigmoid } from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';

// The worked example of the README (from the back-propagation literature): a 2-3-2 sigmoid network, η = 0.5.
//
// Hidden layer (row per neuron): h1 ← w1, w2 = 0.10, 0.15; h2 ← w3, w4 = 0.20, 0.25;
// h3 ← w5, w6 = 0.30, 0.35; every hidden bias 0.35.
// Output layer: o1 ← w7, w9, w11 = 0.40, 0.50, 0.60; o2 ← w8, w10, w12 = 0.45, 0.55, 0.65;
// every output bias 0.65. Input [5, 10], target [0.01, 0.99].
//
// Derivation (σ(x) = 1 / (1 + e^-x)):
//   net(h1) = 0.10·5 + 0.15·10 + 0.35 = 0.5 + 1.5 + 0.35 = 2.35  → out(h1) = σ(2.35) = 0.912934
//   net(h2) = 0.20·5 + 0.25·10 + 0.35 = 1.0 + 2.5 + 0.35 = 3.85  → out(h2) = σ(3.85) = 0.979164
//   net(h3) = 0.30·5 + 0.35·10 + 0.35 = 1.5 + 3.5 + 0.35 = 5.35  → out(h3) = σ(5.35) = 0.995275
//   net(o1) = 0.40·0.912934 + 0.50·0.979164 + 0.60·0.995275 + 0.65
//           = 0.365174 + 0.489582 + 0.597165 + 0.65 = 2.101921       → out(o1) = 0.891090
//   net(o2) = 0.45·0.912934 + 0.55·0.979164 + 0.65·0.995275 + 0.65
//           = 0.410820 + 0.538540 + 0.646929 + 0.65 = 2.246289       → out(o2) = 0.904330
//   E = ½[(0.01 - 0.891090)² + (0.99 - 0.904330)²] = ½[0.776319 + 0.007339] = ½·0.783658 = 0.391829
//   δ(o1) = (out(o1) - t1)·out(o1)·(1 - out(o1)) = 0.881090·0.891090·0.108910 = 0.0855088
//   ∂E/∂w7 = δ(o1)·out(h1) = 0.0855088·0.912934 = 0.0780639
//   w7 ← 0.40 - 0.5·0.0780639 = 0.360968
const HIDDEN_WEIGHTS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35];
const OUTPUT_WEIGHTS = [0.4, 0.5, 0.6, 0.45, 0.55, 0.65];
const TOL = 1e-6;

function build(backend: Backend) {
  const net = network({
    inputs: 2,
    layers: [dense(3, sigmoid), dense(2, sigmoid)],
    seed: 1,
    backend,
  });
  const [hidden, output] = net.layers;
  hidden.weights.set(HIDDEN_WEIGHTS);
  hidden.biases.fill(0.35);
  output.weights.set(OUTPUT_WEIGHTS);
  output.biases.fill(0.65);
  const trace = net.createTrace();
  trace.input.set([5, 10]);
  trace.target.set([0.01, 0.99]);
  return { net, trace };
}

const near = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThan(TOL);

describe.each(BACKENDS)(
  'the worked example of the README (2-3-2 sigmoid, η = 0.5) through the core API on %s',
  (_name, backend) => {
    it('forward pass: net(h1) = 2.35, hidden and output activations to 1e-6', () => {
      const { net, trace } = build(backend);
      const out = net.forward(trace);
      near(trace.z[0][0], 2.35);
      near(trace.z[0][1], 3.85);
      near(trace.z[0][2], 5.35);
      near(trace.y[0][0], 0.912934);
      near(trace.y[0][1], 0.979164);
      near(trace.y[0][2], 0.995275);
      near(trace.z[1][0], 2.101921);
      near(trace.z[1][1], 2.246289);
      near(out[0], 0.89109);
      near(out[1], 0.90433);
      // forward returns trace.output itself (a view, not a copy)
      expect(out).toBe(trace.output);
    });

    it('error E = 0.391829 with mse()', () => {
      const { net, trace } = build(backend);
      net.forward(trace);
      near(mse().value(trace.output, trace.target), 0.391829);
    });

    it('∂E/∂w7 = 0.0780639 via backward + accumulateGradient into a zeroed buffer', () => {
      const { net, trace } = build(backend);
      net.forward(trace);
      net.backward(trace, mse());
      near(trace.delta[1][0], 0.0855088);
      net.gradients.fill(0);
      net.accumulateGradient(trace);
      const output = net.layers[1];
      near(output.weightGradients[0], 0.0780639);
      // ∂E/∂b(o1) = δ(o1)
      near(output.biasGradients[0], 0.0855088);
      // the same number sits in the flat gradient buffer at the layer's offset
      expect(net.gradients[output.offset]).toBe(output.weightGradients[0]);
    });

    it('∂E/∂w1 back-propagates through the hidden layer', () => {
      // δ(o2) = (0.904330 - 0.99)·0.904330·(1 - 0.904330) = -0.0856701·0.0865173 = -0.00741194
      // δ(h1) = out(h1)(1 - out(h1))·(w7·δ(o1) + w8·δ(o2))
      //       = 0.912934·0.087066·(0.40·0.0855088 + 0.45·(-0.00741194))
      //       = 0.0794853·(0.0342035 - 0.00333537) = 0.0794853·0.0308681 = 0.00245356
      // ∂E/∂w1 = δ(h1)·l1 = 0.00245356·5 = 0.0122678; ∂E/∂w2 = δ(h1)·l2 = 0.0245356
      const { net, trace } = build(backend);
      net.forward(trace);
      net.backward(trace, mse());
      net.gradients.fill(0);
      net.accumulateGradient(trace);
      const hidden = net.layers[0];
      near(trace.delta[1][1], -0.00741194);
      near(trace.delta[0][0], 0.00245356);
      near(hidden.weightGradients[0], 0.0122678);
      near(hidden.weightGradients[1], 0.0245356);
    });

    it('one sgd({ learningRate: 0.5 }) step along the gradient gives w7 = 0.360968', () => {
      const { net, trace } = build(backend);
      net.forward(trace);
      net.backward(trace, mse());
      net.gradients.fill(0);
      net.accumulateGradient(trace);
      const before = net.parameters.slice();
      const expected = before.map((p, i) => p - 0.5 * net.gradients[i]);
      sgd({ learningRate: 0.5 }).step(net.parameters, net.gradients);
      near(net.layers[1].weights[0], 0.360968);
      // every parameter moved by exactly -η·gradient (up to rounding)
      for (let i = 0; i < expected.length; i++) {
        expect(Math.abs(net.parameters[i] - expected[i])).toBeLessThan(1e-15);
      }
      // and something other than w7 moved too (the step is not a no-op elsewhere)
      expect(net.layers[0].weights[0]).not.toBe(0.1);
    });

    it('the step lowers the error on the same sample', () => {
      const { net, trace } = build(backend);
      net.forward(trace);
      const before = mse().value(trace.output, trace.target);
      net.backward(trace, mse());
      net.gradients.fill(0);
      net.accumulateGradient(trace);
      sgd({ learningRate: 0.5 }).step(net.parameters, net.gradients);
      net.forward(trace);
      const after = mse().value(trace.output, trace.target);
      expect(before).toBeGreaterThan(after);
    });
  },
);
