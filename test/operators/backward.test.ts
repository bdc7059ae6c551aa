import { from, map, type Observable, type OperatorFunction, of, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  forward,
  loss,
  mse,
  type Network,
  type Sample,
  SampleError,
  type Step,
} from '../../src/index.js';
import {
  A,
  B,
  C,
  collect,
  copyNet,
  errorOf,
  gradientOf,
  linearNet,
  roundAll,
  type StepSnapshot,
  snapshot,
  tanhNet,
  tanhSamples,
  testScheduler,
} from './snapshot.js';

interface Backpropagated extends StepSnapshot {
  gradient: number[];
  params: number[];
}

/** forward → loss(mse) → backward, then the step with its gradient written out. */
function scoredAndBackpropagated(net: Network): OperatorFunction<Sample, Backpropagated> {
  return (source: Observable<Sample>) =>
    source.pipe(
      forward(net),
      loss(mse()),
      backward(net),
      map((s) => ({
        ...snapshot(s),
        gradient: roundAll(gradientOf(net, s)),
        params: roundAll(net.parameters),
      })),
    );
}

// linearNet, no learning: the gradient of ½(y - p)² is (p - y)·[x0, x1, 1] (weights, bias):
//   A: p = 0.1,   p - y = -0.9  → [-0.9, -1.8, -0.9]
//   B: p = 1.35,  p - y = 1.35  → [2.7, -1.35, 1.35]
//   C: p = -0.15, p - y = -0.65 → [0, -0.65, -0.65]
// and the parameters stay [0.5, -0.25, 0.1] throughout.
const P0 = [0.5, -0.25, 0.1];
const BA: Backpropagated = {
  seq: 0,
  prediction: [0.1],
  target: [1],
  loss: 0.405,
  learningRate: Number.NaN,
  updated: false,
  gradient: [-0.9, -1.8, -0.9],
  params: P0,
};
const BB: Backpropagated = {
  seq: 1,
  prediction: [1.35],
  target: [0],
  loss: 0.91125,
  learningRate: Number.NaN,
  updated: false,
  gradient: [2.7, -1.35, 1.35],
  params: P0,
};
const BC: Backpropagated = {
  seq: 2,
  prediction: [-0.15],
  target: [0.5],
  loss: 0.21125,
  learningRate: Number.NaN,
  updated: false,
  gradient: [0, -0.65, -0.65],
  params: P0,
};

describe('backward: argument checks at call time', () => {
  it('throws a TypeError at once for a value that is not a network', () => {
    expect(() => backward({} as unknown as Network)).toThrow(TypeError);
    expect(() => backward({} as unknown as Network)).toThrow(
      /^backward: net must be a network made with network/,
    );
    expect(() => backward(undefined as unknown as Network)).toThrow(TypeError);
  });
});

describe('backward: marbles', () => {
  it('empty source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one sample', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a|', { a: A });
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe('-a|', { a: BA });
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('many samples: the gradient of each, no weight changed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe('a-b-c|', {
        a: BA,
        b: BB,
        c: BC,
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a#', { a: A }, boom);
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe('a#', { a: BA }, boom);
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe('a-b-', {
        a: BA,
        b: BB,
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet())), '^--!').toBe('a-b', {
        a: BA,
        b: BB,
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a bad sample upstream fails the stream at its frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: { x: [1, 2, 3], y: 1 }, c: C });
      expectObservable(src.pipe(scoredAndBackpropagated(linearNet()))).toBe(
        'a-#',
        { a: BA },
        new SampleError('forward', 1, 'x.length', 3, 'must be 2'),
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});

describe('backward: the gradient', () => {
  it('matches central finite differences of the loss on a tanh network', () => {
    // ∂L/∂θ ≈ (L(θ + h) - L(θ - h)) / 2h, with h = 1e-6: error O(h²) plus rounding ~1e-10.
    const net = tanhNet(7);
    const sample = tanhSamples(4)[3];
    const lossFn = mse();
    const target = Float64Array.from(sample.y as number[]);
    let analytic: Float64Array = new Float64Array(0);
    of(sample)
      .pipe(forward(net), loss(lossFn), backward(net))
      .subscribe((s) => {
        analytic = gradientOf(net, s);
      });
    expect(analytic.length).toBe(net.parameters.length);
    const h = 1e-6;
    for (let i = 0; i < net.parameters.length; i++) {
      const probe = copyNet(net);
      probe.parameters[i] += h;
      const up = lossFn.value(probe.predict(sample.x), target);
      probe.parameters[i] -= 2 * h;
      const down = lossFn.value(probe.predict(sample.x), target);
      expect(analytic[i]).toBeCloseTo((up - down) / (2 * h), 7);
    }
  });

  it('never changes the parameters', () => {
    const net = tanhNet(2);
    const before = copyNet(net).parameters;
    collect(from(tanhSamples(40)).pipe(forward(net), loss(mse()), backward(net)));
    expect(net.parameters).toEqual(before);
  });
});

describe('backward: ordering errors', () => {
  it('backward before loss fails the stream with a TypeError', () => {
    const net = linearNet();
    let outcome: ReturnType<typeof collect<Step>> | undefined;
    expect(() => {
      outcome = collect(from([A, B]).pipe(forward(net), backward(net)));
    }).not.toThrow();
    const e = errorOf(outcome as NonNullable<typeof outcome>);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('backward: expected scored steps; put loss(lossFn) before backward');
    expect(outcome?.values).toHaveLength(0);
  });

  it('backward(net2) on the steps of net1 fails, even when net2 has the same weights', () => {
    const net1 = linearNet();
    const net2 = copyNet(net1);
    let pulled = 0;
    const outcome = collect(
      from([A, B, C]).pipe(
        tap(() => pulled++),
        forward(net1),
        loss(mse()),
        backward(net2),
      ),
    );
    const e = errorOf(outcome);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('backward: the step was predicted by another network than this one');
    expect(pulled).toBe(1);
  });

  it.each([
    ['a raw sample', A],
    ['a number', 1],
    ['null', null],
  ])('%s instead of a step fails the stream with a TypeError naming backward', (_n, v) => {
    const net = linearNet();
    const anyBackward = backward(net) as unknown as OperatorFunction<unknown, Step>;
    const outcome = collect(of(v).pipe(anyBackward));
    const e = errorOf(outcome);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/^backward: /);
  });
});
