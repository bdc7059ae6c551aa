// Shared helpers of the optimizer and model-file tests (not a test file itself).
import { expect } from 'vitest';
import {
  adagrad,
  adam,
  type Backend,
  dense,
  linear,
  momentum,
  mse,
  type Network,
  nesterov,
  network,
  type Optimizer,
  rmsprop,
  sgd,
  type Trace,
  tanh,
} from '../../src/index.js';
import { FUSED_STEP, fusedStepOf } from '../../src/optim/fusedStep.js';

/** One factory per built-in optimizer, each with a non-default learning rate. */
export const OPTIMIZERS: readonly { name: string; make: () => Optimizer }[] = [
  { name: 'sgd', make: () => sgd({ learningRate: 0.05 }) },
  { name: 'momentum', make: () => momentum({ learningRate: 0.05, momentum: 0.8 }) },
  { name: 'nesterov', make: () => nesterov({ learningRate: 0.05, momentum: 0.7 }) },
  { name: 'adagrad', make: () => adagrad({ learningRate: 0.05 }) },
  { name: 'rmsprop', make: () => rmsprop({ learningRate: 0.01, decay: 0.85 }) },
  { name: 'adam', make: () => adam({ learningRate: 0.01, beta1: 0.85, beta2: 0.99 }) },
];

/** The small seeded net of the brief: 3 inputs, 4 tanh units, 2 linear outputs. */
export function smallNet(backend?: Backend): Network {
  return network({ inputs: 3, layers: [dense(4, tanh), dense(2, linear)], seed: 5, backend });
}

/** A few (input, target) pairs for {@link smallNet}. */
export const SAMPLES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [
    [0.5, -1, 2],
    [0.3, -0.7],
  ],
  [
    [-0.2, 0.8, 0.1],
    [1, 0.5],
  ],
  [
    [1.5, 0.3, -0.9],
    [-0.4, 0.2],
  ],
];

/** Forward and backward pass of `sample` on `trace` with the MSE loss. */
export function pass(
  net: Network,
  trace: Trace,
  sample: readonly [readonly number[], readonly number[]],
): void {
  trace.input.set(sample[0]);
  trace.target.set(sample[1]);
  net.forward(trace);
  net.backward(trace, mse());
}

/**
 * One step of `optimizer` on its internal fast path (`FUSED_STEP`), straight from the error
 * terms of the last backward pass on `trace`; fails unless the optimizer has that path.
 */
export function fusedStep(optimizer: Optimizer, net: Network, trace: Trace): void {
  const fused = fusedStepOf(optimizer);
  if (fused === undefined) throw new Error(`${optimizer.name} has no fused step`);
  fused[FUSED_STEP](net, trace);
}

/** `steps` training steps on `net` on the optimizer's fast path, cycling through `samples`. */
export function trainFrom(
  net: Network,
  optimizer: Optimizer,
  steps: number,
  samples = SAMPLES,
  first = 0,
): void {
  const trace = net.createTrace();
  for (let s = 0; s < steps; s++) {
    pass(net, trace, samples[(first + s) % samples.length]);
    fusedStep(optimizer, net, trace);
  }
}

/** The elements where `actual` and `expected` differ bitwise (by `Object.is`). */
export function bitDifferences(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { index: number; actual: number; expected: number }[] {
  expect(actual.length).toBe(expected.length);
  const out: { index: number; actual: number; expected: number }[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      out.push({ index: i, actual: actual[i], expected: expected[i] });
    }
  }
  return out;
}

/** Asserts that two arrays hold the same bits, element by element. */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(bitDifferences(actual, expected)).toEqual([]);
}

/** Asserts |a - e| ≤ rel · max(|e|, 1e-300) element-wise, listing the offenders. */
export function expectRelativelyClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
): void {
  expect(actual.length).toBe(expected.length);
  const off: { index: number; actual: number; expected: number }[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(e), 1e-300))) {
      off.push({ index: i, actual: a, expected: e });
    }
  }
  expect(off).toEqual([]);
}

/** The factory of {@link OPTIMIZERS} for `name`. */
export function factory(name: string): () => Optimizer {
  const found = OPTIMIZERS.find((o) => o.name === name);
  if (!found) throw new Error(`no optimizer ${name}`);
  return found.make;
}
