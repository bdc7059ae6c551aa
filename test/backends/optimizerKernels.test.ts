// Every built-in optimizer's WebAssembly kernel against its JavaScript kernel: given the same
// parameters, state and error terms, the new parameters and state are the same, bit for bit.
import { describe, expect, it } from 'vitest';
import {
  dense,
  jsBackend,
  linear,
  mse,
  type Network,
  network,
  type OptimizerState,
  rng,
  sigmoid,
  tanh,
  wasmBackend,
} from '../../src/index.js';
import { bitDifferences, fusedStep, OPTIMIZERS } from '../optim/fixtures.js';

/** 5 → 7 tanh → 3 sigmoid → 2 linear: odd widths, so every kernel runs its one-value tail. */
function make(backend = jsBackend()): Network {
  return network({
    inputs: 5,
    layers: [dense(7, tanh), dense(3, sigmoid), dense(2, linear)],
    seed: 21,
    backend,
  });
}

const bufferValues = (state: OptimizerState): number[] => Object.values(state.buffers).flat();

describe('optimizer kernels: WebAssembly ≡ JavaScript, bit for bit', () => {
  for (const { name, make: makeOptimizer } of OPTIMIZERS) {
    it(`${name}: 12 steps from the error terms (the fused step)`, () => {
      const js = make();
      const wasm = make(wasmBackend());
      const [oj, ow] = [makeOptimizer(), makeOptimizer()];
      const tj = js.createTrace();
      const tw = wasm.createTrace();
      const random = rng(8);
      for (let step = 0; step < 12; step++) {
        for (let i = 0; i < 5; i++) tj.input[i] = random.normal();
        tj.target.set([random.normal(), random.normal()]);
        js.forward(tj);
        js.backward(tj, mse());
        // The same error terms and layer inputs on both sides: only the kernels differ.
        for (const [from, to] of [
          [tj.input, tw.input],
          ...tj.y.map((y, k) => [y, tw.y[k]]),
          ...tj.delta.map((d, k) => [d, tw.delta[k]]),
        ]) {
          to.set(from);
        }
        fusedStep(oj, js, tj);
        fusedStep(ow, wasm, tw);
        expect(bitDifferences(wasm.parameters, js.parameters), `step ${step}`).toEqual([]);
      }
      expect(bufferValues(ow.state())).toEqual(bufferValues(oj.state()));
      expect(ow.state().steps).toBe(12);
    });

    it(`${name}: 12 steps along a gradient written out (step)`, () => {
      const js = make();
      const wasm = make(wasmBackend());
      const [oj, ow] = [makeOptimizer(), makeOptimizer()];
      const random = rng(9);
      for (let step = 0; step < 12; step++) {
        for (let i = 0; i < js.gradients.length; i++) js.gradients[i] = random.normal();
        wasm.gradients.set(js.gradients);
        oj.step(js.parameters, js.gradients);
        ow.step(wasm.parameters, wasm.gradients);
        expect(bitDifferences(wasm.parameters, js.parameters), `step ${step}`).toEqual([]);
      }
      expect(bufferValues(ow.state())).toEqual(bufferValues(oj.state()));
    });

    it(`${name}: a restored state moves into the kernels' memory and steps on from it`, () => {
      const js = make();
      const wasm = make(wasmBackend());
      const [oj, ow] = [makeOptimizer(), makeOptimizer()];
      const tj = js.createTrace();
      tj.input.set([0.1, 0.2, -0.3, 0.4, 0.5]);
      tj.target.set([1, 0]);
      for (let step = 0; step < 3; step++) {
        js.forward(tj);
        js.backward(tj, mse());
        fusedStep(oj, js, tj);
      }
      ow.restore(oj.state());
      wasm.parameters.set(js.parameters);
      const tw = wasm.createTrace();
      js.forward(tj);
      js.backward(tj, mse());
      tw.input.set(tj.input);
      for (let k = 0; k < tj.y.length; k++) {
        tw.y[k].set(tj.y[k]);
        tw.delta[k].set(tj.delta[k]);
      }
      fusedStep(oj, js, tj);
      fusedStep(ow, wasm, tw);
      expect(bitDifferences(wasm.parameters, js.parameters)).toEqual([]);
      expect(bufferValues(ow.state())).toEqual(bufferValues(oj.state()));
    });
  }
});
