// network({ fusedMultiplyAdd: true }): the mini-batch products of the WebAssembly backend with
// fused multiply-adds (dist/wasm/kernels-fused.wasm, relaxed SIMD) — the same training as the
// JavaScript backend one sample at a time, within the backends' 1e-12.
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fusedKernels } from '../../src/backends/fusedKernels.js';
import { kernelHeap } from '../../src/backends/kernelHeap.js';
import {
  type Backend,
  dense,
  jsBackend,
  linear,
  mse,
  type Network,
  network,
  relu,
  type Sample,
  sgd,
  tanh,
  train,
  wasmBackend,
} from '../../src/index.js';
import { expectAgreement } from '../backendCases.js';
import { collect } from '../operators/snapshot.js';
import { trainAndPipe } from './trainAndPipe.js';

/**
 * 13 → 18 tanh → 9 relu → 3 linear: every product has whole blocks (four samples, two and four
 * neurons, four inputs) and tails (an odd input, a neuron and samples left over).
 */
function makeNet(backend: Backend, fusedMultiplyAdd: boolean): Network {
  return network({
    inputs: 13,
    layers: [dense(18, tanh), dense(9, relu), dense(3, linear)],
    seed: 5,
    backend,
    fusedMultiplyAdd,
  });
}

function samples(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    x: Array.from({ length: 13 }, (_, j) => Math.sin(0.7 * i + 1.3 * j)),
    y: [Math.sin(0.4 * i), 0.3 * Math.cos(0.1 * i), ((i % 5) - 2) / 4],
  }));
}

describe('fusedMultiplyAdd', () => {
  it('runs here: the fused kernels load on the kernels’ memory', () => {
    const heap = kernelHeap();
    if (heap === undefined) throw new Error('no WebAssembly kernels: run npm run build');
    expect(typeof fusedKernels(heap)).toBe('object');
    expect(makeNet(wasmBackend(), true).fusedMultiplyAdd).toBe(true);
    expect(makeNet(wasmBackend(), false).fusedMultiplyAdd).toBe(false);
  });

  it.each([5, 32, 70])(
    'batchSize %i: the steps and weights of the JavaScript backend one sample at a time',
    (k) => {
      const data = samples(150);
      const fused = makeNet(wasmBackend(), true);
      const reference = makeNet(jsBackend(), false);
      const { viaTrain, viaPipe } = trainAndPipe(fused, reference, data, 0.05, k);
      expect(viaTrain.map((v) => v.updated)).toEqual(viaPipe.map((v) => v.updated));
      viaTrain.forEach((v, i) => {
        expectAgreement(v.prediction, viaPipe[i].prediction, `prediction ${i}`);
        expectAgreement([v.loss], [viaPipe[i].loss], `loss ${i}`);
      });
      expectAgreement(fused.parameters, reference.parameters, 'final weights');
    },
  );

  it('is a boolean, and the JavaScript backend accepts it unchanged', () => {
    expect(() => makeNet(wasmBackend(), 'yes' as unknown as boolean)).toThrow(
      'network: fusedMultiplyAdd must be true or false, got "yes"',
    );
    const js = makeNet(jsBackend(), true);
    const plain = makeNet(jsBackend(), false);
    const data = samples(40);
    for (const net of [js, plain]) {
      collect(
        from(data).pipe(
          train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }), batchSize: 8 }),
        ),
      );
    }
    expect(Array.from(js.parameters)).toEqual(Array.from(plain.parameters));
  });
});
