import { from, type OperatorFunction, of, repeat, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type Network,
  type Prediction,
  predict,
  type Sample,
  SampleError,
} from '../../src/index.js';
import {
  A,
  B,
  BAD_SAMPLES,
  C,
  collect,
  copyNet,
  expectSampleError,
  linearNet,
  netFor,
  type Outcome,
  type PredictionSnapshot,
  predictionSnapshots,
  samplesEndingWith,
  tanhNet,
  tanhSamples,
  testScheduler,
  thousandWithThirdBad,
} from './snapshot.js';

// predict never learns: pA = 0.1, pB = 1.35, pC = -0.15 (derivation in snapshot.ts)
const PA: PredictionSnapshot = { seq: 0, prediction: [0.1] };
const PB: PredictionSnapshot = { seq: 1, prediction: [1.35] };
const PC: PredictionSnapshot = { seq: 2, prediction: [-0.15] };

describe('predict: argument checks at call time', () => {
  it('throws a TypeError at once for a value that is not a network', () => {
    expect(() => predict({} as unknown as Network)).toThrow(TypeError);
    expect(() => predict({} as unknown as Network)).toThrow(
      /^predict: net must be a network made with network/,
    );
    expect(() => predict(null as unknown as Network)).toThrow(TypeError);
  });
});

describe('predict: marbles', () => {
  it('empty source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one sample', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe('a|', {
        a: PA,
      });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('abc|', { a: A, b: B, c: C });
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe('abc|', {
        a: PA,
        b: PB,
        c: PC,
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-#', { a: A, b: B }, boom);
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe(
        'a-b-#',
        { a: PA, b: PB },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe('a-b-', {
        a: PA,
        b: PB,
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots()), '^--!').toBe('a-b', {
        a: PA,
        b: PB,
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a bad x fails the stream at its frame with a SampleError naming predict', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: { x: [1] }, c: C });
      expectObservable(src.pipe(predict(linearNet()), predictionSnapshots())).toBe(
        'a-#',
        { a: PA },
        new SampleError('predict', 1, 'x.length', 1, 'must be 2'),
      );
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});

describe('predict: semantics', () => {
  it('emits seq and net.predict(x) and never changes net.parameters', () => {
    const net = tanhNet(21);
    const before = copyNet(net);
    const samples = tanhSamples(30);
    const rows: { seq: number; prediction: number[]; sample: Sample }[] = [];
    from(samples)
      .pipe(predict(net))
      .subscribe((p) =>
        rows.push({ seq: p.seq, prediction: Array.from(p.prediction), sample: p.sample }),
      );
    expect(rows.map((r) => r.seq)).toEqual(samples.map((_, i) => i));
    expect(rows.map((r) => r.prediction)).toEqual(
      samples.map((s) => Array.from(before.predict(s.x))),
    );
    expect(rows.every((r, i) => r.sample === samples[i])).toBe(true);
    expect(net.parameters).toEqual(before.parameters);
  });

  it.each([
    ['a malformed y', { x: [1, 2], y: 'garbage' }],
    ['a y of the wrong length', { x: [1, 2], y: [1, 2, 3] }],
    ['a NaN y', { x: [1, 2], y: Number.NaN }],
    ['no y', { x: [1, 2] }],
  ])('ignores y: %s is fine', (_n, sample) => {
    const outcome = collect(of(sample as Sample).pipe(predict(linearNet()), predictionSnapshots()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.completed).toBe(true);
    // 0.5·1 - 0.25·2 + 0.1 = 0.1
    expect(outcome.values).toEqual([{ seq: 0, prediction: [0.1] }]);
  });

  it('the emitted object has seq, sample and prediction only (no loss, no target)', () => {
    const outcome = collect(of(A).pipe(predict(linearNet())));
    expect(Object.keys(outcome.values[0]).sort()).toEqual(['prediction', 'sample', 'seq']);
  });

  it('seq is 0-based per subscription (repeat resubscribes)', () => {
    const seqs: number[] = [];
    from([A, B])
      .pipe(predict(linearNet()), repeat(3))
      .subscribe((p) => seqs.push(p.seq));
    expect(seqs).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('lends one object per subscription, reused for every sample', () => {
    const objects: Prediction[] = [];
    from([A, B, C])
      .pipe(predict(linearNet()))
      .subscribe((p) => objects.push(p));
    expect(new Set(objects).size).toBe(1);
    const other: Prediction[] = [];
    of(A)
      .pipe(predict(linearNet()))
      .subscribe((p) => other.push(p));
    expect(other[0]).not.toBe(objects[0]);
  });

  it('accepts a Float64Array x', () => {
    const outcome = collect(
      of({ x: new Float64Array([2, -1]) }).pipe(predict(linearNet()), predictionSnapshots()),
    );
    expect(outcome.values).toEqual([PB].map((p) => ({ ...p, seq: 0 })));
  });
});

describe('predict: data errors become stream errors', () => {
  const xProblems = BAD_SAMPLES.filter((b) => b.inX);

  it.each(xProblems.map((b) => [b.name, b] as const))('%s', (_name, bad) => {
    let outcome: Outcome<PredictionSnapshot> | undefined;
    const op: OperatorFunction<Sample, PredictionSnapshot> = (s) =>
      s.pipe(predict(netFor(bad)), predictionSnapshots());
    expect(() => {
      outcome = collect(from(samplesEndingWith(bad)).pipe(op));
    }).not.toThrow();
    expect(outcome?.values.map((p) => p.seq)).toEqual([0, 1]);
    expect(outcome?.error).toBeInstanceOf(SampleError);
    expectSampleError(outcome?.error, 'predict', bad);
  });

  it.each(xProblems.map((b) => [b.name, b] as const))(
    '%s: a synchronous source of 1000 is unsubscribed after the third',
    (_n, bad) => {
      let pulled = 0;
      const outcome = collect(
        from(thousandWithThirdBad(bad)).pipe(
          tap(() => pulled++),
          predict(netFor(bad)),
        ),
      );
      expect(outcome.error).toBeInstanceOf(SampleError);
      expect(pulled).toBe(3);
    },
  );

  it('the documented example message', () => {
    const outcome = collect(of({ x: [1, Number.NaN] }).pipe(predict(linearNet())));
    expect((outcome.error as Error).message).toBe(
      'predict: sample 0: x[1] must be a finite number, got NaN',
    );
  });
});
