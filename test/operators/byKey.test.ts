import {
  count,
  firstValueFrom,
  from,
  map,
  type OperatorFunction,
  pipe,
  scan,
  throwError,
  toArray,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { byKey, dense, linear, mse, network, rollingMetrics, sgd, train } from '../../src/index.js';

interface Item {
  readonly key: string;
  readonly v: number;
}

const scheduler = () =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

/** A model that keeps, per key, a running sum of the values it saw. */
const runningSum = (key: string): OperatorFunction<Item, string> =>
  pipe(
    scan((sum, item) => sum + item.v, 0),
    map((sum) => `${key}${sum}`),
  );

const values = {
  a: { key: 'a', v: 1 },
  b: { key: 'b', v: 10 },
  c: { key: 'c', v: 100 },
  A: { key: 'a', v: 2 },
} satisfies Record<string, Item>;

describe('byKey: routing and merging (marbles)', () => {
  it('empty source: completes at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Item>('|').pipe(byKey((s) => s.key, runningSum))).toBe('|');
    });
  });

  it('one sample', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a|', values).pipe(byKey((s) => s.key, runningSum));
      expectObservable(out).toBe('x|', { x: 'a1' });
    });
  });

  it('many samples: each key has its own state', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-A-b|', values).pipe(byKey((s) => s.key, runningSum));
      expectObservable(out).toBe('w-x-y-z|', { w: 'a1', x: 'b10', y: 'a3', z: 'b20' });
    });
  });

  it('a source error passes through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-#', values, new Error('boom')).pipe(
        byKey((s) => s.key, runningSum),
      );
      expectObservable(out).toBe('x-#', { x: 'a1' }, new Error('boom'));
    });
  });

  it('a never-ending source: values, no completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-', values).pipe(byKey((s) => s.key, runningSum));
      expectObservable(out).toBe('x-y-', { x: 'a1', y: 'b10' });
    });
  });

  it('early unsubscribe unsubscribes the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Item>('a-b-A-b|', values);
      expectObservable(source.pipe(byKey((s) => s.key, runningSum)), '^--!').toBe('x-y', {
        x: 'a1',
        y: 'b10',
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('an error in one model fails the stream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-|', values).pipe(
        byKey(
          (s) => s.key,
          (key) =>
            key === 'b' ? () => throwError(() => new Error('model b broke')) : runningSum(key),
        ),
      );
      expectObservable(out).toBe('x-#', { x: 'a1' }, new Error('model b broke'));
    });
  });

  it('a throwing keyOf fails the stream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b|', values).pipe(
        byKey((s) => {
          if (s.key === 'b') throw new Error('no key');
          return s.key;
        }, runningSum),
      );
      expectObservable(out).toBe('x-#', { x: 'a1' }, new Error('no key'));
    });
  });

  it('completes after every model has flushed what it emits on completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-A|', values).pipe(
        byKey(
          (s) => s.key,
          (key) =>
            pipe(
              count(),
              map((n) => `${key}:${n}`),
            ),
        ),
      );
      // Models complete least recently used first: b (last seen at 2), then a (at 4).
      expectObservable(out).toBe('-----(yx|)', { x: 'a:2', y: 'b:1' });
    });
  });
});

describe('byKey: eviction', () => {
  it('evicts the least recently used model beyond maxModels, flushing it first', () => {
    const evicted: string[] = [];
    const made: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-A-c-a|', values).pipe(
        byKey(
          (s) => s.key,
          (key) => {
            made.push(key);
            return pipe(
              count(),
              map((n) => `${key}:${n}`),
            );
          },
          { maxModels: 2, onEvict: (k) => evicted.push(k) },
        ),
      );
      // a, b, a again (a is now the most recent), c evicts b (the least recent) and b flushes
      // its count at once; the last a reuses its model; at the end c completes before a.
      expectObservable(out).toBe('------x--(zy|)', { x: 'b:1', y: 'a:3', z: 'c:1' });
    });
    expect(evicted).toEqual(['b']);
    expect(made).toEqual(['a', 'b', 'c']);
  });

  it('a key seen again after eviction gets a fresh model', () => {
    const ts = scheduler();
    const made: string[] = [];
    const evicted: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const out = cold<Item>('a-b-a|', values).pipe(
        byKey(
          (s) => s.key,
          (key) => {
            made.push(key);
            return runningSum(key);
          },
          { maxModels: 1, onEvict: (k) => evicted.push(k) },
        ),
      );
      expectObservable(out).toBe('x-y-z|', { x: 'a1', y: 'b10', z: 'a1' });
    });
    expect(made).toEqual(['a', 'b', 'a']);
    expect(evicted).toEqual(['a', 'b']);
  });

  it('evicts models idle for idleMs, in virtual time', () => {
    const ts = scheduler();
    const evicted: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const out = cold<Item>('a 5ms b 5ms b 20ms |', values).pipe(
        byKey((s) => s.key, runningSum, {
          idleMs: 10,
          scheduler: ts,
          onEvict: (k) => evicted.push(k),
        }),
      );
      expectObservable(out).toBe('x 5ms y 5ms z 20ms |', { x: 'a1', y: 'b10', z: 'b20' });
    });
    // a was last seen at 0 ms: the sweep at 20 ms finds it idle; b (last seen at 12 ms) is
    // evicted by the sweep at 30 ms.
    expect(evicted).toEqual(['a', 'b']);
  });

  it('validates its arguments at once', () => {
    expect(() => byKey('key' as unknown as (s: Item) => string, runningSum)).toThrow(
      /byKey: keyOf must be a function, got "key"/,
    );
    expect(() => byKey((s: Item) => s.key, {} as unknown as typeof runningSum)).toThrow(
      /makeModel must be a function/,
    );
    expect(() => byKey((s: Item) => s.key, runningSum, { maxModels: 0 })).toThrow(/maxModels/);
    expect(() => byKey((s: Item) => s.key, runningSum, { idleMs: -1 })).toThrow(/idleMs/);
  });
});

describe('byKey with training', () => {
  it('learns one network per key, each from its own samples only', async () => {
    const nets = new Map<string, ReturnType<typeof network>>();
    const samples = Array.from({ length: 400 }, (_, i) => ({
      key: i % 2 ? 'up' : 'down',
      x: [((i * 7) % 10) / 10],
      y: i % 2 ? 1 : -1,
    }));
    const losses = await firstValueFrom(
      from(samples).pipe(
        byKey(
          (s) => s.key,
          (key) => {
            const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
            nets.set(key, net);
            return pipe(
              train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.2 }) }),
              map((step) => ({ key, loss: step.loss })),
            );
          },
        ),
        toArray(),
      ),
    );
    expect(losses).toHaveLength(400);
    expect(nets.get('up')?.predict([0.5])[0]).toBeCloseTo(1, 2);
    expect(nets.get('down')?.predict([0.5])[0]).toBeCloseTo(-1, 2);
  });

  it('gives every key its own rolling metrics, and the snapshots carry the key', async () => {
    const samples = Array.from({ length: 60 }, (_, i) => ({
      key: i % 3 === 0 ? 'north' : 'south',
      x: [i % 5],
      y: i % 3 === 0 ? 100 : 1,
    }));
    const snapshots = await firstValueFrom(
      from(samples).pipe(
        byKey(
          (s) => s.key,
          () =>
            pipe(
              train(network({ inputs: 1, layers: [dense(1, linear)], seed: 1 }), {
                loss: mse(),
                optimizer: sgd({ learningRate: 0 }),
              }),
              rollingMetrics({ window: 100, every: 1000 }),
            ),
        ),
        toArray(),
      ),
    );
    // Rate 0: the neuron never learns, so each key's final snapshot counts its own samples only
    // (20 north, 40 south); the model that saw its last sample first completes first.
    expect(snapshots.map((m) => [m.key, m.count])).toEqual([
      ['north', 20],
      ['south', 40],
    ]);
  });
});
