import { from, type OperatorFunction, of, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  forward,
  type Loss,
  loss,
  mae,
  mse,
  predict,
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
  linearNet,
  type Outcome,
  type StepSnapshot,
  snapshots,
  tanhNet,
  tanhSamples,
  testScheduler,
  twoOutputNet,
} from './snapshot.js';

// forward + loss(mse()) on linearNet (no learning), E = ½(y - p)²:
//   A: p = 0.1,   E = ½·0.9²  = 0.405
//   B: p = 1.35,  E = ½·1.35² = 0.91125
//   C: p = -0.15, E = ½·0.65² = 0.21125
const scored = (seq: number, p: number, y: number, l: number): StepSnapshot => ({
  seq,
  prediction: [p],
  target: [y],
  loss: l,
  learningRate: Number.NaN,
  updated: false,
});
const SA = scored(0, 0.1, 1, 0.405);
const SB = scored(1, 1.35, 0, 0.91125);
const SC = scored(2, -0.15, 0.5, 0.21125);

describe('loss: argument checks at call time', () => {
  it('throws a TypeError at once for a loss name instead of a loss value', () => {
    expect(() => loss('mse' as unknown as Loss)).toThrow(TypeError);
    expect(() => loss('mse' as unknown as Loss)).toThrow(
      /^loss: lossFn must be a loss such as mse\(\), got "mse"$/,
    );
  });

  it('throws a TypeError for undefined, null and an object without gradient', () => {
    expect(() => loss(undefined as unknown as Loss)).toThrow(TypeError);
    expect(() => loss(null as unknown as Loss)).toThrow(TypeError);
    expect(() => loss({ value: () => 0 } as unknown as Loss)).toThrow(TypeError);
  });

  it('the loss factory passed uncalled (loss(mse)) gets a short one-line message', () => {
    // The likeliest slip is forgetting the parentheses. The message should name the operator
    // and the expected value on one line, not print the source code of the function.
    let message = '';
    try {
      loss(mse as unknown as Loss);
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^loss: lossFn must be a loss such as mse\(\), got the function mse/);
    expect(message).not.toContain('\n');
  });
});

describe('loss: marbles', () => {
  it('empty source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one sample', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe('a|', {
        a: SA,
      });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b--c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe('a-b--c|', {
        a: SA,
        b: SB,
        c: SC,
      });
      expectSubscriptions(src.subscriptions).toBe('^-----!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b#', { a: A, b: B }, boom);
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe(
        'a-b#',
        { a: SA, b: SB },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe('a-b-', {
        a: SA,
        b: SB,
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots()), '^--!').toBe(
        'a-b',
        { a: SA, b: SB },
      );
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a sample without y fails the stream at its frame and unsubscribes the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: { x: [1, 2] }, c: C });
      expectObservable(src.pipe(forward(linearNet()), loss(mse()), snapshots())).toBe(
        'a-#',
        { a: SA },
        new SampleError('loss', 1, 'y', undefined, 'is needed to compute the loss'),
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});

describe('loss: values', () => {
  it('uses the loss it is given: mae gives |y - p|', () => {
    // |1 - 0.1| = 0.9; |0 - 1.35| = 1.35
    const outcome = collect(from([A, B]).pipe(forward(linearNet()), loss(mae()), snapshots()));
    expect(outcome.values.map((s) => s.loss)).toEqual([0.9, 1.35]);
  });

  it('sums over the outputs of a 2-output network', () => {
    // twoOutputNet at x = [1, 2]: p0 = 0.5 - 0.5 + 0.1 = 0.1; p1 = 0.125 + 1.5 - 0.1 = 1.525
    // E = ½[(1 - 0.1)² + (0 - 1.525)²] = ½[0.81 + 2.325625] = 1.5678125
    const outcome = collect(
      of({ x: [1, 2], y: [1, 0] }).pipe(forward(twoOutputNet()), loss(mse()), snapshots()),
    );
    expect(outcome.values).toEqual([
      {
        seq: 0,
        prediction: [0.1, 1.525],
        target: [1, 0],
        loss: 1.5678125,
        learningRate: Number.NaN,
        updated: false,
      },
    ]);
  });

  it('equals lossFn.value(net.predict(x), y) and changes no weight', () => {
    const net = tanhNet(11);
    const before = copyNet(net);
    const lossFn = mse();
    const samples = tanhSamples(30);
    const expected = samples.map((s) =>
      lossFn.value(before.predict(s.x), Float64Array.from(s.y as number[])),
    );
    // The step is lent: read the loss while it is current.
    const losses: number[] = [];
    from(samples)
      .pipe(forward(net), loss(lossFn))
      .subscribe((s) => losses.push(s.loss));
    expect(losses).toEqual(expected);
    expect(net.parameters).toEqual(before.parameters);
  });
});

describe('loss: data errors', () => {
  it('a missing y fails the stream with a SampleError naming loss, seq, field and value', () => {
    let outcome: Outcome<unknown> | undefined;
    expect(() => {
      outcome = collect(from([A, B, { x: [1, 2] }]).pipe(forward(linearNet()), loss(mse())));
    }).not.toThrow();
    const e = errorOf(outcome as Outcome<unknown>);
    expect(e).toBeInstanceOf(SampleError);
    expect(e.message).toBe('loss: sample 2: y is needed to compute the loss, got undefined');
    expect(e).toMatchObject({ operator: 'loss', seq: 2, field: 'y', value: undefined });
    expect(outcome?.values).toHaveLength(2);
    expect(outcome?.completed).toBe(false);
  });

  it('a synchronous source of 1000 whose third sample has no y is unsubscribed at once', () => {
    let pulled = 0;
    const samples = Array.from({ length: 1000 }, (_, i): Sample => (i === 2 ? { x: [1, 2] } : A));
    const outcome = collect(
      from(samples).pipe(
        tap(() => pulled++),
        forward(linearNet()),
        loss(mse()),
      ),
    );
    expect(outcome.error).toBeInstanceOf(SampleError);
    expect(pulled).toBe(3);
  });

  it("forward's data errors travel through loss unchanged", () => {
    const outcome = collect(
      from([A, B, { x: [1, 2], y: Number.NaN }]).pipe(forward(linearNet()), loss(mse())),
    );
    expect(errorOf(outcome).message).toBe('forward: sample 2: y must be a finite number, got NaN');
  });
});

describe('loss: ordering errors', () => {
  const notSteps: [string, unknown][] = [
    ['a raw sample', A],
    ['a number', 3],
    ['a plain object that looks like a step', { seq: 0, prediction: new Float64Array([1]) }],
    ['null', null],
    ['undefined', undefined],
  ];

  it.each(notSteps)(
    '%s instead of a forward step fails the stream with a clear TypeError',
    (_n, v) => {
      let outcome: Outcome<unknown> | undefined;
      expect(() => {
        outcome = collect(of(v as Step).pipe(loss(mse())));
      }).not.toThrow();
      const e = errorOf(outcome as Outcome<unknown>);
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(
        'loss: expected the steps of forward(net); put forward(net) before loss',
      );
    },
  );

  it('the output of predict is not a forward step', () => {
    const scoreAnything = loss(mse()) as unknown as OperatorFunction<unknown, Step>;
    const outcome = collect(of(A).pipe(predict(linearNet()), scoreAnything));
    const e = errorOf(outcome);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/^loss: expected the steps of forward\(net\)/);
  });
});
