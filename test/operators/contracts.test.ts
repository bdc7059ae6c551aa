// Contracts every operator keeps: it never mutates its input samples, two subscriptions never
// share hidden state, and samples may carry typed arrays or plain arrays.
import { from, map, type OperatorFunction, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  forward,
  loss,
  mse,
  type Network,
  predict,
  type Sample,
  type Step,
  sgd,
  train,
  update,
} from '../../src/index.js';
import {
  A,
  B,
  C,
  collect,
  deepFreeze,
  linearNet,
  round,
  roundAll,
  SGD_TRACE,
  tanhNet,
  tanhSamples,
} from './snapshot.js';

/** Every pipeline of the operator layer, each ending in a plain value. */
const pipelines: [string, (net: Network) => OperatorFunction<Sample, unknown>][] = [
  [
    'forward',
    (net) => (s) =>
      s.pipe(
        forward(net),
        map((st) => st.seq),
      ),
  ],
  [
    'forward → loss',
    (net) => (s) =>
      s.pipe(
        forward(net),
        loss(mse()),
        map((st) => st.loss),
      ),
  ],
  [
    'forward → loss → backward',
    (net) => (s) =>
      s.pipe(
        forward(net),
        loss(mse()),
        backward(net),
        map((st) => st.loss),
      ),
  ],
  [
    'forward → loss → backward → update',
    (net) => (s) =>
      s.pipe(
        forward(net),
        loss(mse()),
        backward(net),
        update(net, sgd({ learningRate: 0.05 })),
        map((st) => st.loss),
      ),
  ],
  [
    'train',
    (net) => (s) =>
      s.pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }),
        map((st) => st.loss),
      ),
  ],
  [
    'train, batchSize 3',
    (net) => (s) =>
      s.pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }), batchSize: 3 }),
        map((st) => st.loss),
      ),
  ],
  [
    'predict',
    (net) => (s) =>
      s.pipe(
        predict(net),
        map((p) => p.seq),
      ),
  ],
];

describe('contract: input samples are never mutated', () => {
  it.each(pipelines)('%s: deep-frozen samples go through and stay equal to a clone', (_n, make) => {
    const samples = tanhSamples(10).map((s, i) =>
      deepFreeze({ ...s, x: Array.from(s.x), key: `k${i}`, id: i, t: 1000 + i }),
    );
    const before = structuredClone(samples);
    const outcome = collect(from(samples).pipe(make(tanhNet(3))));
    expect(outcome.error).toBeUndefined();
    expect(outcome.completed).toBe(true);
    expect(outcome.values).toHaveLength(10);
    expect(samples).toEqual(before);
    expect(Object.isFrozen(samples[0].x)).toBe(true);
  });

  it.each(pipelines)('%s: typed-array samples are left as they were', (_n, make) => {
    const samples = tanhSamples(10).map((s) => ({
      x: Float64Array.from(s.x),
      y: Float64Array.from(s.y as number[]),
    }));
    const before = structuredClone(samples);
    const outcome = collect(from(samples).pipe(make(tanhNet(3))));
    expect(outcome.error).toBeUndefined();
    expect(samples).toEqual(before);
    expect(samples[0].x).toBeInstanceOf(Float64Array);
  });

  it('the step carries the very sample object, extra fields included', () => {
    const sample = deepFreeze({ x: [1, 2], y: 1, key: 'sensor-1', id: 'abc', t: 1_700_000_000 });
    const seen: Sample[] = [];
    from([sample])
      .pipe(train(linearNet(), { loss: mse(), optimizer: sgd() }))
      .subscribe((s) => seen.push(s.sample));
    expect(seen[0]).toBe(sample);
    expect(seen[0]).toEqual({ x: [1, 2], y: 1, key: 'sensor-1', id: 'abc', t: 1_700_000_000 });
  });
});

describe('contract: two subscriptions are independent', () => {
  it('interleaved forward(net) subscriptions on one net each count seq from 0', () => {
    const net = linearNet();
    const source = new Subject<Sample>();
    const forwarded = source.pipe(forward(net));
    const first: { seq: number; p: number; step: Step }[] = [];
    const second: { seq: number; p: number; step: Step }[] = [];
    forwarded.subscribe((s) => first.push({ seq: s.seq, p: round(s.prediction[0]), step: s }));
    source.next(A);
    source.next(B);
    forwarded.subscribe((s) => second.push({ seq: s.seq, p: round(s.prediction[0]), step: s }));
    source.next(C);
    source.next(A);
    // predictions (no learning): pA = 0.1, pB = 1.35, pC = -0.15
    expect(first.map((r) => [r.seq, r.p])).toEqual([
      [0, 0.1],
      [1, 1.35],
      [2, -0.15],
      [3, 0.1],
    ]);
    expect(second.map((r) => [r.seq, r.p])).toEqual([
      [0, -0.15],
      [1, 0.1],
    ]);
    expect(second[0].step).not.toBe(first[0].step);
    expect(second[0].step.prediction).not.toBe(first[0].step.prediction);
  });

  it('interleaved train subscriptions on two nets of the same seed give identical losses', () => {
    const samples = tanhSamples(40);
    const net1 = tanhNet(17);
    const net2 = tanhNet(17);
    const s1 = new Subject<Sample>();
    const s2 = new Subject<Sample>();
    const losses1: number[] = [];
    const losses2: number[] = [];
    const seq1: number[] = [];
    const seq2: number[] = [];
    s1.pipe(train(net1, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) })).subscribe((s) => {
      losses1.push(s.loss);
      seq1.push(s.seq);
    });
    s2.pipe(train(net2, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) })).subscribe((s) => {
      losses2.push(s.loss);
      seq2.push(s.seq);
    });
    for (const s of samples) {
      s1.next(s);
      s2.next(s);
    }
    expect(losses1).toHaveLength(40);
    expect(losses2).toEqual(losses1);
    expect(seq2).toEqual(seq1);
    expect(seq1).toEqual(samples.map((_, i) => i));
    expect(net2.parameters).toEqual(net1.parameters);
    // and learning happened: the last loss is below the first
    expect(losses1[39]).toBeLessThan(losses1[0]);
  });

  it('the same train pipeline subscribed twice: separate seq and step objects, shared weights', () => {
    const net = linearNet();
    const trained = from([A, B, C]).pipe(
      train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
    );
    const runs: { seq: number[]; losses: number[]; steps: Set<Step> }[] = [];
    for (let r = 0; r < 2; r++) {
      const run = { seq: [] as number[], losses: [] as number[], steps: new Set<Step>() };
      trained.subscribe((s) => {
        run.seq.push(s.seq);
        run.losses.push(round(s.loss));
        run.steps.add(s);
      });
      runs.push(run);
    }
    expect(runs[0].seq).toEqual([0, 1, 2]);
    expect(runs[1].seq).toEqual([0, 1, 2]);
    expect(runs[0].steps.size).toBe(1);
    expect(runs[1].steps.size).toBe(1);
    expect([...runs[1].steps][0]).not.toBe([...runs[0].steps][0]);
    // first run: SGD_TRACE; the second starts from the weights the first left, [0.302, 0.112, 0.084]:
    //   pA = 0.302 + 0.224 + 0.084 = 0.61, L = ½(1 - 0.61)² = 0.07605
    expect(runs[0].losses).toEqual(SGD_TRACE.map((r) => r.loss));
    expect(runs[1].losses[0]).toBe(0.07605);
  });

  it('batch state is per subscription: interleaved subscriptions fill their own batches', () => {
    const net = tanhNet(5);
    const op = train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), batchSize: 2 });
    const s1 = new Subject<Sample>();
    const s2 = new Subject<Sample>();
    const u1: boolean[] = [];
    const u2: boolean[] = [];
    s1.pipe(op).subscribe((s) => u1.push(s.updated));
    s2.pipe(op).subscribe((s) => u2.push(s.updated));
    const [a, b, c] = tanhSamples(3);
    s1.next(a);
    s2.next(b);
    s1.next(c);
    // the second sample overall (s2's first) must not close s1's batch: s1's two steps come out
    // together when its own second sample completes it, s2's when s2 completes
    expect(u1).toEqual([false, true]);
    expect(u2).toEqual([]);
    s2.complete();
    expect(u2).toEqual([false]);
  });
});

describe('contract: sample shapes', () => {
  // All these describe sample A of linearNet: x = [1, 2], y = 1 → p = 0.1, L = 0.405, and one
  // SGD step (η = 0.1) gives [0.59, -0.07, 0.19] (SGD_TRACE[0]).
  const shapes: [string, Sample][] = [
    ['plain arrays, y a number', { x: [1, 2], y: 1 }],
    ['plain arrays, y an array', { x: [1, 2], y: [1] }],
    ['Float64Array x, y a number', { x: new Float64Array([1, 2]), y: 1 }],
    ['Float64Array x and y', { x: new Float64Array([1, 2]), y: new Float64Array([1]) }],
    ['Float32Array x', { x: new Float32Array([1, 2]), y: [1] }],
    ['array-like x', { x: { length: 2, 0: 1, 1: 2 }, y: 1 }],
  ];

  it.each(shapes)('%s', (_n, sample) => {
    const net = linearNet();
    const outcome = collect(
      from([sample]).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
        map((s) => ({
          p: roundAll(s.prediction),
          t: roundAll(s.target ?? []),
          loss: round(s.loss),
        })),
      ),
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.values).toEqual([{ p: [0.1], t: [1], loss: 0.405 }]);
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[0].params);
  });

  it('a 2-output network takes y as an array or a Float64Array', () => {
    const net = tanhNet(4);
    const plain = tanhSamples(5);
    const typed = plain.map((s) => ({
      x: Float64Array.from(s.x),
      y: Float64Array.from(s.y as number[]),
    }));
    const lossesOf = (samples: Sample[]): number[] => {
      const losses: number[] = [];
      from(samples)
        .pipe(forward(net), loss(mse()))
        .subscribe((s) => losses.push(s.loss));
      return losses;
    };
    expect(lossesOf(typed)).toEqual(lossesOf(plain));
  });
});
