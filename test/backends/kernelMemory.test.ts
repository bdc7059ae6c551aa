// The kernels' memory: arrays viewing it stay valid while it grows, and blocks come back once
// every array viewing them has been garbage-collected.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { kernelHeap } from '../../src/backends/kernelHeap.js';
import {
  dense,
  linear,
  mse,
  type Network,
  network,
  sgd,
  tanh,
  wasmBackend,
} from '../../src/index.js';
import { fusedStep } from '../optim/fixtures.js';
import { sleep, until } from '../polling.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const make = (inputs = 8, units = 16): Network =>
  network({
    inputs,
    layers: [dense(units, tanh), dense(1, linear)],
    seed: 3,
    backend: wasmBackend(),
  });

describe('the kernels’ memory', () => {
  it('grows without detaching the arrays of networks made before', () => {
    const heap = kernelHeap();
    if (heap === undefined)
      throw new Error('the WebAssembly kernels must be built (npm run build)');
    const first = make();
    const weights = first.layers[0].weights;
    const saved = Array.from(first.parameters);
    const trace = first.createTrace();
    trace.input.fill(0.5);
    const before = Array.from(first.forward(trace));
    const size = heap.usage().size;
    // Enough networks of 2,561 parameters (40 KB with their gradients) to grow it several times.
    const kept = Array.from({ length: 200 }, () => make(32, 64));
    expect(heap.usage().size).toBeGreaterThan(size);
    expect(first.parameters.length).toBe(saved.length);
    expect(Array.from(first.parameters)).toEqual(saved);
    expect(weights.length).toBe(8 * 16);
    weights[0] += 1; // still the network's own memory
    expect(first.parameters[0]).toBe(saved[0] + 1);
    weights[0] -= 1;
    expect(Array.from(first.forward(trace))).toEqual(before);
    // and the networks made after it have memory of their own
    kept[0].parameters.fill(7);
    expect(kept[1].parameters[0]).not.toBe(7);
    expect(Array.from(first.parameters)).toEqual(saved);
  });

  it('gives blocks back once their arrays are collected, and reuses them', async () => {
    const heap = kernelHeap();
    if (heap === undefined)
      throw new Error('the WebAssembly kernels must be built (npm run build)');
    const churn = (): void => {
      for (let i = 0; i < 500; i++) {
        const net = make(5, 7);
        const trace = net.createTrace();
        net.forward(trace);
        net.backward(trace, mse());
        fusedStep(sgd(), net, trace);
      }
    };
    // Collected, the arrays of all but the live networks come back.
    const settled = async (bound: number): Promise<void> =>
      until(() => {
        gc();
        return heap.usage().inUse <= bound;
      }, `the kernels' memory in use is at most ${bound} bytes`);
    const live = make(5, 7);
    // Everything earlier tests left behind is given back first: collect until it stops falling.
    let previous = Number.POSITIVE_INFINITY;
    await until(() => {
      gc();
      const now = heap.usage().inUse;
      const stable = now === previous;
      previous = now;
      return stable;
    }, 'the memory in use stops falling');
    await sleep(50);
    gc();
    await sleep(50);
    const base = heap.usage().inUse;
    churn();
    expect(heap.usage().inUse).toBeGreaterThan(base + 500 * 1000);
    await settled(base + 4096);
    // A second round fits in the blocks the first gave back: the memory does not grow.
    const size = heap.usage().size;
    churn();
    expect(heap.usage().size).toBe(size);
    expect(live.parameters.length).toBe(50);
  });
});
