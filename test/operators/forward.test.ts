import { from, map, repeat, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  forward,
  linear,
  type Network,
  network,
  type Sample,
  SampleError,
  type Step,
} from '../../src/index.js';
import {
  A,
  B,
  BAD_SAMPLES,
  C,
  collect,
  copyNet,
  errorOf,
  expectSampleError,
  linearNet,
  netFor,
  type Outcome,
  roundAll,
  type StepSnapshot,
  samplesEndingWith,
  snapshots,
  tanhNet,
  tanhSamples,
  testScheduler,
  thousandWithThirdBad,
} from './snapshot.js';

// forward alone never learns: every prediction is the initial network's.
//   pA = 0.5·1 - 0.25·2 + 0.1 = 0.1; pB = 0.5·2 + 0.25 + 0.1 = 1.35; pC = -0.25 + 0.1 = -0.15
const fwd = (seq: number, p: number, y: number): StepSnapshot => ({
  seq,
  prediction: [p],
  target: [y],
  loss: Number.NaN,
  learningRate: Number.NaN,
  updated: false,
});

describe('forward: argument checks at call time', () => {
  it('throws a TypeError at once for a value that is not a network', () => {
    expect(() => forward({} as unknown as Network)).toThrow(TypeError);
    expect(() => forward({} as unknown as Network)).toThrow(
      /^forward: net must be a network made with network\(/,
    );
    expect(() => forward(undefined as unknown as Network)).toThrow(TypeError);
    expect(() => forward(null as unknown as Network)).toThrow(TypeError);
  });

  it('does no work before a subscription', () => {
    const net = linearNet();
    const before = Array.from(net.parameters);
    const source = new Subject<Sample>();
    const op = forward(net);
    source.pipe(op); // piped but not subscribed
    expect(source.observed).toBe(false);
    expect(Array.from(net.parameters)).toEqual(before);
  });
});

describe('forward: marbles', () => {
  it('empty source: completes at once without emitting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one sample', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe('a|', {
        a: fwd(0, 0.1, 1),
      });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples: seq counts from 0, predictions of the unchanged network', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe('a-b-c|', {
        a: fwd(0, 0.1, 1),
        b: fwd(1, 1.35, 0),
        c: fwd(2, -0.15, 0.5),
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through unchanged', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-#', { a: A }, boom);
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe(
        'a-#',
        { a: fwd(0, 0.1, 1) },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('a never-ending source: values arrive, no completion, no unsubscription', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe('a-b-', {
        a: fwd(0, 0.1, 1),
        b: fwd(1, 1.35, 0),
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe unsubscribes the source at that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-|', { a: A, b: B, c: C });
      expectObservable(src.pipe(forward(linearNet()), snapshots()), '^--!').toBe('a-b', {
        a: fwd(0, 0.1, 1),
        b: fwd(1, 1.35, 0),
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a hot source joined late: seq counts from the first sample this subscription sees', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a-^-b-c-|', { a: A, b: B, c: C });
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe('--b-c-|', {
        b: fwd(0, 1.35, 0),
        c: fwd(1, -0.15, 0.5),
      });
      expectSubscriptions(src.subscriptions).toBe('^-----!');
    });
  });

  it('a bad sample fails the stream at its frame and unsubscribes the source', () => {
    const bad = { x: [1, Number.NaN], y: 1 };
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: bad, c: C });
      expectObservable(src.pipe(forward(linearNet()), snapshots())).toBe(
        'a-#',
        { a: fwd(0, 0.1, 1) },
        new SampleError('forward', 1, 'x[1]', Number.NaN, 'must be a finite number'),
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});

describe('forward: data errors become stream errors', () => {
  it.each(BAD_SAMPLES.map((b) => [b.name, b] as const))('%s', (_name, bad) => {
    const net = netFor(bad);
    let outcome: Outcome<StepSnapshot> | undefined;
    expect(() => {
      outcome = collect(from(samplesEndingWith(bad)).pipe(forward(net), snapshots()));
    }).not.toThrow();
    expect(outcome?.values.map((s) => s.seq)).toEqual([0, 1]);
    expect(outcome?.completed).toBe(false);
    expect(outcome?.error).toBeInstanceOf(SampleError);
    expectSampleError(outcome?.error, 'forward', bad);
  });

  it('the message names operator, seq, field and value', () => {
    const outcome = collect(
      from([A, B, { x: [1, Number.NaN], y: 1 }]).pipe(forward(linearNet()), snapshots()),
    );
    expect(errorOf(outcome).message).toMatch(
      /forward: sample 2: x\[1\] must be a finite number, got NaN/,
    );
  });

  it.each(BAD_SAMPLES.map((b) => [b.name, b] as const))(
    '%s: a synchronous source of 1000 is unsubscribed after the bad third sample',
    (_n, bad) => {
      let pulled = 0;
      const outcome = collect(
        from(thousandWithThirdBad(bad)).pipe(
          tap(() => pulled++),
          forward(netFor(bad)),
        ),
      );
      expect(outcome.error).toBeInstanceOf(SampleError);
      expect(outcome.values).toHaveLength(2);
      expect(pulled).toBe(3);
    },
  );

  it('a sample without y is fine for forward: target is undefined', () => {
    const outcome = collect(from([{ x: [1, 2] }]).pipe(forward(linearNet()), snapshots()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.values).toEqual([
      {
        seq: 0,
        prediction: [0.1],
        target: undefined,
        loss: Number.NaN,
        learningRate: Number.NaN,
        updated: false,
      },
    ]);
  });
});

describe('forward: semantics', () => {
  it('the prediction equals net.predict(x), the sample passes through by identity', () => {
    const net = tanhNet(5);
    const samples = tanhSamples(20);
    const expected = samples.map((s) => Array.from(net.predict(s.x)));
    const seen: { seq: number; prediction: number[]; same: boolean; network: Network }[] = [];
    from(samples)
      .pipe(forward(net))
      .subscribe((s) =>
        seen.push({
          seq: s.seq,
          prediction: Array.from(s.prediction),
          same: s.sample === samples[s.seq],
          network: s.network,
        }),
      );
    expect(seen.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    expect(seen.map((s) => s.prediction)).toEqual(expected);
    expect(seen.every((s) => s.same && s.network === net)).toBe(true);
  });

  it('never changes the parameters', () => {
    const net = tanhNet(5);
    const before = copyNet(net).parameters;
    from(tanhSamples(50)).pipe(forward(net)).subscribe();
    expect(net.parameters).toEqual(before);
  });

  it('seq is 0-based per subscription: a resubscription (repeat) starts again at 0', () => {
    const seqs: number[] = [];
    from([A, B, C])
      .pipe(forward(linearNet()), repeat(2))
      .subscribe((s) => seqs.push(s.seq));
    expect(seqs).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('emits one reused step object per subscription, whose prediction buffer is reused too', () => {
    const steps: Step[] = [];
    const buffers: Float64Array[] = [];
    from([A, B, C])
      .pipe(forward(linearNet()))
      .subscribe((s) => {
        steps.push(s);
        buffers.push(s.prediction);
      });
    expect(steps).toHaveLength(3);
    expect(steps[1]).toBe(steps[0]);
    expect(steps[2]).toBe(steps[0]);
    expect(buffers[2]).toBe(buffers[0]);
    // Lent, not given: after the stream the one object shows the last sample (C).
    expect(steps[0].seq).toBe(2);
    expect(Array.from(steps[0].prediction)).toEqual([-0.15]);
  });

  it('accepts Float64Array inputs and Float64Array targets', () => {
    const outcome = collect(
      from([{ x: new Float64Array([1, 2]), y: new Float64Array([1]) }]).pipe(
        forward(linearNet()),
        map((s) => ({ p: roundAll(s.prediction), t: roundAll(s.target ?? []) })),
      ),
    );
    expect(outcome.values).toEqual([{ p: [0.1], t: [1] }]);
  });
});

describe('forward: the bound on values (MAX_MAGNITUDE)', () => {
  it('rejects a finite value beyond ±1e145 as outOfRange, holds the real-unit output within it', () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    net.layers[0].weights[0] = 10;
    net.layers[0].biases[0] = 0;
    const seen: { reason?: string; prediction: number; output: number; message?: string }[] = [];
    from([
      { x: [1e145], y: 0 },
      { x: [2e145], y: 0 },
      { x: [1], y: -3e145 },
    ])
      .pipe(forward(net, { onInvalid: 'skip' }))
      .subscribe((s) =>
        seen.push({
          reason: s.rejection?.reason,
          message: s.rejection?.message,
          prediction: s.prediction[0],
          output: s.output[0],
        }),
      );
    // the prediction itself is the network's; the output the metrics score is bounded
    expect(seen[0]).toEqual({
      reason: undefined,
      message: undefined,
      prediction: 1e146,
      output: 1e145,
    });
    expect(seen[1].reason).toBe('outOfRange');
    expect(seen[1].message).toBe(
      'forward: sample 1: x[0] must be within ±1e+145 (larger values would overflow the running statistics), got 2e+145',
    );
    expect(seen[2].reason).toBe('outOfRange');
  });
});
