// The WebAssembly kernels against the JavaScript reference: the same network, weights and
// sample on both backends give outputs, error terms and gradients equal within 1e-12 relative.
import { describe, expect, it } from 'vitest';
import {
  type Activation,
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
  network,
  relu,
  rng,
  sigmoid,
  softmax,
  softplus,
  tanh,
  wasmBackend,
} from '../../src/index.js';
import { expectAgreement } from '../backendCases.js';

const HIDDEN: readonly Activation[] = [
  sigmoid,
  tanh,
  linear,
  relu,
  leakyRelu(0.1),
  softplus,
  elu(0.7),
  softmax,
];
const OUTPUTS: readonly { activation: Activation; loss: Loss; target: 'free' | 'unit' | 'sum' }[] =
  [
    { activation: linear, loss: mse(), target: 'free' },
    { activation: linear, loss: huber(0.5), target: 'free' },
    { activation: tanh, loss: mae(), target: 'free' },
    { activation: sigmoid, loss: binaryCrossEntropy(), target: 'unit' },
    { activation: sigmoid, loss: mse(), target: 'unit' },
    { activation: softmax, loss: crossEntropy(), target: 'sum' },
  ];
/** Shapes with odd and even widths, rows shorter and longer than the kernels' blocks. */
const SHAPES: readonly (readonly number[])[] = [
  [1, 1, 1],
  [3, 5, 2],
  [7, 9, 4, 3],
  [16, 33, 17, 5],
];

function pair(sizes: readonly number[], hidden: Activation, output: Activation, seed: number) {
  const layers = sizes
    .slice(1)
    .map((units, k) => dense(units, k === sizes.length - 2 ? output : hidden));
  const make = (backend = jsBackend()) => network({ inputs: sizes[0], layers, seed, backend });
  const js = make();
  const wasm = make(wasmBackend());
  // Biases away from zero, so their part is exercised too.
  const random = rng(seed);
  for (let i = 0; i < js.parameters.length; i++) js.parameters[i] += 0.1 * random.normal();
  wasm.parameters.set(js.parameters);
  return { js, wasm };
}

describe('the WebAssembly backend agrees with the JavaScript one within 1e-12 relative', () => {
  for (const sizes of SHAPES) {
    for (const hidden of HIDDEN) {
      for (const out of OUTPUTS) {
        const name = `${sizes.join('-')}, ${hidden.name} hidden, ${out.activation.name} output, ${out.loss.name}`;
        it(name, () => {
          const { js, wasm } = pair(sizes, hidden, out.activation, sizes.length * 7 + sizes[1]);
          const random = rng(3);
          const tj = js.createTrace();
          const tw = wasm.createTrace();
          for (let i = 0; i < js.inputs; i++) tj.input[i] = 2 * random.normal();
          let sum = 0;
          for (let i = 0; i < js.outputs; i++) {
            tj.target[i] = out.target === 'free' ? random.normal() : 0.05 + 0.9 * random.next();
            sum += tj.target[i];
          }
          if (out.target === 'sum') for (let i = 0; i < js.outputs; i++) tj.target[i] /= sum;
          tw.input.set(tj.input);
          tw.target.set(tj.target);
          expectAgreement(wasm.forward(tw), js.forward(tj), 'output');
          js.layers.forEach((_, k) => {
            expectAgreement(tw.z[k], tj.z[k], `z(${k})`);
            expectAgreement(tw.y[k], tj.y[k], `y(${k})`);
          });
          js.backward(tj, out.loss);
          wasm.backward(tw, out.loss);
          for (let k = 0; k < js.layers.length; k++) {
            expectAgreement(tw.delta[k], tj.delta[k], `δ(${k})`);
          }
          js.gradients.fill(0);
          wasm.gradients.fill(0);
          js.accumulateGradient(tj);
          wasm.accumulateGradient(tw);
          expectAgreement(wasm.gradients, js.gradients, 'gradient');
          const norm = js.gradientNorm(tj);
          expect(Math.abs(wasm.gradientNorm(tw) - norm)).toBeLessThanOrEqual(1e-12 * norm);
        });
      }
    }
  }

  it('the kernels pass NaN, ±Infinity and huge pre-activations through as JavaScript does', () => {
    for (const hidden of HIDDEN) {
      const { js, wasm } = pair([3, 4, 1], hidden, linear, 5);
      for (const x of [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        1e300,
        -800,
      ]) {
        const tj = js.createTrace();
        const tw = wasm.createTrace();
        tj.input.set([x, 0.5, -0.5]);
        tw.input.set(tj.input);
        const a = Array.from(js.forward(tj));
        const b = Array.from(wasm.forward(tw));
        expect(b.map(Number.isNaN), `${hidden.name}(${x})`).toEqual(a.map(Number.isNaN));
        const finite = a.filter(Number.isFinite);
        if (finite.length === a.length) expectAgreement(b, a, `${hidden.name}(${x})`);
        else expect(b.filter(Number.isFinite).length).toBe(finite.length);
      }
    }
  });

  it('accumulateGradient into an array outside the kernels’ memory gives the same gradient', () => {
    const { wasm } = pair([4, 6, 2], tanh, linear, 9);
    const trace = wasm.createTrace();
    trace.input.set([0.1, -0.2, 0.3, 0.9]);
    trace.target.set([1, -1]);
    wasm.forward(trace);
    wasm.backward(trace, mse());
    wasm.gradients.fill(0);
    wasm.accumulateGradient(trace, wasm.gradients, 0.5);
    const plain = new Float64Array(wasm.parameters.length);
    wasm.accumulateGradient(trace, plain, 0.5);
    expect(Array.from(plain)).toEqual(Array.from(wasm.gradients));
  });
});
