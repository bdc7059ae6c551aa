import { from, map, type OperatorFunction, repeat, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  backward,
  forward,
  type Loss,
  loss,
  momentum,
  mse,
  type Network,
  type Optimizer,
  type Sample,
  SampleError,
  type Step,
  sgd,
  type TrainOptions,
  train,
  update,
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
  SGD_TRACE,
  sampleGradient,
  samplesEndingWith,
  tanhNet,
  tanhSamples,
  testScheduler,
  thousandWithThirdBad,
  type WeightedSnapshot,
  withParams,
} from './snapshot.js';

// Online SGD with η = 0.1 through A, B, C on linearNet (derivation in snapshot.ts, SGD_TRACE).
const TARGETS = [1, 0, 0.5];
const trained = (seq: number): WeightedSnapshot => ({
  seq,
  prediction: [SGD_TRACE[seq].prediction],
  target: [TARGETS[seq]],
  loss: SGD_TRACE[seq].loss,
  learningRate: 0.1,
  updated: true,
  params: SGD_TRACE[seq].params,
});

const trainSgd = (net: Network, options: Partial<TrainOptions> = {}) =>
  train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), ...options });

describe('train: argument checks at call time', () => {
  it('throws a TypeError at once when the optimizer is not an optimizer (omitted: the default)', () => {
    const net = linearNet();
    const nullOptimizer = { loss: mse(), optimizer: null } as unknown as TrainOptions;
    expect(() => train(net, nullOptimizer)).toThrow(TypeError);
    expect(() => train(net, nullOptimizer)).toThrow(
      'train: optimizer must be an optimizer such as sgd() or adam(), got null',
    );
    expect(() => train(net, { loss: mse() })).not.toThrow();
  });

  it('throws a TypeError at once when the loss is missing or a name', () => {
    const net = linearNet();
    expect(() => train(net, { optimizer: sgd() } as unknown as TrainOptions)).toThrow(
      'train: loss must be a loss such as mse(), got undefined',
    );
    expect(() => train(net, { loss: 'mse' as unknown as Loss, optimizer: sgd() })).toThrow(
      TypeError,
    );
  });

  it('throws a TypeError at once for missing options or a wrong network', () => {
    const net = linearNet();
    expect(() => train(net, null as unknown as TrainOptions)).toThrow(
      'train: options must be an object { loss, optimizer?, batchSize? }',
    );
    expect(() => train(net, undefined as unknown as TrainOptions)).toThrow(TypeError);
    expect(() => train({} as Network, { loss: mse(), optimizer: sgd() })).toThrow(
      /^train: net must be a network made with network/,
    );
    expect(() => train(net, { loss: mse(), optimizer: 'sgd' as unknown as Optimizer })).toThrow(
      TypeError,
    );
  });

  it.each([0, 1.5])('throws a RangeError at once for batchSize %s', (batchSize) => {
    const net = linearNet();
    expect(() => train(net, { loss: mse(), optimizer: sgd(), batchSize })).toThrow(RangeError);
    expect(() => train(net, { loss: mse(), optimizer: sgd(), batchSize })).toThrow(
      `batchSize must be a positive integer, got ${batchSize}`,
    );
  });
});

describe('train: marbles', () => {
  it('empty source: completes, no weight changes', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
    expect(roundAll(net.parameters)).toEqual([0.5, -0.25, 0.1]);
  });

  it('one sample', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('--a|', { a: A });
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe('--a|', { a: trained(0) });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('many samples', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe('a-b-c|', {
        a: trained(0),
        b: trained(1),
        c: trained(2),
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-#', { a: A }, boom);
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe(
        'a-#',
        { a: trained(0) },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('a never-ending source', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-', { a: A, b: B, c: C });
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe('a-b-c-', {
        a: trained(0),
        b: trained(1),
        c: trained(2),
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(trainSgd(net), withParams(net)), '^--!').toBe('a-b', {
        a: trained(0),
        b: trained(1),
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[1].params);
  });

  it('a hot source: seq counts from this subscription’s first sample', () => {
    const net = linearNet();
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('c-^a-b-|', { a: A, b: B, c: C });
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe('-a-b-|', {
        a: trained(0),
        b: trained(1),
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a bad sample fails the stream at its frame and unsubscribes the source', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: { x: [1, 2] } });
      expectObservable(src.pipe(trainSgd(net), withParams(net))).toBe(
        'a-b-#',
        { a: trained(0), b: trained(1) },
        new SampleError('loss', 2, 'y', undefined, 'is needed to compute the loss'),
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });
});

describe('train: data errors become stream errors', () => {
  // train is documented as exactly pipe(forward, loss, backward, update), so the operator named
  // in the message is the stage that rejected the sample: forward for x / y problems.
  it.each(BAD_SAMPLES.map((b) => [b.name, b] as const))('%s', (_name, bad) => {
    const net = netFor(bad);
    let outcome: Outcome<Step> | undefined;
    expect(() => {
      outcome = collect(
        from(samplesEndingWith(bad)).pipe(
          train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
        ),
      );
    }).not.toThrow();
    expect(outcome?.values).toHaveLength(2);
    expect(outcome?.completed).toBe(false);
    expect(outcome?.error).toBeInstanceOf(SampleError);
    expectSampleError(outcome?.error, 'forward', bad);
  });

  it.each(BAD_SAMPLES.map((b) => [b.name, b] as const))(
    '%s: a synchronous source of 1000 samples is unsubscribed after the third',
    (_n, bad) => {
      let pulled = 0;
      const net = netFor(bad);
      const outcome = collect(
        from(thousandWithThirdBad(bad)).pipe(
          tap(() => pulled++),
          train(net, { loss: mse(), optimizer: sgd() }),
        ),
      );
      expect(outcome.error).toBeInstanceOf(SampleError);
      expect(pulled).toBe(3);
    },
  );

  it('a missing y fails the stream with the SampleError of loss', () => {
    let pulled = 0;
    const samples = Array.from({ length: 1000 }, (_, i): Sample => (i === 2 ? { x: [1, 2] } : A));
    const outcome = collect(
      from(samples).pipe(
        tap(() => pulled++),
        trainSgd(linearNet()),
      ),
    );
    const e = errorOf(outcome);
    expect(e).toBeInstanceOf(SampleError);
    expect(e.message).toBe('loss: sample 2: y is needed to compute the loss, got undefined');
    expect(e).toMatchObject({ operator: 'loss', seq: 2, field: 'y', value: undefined });
    expect(pulled).toBe(3);
  });

  it('the weights keep the steps of the good samples before the bad one', () => {
    const net = linearNet();
    collect(from([A, B, { x: [Number.NaN, 1], y: 1 }, C]).pipe(trainSgd(net)));
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[1].params);
  });
});

describe('train: semantics', () => {
  it('seq is 0-based per subscription; repeat resubscribes and counts from 0 again', () => {
    const seqs: number[] = [];
    from([A, B, C])
      .pipe(trainSgd(linearNet()), repeat(2))
      .subscribe((s) => seqs.push(s.seq));
    expect(seqs).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('prequential: the emitted prediction is net.predict(x) before the update, not after', () => {
    const net = tanhNet(12);
    const samples = tanhSamples(25);
    let ahead: number[] = [];
    const rows: { emitted: number[]; ahead: number[]; after: number[] }[] = [];
    from(samples)
      .pipe(
        tap((s) => {
          // a copy made before the sample reaches train
          ahead = Array.from(copyNet(net).predict(s.x));
        }),
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
      )
      .subscribe((s) => {
        rows.push({
          emitted: Array.from(s.prediction),
          ahead,
          after: Array.from(net.predict(s.sample.x)),
        });
      });
    expect(rows).toHaveLength(25);
    for (const r of rows) {
      expect(r.emitted).toEqual(r.ahead);
      expect(r.emitted).not.toEqual(r.after);
    }
  });

  it('the loss is the loss of the prequential prediction', () => {
    const net = tanhNet(12);
    const samples = tanhSamples(10);
    const lossFn = mse();
    const rows: { loss: number; expected: number }[] = [];
    let expected = Number.NaN;
    from(samples)
      .pipe(
        tap((s) => {
          expected = lossFn.value(net.predict(s.x), Float64Array.from(s.y as number[]));
        }),
        train(net, { loss: lossFn, optimizer: sgd({ learningRate: 0.1 }) }),
      )
      .subscribe((s) => rows.push({ loss: s.loss, expected }));
    for (const r of rows) expect(r.loss).toBe(r.expected);
  });

  it('learningRate is the optimizer’s and follows changes mid-stream; updated is true', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const net = linearNet();
    const source = new Subject<Sample>();
    const seen: WeightedSnapshot[] = [];
    source
      .pipe(train(net, { loss: mse(), optimizer }), withParams(net))
      .subscribe((s) => seen.push(s));
    source.next(A);
    optimizer.learningRate = 0.05;
    source.next(B);
    optimizer.learningRate = 0;
    source.next(C);
    source.complete();
    expect(seen.map((s) => s.learningRate)).toEqual([0.1, 0.05, 0]);
    expect(seen.map((s) => s.updated)).toEqual([true, true, true]);
    // A at η = 0.1 → [0.59, -0.07, 0.19]; B (p = 1.44) at η = 0.05:
    //   [0.59 - 0.05·1.44·2, -0.07 + 0.05·1.44, 0.19 - 0.05·1.44] = [0.446, 0.002, 0.118]
    // C at η = 0 changes nothing.
    expect(seen[1].params).toEqual([0.446, 0.002, 0.118]);
    expect(seen[2].params).toEqual([0.446, 0.002, 0.118]);
  });

  it('batchSize 3: updated only on seq 2 and 5; each batch comes out learned; the partial one is applied at completion', () => {
    const net = tanhNet(3);
    const twin = copyNet(net);
    const samples = tanhSamples(7);
    const updated: boolean[] = [];
    const changed: boolean[] = [];
    let last = net.parameters.slice();
    let atCompletion = new Float64Array(0);
    from(samples)
      .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), batchSize: 3 }))
      .subscribe({
        next: (s) => {
          updated.push(s.updated);
          changed.push(net.parameters.some((p, i) => p !== last[i]));
          last = net.parameters.slice();
        },
        complete: () => {
          atCompletion = net.parameters.slice();
        },
      });
    expect(updated).toEqual([false, false, true, false, false, true, false]);
    // The steps of a batch come out together once it is learned; the partial batch at
    // completion comes out before it is learned.
    expect(changed).toEqual([true, false, false, true, false, false, false]);
    // the twin steps the mean gradient of each batch by hand: θ ← θ - 0.1·mean
    for (const batch of [samples.slice(0, 3), samples.slice(3, 6), samples.slice(6)]) {
      const grads = batch.map((s) => sampleGradient(twin, s, mse()));
      for (let i = 0; i < twin.parameters.length; i++) {
        const mean = grads.reduce((sum, g) => sum + g[i], 0) / grads.length;
        twin.parameters[i] -= 0.1 * mean;
      }
    }
    for (let i = 0; i < atCompletion.length; i++) {
      expect(atCompletion[i]).toBeCloseTo(twin.parameters[i], 12);
    }
  });
});

describe('train is exactly pipe(forward, loss, backward, update)', () => {
  interface Raw {
    seq: number;
    prediction: number[];
    target: number[] | undefined;
    loss: number;
    learningRate: number;
    updated: boolean;
    params: number[];
  }
  const raw = (net: Network): OperatorFunction<Step, Raw> =>
    map((s) => ({
      seq: s.seq,
      prediction: Array.from(s.prediction),
      target: s.target && Array.from(s.target),
      loss: s.loss,
      learningRate: s.learningRate,
      updated: s.updated,
      params: Array.from(net.parameters),
    }));

  it.each([
    ['sgd', 1, () => sgd({ learningRate: 0.05 })],
    ['momentum', 1, () => momentum({ learningRate: 0.02 })],
    ['adam', 1, () => adam({ learningRate: 0.01 })],
  ])('%s, batchSize %i: same snapshots and same final weights', (_n, batchSize, make) => {
    const samples = tanhSamples(50);
    const netT = tanhNet(8);
    const netP = tanhNet(8);
    expect(netP.parameters).toEqual(netT.parameters);
    const viaTrain = collect(
      from(samples).pipe(train(netT, { loss: mse(), optimizer: make(), batchSize }), raw(netT)),
    );
    const optimizerP = make();
    const viaPipe = collect(
      from(samples).pipe(
        forward(netP),
        loss(mse()),
        backward(netP),
        update(netP, optimizerP, { batchSize }),
        raw(netP),
      ),
    );
    expect(viaTrain.completed).toBe(true);
    expect(viaTrain.values).toHaveLength(50);
    expect(viaTrain.values).toEqual(viaPipe.values);
    expect(netT.parameters).toEqual(netP.parameters);
    // and the weights did move
    expect(netT.parameters).not.toEqual(tanhNet(8).parameters);
  });
  // The live mode and the guard: rejected samples (bad x, missing y, a source's malformed
  // item), an exploding gradient, clipping, decay and scaled targets give the same steps —
  // events, rejections and real-unit output included — through train and the explicit pipe.
  interface Full extends Raw {
    learn: boolean;
    rejection: unknown;
    events: unknown[];
    output: number[];
    actual: number[] | undefined;
  }
  const full = (net: Network): OperatorFunction<Step, Full> =>
    map((s) => ({
      seq: s.seq,
      prediction: Array.from(s.prediction),
      target: s.target && Array.from(s.target),
      loss: s.loss,
      learningRate: s.learningRate,
      updated: s.updated,
      params: Array.from(net.parameters),
      learn: s.learn,
      rejection: s.rejection && { ...s.rejection },
      events: s.events.map((e) => ({ ...e })),
      output: Array.from(s.output),
      actual: s.actual && Array.from(s.actual),
    }));
  const celsius = {
    inverseTargets(scaled: Float64Array, out: Float64Array): void {
      for (let i = 0; i < out.length; i++) out[i] = scaled[i] * 10 + 20;
    },
  };
  const liveSamples = (): Sample[] => {
    const samples: Sample[] = tanhSamples(40).map((s, i) =>
      i % 3 === 0 ? { ...s, scaler: celsius } : s,
    );
    samples[4] = { x: [1, Number.NaN, 0], y: [0, 0] };
    samples[9] = { x: [1, 2], y: [0, 0] };
    samples[13] = { x: [0.1, 0.2, 0.3] };
    samples[17] = {
      x: [],
      malformed: { field: 'line 18', value: '{"x": [1,', problem: 'is not valid JSON' },
    };
    samples[21] = { x: [1, 1, 1], y: [1e9, 0] }; // a gradient norm far above 1e6: diverged
    samples[25] = { x: [1, 1, 1], y: [-1e9, 0] };
    return samples;
  };

  it.each([
    ['sgd, no options', () => sgd({ learningRate: 0.05 }), {}],
    ['adam, clipNorm 0.05', () => adam({ learningRate: 0.01 }), { clipNorm: 0.05 }],
    ['sgd, clipValue 0.01', () => sgd({ learningRate: 0.05 }), { clipValue: 0.01 }],
    ['momentum, weightDecay 0.01', () => momentum({ learningRate: 0.02 }), { weightDecay: 0.01 }],
    [
      'sgd, maxGradientNorm 1',
      () => sgd({ learningRate: 0.05 }),
      { maxGradientNorm: 1, divergenceCut: 0.9 },
    ],
  ] as const)('onInvalid skip, %s: same steps, events and weights', (_n, make, extra) => {
    const samples = liveSamples();
    const netT = tanhNet(8);
    const netP = tanhNet(8);
    const options = { onInvalid: 'skip', ...extra } as const;
    const optimizerT = make();
    const viaTrain = collect(
      from(samples).pipe(
        train(netT, { loss: mse(), optimizer: optimizerT, ...options }),
        full(netT),
      ),
    );
    const optimizerP = make();
    const viaPipe = collect(
      from(samples).pipe(
        forward(netP, options),
        loss(mse(), options),
        backward(netP),
        update(netP, optimizerP, extra),
        full(netP),
      ),
    );
    expect(viaTrain.completed).toBe(true);
    expect(viaTrain.values).toHaveLength(40);
    expect(viaTrain.values).toEqual(viaPipe.values);
    expect(netT.parameters).toEqual(netP.parameters);
    expect(optimizerT.learningRate).toBe(optimizerP.learningRate);
    // the live samples did what they are there for
    const reasons = viaTrain.values.flatMap((v) =>
      v.events.map((e) => (e as { type: string }).type),
    );
    expect(reasons.filter((t) => t === 'rejected')).toHaveLength(4);
    expect(reasons.filter((t) => t === 'diverged').length).toBeGreaterThanOrEqual(2);
    expect(viaTrain.values[0].actual).toEqual(viaTrain.values[0].target?.map((v) => v * 10 + 20));
  });

  it.each([
    ['bad x', { x: [1, Number.NaN, 0], y: [0, 0] }],
    ['missing y', { x: [0.1, 0.2, 0.3] }],
    [
      'malformed',
      { x: [], malformed: { field: 'line 3', value: '?', problem: 'is not a number' } },
    ],
  ] as const)('onInvalid error, %s: the same values, then the same error', (_n, bad) => {
    const samples: Sample[] = [...tanhSamples(5), bad, ...tanhSamples(3)];
    const netT = tanhNet(8);
    const netP = tanhNet(8);
    const viaTrain = collect(
      from(samples).pipe(train(netT, { loss: mse(), optimizer: sgd() }), full(netT)),
    );
    const viaPipe = collect(
      from(samples).pipe(
        forward(netP),
        loss(mse()),
        backward(netP),
        update(netP, sgd()),
        full(netP),
      ),
    );
    expect(viaTrain.values).toHaveLength(5);
    expect(viaTrain.values).toEqual(viaPipe.values);
    expect(viaTrain.error).toBeInstanceOf(SampleError);
    expect(viaTrain.error).toEqual(viaPipe.error);
    expect(errorOf(viaTrain).message).toBe(errorOf(viaPipe).message);
    expect(netT.parameters).toEqual(netP.parameters);
  });
});
