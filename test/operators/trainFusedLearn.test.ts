// train()'s one-call learning on the WebAssembly backend (FUSED_LEARN: backward pass, gradient
// norm and optimizer step in one call into the kernels) against the unfused explicit pipe
// forward → loss → backward → update on the same backend: the same steps and the same bits.
import { from, type OperatorFunction, pipe } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { WasmKernels } from '../../src/backends/wasmKernels.js';
import {
  backward,
  dense,
  forward,
  linear,
  loss,
  mse,
  type Network,
  network,
  type Optimizer,
  type Step,
  sigmoid,
  tanh,
  train,
  type UpdateOptions,
  update,
  wasmBackend,
} from '../../src/index.js';
import { expectSameBits, OPTIMIZERS } from '../optim/fixtures.js';

type Pair = { x: number[]; y: number[] };

/** 3 → 5 tanh → 2 (linear or sigmoid), seeded. */
function makeNet(top: typeof linear): Network {
  return network({
    inputs: 3,
    layers: [dense(5, tanh), dense(2, top)],
    seed: 7,
    backend: wasmBackend(),
  });
}

/** 80 samples; every 13th has a target far off, so its gradient is large. */
const SAMPLES: readonly Pair[] = Array.from({ length: 80 }, (_, n) => {
  const x = [Math.sin(n), Math.cos(0.7 * n), ((n % 7) - 3) / 3];
  const far = n % 13 === 5 ? 40 : 1;
  return { x, y: [far * 0.5 * Math.tanh(x[0] - x[1]), 0.3 * x[2]] };
});

/** What a step says, copied (the operators reuse one step object). */
function record(step: Step<Pair>): unknown {
  return {
    seq: step.seq,
    prediction: Array.from(step.prediction),
    loss: step.loss,
    learningRate: step.learningRate,
    updated: step.updated,
    events: step.events.map((e) => ({ ...e })),
  };
}

function run(
  net: Network,
  operator: OperatorFunction<Pair, Step<Pair>>,
): { steps: unknown[]; params: Float64Array } {
  const steps: unknown[] = [];
  from(SAMPLES)
    .pipe(operator)
    .subscribe((step) => steps.push(record(step)));
  return { steps, params: Float64Array.from(net.parameters) };
}

/** Counts the calls of the one-call path on `net`'s kernels. */
function countLearnCalls(net: Network): { calls: number } {
  const kernels = net.kernels as WasmKernels;
  const counter = { calls: 0 };
  const learn = kernels.learn.bind(kernels);
  kernels.learn = (...args: Parameters<WasmKernels['learn']>): void => {
    counter.calls++;
    learn(...args);
  };
  return counter;
}

const CASES: readonly { name: string; options: UpdateOptions; expectDiverged: boolean }[] = [
  { name: 'no limits hit', options: {}, expectDiverged: false },
  { name: 'clipNorm hit', options: { clipNorm: 0.5 }, expectDiverged: false },
  { name: 'maxGradientNorm hit', options: { maxGradientNorm: 3 }, expectDiverged: true },
  {
    name: 'clipNorm and maxGradientNorm hit',
    options: { clipNorm: 0.3, maxGradientNorm: 3 },
    expectDiverged: true,
  },
];

describe('train: one call into the kernels per sample on the wasm backend', () => {
  for (const top of [linear, sigmoid]) {
    for (const { name, make } of OPTIMIZERS) {
      for (const c of CASES) {
        it(`${name}, ${top.name} output, ${c.name}: the steps and weights of the explicit pipe`, () => {
          const fusedNet = makeNet(top);
          const plainNet = makeNet(top);
          const fusedOptimizer: Optimizer = make();
          const plainOptimizer: Optimizer = make();
          const counter = countLearnCalls(fusedNet);
          const plainCounter = countLearnCalls(plainNet);
          const fused = run(
            fusedNet,
            train<Pair>(fusedNet, { loss: mse(), optimizer: fusedOptimizer, ...c.options }),
          );
          const plain = run(
            plainNet,
            pipe(
              forward<Pair>(plainNet),
              loss<Pair>(mse()),
              backward<Pair>(plainNet),
              update<Pair>(plainNet, plainOptimizer, c.options),
            ),
          );
          expect(counter.calls).toBe(SAMPLES.length);
          expect(plainCounter.calls).toBe(0);
          expect(fused.steps).toEqual(plain.steps);
          expectSameBits(fused.params, plain.params);
          expect(fusedOptimizer.state()).toEqual(plainOptimizer.state());
          const diverged = fused.steps.filter(
            (s) => (s as { events: unknown[] }).events.length > 0,
          ).length;
          expect(diverged > 0).toBe(c.expectDiverged);
        });
      }
    }
  }

  it('takes the unfused path where the gradient is written out (weightDecay)', () => {
    const net = makeNet(linear);
    const counter = countLearnCalls(net);
    from(SAMPLES)
      .pipe(train<Pair>(net, { loss: mse(), optimizer: OPTIMIZERS[0].make(), weightDecay: 0.01 }))
      .subscribe();
    expect(counter.calls).toBe(0);
  });
});
