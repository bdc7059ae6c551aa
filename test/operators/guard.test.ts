// update's guard and regularisation: divergence never reaches the weights; clipping by norm and
// by value and L2 weight decay change the step exactly as their definitions say.
import { firstValueFrom, from, map, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  dense,
  forward,
  linear,
  loss,
  mse,
  network,
  sgd,
  train,
  type UpdateOptions,
  update,
} from '../../src/index.js';

/** One linear neuron with w = [0.5, -1], b = 0.25: the gradient is easy to write by hand. */
function neuron() {
  const net = network({ inputs: 2, layers: [dense(1, linear)] });
  net.layers[0].weights.set([0.5, -1]);
  net.layers[0].biases.set([0.25]);
  return net;
}

async function stepOnce(options: UpdateOptions, sample = { x: [2, 1], y: 3 }) {
  const net = neuron();
  const optimizer = sgd({ learningRate: 0.1 });
  await firstValueFrom(
    of(sample).pipe(
      forward(net),
      loss(mse()),
      backward(net),
      update(net, optimizer, options),
      toArray(),
    ),
  );
  return { params: Array.from(net.parameters), optimizer };
}

// For x = [2, 1], y = 3: prediction 0.5·2 − 1·1 + 0.25 = 0.25, δ = 0.25 − 3 = −2.75,
// gradient g = δ·[x, 1] = [−5.5, −2.75, −2.75]; ‖g‖ = 2.75·√(4 + 1 + 1) = 2.75·√6 ≈ 6.7361.
const g = [-5.5, -2.75, -2.75];
const p0 = [0.5, -1, 0.25];

function expectParams(params: number[], expected: (i: number) => number): void {
  expect(params).toHaveLength(3);
  for (let i = 0; i < params.length; i++) expect(params[i]).toBeCloseTo(expected(i), 14);
}

describe('update: regularisation', () => {
  it('without options steps along the plain gradient', async () => {
    const { params } = await stepOnce({});
    expectParams(params, (i) => p0[i] - 0.1 * g[i]);
  });

  it('clipNorm scales the gradient to the given norm, keeping its direction', async () => {
    const { params } = await stepOnce({ clipNorm: 1 });
    const norm = 2.75 * Math.sqrt(6);
    expectParams(params, (i) => p0[i] - (0.1 * g[i]) / norm);
  });

  it('clipNorm larger than the norm changes nothing', async () => {
    const { params } = await stepOnce({ clipNorm: 100 });
    expectParams(params, (i) => p0[i] - 0.1 * g[i]);
  });

  it('clipValue clamps each component', async () => {
    const { params } = await stepOnce({ clipValue: 3 });
    // g clamped to [−3, 3]: [−3, −2.75, −2.75].
    const clamped = [-3, -2.75, -2.75];
    expectParams(params, (i) => p0[i] - 0.1 * clamped[i]);
  });

  it('weightDecay adds λ·w to the weights’ gradient, not to the bias’s', async () => {
    const { params } = await stepOnce({ weightDecay: 0.5 });
    // g + 0.5·[0.5, −1, (bias: none)] = [−5.25, −3.25, −2.75].
    const decayed = [-5.25, -3.25, -2.75];
    expectParams(params, (i) => p0[i] - 0.1 * decayed[i]);
  });

  it('validates its options at once', () => {
    const net = neuron();
    expect(() => update(net, sgd(), { clipNorm: 0 })).toThrow(/clipNorm must be a number > 0/);
    expect(() => update(net, sgd(), { clipValue: -1 })).toThrow(/clipValue/);
    expect(() => update(net, sgd(), { weightDecay: Number.NaN })).toThrow(/weightDecay/);
    expect(() => update(net, sgd(), { maxGradientNorm: 0 })).toThrow(/maxGradientNorm/);
    expect(() => update(net, sgd(), { divergenceCut: 0 })).toThrow(/divergenceCut/);
    expect(() => update(net, sgd(), { divergenceCut: 1.5 })).toThrow(/divergenceCut/);
  });
});

describe('update: divergence guard', () => {
  it('an exploding gradient skips the update, cuts the rate and says so', async () => {
    const net = neuron();
    const before = Array.from(net.parameters);
    const optimizer = sgd({ learningRate: 0.1 });
    const steps = await firstValueFrom(
      of({ x: [2, 1], y: 3 }).pipe(
        train(net, { loss: mse(), optimizer, maxGradientNorm: 5 }),
        map((s) => ({ updated: s.updated, rate: s.learningRate, events: [...s.events] })),
        toArray(),
      ),
    );
    // ‖g‖ ≈ 6.74 > 5: skipped; the step reports the rate it would have used (0.1).
    expect(Array.from(net.parameters)).toEqual(before);
    expect(steps[0].updated).toBe(false);
    expect(steps[0].rate).toBe(0.1);
    expect(optimizer.learningRate).toBe(0.05);
    expect(steps[0].events).toHaveLength(1);
    expect(steps[0].events[0]).toMatchObject({ type: 'diverged', seq: 0, learningRate: 0.05 });
    expect((steps[0].events[0] as { gradientNorm: number }).gradientNorm).toBeCloseTo(
      2.75 * Math.sqrt(6),
      12,
    );
  });

  it('a huge learning rate never makes the weights NaN or Infinity', async () => {
    const net = network({ inputs: 1, layers: [dense(4, linear), dense(1, linear)], seed: 2 });
    const optimizer = sgd({ learningRate: 1 });
    const samples = Array.from({ length: 500 }, (_, i) => ({ x: [100 + i], y: i }));
    const events = await firstValueFrom(
      from(samples).pipe(
        train(net, { loss: mse(), optimizer }),
        map((s) => s.events.filter((e) => e.type === 'diverged').length),
        toArray(),
      ),
    );
    expect(net.parameters.every(Number.isFinite)).toBe(true);
    expect(events.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(optimizer.learningRate).toBeLessThan(1);
  });

  it('a non-finite loss skips the update', async () => {
    const net = neuron();
    net.layers[0].weights.set([1e200, 1e200]);
    const before = Array.from(net.parameters);
    const optimizer = sgd({ learningRate: 0.1 });
    const step = await firstValueFrom(
      of({ x: [1e145, 1e145], y: 0 }).pipe(
        train(net, { loss: mse(), optimizer }),
        map((s) => ({ loss: s.loss, updated: s.updated, type: s.events[0]?.type })),
      ),
    );
    expect(step.loss).toBe(Number.POSITIVE_INFINITY);
    expect(step).toMatchObject({ updated: false, type: 'diverged' });
    expect(Array.from(net.parameters)).toEqual(before);
  });
});
