// An optimizer of one's own: only the public Optimizer interface, no internal fast path. The
// library must give it the written-out gradient and learn exactly as it does with the built-in
// optimizers on their fast path — the same weights and the same state, bit for bit.
import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adaptLearningRate,
  boldDriver,
  boostLearningRate,
  detectDrift,
  mse,
  type Network,
  type Optimizer,
  pageHinkley,
  resetOptimizer,
  train,
  type UpdateOptions,
} from '../../src/index.js';
import { fusedStepOf } from '../../src/optim/fusedStep.js';
import { collect, copyNet, tanhNet, tanhSamples } from '../operators/snapshot.js';
import { bitDifferences, OPTIMIZERS } from './fixtures.js';

/** `inner` behind the public interface only: what a user's optimizer looks like to the library. */
function publicOnly(inner: Optimizer): Optimizer {
  return {
    name: inner.name,
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(value: number) {
      inner.learningRate = value;
    },
    step: (parameters, gradients) => inner.step(parameters, gradients),
    reset: () => inner.reset(),
    state: () => inner.state(),
    restore: (state) => inner.restore(state),
  };
}

/** Trains `net` with `optimizer` on `samples` through `train`, with the options given. */
function trainOn(net: Network, optimizer: Optimizer, options: UpdateOptions = {}): void {
  const outcome = collect(
    from(tanhSamples(300)).pipe(train(net, { loss: mse(), optimizer, ...options })),
  );
  expect(outcome.error).toBeUndefined();
  expect(outcome.values).toHaveLength(300);
}

describe('an optimizer with only the public interface', () => {
  it('has no fast path: the library must write the gradient out for it', () => {
    for (const { make } of OPTIMIZERS) {
      expect(fusedStepOf(make())).toBeDefined();
      expect(fusedStepOf(publicOnly(make()))).toBeUndefined();
    }
  });

  const settings: [string, UpdateOptions][] = [
    ['per sample', {}],
    ['clipNorm 0.05', { clipNorm: 0.05 }],
    ['batchSize 4', { batchSize: 4 }],
  ];
  for (const { name, make } of OPTIMIZERS) {
    for (const [label, options] of settings) {
      it(`${name}, ${label}: the same weights and state as the built-in, bit for bit`, () => {
        const net = tanhNet(7);
        const twin = copyNet(net);
        const builtIn = make();
        const own = publicOnly(make());
        trainOn(net, builtIn, options);
        trainOn(twin, own, options);
        // the run really learned (not two no-ops compared)
        expect(bitDifferences(net.parameters, tanhNet(7).parameters).length).toBeGreaterThan(0);
        expect(bitDifferences(twin.parameters, net.parameters)).toEqual([]);
        expect(own.state()).toEqual(builtIn.state());
      });
    }
  }

  it('rolls back through state() / restore() exactly as a built-in through its snapshots', () => {
    // boldDriver with rollback restores the optimizer at every rejected window: the built-in
    // optimizers use their allocation-free snapshots, one of yours its state() and restore().
    const run = (optimizer: Optimizer, net: Network) =>
      collect(
        from(tanhSamples(400)).pipe(
          train(net, { loss: mse(), optimizer }),
          adaptLearningRate(
            net,
            optimizer,
            boldDriver({ window: 10, increase: 1.3, maxIncrease: 1, rollback: true }),
          ),
          // the step is lent: keep the plain values
          map((s) => s.events.filter((e) => e.type === 'rollback').map((e) => e.seq)),
        ),
      ).values.flat();
    const net = tanhNet(5);
    const twin = copyNet(net);
    const builtIn = OPTIMIZERS[5].make(); // adam: moments to restore
    const own = publicOnly(OPTIMIZERS[5].make());
    const rollbacks = run(builtIn, net);
    expect(rollbacks.length).toBeGreaterThan(0);
    expect(run(own, twin)).toEqual(rollbacks);
    expect(bitDifferences(twin.parameters, net.parameters)).toEqual([]);
    expect(own.state()).toEqual(builtIn.state());
  });

  it('is reset by resetOptimizer and boosted by boostLearningRate like a built-in', () => {
    const act = (optimizer: Optimizer, net: Network) =>
      collect(
        from(
          tanhSamples(300).map((s, i) =>
            i < 150 ? s : { ...s, y: (s.y as number[]).map((v) => 3 - v) },
          ),
        ).pipe(
          train(net, { loss: mse(), optimizer }),
          detectDrift(pageHinkley({ threshold: 0.5 }), {
            onDrift: [resetOptimizer(optimizer), boostLearningRate(optimizer, 2, { max: 0.1 })],
          }),
          map((s) =>
            s.events.flatMap((e) => (e.type === 'drift' ? [`${s.seq}: ${e.action}`] : [])),
          ),
        ),
      ).values.flat();
    const net = tanhNet(2);
    const twin = copyNet(net);
    const builtIn = OPTIMIZERS[5].make();
    const own = publicOnly(OPTIMIZERS[5].make());
    const actions = act(builtIn, net);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions[0]).toMatch(/: optimizer state reset; learning rate 0\.01 → 0\.02$/);
    // the flip at sample 150 is found at once
    expect(actions).toContain('150: optimizer state reset; learning rate 0.1 → 0.1');
    expect(act(own, twin)).toEqual(actions);
    expect(own.learningRate).toBe(builtIn.learningRate);
    expect(bitDifferences(twin.parameters, net.parameters)).toEqual([]);
  });
});
