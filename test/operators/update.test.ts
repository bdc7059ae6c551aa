import { from, map, type Observable, type OperatorFunction, of, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  backward,
  forward,
  loss,
  momentum,
  mse,
  type Network,
  type Optimizer,
  type Sample,
  SampleError,
  type Step,
  sgd,
  type Trace,
  type UpdateOptions,
  update,
} from '../../src/index.js';
import { FUSED_STEP } from '../../src/optim/fusedStep.js';
import {
  A,
  B,
  C,
  collect,
  copyNet,
  errorOf,
  linearNet,
  type Outcome,
  round,
  roundAll,
  SGD_TRACE,
  sampleGradient,
  snapshot,
  tanhNet,
  tanhSamples,
  testScheduler,
  type WeightedSnapshot,
  withParams,
} from './snapshot.js';

/** forward → loss(mse) → backward → update, written out (the operator under test is last). */
function learn(
  net: Network,
  optimizer: Optimizer,
  options?: UpdateOptions,
): OperatorFunction<Sample, Step> {
  return (source: Observable<Sample>) =>
    source.pipe(forward(net), loss(mse()), backward(net), update(net, optimizer, options));
}

// Online SGD with η = 0.1 through A, B, C on linearNet (derivation in snapshot.ts, SGD_TRACE).
const TARGETS = [1, 0, 0.5];
const learned = (seq: number): WeightedSnapshot => ({
  seq,
  prediction: [SGD_TRACE[seq].prediction],
  target: [TARGETS[seq]],
  loss: SGD_TRACE[seq].loss,
  learningRate: 0.1,
  updated: true,
  params: SGD_TRACE[seq].params,
});

/**
 * An optimizer that records the gradient of every step instead of stepping; with `fused`, it
 * also has the built-in optimizers' internal fast path (FUSED_STEP), and records its use.
 */
function recordingOptimizer(
  fused = false,
): Optimizer & { readonly calls: { via: string; g: number[] }[] } {
  const calls: { via: string; g: number[] }[] = [];
  const recorder = {
    calls,
    name: 'recorder',
    learningRate: 0.1,
    step(_params: Float64Array, grads: Float64Array) {
      calls.push({ via: 'step', g: roundAll(grads) });
    },
    reset() {},
    state: () => ({
      name: 'recorder',
      learningRate: 0.1,
      hyperParameters: {},
      steps: 0,
      buffers: {},
    }),
    restore() {},
  };
  if (!fused) return recorder;
  return Object.assign(recorder, {
    [FUSED_STEP](net: Network, trace: Trace) {
      const g = new Float64Array(net.parameters.length);
      net.accumulateGradient(trace, g);
      calls.push({ via: 'fused', g: roundAll(g) });
    },
  });
}

describe('update: argument checks at call time', () => {
  it('throws a TypeError at once for a value that is not an optimizer', () => {
    const net = linearNet();
    expect(() => update(net, {} as unknown as Optimizer)).toThrow(TypeError);
    expect(() => update(net, {} as unknown as Optimizer)).toThrow(
      /^update: optimizer\.name must be a non-empty string, got undefined$/,
    );
    expect(() => update(net, 'sgd' as unknown as Optimizer)).toThrow(
      /^update: optimizer must be an optimizer such as sgd\(\) or adam\(\), got "sgd"$/,
    );
    expect(() => update(net, 'sgd' as unknown as Optimizer)).toThrow(TypeError);
    expect(() => update(net, undefined as unknown as Optimizer)).toThrow(TypeError);
  });

  it('throws a TypeError at once for a value that is not a network', () => {
    expect(() => update({} as unknown as Network, sgd())).toThrow(TypeError);
    expect(() => update({} as unknown as Network, sgd())).toThrow(
      /^update: net must be a network made with network/,
    );
  });

  it.each([
    [0, '0'],
    [1.5, '1.5'],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('throws a RangeError at once for batchSize %s', (batchSize, shown) => {
    const net = linearNet();
    expect(() => update(net, sgd(), { batchSize })).toThrow(RangeError);
    expect(() => update(net, sgd(), { batchSize })).toThrow(
      `update: batchSize must be a positive integer, got ${shown}`,
    );
  });

  it('accepts batchSize 1, 2 and undefined', () => {
    const net = linearNet();
    expect(typeof update(net, sgd(), { batchSize: 1 })).toBe('function');
    expect(typeof update(net, sgd(), { batchSize: 2 })).toBe('function');
    expect(typeof update(net, sgd(), {})).toBe('function');
  });

  it('the optimizer factory passed uncalled (update(net, sgd)) gets a short one-line message', () => {
    // The message should name update and the expected value, not print the function's source.
    let message = '';
    try {
      update(linearNet(), sgd as unknown as Optimizer);
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^update: optimizer must be an optimizer such as sgd\(\) or adam\(\), got the function sgd/,
    );
    expect(message).not.toContain('\n');
  });

  it('null options throw a TypeError naming update (as train does for its options)', () => {
    expect(() => update(linearNet(), sgd(), null as unknown as UpdateOptions)).toThrow(TypeError);
    expect(() => update(linearNet(), sgd(), null as unknown as UpdateOptions)).toThrow(/^update: /);
  });
});

describe('update: marbles', () => {
  it('empty source: no weight changes', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
    expect(roundAll(net.parameters)).toEqual([0.5, -0.25, 0.1]);
  });

  it('one sample', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe(
        'a|',
        { a: learned(0) },
      );
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples: online SGD, one step per sample', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe(
        'a-b-c|',
        { a: learned(0), b: learned(1), c: learned(2) },
      );
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-#', { a: A, b: B }, boom);
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe(
        'a-b-#',
        { a: learned(0), b: learned(1) },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('a never-ending source', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe(
        'a-b-',
        { a: learned(0), b: learned(1) },
      );
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe: no step after it', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(
        src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net)),
        '^--!',
      ).toBe('a-b', { a: learned(0), b: learned(1) });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[1].params);
  });

  it('a bad sample fails the stream at its frame; the weights keep the earlier steps', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: { x: [1, 2], y: Number.NaN }, c: C });
      expectObservable(src.pipe(learn(net, sgd({ learningRate: 0.1 })), withParams(net))).toBe(
        'a-#',
        { a: learned(0) },
        new SampleError('forward', 1, 'y', Number.NaN, 'must be a finite number'),
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[0].params);
  });

  it('batchSize 2: weights change on the 2nd sample; the partial batch emits updated false', () => {
    // A and B at the initial weights: mean gradient = (gA + gB)/2
    //   = ([-0.9, -1.8, -0.9] + [2.7, -1.35, 1.35]) / 2 = [0.9, -1.575, 0.225]
    //   w ← [0.5, -0.25, 0.1] - 0.1·mean = [0.41, -0.0925, 0.0775]
    // C on those: p = -0.0925 + 0.0775 = -0.015, L = ½(0.5 + 0.015)² = 0.1326125
    const net = linearNet();
    const common = { learningRate: 0.1 };
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(
        src.pipe(learn(net, sgd({ learningRate: 0.1 }), { batchSize: 2 }), withParams(net)),
      ).toBe('a-b-c|', {
        a: {
          ...common,
          seq: 0,
          prediction: [0.1],
          target: [1],
          loss: 0.405,
          updated: false,
          params: [0.5, -0.25, 0.1],
        },
        b: {
          ...common,
          seq: 1,
          prediction: [1.35],
          target: [0],
          loss: 0.91125,
          updated: true,
          params: [0.41, -0.0925, 0.0775],
        },
        c: {
          ...common,
          seq: 2,
          prediction: [-0.015],
          target: [0.5],
          loss: 0.1326125,
          updated: false,
          params: [0.41, -0.0925, 0.0775],
        },
      });
    });
    // The partial batch (C alone) was applied at completion: gC = (p - y)·[0, 1, 1] = -0.515·[0, 1, 1]
    //   w ← [0.41, -0.0925 + 0.0515, 0.0775 + 0.0515] = [0.41, -0.041, 0.129]
    expect(roundAll(net.parameters)).toEqual([0.41, -0.041, 0.129]);
  });
});

describe('update: batch size 1 (incremental learning)', () => {
  it('sets updated and the learning rate on every sample and steps the optimizer each time', () => {
    const net = tanhNet(1);
    const optimizer = sgd({ learningRate: 0.02 });
    const seen: { updated: boolean; lr: number; steps: number }[] = [];
    from(tanhSamples(10))
      .pipe(learn(net, optimizer))
      .subscribe((s) =>
        seen.push({ updated: s.updated, lr: s.learningRate, steps: optimizer.state().steps }),
      );
    expect(seen).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ updated: true, lr: 0.02, steps: i + 1 })),
    );
  });

  it('the learning rate follows changes of optimizer.learningRate mid-stream', () => {
    // A at η = 0.1 → [0.59, -0.07, 0.19] (SGD_TRACE); then η = 0.05 for B, p = 1.44:
    //   w0 = 0.59 - 0.05·1.44·2 = 0.446; w1 = -0.07 + 0.05·1.44 = 0.002; b = 0.19 - 0.072 = 0.118
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    const source = new Subject<Sample>();
    const seen: WeightedSnapshot[] = [];
    source.pipe(learn(net, optimizer), withParams(net)).subscribe((s) => seen.push(s));
    source.next(A);
    optimizer.learningRate = 0.05;
    source.next(B);
    source.complete();
    expect(seen.map((s) => s.learningRate)).toEqual([0.1, 0.05]);
    expect(seen.map((s) => s.prediction[0])).toEqual([0.1, 1.44]);
    expect(seen[1].params).toEqual([0.446, 0.002, 0.118]);
  });

  it('uses the fast path of an optimizer that has one, with the per-sample gradient', () => {
    // Gradients at the weights of each moment; the recorder does not step, so the weights stay
    // at linearNet's and the gradients are gA, gB, gC.
    const optimizer = recordingOptimizer(true);
    const net = linearNet();
    collect(from([A, B, C]).pipe(learn(net, optimizer)));
    expect(optimizer.calls).toEqual([
      { via: 'fused', g: [-0.9, -1.8, -0.9] },
      { via: 'fused', g: [2.7, -1.35, 1.35] },
      { via: 'fused', g: [0, -0.65, -0.65] },
    ]);
  });

  it('gives an optimizer without the fast path the written-out per-sample gradient', () => {
    const optimizer = recordingOptimizer(false);
    const net = linearNet();
    collect(from([A, B, C]).pipe(learn(net, optimizer)));
    expect(optimizer.calls).toEqual([
      { via: 'step', g: [-0.9, -1.8, -0.9] },
      { via: 'step', g: [2.7, -1.35, 1.35] },
      { via: 'step', g: [0, -0.65, -0.65] },
    ]);
  });

  it.each([
    ['sgd', () => sgd({ learningRate: 0.05 })],
    ['momentum', () => momentum({ learningRate: 0.05, momentum: 0.9 })],
    ['adam', () => adam({ learningRate: 0.01 })],
  ])('with %s equals one optimizer step per sample along that sample’s gradient', (_n, make) => {
    const net = tanhNet(4);
    const twin = copyNet(net);
    const twinOptimizer = make();
    const samples = tanhSamples(25);
    collect(from(samples).pipe(learn(net, make())));
    for (const s of samples) twinOptimizer.step(twin.parameters, sampleGradient(twin, s, mse()));
    for (let i = 0; i < net.parameters.length; i++) {
      expect(net.parameters[i]).toBeCloseTo(twin.parameters[i], 12);
    }
  });
});

describe('update: batchSize > 1', () => {
  it('batchSize 3 on A, B, C: one step along the MEAN gradient, on the 3rd sample only', () => {
    // mean = (gA + gB + gC)/3 = ([-0.9, -1.8, -0.9] + [2.7, -1.35, 1.35] + [0, -0.65, -0.65])/3
    //      = [1.8, -3.8, -0.2]/3 = [0.6, -1.2666…, -0.0666…]
    // w ← [0.5, -0.25, 0.1] - 0.1·mean = [0.44, -0.25 + 0.38/3, 0.1 + 0.02/3]
    const net = linearNet();
    const outcome = collect(
      from([A, B, C]).pipe(
        learn(net, sgd({ learningRate: 0.1 }), { batchSize: 3 }),
        withParams(net),
      ),
    );
    const after = [0.44, round(-0.25 + 0.38 / 3), round(0.1 + 0.02 / 3)];
    expect(outcome.values.map((s) => s.updated)).toEqual([false, false, true]);
    // every prediction of the batch is made with the batch's starting weights
    expect(outcome.values.map((s) => s.prediction[0])).toEqual([0.1, 1.35, -0.15]);
    expect(outcome.values.map((s) => s.params)).toEqual([
      [0.5, -0.25, 0.1],
      [0.5, -0.25, 0.1],
      after,
    ]);
    expect(roundAll(net.parameters)).toEqual(after);
  });

  it('hands the optimizer the mean gradient of the batch through step()', () => {
    const optimizer = recordingOptimizer();
    collect(from([A, B, C]).pipe(learn(linearNet(), optimizer, { batchSize: 3 })));
    expect(optimizer.calls).toEqual([{ via: 'step', g: [0.6, round(-3.8 / 3), round(-0.2 / 3)] }]);
  });

  it.each([
    ['sgd', () => sgd({ learningRate: 0.1 })],
    ['momentum', () => momentum({ learningRate: 0.05, momentum: 0.5 })],
    ['adam', () => adam({ learningRate: 0.01 })],
  ])(
    '%s, 7 samples, batchSize 3: steps at seq 2 and 5, then the partial batch at completion',
    (_n, make) => {
      const net = tanhNet(9);
      const twin = copyNet(net);
      const twinOptimizer = make();
      const optimizer = make();
      const samples = tanhSamples(7);
      const lossFn = mse();

      // The expected weights after each batch, from the twin: mean of the per-sample gradients
      // (all taken at the batch's starting weights), then one optimizer step.
      const afterBatch: Float64Array[] = [];
      for (const batch of [samples.slice(0, 3), samples.slice(3, 6), samples.slice(6)]) {
        const sum = new Float64Array(twin.parameters.length);
        for (const s of batch) {
          const g = sampleGradient(twin, s, lossFn);
          for (let i = 0; i < sum.length; i++) sum[i] += g[i];
        }
        for (let i = 0; i < sum.length; i++) sum[i] /= batch.length;
        twinOptimizer.step(twin.parameters, sum);
        afterBatch.push(twin.parameters.slice());
      }

      const initial = net.parameters.slice();
      const params: Float64Array[] = [];
      const updated: boolean[] = [];
      let atCompletion = new Float64Array(0);
      let stepsAtCompletion = -1;
      from(samples)
        .pipe(learn(net, optimizer, { batchSize: 3 }))
        .subscribe({
          next: (s) => {
            updated.push(s.updated);
            params.push(net.parameters.slice());
          },
          complete: () => {
            atCompletion = net.parameters.slice();
            stepsAtCompletion = optimizer.state().steps;
          },
        });

      expect(updated).toEqual([false, false, true, false, false, true, false]);
      const expectedAfter = [
        initial,
        initial,
        afterBatch[0],
        afterBatch[0],
        afterBatch[0],
        afterBatch[1],
        afterBatch[1],
      ];
      params.forEach((p, seq) => {
        for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(expectedAfter[seq][i], 12);
      });
      // the weights really moved at each batch boundary
      expect(params[2]).not.toEqual(params[1]);
      expect(params[5]).not.toEqual(params[4]);
      // the partial batch (seq 6 alone) was applied before the completion reached the subscriber
      expect(stepsAtCompletion).toBe(3);
      for (let i = 0; i < atCompletion.length; i++) {
        expect(atCompletion[i]).toBeCloseTo(afterBatch[2][i], 12);
      }
      expect(atCompletion).not.toEqual(params[6]);
    },
  );

  it('a stream that ends exactly on a batch boundary takes no extra step at completion', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    collect(from(tanhSamples(6)).pipe(learn(tanhNet(2), optimizer, { batchSize: 3 })));
    expect(optimizer.state().steps).toBe(2);
  });

  it('the batch count is per subscription: a resubscription starts a fresh batch', () => {
    const net = linearNet();
    const op = learn(net, sgd({ learningRate: 0.1 }), { batchSize: 2 });
    const first = collect(
      of(A).pipe(
        op,
        map((s) => s.updated),
      ),
    );
    const second = collect(
      of(B).pipe(
        op,
        map((s) => s.updated),
      ),
    );
    // Each subscription held one sample: neither filled a batch of 2 (A + B would have).
    expect(first.values).toEqual([false]);
    expect(second.values).toEqual([false]);
  });
});

describe('update: prequential predictions', () => {
  it('the prediction of each step is the network’s before learning from that sample', () => {
    const net = tanhNet(6);
    const samples = tanhSamples(15);
    let before: number[] = [];
    const rows: { emitted: number[]; before: number[]; after: number[] }[] = [];
    from(samples)
      .pipe(
        tap((s) => {
          before = Array.from(copyNet(net).predict(s.x));
        }),
        learn(net, sgd({ learningRate: 0.2 })),
      )
      .subscribe((s) =>
        rows.push({
          emitted: Array.from(s.prediction),
          before,
          after: Array.from(net.predict(s.sample.x)),
        }),
      );
    expect(rows).toHaveLength(15);
    for (const r of rows) {
      expect(r.emitted).toEqual(r.before);
      expect(r.emitted).not.toEqual(r.after);
    }
  });

  it('the snapshot helper sees the same (prediction before, weights after)', () => {
    const net = linearNet();
    const outcome = collect(
      from([A]).pipe(
        learn(net, sgd({ learningRate: 0.1 })),
        map((s) => snapshot(s)),
      ),
    );
    // Prediction 0.1 (weights before); net.predict([1, 2]) after the step:
    //   0.59·1 - 0.07·2 + 0.19 = 0.64
    expect(outcome.values[0].prediction).toEqual([0.1]);
    expect(round(net.predict([1, 2])[0])).toBe(0.64);
  });
});

describe('update: ordering errors', () => {
  // The misplaced update changes no weight, except 'twice', whose first (correct) update took one
  // SGD step on A at the default η = 0.01: gA = [-0.9, -1.8, -0.9]
  //   w ← [0.5, -0.25, 0.1] + 0.01·[0.9, 1.8, 0.9] = [0.509, -0.232, 0.109]
  const P0 = [0.5, -0.25, 0.1];
  const cases: [string, (net: Network) => OperatorFunction<Sample, Step>, string, number[]][] = [
    [
      'update right after loss (no backward)',
      (net) => (s) => s.pipe(forward(net), loss(mse()), update(net, sgd())),
      'update: expected back-propagated steps; put backward(net) before update',
      P0,
    ],
    [
      'update right after forward',
      (net) => (s) => s.pipe(forward(net), update(net, sgd())),
      'update: expected back-propagated steps; put backward(net) before update',
      P0,
    ],
    [
      'update twice on the same step',
      (net) => (s) =>
        s.pipe(forward(net), loss(mse()), backward(net), update(net, sgd()), update(net, sgd())),
      'update: expected back-propagated steps; put backward(net) before update',
      [0.509, -0.232, 0.109],
    ],
    [
      'update(net2) on steps of net1',
      (net) => (s) => s.pipe(forward(net), loss(mse()), backward(net), update(copyNet(net), sgd())),
      'update: the step was predicted by another network than this one',
      P0,
    ],
  ];

  it.each(cases)('%s fails the stream with a TypeError', (_n, make, message, params) => {
    const net = linearNet();
    let outcome: Outcome<Step> | undefined;
    expect(() => {
      outcome = collect(from([A, B]).pipe(make(net)));
    }).not.toThrow();
    const e = errorOf(outcome as Outcome<Step>);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(message);
    expect(outcome?.values).toHaveLength(0);
    expect(roundAll(net.parameters)).toEqual(params);
  });

  it('null instead of a step fails the stream with a TypeError naming update', () => {
    const anyUpdate = update(linearNet(), sgd()) as unknown as OperatorFunction<unknown, Step>;
    const e = errorOf(collect(of(null).pipe(anyUpdate)));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/^update: /);
  });

  it('a data error upstream is reported by the operator that found it', () => {
    const e = errorOf(collect(from([A, { x: [1, 2] }]).pipe(learn(linearNet(), sgd()))));
    expect(e).toBeInstanceOf(SampleError);
    expect(e.message).toBe('loss: sample 1: y is needed to compute the loss, got undefined');
  });
});
