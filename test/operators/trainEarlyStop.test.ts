// train's earlyStop option puts earlyStop between loss and backward.
import { firstValueFrom, from, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { dense, linear, mse, network, sgd, train } from '../../src/index.js';

const make = () => network({ inputs: 1, layers: [dense(1, linear)], seed: 2 });
// y = 2x on a repeating grid: a linear neuron learns it to any precision.
const samples = Array.from({ length: 5000 }, (_, i) => {
  const x = ((i * 37) % 100) / 100;
  return { x: [x], y: 2 * x };
});

describe('train with earlyStop', () => {
  it('completes once the rolling loss reaches the goal, saying why on the last step', async () => {
    const steps = await firstValueFrom(
      from(samples).pipe(
        train(make(), {
          loss: mse(),
          optimizer: sgd({ learningRate: 0.5 }),
          earlyStop: { goal: 1e-6, window: 50 },
        }),
        map((s) => ({ seq: s.seq, events: s.events.map((e) => e.type) })),
        toArray(),
      ),
    );
    expect(steps.length).toBeGreaterThan(50);
    expect(steps.length).toBeLessThan(samples.length);
    expect(steps[steps.length - 1].events).toEqual(['earlyStop']);
    expect(steps.slice(0, -1).every((s) => s.events.length === 0)).toBe(true);
  });

  it('never learns the held-out samples', async () => {
    const held = make();
    await firstValueFrom(
      from(samples.slice(0, 300)).pipe(
        train(held, {
          loss: mse(),
          optimizer: sgd({ learningRate: 0.1 }),
          earlyStop: { holdoutEvery: 3, maxFail: 1000 },
        }),
        toArray(),
      ),
    );
    // Which samples earlyStop holds out is its own rule (every third scored one); find them
    // from the steps of an identical run, then train a twin on the rest only.
    const learnedFlags = await firstValueFrom(
      from(samples.slice(0, 300)).pipe(
        train(make(), {
          loss: mse(),
          optimizer: sgd({ learningRate: 0.1 }),
          earlyStop: { holdoutEvery: 3, maxFail: 1000 },
        }),
        map((s) => s.learn),
        toArray(),
      ),
    );
    expect(learnedFlags.filter((l) => !l)).toHaveLength(100);
    const twin = make();
    await firstValueFrom(
      from(samples.slice(0, 300).filter((_, i) => learnedFlags[i])).pipe(
        train(twin, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
        toArray(),
      ),
    );
    expect(Array.from(held.parameters)).toEqual(Array.from(twin.parameters));
  });
});
