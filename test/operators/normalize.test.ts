// normalize(): argument checks, marbles, the lent sample, prequential scaling, independence.
import { from, map, type OperatorFunction, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  minMax,
  type NormalizedSample,
  type NormalizeOptions,
  normalize,
  runningScaler,
  type Sample,
  type ScalingMethod,
  zScore,
} from '../../src/index.js';
import { collect, deepFreeze, roundAll, testScheduler } from './snapshot.js';

/** A plain copy of an emitted sample (numbers rounded to 10 decimals). */
interface NormalizedSnapshot {
  x: number[];
  y: number[] | number | undefined;
  key: string | number | undefined;
  raw: Sample;
}

function snap(s: NormalizedSample): NormalizedSnapshot {
  const y = s.y;
  return {
    x: roundAll(s.x),
    y: y === undefined || typeof y === 'number' ? y : roundAll(y),
    key: s.key,
    raw: s.raw,
  };
}

const snaps = (): OperatorFunction<NormalizedSample, NormalizedSnapshot> => map(snap);

// Three samples, z-score of each dimension with the statistics once the sample is added:
//   A: dim 0 saw 1 (σ 0, spread max(|1|, 1) = 1): (1 − 1)/1 = 0
//      dim 1 saw 10 (σ 0, spread 10): 0                        → x = [0, 0]
//   B: dim 0 saw 1, 3 (mean 2, σ = √(2/2) = 1): (3 − 2)/1 = 1
//      dim 1 saw 10, 10 (σ 0, spread 10): (10 − 10)/10 = 0     → x = [1, 0]
//   C: dim 0 saw 1, 3, 2 (mean 2): 0
//      dim 1 saw 10, 10, 40 (mean 20, σ = √(600/3) = √200): 20/√200 = √2 → x = [0, √2]
const A: Sample = { x: [1, 10], y: 5, key: 'a' };
const B: Sample = { x: [3, 10], y: 6, key: 'b' };
const C: Sample = { x: [2, 40], y: 7, key: 'c' };
const a = { x: [0, 0], y: 5, key: 'a', raw: A };
const b = { x: [1, 0], y: 6, key: 'b', raw: B };
const c = { x: [0, roundAll([Math.SQRT2])[0]], y: 7, key: 'c', raw: C };

describe('normalize: argument checks at call time', () => {
  it('accepts no options, a method value, targets and sizes', () => {
    expect(typeof normalize()).toBe('function');
    expect(typeof normalize({ method: minMax([-1, 1]), targets: true, inputs: 3 })).toBe(
      'function',
    );
  });

  const cases: [string, unknown, ErrorConstructor, RegExp][] = [
    ['options null', null, TypeError, /^normalize: options must be an object/],
    ['a string method', { method: 'zScore' }, TypeError, /method must be a scaling method/],
    [
      'an uncalled method factory',
      { method: zScore },
      TypeError,
      /got the function zScore \(did you mean zScore\(…\)\?\)/,
    ],
    ['targets "yes"', { targets: 'yes' }, TypeError, /targets must be true or false, got "yes"/],
    ['inputs 0', { inputs: 0 }, RangeError, /inputs must be a positive integer, got 0/],
    ['outputs 1.5', { outputs: 1.5 }, RangeError, /outputs must be a positive integer/],
    ['learn "no"', { learn: 'no' }, TypeError, /^normalize: learn must be true or false, got "no"/],
    [
      'a scaler that is not one',
      { scaler: {} },
      TypeError,
      /scaler must be made with runningScaler/,
    ],
    [
      'a scaler and a method',
      { scaler: runningScaler(), method: zScore() },
      TypeError,
      /give either scaler or method, not both/,
    ],
    [
      'a scaler and targets',
      { scaler: runningScaler(), targets: true },
      TypeError,
      /give either scaler or targets/,
    ],
  ];
  for (const [name, options, type, message] of cases) {
    it(`throws a ${type.name} at once for ${name}`, () => {
      expect(() => normalize(options as NormalizeOptions)).toThrow(type);
      expect(() => normalize(options as NormalizeOptions)).toThrow(message);
    });
  }

  it('runningScaler checks its options the same way, naming itself', () => {
    expect(() => runningScaler({ method: 'minMax' as unknown as ScalingMethod })).toThrow(
      /^runningScaler: method must be a scaling method/,
    );
    expect(() => runningScaler(null as unknown as object)).toThrow(TypeError);
  });

  it('does no work before a subscription', () => {
    const scaler = runningScaler({ inputs: 2 });
    const source = new Subject<Sample>();
    source.pipe(normalize({ scaler }));
    expect(source.observed).toBe(false);
    expect(scaler.inputStats?.count).toBe(0);
  });
});

describe('normalize: marbles', () => {
  it('empty source: completes at once without emitting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(normalize(), snaps())).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one sample: the first is at the centre', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(normalize(), snaps())).toBe('a|', { a });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples: each added to the statistics, then scaled by them', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(normalize(), snaps())).toBe('a-b-c|', { a, b, c });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through unchanged', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b#', { a: A, b: B }, boom);
      expectObservable(src.pipe(normalize(), snaps())).toBe('a-b#', { a, b }, boom);
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a never-ending source: values arrive, no completion, no unsubscription', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-', { a: A, b: B, c: C });
      expectObservable(src.pipe(normalize(), snaps())).toBe('a-b-c-', { a, b, c });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe unsubscribes the source at that frame, and learns no more', () => {
    const scaler = runningScaler();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-|', { a: A, b: B, c: C });
      expectObservable(src.pipe(normalize({ scaler }), snaps()), '^--!').toBe('a-b', { a, b });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(scaler.inputStats?.count).toBe(2);
  });

  it('minMax([-1, 1]) in marbles', () => {
    // A: centre 0. B: dim 0 min 1 max 3 (mid 2, scale 1): 1; dim 1 saw 10 twice (spread 10,
    // scale 5): 0. C: dim 0 still 1…3: 0; dim 1 min 10 max 40 (mid 25, scale 15): 15/15 = 1.
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('abc|', { a: A, b: B, c: C });
      expectObservable(src.pipe(normalize({ method: minMax([-1, 1]) }), snaps())).toBe('abc|', {
        a,
        b: { ...b, x: [1, 0] },
        c: { ...c, x: [0, 1] },
      });
    });
  });
});

describe('normalize: the emitted sample', () => {
  it('is one lent object per subscription, with Float64Array x, raw, key, id and t', () => {
    const samples: Sample[] = [
      { x: [1, 2], y: [3], key: 7, id: 'first', t: 1000 },
      { x: [2, 4], key: 'k', id: 2, t: 2000 },
    ];
    const seen: NormalizedSample[] = [];
    const buffers: ArrayLike<number>[] = [];
    const copies: NormalizedSnapshot[] = [];
    from(samples)
      .pipe(normalize())
      .subscribe((s) => {
        seen.push(s);
        buffers.push(s.x);
        copies.push(snap(s));
        expect(s.x).toBeInstanceOf(Float64Array);
        expect(s.id).toBe(s.raw.id);
        expect(s.t).toBe(s.raw.t);
      });
    expect(seen[0]).toBe(seen[1]);
    expect(buffers[0]).toBe(buffers[1]); // the scaled x is one buffer, reused
    expect(seen[1].raw).toBe(samples[1]);
    expect(copies.map((c) => c.key)).toEqual([7, 'k']);
    expect(copies[0].y).toEqual([3]); // without targets, y is the original, untouched
    expect(copies[1].y).toBeUndefined();
    expect(seen[1].x).toEqual(new Float64Array([1, 1])); // (2 − 1.5)/0.5, (4 − 3)/1
  });

  it('never mutates a sample', () => {
    const samples = [
      deepFreeze({ x: [1, 2], y: [3] }),
      deepFreeze({ x: [5, 2], y: [1] }),
      { x: new Float64Array([3, 3]), y: new Float64Array([2]) },
      deepFreeze({ x: [0, Number.NaN], y: [3] }),
    ];
    const before = JSON.stringify(samples, (_, v) => (v instanceof Float64Array ? [...v] : v));
    const out = collect(from(samples).pipe(normalize({ targets: true })));
    expect(out.error).toBeUndefined();
    expect(out.values).toHaveLength(4);
    expect(JSON.stringify(samples, (_, v) => (v instanceof Float64Array ? [...v] : v))).toBe(
      before,
    );
  });

  it('scales each sample with the two-pass statistics of the samples up to it (learned first)', () => {
    const xs = Array.from({ length: 50 }, (_, i) => [
      1000 + 300 * Math.sin(i * 1.3),
      -0.002 * i + 0.001 * Math.cos(i),
    ]);
    const got: number[][] = [];
    from(xs.map((x) => ({ x })))
      .pipe(normalize())
      .subscribe((s) => got.push(Array.from(s.x)));
    for (let k = 1; k < xs.length; k++) {
      for (let d = 0; d < 2; d++) {
        const upTo = xs.slice(0, k + 1).map((x) => x[d]);
        const mean = upTo.reduce((p, v) => p + v, 0) / (k + 1);
        const sd = Math.sqrt(upTo.reduce((p, v) => p + (v - mean) ** 2, 0) / (k + 1));
        expect(got[k][d]).toBeCloseTo((xs[k][d] - mean) / sd, 8);
        expect(Math.abs(got[k][d])).toBeLessThanOrEqual(Math.sqrt(k) + 1e-9); // bounded by √(n − 1)
      }
    }
  });

  it('never emits NaN or Infinity at the start, for constants or for extreme values', () => {
    const samples: Sample[] = [
      { x: [0, 1e12, -5], y: 0 },
      { x: [0, 1e12, -5], y: 0 },
      { x: [0, -1e12, -5], y: 1e-300 },
      { x: [1e-300, 0, -5], y: -1e12 },
      { x: [0, 0, 7], y: 3 },
    ];
    for (const method of [zScore(), minMax(), minMax([-1, 1])]) {
      from(samples)
        .pipe(normalize({ method, targets: true }))
        .subscribe((s) => {
          for (const v of [...Array.from(s.x), ...Array.from(s.y as Float64Array)]) {
            expect(Number.isFinite(v)).toBe(true);
          }
        });
    }
  });
});

describe('normalize: state per subscription', () => {
  it('two subscriptions of one operator do not share statistics', () => {
    const op = normalize<Sample>();
    const source = from([A, B, C]);
    const first = collect(source.pipe(op, snaps()));
    const second = collect(source.pipe(op, snaps()));
    expect(first.values).toEqual([a, b, c]);
    expect(second.values).toEqual([a, b, c]);
  });

  it('interleaved subscriptions keep their own statistics', () => {
    const op = normalize<Sample>();
    const left = new Subject<Sample>();
    const right = new Subject<Sample>();
    const l: NormalizedSnapshot[] = [];
    const r: NormalizedSnapshot[] = [];
    left.pipe(op, snaps()).subscribe((s) => l.push(s));
    right.pipe(op, snaps()).subscribe((s) => r.push(s));
    left.next(A);
    right.next({ x: [100, 100] });
    left.next(B);
    right.next({ x: [300, 100] });
    left.next(C);
    expect(l).toEqual([a, b, c]);
    expect(r.map((s) => s.x)).toEqual([
      [0, 0],
      [1, 0], // (300 − 200)/100, as if alone
    ]);
  });

  it('one scaler passed to two subscriptions is shared, as documented', () => {
    const scaler = runningScaler();
    collect(from([A, B]).pipe(normalize({ scaler })));
    const next = collect(from([C]).pipe(normalize({ scaler }), snaps()));
    expect(next.values).toEqual([c]); // C is scaled with what the first subscription learned
    expect(scaler.inputStats?.count).toBe(3);
  });

  it('learn: false scales with the scaler as it is and never changes it (inference)', () => {
    const scaler = runningScaler();
    collect(from([A, B]).pipe(normalize({ scaler })));
    const saved = JSON.stringify(scaler.state());
    const frozen = collect(from([C, C, C]).pipe(normalize({ scaler, learn: false }), snaps()));
    const asLeft = { ...c, x: [0, 3] }; // (2 − 2)/1, (40 − 10)/10: A and B only
    expect(frozen.values).toEqual([asLeft, asLeft, asLeft]); // as the first subscription left it
    expect(JSON.stringify(scaler.state())).toBe(saved);
  });

  it('a private scaler is made per subscription from the options', () => {
    const op = normalize<Sample>({ method: minMax([-1, 1]) });
    const once = collect(from([A, B, C]).pipe(op, snaps()));
    const twice = collect(from([A, B, C]).pipe(op, snaps()));
    expect(twice.values).toEqual(once.values);
    expect(once.values[1].x).toEqual([1, 0]);
  });
});
