// Mini-batches through wide layers on the WebAssembly backend: the paths of its batch kernels
// that copy panels first (the weight gradient of every layer of 8 neurons or more; the backward
// product of a layer of 4,096 weights or more) — the same training as the JavaScript backend one
// sample at a time, within the backends' 1e-12, with and without fused multiply-adds.
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  dense,
  jsBackend,
  linear,
  type Network,
  network,
  type Sample,
  tanh,
  wasmBackend,
} from '../../src/index.js';
import { expectAgreement } from '../backendCases.js';
import { trainAndPipe } from './trainAndPipe.js';

/**
 * 6 → 130 tanh → 127 tanh → 3 linear: 127 × 130 = 16,510 weights in the second layer, widths
 * that are not multiples of four (columns and neurons left after the panels).
 */
function makeNet(backend: Backend, fusedMultiplyAdd = false): Network {
  return network({
    inputs: 6,
    layers: [dense(130, tanh), dense(127, tanh), dense(3, linear)],
    seed: 9,
    backend,
    fusedMultiplyAdd,
  });
}

function samples(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    x: Array.from({ length: 6 }, (_, j) => Math.sin(0.7 * i + 1.3 * j)),
    y: [Math.sin(0.4 * i), 0.3 * Math.cos(0.1 * i), ((i % 5) - 2) / 4],
  }));
}

describe('mini-batches through wide layers on wasm', () => {
  // 32: whole batches of 32 and a last one of 4; 70: chunks of 64 and 6 (two samples after the
  // last four), and a last batch of 30.
  it.each([
    [32, false],
    [70, false],
    [70, true],
  ] as const)(
    'batchSize %i (fused %s): the JavaScript backend’s steps one at a time, within 1e-12',
    (k, fused) => {
      const data = samples(100);
      const batched = makeNet(wasmBackend(), fused);
      const reference = makeNet(jsBackend());
      const { viaTrain, viaPipe } = trainAndPipe(batched, reference, data, 0.02, k);
      expect(viaTrain.length).toBe(data.length);
      viaTrain.forEach((v, i) => {
        expectAgreement(v.prediction, viaPipe[i].prediction, `prediction ${i}`);
      });
      expectAgreement(batched.parameters, reference.parameters, 'final weights');
      // It learned: the weights moved from where they started.
      expect(Array.from(batched.parameters)).not.toEqual(
        Array.from(makeNet(jsBackend()).parameters),
      );
    },
  );
});
