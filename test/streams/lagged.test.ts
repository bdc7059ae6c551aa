// lagged(k, { horizon }): argument checks, marbles, the windows per key, bad readings.
import { from, last, map, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  type MetricsSnapshot,
  mse,
  network,
  normalize,
  rmsprop,
  rollingMetrics,
  type Sample,
  SampleError,
  tanh,
  train,
} from '../../src/index.js';
import { type LaggedInput, type LaggedOptions, lagged } from '../../streams/index.js';
import { Lagger } from '../../streams/lagged.js';
import { collect, testScheduler } from '../operators/snapshot.js';

type Item = number | LaggedInput;

/** Runs `items` through `lagged(k, options)` synchronously and returns what came out. */
function run(items: readonly unknown[], k: number, options?: LaggedOptions): Sample[] {
  const outcome = collect(from(items as Item[]).pipe(lagged(k, options)));
  expect(outcome.error).toBeUndefined();
  expect(outcome.completed).toBe(true);
  return outcome.values;
}

/**
 * The definition written out: for each position j ≥ k + horizon − 1 of `series`, the sample
 * x = series[j − horizon − k + 1 … j − horizon], y = series[j].
 */
function byDefinition(series: readonly number[], k: number, horizon: number): Sample[] {
  const out: Sample[] = [];
  for (let j = k + horizon - 1; j < series.length; j++) {
    out.push({ x: series.slice(j - horizon - k + 1, j - horizon + 1), y: series[j] });
  }
  return out;
}

describe('lagged: argument checks at call time', () => {
  const kCases: [string, unknown][] = [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '3'],
    ['undefined', undefined],
  ];
  for (const [name, k] of kCases) {
    it(`throws naming lagged for k ${name} (a TypeError when not a number)`, () => {
      expect(() => lagged(k as number)).toThrow(typeof k === 'number' ? RangeError : TypeError);
      expect(() => lagged(k as number)).toThrow(/^lagged: k must be a positive integer, got /);
    });
  }

  it('names the value it got', () => {
    expect(() => lagged(0)).toThrow('lagged: k must be a positive integer, got 0');
    expect(() => lagged('3' as unknown as number)).toThrow(
      'lagged: k must be a positive integer, got "3"',
    );
    expect(() => lagged(2, { horizon: 0 })).toThrow(
      'lagged: horizon must be a positive integer, got 0',
    );
  });

  const horizonCases: [string, unknown][] = [
    ['0', 0],
    ['-2', -2],
    ['2.5', 2.5],
    ['NaN', Number.NaN],
    ['a string', '1'],
    ['null', null],
  ];
  for (const [name, horizon] of horizonCases) {
    it(`throws naming lagged for horizon ${name} (a TypeError when not a number)`, () => {
      const options = { horizon } as unknown as LaggedOptions;
      expect(() => lagged(3, options)).toThrow(
        typeof horizon === 'number' ? RangeError : TypeError,
      );
      expect(() => lagged(3, options)).toThrow(/^lagged: horizon must be a positive integer/);
    });
  }

  it('throws a TypeError for options that are not an object', () => {
    expect(() => lagged(3, null as unknown as LaggedOptions)).toThrow(TypeError);
    expect(() => lagged(3, 2 as unknown as LaggedOptions)).toThrow(
      'lagged: options must be an object { horizon? }, got 2',
    );
  });

  it('accepts k and horizon of 1, and no options', () => {
    expect(typeof lagged(1)).toBe('function');
    expect(typeof lagged(1, { horizon: 1 })).toBe('function');
    expect(typeof lagged(4, {})).toBe('function');
  });

  it('does no work before a subscription', () => {
    const source = new Subject<Item>();
    source.pipe(lagged(2));
    expect(source.observed).toBe(false);
  });
});

describe('lagged: marbles', () => {
  // lagged(2): the first two readings fill the window; then c → [1, 2] → 3, d → [2, 3] → 4.
  const readings = { a: 1, b: 2, c: 3, d: 4 };
  const samples = { c: { x: [1, 2], y: 3 }, d: { x: [2, 3], y: 4 } };

  it('empty source: completes at once without emitting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('|');
      expectObservable(src.pipe(lagged(2))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one reading: only fills the window', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('a|', readings);
      expectObservable(src.pipe(lagged(2))).toBe('-|');
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('one reading with k = 1 has no sample either: its target is the next reading', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Item>('a|', readings).pipe(lagged(1))).toBe('-|');
      expectObservable(cold<Item>('a-b|', readings).pipe(lagged(1))).toBe('--b|', {
        b: { x: [1], y: 2 },
      });
    });
  });

  it('many readings: one sample per reading once the window is full', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('a-b-c-d|', readings);
      expectObservable(src.pipe(lagged(2))).toBe('----c-d|', samples);
      expectSubscriptions(src.subscriptions).toBe('^------!');
    });
  });

  it('a source error passes through after the samples before it', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('a-b-c-#', readings, boom);
      expectObservable(src.pipe(lagged(2))).toBe('----c-#', samples, boom);
      expectSubscriptions(src.subscriptions).toBe('^-----!');
    });
  });

  it('an error before the window is full passes through without a sample', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Item>('a#', readings, boom).pipe(lagged(2))).toBe('-#', {}, boom);
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('a-b-c-d-', readings);
      expectObservable(src.pipe(lagged(2))).toBe('----c-d-', samples);
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe stops the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Item>('a-b-c-d|', readings);
      expectObservable(src.pipe(lagged(2)), '^----!').toBe('----c', samples);
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('two subscriptions of one cold source each fill their own window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const windowed = cold<Item>('a-b-c-d|', readings).pipe(lagged(2));
      expectObservable(windowed).toBe('----c-d|', samples);
      expectObservable(windowed, '--^').toBe('------c-d|', samples);
    });
  });

  it('an endless synchronous source stops when a downstream take has what it needs', () => {
    let pulled = 0;
    function* naturals(): Generator<number> {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const outcome = collect(from(naturals()).pipe(lagged(1), take(2), toArray()));
    expect(outcome.values).toEqual([
      [
        { x: [0], y: 1 },
        { x: [1], y: 2 },
      ],
    ]);
    expect(pulled).toBe(3);
  });
});

describe('lagged: windows', () => {
  it('x holds the k readings before the target, oldest first', () => {
    expect(run([1, 2, 3, 4, 5], 3)).toEqual([
      { x: [1, 2, 3], y: 4 },
      { x: [2, 3, 4], y: 5 },
    ]);
  });

  it('horizon 3: the target is three steps after the last input', () => {
    // k = 2, horizon = 3: the reading at position 4 (value 50) is forecast from positions 0, 1.
    expect(run([10, 20, 30, 40, 50, 60, 70], 2, { horizon: 3 })).toEqual([
      { x: [10, 20], y: 50 },
      { x: [20, 30], y: 60 },
      { x: [30, 40], y: 70 },
    ]);
  });

  it('matches the definition for every k and horizon up to 5 on a long series', () => {
    const series = Array.from({ length: 40 }, (_, i) => Math.round(100 * Math.sin(i * 1.3)));
    for (let k = 1; k <= 5; k++) {
      for (let horizon = 1; horizon <= 5; horizon++) {
        expect(run(series, k, { horizon }), `k ${k} horizon ${horizon}`).toEqual(
          byDefinition(series, k, horizon),
        );
      }
    }
  });

  it('the target reading gives the sample its t, key and id; absent fields stay absent', () => {
    const out = run(
      [
        { value: 1, t: 100, id: 'r1' },
        { value: 2, t: 200, id: 'r2' },
        { value: 3, t: 300, id: 'r3' },
        { value: 4 },
      ],
      2,
    );
    expect(out[0]).toStrictEqual({ x: [1, 2], y: 3, t: 300, id: 'r3' });
    expect(out[1]).toStrictEqual({ x: [2, 3], y: 4 });
    expect(run([5, 6], 1)[0]).toStrictEqual({ x: [5], y: 6 });
    const keyed = run(
      [
        { value: 1, key: 7 },
        { value: 2, key: 7, t: 0, id: 0 },
      ],
      1,
    );
    expect(keyed).toStrictEqual([{ x: [1], y: 2, key: 7, t: 0, id: 0 }]);
  });

  it('bare numbers and readings without a key form one series', () => {
    expect(run([1, { value: 2 }, 3], 2)).toEqual([{ x: [1, 2], y: 3 }]);
  });

  it('interleaved keys: each series is windowed from its own past only', () => {
    const a = [1, 2, 3, 4, 5, 6, 7];
    const b = [100, 200, 300, 400, 500];
    const c = [-1, -2, -3];
    // An irregular interleaving: a a b a c b b a c a b c a b a.
    const order = 'aabacbbacabcaba';
    const next = { a: 0, b: 0, c: 0 };
    const series = { a, b, c };
    const items: LaggedInput[] = [];
    for (const name of order as Iterable<'a' | 'b' | 'c'>) {
      items.push({ value: series[name][next[name]++], key: name });
    }
    for (const horizon of [1, 2]) {
      const out = run(items, 2, { horizon });
      for (const name of ['a', 'b', 'c'] as const) {
        const expected = byDefinition(series[name], 2, horizon).map((s) => ({ ...s, key: name }));
        expect(out.filter((s) => s.key === name)).toEqual(expected);
      }
      // and each sample comes out when its target arrives, in the stream's order
      const keysOut = out.map((s) => s.key).join('');
      const targets = items
        .map((item, i) => ({ item, i }))
        .filter(({ item, i }) => {
          const before = items.slice(0, i).filter((o) => o.key === item.key).length;
          return before >= 2 + horizon - 1;
        })
        .map(({ item }) => item.key)
        .join('');
      expect(keysOut).toBe(targets);
    }
  });

  it('keys 1 and "1" are different series', () => {
    const out = run(
      [
        { value: 1, key: 1 },
        { value: 10, key: '1' },
        { value: 2, key: 1 },
        { value: 20, key: '1' },
      ],
      1,
    );
    expect(out).toEqual([
      { x: [1], y: 2, key: 1 },
      { x: [10], y: 20, key: '1' },
    ]);
  });

  it('each sample is a new object with its own x, safe to keep', () => {
    const out = run([1, 2, 3, 4, 5], 2);
    expect(out).toHaveLength(3);
    expect(new Set(out).size).toBe(3);
    expect(new Set(out.map((s) => s.x)).size).toBe(3);
    (out[0].x as number[])[0] = 99; // a consumer writing into a sample affects no other one
    expect(out[1]).toEqual({ x: [2, 3], y: 4 });
  });

  it('never mutates the readings', () => {
    const items = [1, 2, 3, Number.NaN, 4, 5].map((value, i) =>
      Object.freeze({ value, t: i, key: 'k', id: i }),
    );
    const copies = items.map((o) => ({ ...o }));
    expect(() => run(items, 2)).not.toThrow();
    expect(items).toEqual(copies);
  });

  it('two subscriptions never share windows', () => {
    const op = lagged(1);
    const s1 = new Subject<Item>();
    const s2 = new Subject<Item>();
    const got1: Sample[] = [];
    const got2: Sample[] = [];
    s1.pipe(op).subscribe((s) => got1.push(s));
    s2.pipe(op).subscribe((s) => got2.push(s));
    s1.next(1);
    s2.next(10);
    s1.next(2);
    s2.next(20);
    s1.next(3);
    expect(got1).toEqual([
      { x: [1], y: 2 },
      { x: [2], y: 3 },
    ]);
    expect(got2).toEqual([{ x: [10], y: 20 }]);
  });
});

describe('lagged: bad readings', () => {
  const badValues: [string, unknown][] = [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a string', '4'],
    ['undefined', undefined],
    ['null', null],
  ];

  for (const [name, bad] of badValues) {
    it(`a reading of ${name} makes one unusable sample and leaves the window as it was`, () => {
      const out = run([1, 2, 3, { value: bad, t: 9, key: 'k', id: 'bad' }, 4, 5], 2);
      expect(out).toHaveLength(4);
      expect(out[0]).toEqual({ x: [1, 2], y: 3 });
      expect(out[1]).toStrictEqual({ x: [bad, bad], y: bad, t: 9, key: 'k', id: 'bad' });
      // the bad reading was never in a window: 4 is forecast from 2, 3 and 5 from 3, 4
      expect(out[2]).toEqual({ x: [2, 3], y: 4 });
      expect(out[3]).toEqual({ x: [3, 4], y: 5 });
    });
  }

  it('items that are neither numbers nor readings are bad readings too', () => {
    const items: [unknown, unknown][] = [
      [null, null],
      ['7', '7'],
      [true, true],
      [{ t: 1 }, undefined], // no value
    ];
    for (const [item, value] of items) {
      const out = run([1, item, 2, 3], 1);
      expect(out).toHaveLength(3);
      expect(Array.from(out[0].x)).toEqual([value]);
      expect(out.slice(1)).toEqual([
        { x: [1], y: 2 },
        { x: [2], y: 3 },
      ]);
    }
  });

  it('a bad reading during warm-up still makes exactly one sample, of length k', () => {
    const out = run([Number.NaN, 1, 2, Number.NaN, 3], 2);
    expect(out.map((s) => Array.from(s.x))).toEqual([
      [Number.NaN, Number.NaN],
      [Number.NaN, Number.NaN],
      [1, 2],
    ]);
    expect(out[2].y).toBe(3);
  });

  it('a bad reading of one key leaves the other keys alone', () => {
    const out = run(
      [
        { value: 1, key: 'a' },
        { value: 10, key: 'b' },
        { value: Number.NaN, key: 'a' },
        { value: 20, key: 'b' },
        { value: 2, key: 'a' },
      ],
      1,
    );
    expect(out).toEqual([
      { x: [Number.NaN], y: Number.NaN, key: 'a' },
      { x: [10], y: 20, key: 'b' },
      { x: [1], y: 2, key: 'a' },
    ]);
  });

  /** A series with bad readings at known places, and the same series without them. */
  function seriesWithGaps(): { dirty: unknown[]; clean: number[]; bad: number } {
    const clean = Array.from({ length: 600 }, (_, i) => 20 + 5 * Math.sin(i / 8) + (i % 7) / 10);
    const dirty: unknown[] = [...clean];
    const inserts: [number, unknown][] = [
      [400, 'n/a'],
      [300, Number.POSITIVE_INFINITY],
      [150, Number.NaN],
      [3, Number.NaN], // during warm-up
    ];
    for (const [at, value] of inserts) dirty.splice(at, 0, value);
    return { dirty, clean, bad: inserts.length };
  }

  function learner() {
    const net = network({ inputs: 4, layers: [dense(6, tanh), dense(1, linear)], seed: 3 });
    return {
      net,
      pipeline: train(net, {
        loss: mse(),
        optimizer: rmsprop({ learningRate: 0.01 }),
        onInvalid: 'skip',
      }),
    };
  }

  it('downstream, each bad reading is one counted rejection and learning is as without it', () => {
    const { dirty, clean, bad } = seriesWithGaps();
    const dirtyRun = learner();
    const final = collect(
      from(dirty as Item[]).pipe(
        lagged(4),
        normalize({ targets: true }),
        dirtyRun.pipeline,
        rollingMetrics({ window: 100 }),
        last(),
      ),
    );
    expect(final.error).toBeUndefined();
    const m = final.values[0] as MetricsSnapshot;
    expect(m.rejected).toBe(bad);
    expect(m.rejectedByReason.nonFinite).toBe(3);
    expect(m.rejectedByReason.notNumber).toBe(1);
    // every clean reading after the first 4 was a scored sample
    expect(m.total.count).toBe(clean.length - 4);

    const cleanRun = learner();
    const cleanFinal = collect(
      from(clean).pipe(lagged(4), normalize({ targets: true }), cleanRun.pipeline, toArray()),
    );
    expect(cleanFinal.error).toBeUndefined();
    // the bad readings changed nothing the network learned, bit for bit
    expect(Array.from(dirtyRun.net.parameters)).toEqual(Array.from(cleanRun.net.parameters));
  });

  it('without onInvalid, train fails the stream with a SampleError naming x[0] and the value', () => {
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
    const outcome = collect(
      from([1, 2, 3, Number.NaN, 4] as Item[]).pipe(
        lagged(2),
        train(net, { loss: mse() }),
        map((s) => s.seq),
      ),
    );
    expect(outcome.values).toEqual([0]);
    expect(outcome.error).toBeInstanceOf(SampleError);
    expect((outcome.error as SampleError).message).toBe(
      'forward: sample 1: x[0] must be a finite number, got NaN',
    );
  });
});

describe('Lagger: the windows of lagged, saved and restored', () => {
  const readings = Array.from({ length: 40 }, (_, i) => ({
    value: i % 11 === 5 ? Number.NaN : Math.sin(i),
    key: i % 3 === 0 ? undefined : i % 3 === 1 ? 'a' : 1,
  }));
  it('restored at any point, makes the samples of the lagger never stopped', () => {
    const whole = new Lagger(3, 2);
    const expected = readings.map((r) => whole.next(r));
    for (const cut of [0, 2, 7, 25]) {
      const first = new Lagger(3, 2);
      for (const r of readings.slice(0, cut)) first.next(r);
      const resumed = new Lagger(3, 2);
      resumed.restore(JSON.parse(JSON.stringify(first.state())));
      expect(resumed.state()).toEqual(first.state());
      expect(readings.slice(cut).map((r) => resumed.next(r))).toEqual(expected.slice(cut));
      expect(resumed.readings).toBe(40 - cut);
    }
    // Windows of k + horizon − 1 = 4 readings; the NaN readings (27 and 38) left out.
    const sines = (...at: number[]) => at.map((i) => Math.sin(i));
    expect(whole.state()).toEqual([
      { values: sines(30, 33, 36, 39) },
      { key: 'a', values: sines(28, 31, 34, 37) },
      { key: 1, values: sines(26, 29, 32, 35) },
    ]);
  });

  it('refuses windows that do not fit, naming the field, and keeps its own', () => {
    const lagger = new Lagger(2, 1);
    lagger.next(1);
    expect(() => lagger.restore([{ values: [1, 2, 3] }])).toThrow(
      'Lagger.restore: [0].values: has 3 readings, a window holds 2',
    );
    expect(() =>
      lagger.restore([{ key: true, values: [] }], 'run.ckpt', ['source', 'windows']),
    ).toThrow(/^run\.ckpt: source\.windows\[0\]\.key: /);
    expect(lagger.state()).toEqual([{ values: [1] }]);
  });
});
