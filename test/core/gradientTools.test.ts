// gradientNorm and scaleGradient work on the error terms; they must agree with the written-out
// gradient. reinitialize redraws the weights exactly as network() drew them.
import { describe, expect, it } from 'vitest';
import { dense, mse, network, relu, rng, sigmoid, tanh, uniform } from '../../src/index.js';

function pass() {
  const net = network({
    inputs: 3,
    layers: [dense(4, tanh), dense(3, relu), dense(2, sigmoid)],
    seed: 3,
  });
  const trace = net.createTrace();
  trace.input.set([0.3, -1.2, 2]);
  trace.target.set([0.1, 0.9]);
  net.forward(trace);
  net.backward(trace, mse());
  return { net, trace };
}

describe('gradientNorm and scaleGradient', () => {
  it('gradientNorm equals the Euclidean norm of the written-out gradient', () => {
    const { net, trace } = pass();
    net.gradients.fill(0);
    net.accumulateGradient(trace);
    const direct = Math.sqrt(net.gradients.reduce((a, g) => a + g * g, 0));
    expect(direct).toBeGreaterThan(0);
    expect(net.gradientNorm(trace)).toBeCloseTo(direct, 12);
  });

  it('scaleGradient multiplies every component of the gradient', () => {
    const { net, trace } = pass();
    net.gradients.fill(0);
    net.accumulateGradient(trace);
    const before = Array.from(net.gradients);
    net.scaleGradient(trace, 0.25);
    net.gradients.fill(0);
    net.accumulateGradient(trace);
    before.forEach((g, i) => {
      expect(net.gradients[i]).toBeCloseTo(0.25 * g, 14);
    });
  });
});

describe('reinitialize', () => {
  it('redraws the weights as network() drew them from the same seed, and zeroes the biases', () => {
    const make = () => network({ inputs: 2, layers: [dense(3, relu), dense(1, tanh)], seed: 8 });
    const fresh = make();
    const net = make();
    net.parameters.fill(0.5);
    net.reinitialize(rng(8));
    expect(Array.from(net.parameters)).toEqual(Array.from(fresh.parameters));
    expect(Array.from(net.layers[0].biases)).toEqual([0, 0, 0]);
  });

  it('keeps each layer’s own initialiser', () => {
    const net = network({
      inputs: 2,
      layers: [dense(50, tanh, { init: uniform(0.01) }), dense(1, tanh)],
      seed: 1,
    });
    net.reinitialize(rng(2));
    expect(net.layers[0].weights.every((w) => Math.abs(w) <= 0.01)).toBe(true);
    expect(net.layers[0].weights.some((w) => w !== 0)).toBe(true);
  });
});
