// byKey(keyOf, keyedTrain(…)): one model per key in shared slabs — the same learning, step for
// step and bit for bit, as byKey with a pipeline per key, on both backends.
import { from, map, type OperatorFunction, pipe, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  adagrad,
  adam,
  type Backend,
  type ByKeyOptions,
  byKey,
  dense,
  keyedTrain,
  linear,
  type MetricsSnapshot,
  momentum,
  mse,
  nesterov,
  network,
  normalize,
  type Optimizer,
  rmsprop,
  rng,
  rollingMetrics,
  type Sample,
  type Step,
  sgd,
  tanh,
  train,
} from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';
import { collect } from '../operators/snapshot.js';

interface Keyed extends Sample {
  readonly key: string;
}

/** Samples of five keys in a seeded irregular order; key k's target is its own function. */
function keyedSamples(n: number, keys = 5): Keyed[] {
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7 + Math.floor(i / 3)) % keys;
    const x = [Math.sin(i), Math.cos(0.7 * i)];
    return { key: `k${k}`, x, y: [0.5 * Math.sin(x[0] + k) - 0.2 * x[1] * k] };
  });
}

interface Seen {
  key: string | number | undefined;
  seq: number;
  prediction: number[];
  loss: number;
  learningRate: number;
  updated: boolean;
  events: string[];
  params: number[];
}
const seen: OperatorFunction<Step, Seen> = map((s) => ({
  key: s.sample.key,
  seq: s.seq,
  prediction: Array.from(s.prediction),
  loss: s.loss,
  learningRate: s.learningRate,
  updated: s.updated,
  events: s.events.map((e) => e.type),
  params: Array.from(s.network.parameters),
}));

const net = (backend: Backend) => ({
  inputs: 2,
  layers: [dense(5, tanh), dense(1, linear)],
  seed: 3,
  backend,
});

/**
 * The steps (as {@link seen}) of byKey with keyedTrain and of byKey with a pipeline per key
 * (`train` on a network of its own), over the same samples, optimizer, options and byKey
 * options, and the keys each way evicted, in order.
 */
function slabsAndPipelines(
  samples: readonly Keyed[],
  backend: Backend,
  optimizer: () => Optimizer,
  options: { readonly weightDecay?: number; readonly clipValue?: number } = {},
  byKeyOptions: Omit<ByKeyOptions<string>, 'onEvict'> = {},
): { viaSlabs: Seen[]; viaPipelines: Seen[]; evictedSlabs: string[]; evictedPipelines: string[] } {
  const evictedSlabs: string[] = [];
  const evictedPipelines: string[] = [];
  const viaSlabs = collect(
    from(samples).pipe(
      byKey(
        (s) => s.key,
        keyedTrain({ network: net(backend), loss: mse(), optimizer: optimizer(), ...options }),
        { ...byKeyOptions, onEvict: (k) => evictedSlabs.push(k) },
      ),
      seen,
    ),
  ).values;
  const viaPipelines = collect(
    from(samples).pipe(
      byKey(
        (s: Keyed) => s.key,
        () =>
          train<Keyed>(network(net(backend)), { loss: mse(), optimizer: optimizer(), ...options }),
        { ...byKeyOptions, onEvict: (k) => evictedPipelines.push(k) },
      ),
      seen,
    ),
  ).values;
  return { viaSlabs, viaPipelines, evictedSlabs, evictedPipelines };
}

describe.each(BACKENDS)('byKey with keyedTrain on %s', (_name, backend) => {
  it.each([
    ['sgd', () => sgd({ learningRate: 0.1 })],
    ['rmsprop', () => rmsprop({ learningRate: 0.01 })],
    ['adam', () => adam({ learningRate: 0.01 })],
    ['momentum', () => momentum({ learningRate: 0.05, momentum: 0.8 })],
    ['nesterov', () => nesterov({ learningRate: 0.05, momentum: 0.7 })],
    ['adagrad', () => adagrad({ learningRate: 0.05, epsilon: 1e-6 })],
  ] as const)('%s: the steps of byKey with a pipeline per key, bit for bit', (_n, make) => {
    const samples = keyedSamples(300);
    const { viaSlabs, viaPipelines } = slabsAndPipelines(samples, backend, make as () => Optimizer);
    expect(viaSlabs).toHaveLength(300);
    expect(viaSlabs).toEqual(viaPipelines);
    // each key counts its own seq, and the keys really learned
    expect(
      viaSlabs
        .filter((v) => v.key === 'k2')
        .map((v) => v.seq)
        .slice(0, 3),
    ).toEqual([0, 1, 2]);
    const first = viaSlabs.find((v) => v.key === 'k1') as Seen;
    const last = viaSlabs.findLast((v) => v.key === 'k1') as Seen;
    expect(last.loss).toBeLessThan(first.loss);
  });

  it('weight decay and clipping by value (the gradient written out): a pipeline per key, bit for bit', () => {
    const samples = keyedSamples(120);
    const { viaSlabs, viaPipelines } = slabsAndPipelines(
      samples,
      backend,
      () => adam({ learningRate: 0.01 }),
      { weightDecay: 1e-3, clipValue: 0.05 },
    );
    expect(viaSlabs).toEqual(viaPipelines);
    expect(viaSlabs[119].params).not.toEqual(Array.from(network(net(backend)).parameters));
  });

  it('more keys than one chunk of slots (256): each key still learns on its own slot', () => {
    const samples = keyedSamples(1200, 600);
    const { viaSlabs, viaPipelines } = slabsAndPipelines(samples, backend, () =>
      rmsprop({ learningRate: 0.01 }),
    );
    expect(new Set(viaSlabs.map((v) => v.key)).size).toBe(600);
    expect(viaSlabs).toEqual(viaPipelines);
  });

  it('normalize and metrics per key: the snapshots of a pipeline per key, carrying the key', () => {
    const samples = keyedSamples(200).map((s) => ({
      ...s,
      x: Array.from(s.x, (v) => 100 + 50 * v),
    }));
    const clock = new TestScheduler(() => undefined);
    const strip = (m: MetricsSnapshot) => ({
      key: m.key,
      samples: m.samples,
      rmse: m.rmse,
      mae: m.mae,
    });
    const viaSlabs = collect(
      from(samples).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({
            network: net(backend),
            loss: mse(),
            optimizer: rmsprop({ learningRate: 0.01 }),
            normalize: { targets: true },
            metrics: { window: 20, every: 10 },
          }),
          { scheduler: clock },
        ),
        map(strip),
      ),
    ).values;
    const viaPipelines = collect(
      from(samples).pipe(
        byKey(
          (s: Keyed) => s.key,
          () =>
            pipe(
              normalize<Keyed>({ targets: true }),
              train(network(net(backend)), {
                loss: mse(),
                optimizer: rmsprop({ learningRate: 0.01 }),
              }),
              rollingMetrics({ window: 20, every: 10, scheduler: clock }),
            ),
          { scheduler: clock },
        ),
        map(strip),
      ),
    ).values;
    expect(viaSlabs.length).toBeGreaterThan(15);
    expect(viaSlabs).toEqual(viaPipelines);
    expect(new Set(viaSlabs.map((m) => m.key))).toEqual(new Set(['k0', 'k1', 'k2', 'k3', 'k4']));
  });

  it('evicts the least recently used key beyond maxModels; a key seen again starts afresh', () => {
    const evicted: string[] = [];
    const samples: Keyed[] = ['a', 'b', 'a', 'c', 'b', 'a'].map((key, i) => ({
      key,
      x: [i / 6, 1 - i / 6],
      y: [i % 2],
    }));
    const out = collect(
      from(samples).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({ network: net(backend), loss: mse(), optimizer: sgd({ learningRate: 0.5 }) }),
          { maxModels: 2, onEvict: (k) => evicted.push(k) },
        ),
        seen,
      ),
    ).values;
    // a, b, a (a most recent), c evicts b, b evicts a, a evicts c
    expect(evicted).toEqual(['b', 'a', 'c']);
    expect(out.map((v) => [v.key, v.seq])).toEqual([
      ['a', 0],
      ['b', 0],
      ['a', 1],
      ['c', 0],
      ['b', 0],
      ['a', 0],
    ]);
    // a fresh model predicts with the initial weights: b's second life as a new network does
    expect(out[4].prediction).toEqual(Array.from(network(net(backend)).predict(samples[4].x)));
  });

  it.each([1, 3])(
    'runs of one key (not looked up again) with maxModels %i: the steps of a pipeline per key, bit for bit',
    (maxModels) => {
      // each sample one to three times in a row, so that a key repeats, and evictions between
      const samples = keyedSamples(120, 6).flatMap((s, i) => Array(1 + (i % 3)).fill(s) as Keyed[]);
      const { viaSlabs, viaPipelines, evictedSlabs, evictedPipelines } = slabsAndPipelines(
        samples,
        backend,
        () => sgd({ learningRate: 0.1 }),
        {},
        { maxModels },
      );
      expect(viaSlabs).toHaveLength(samples.length);
      expect(viaSlabs).toEqual(viaPipelines);
      expect(evictedSlabs.length).toBeGreaterThan(10);
      expect(evictedSlabs).toEqual(evictedPipelines);
    },
  );

  it('a key evicted as idle and then seen again, next in a row, starts afresh', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ cold, expectObservable }) => {
      const a = { key: 'a', x: [1, 0], y: [1] };
      const out = cold<Keyed>('a 1ms a 20ms a |', { a }).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({ network: net(backend), loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
          { idleMs: 10, scheduler: ts },
        ),
        map((step) => `${step.sample.key}:${step.seq}`),
      );
      expectObservable(out).toBe('x 1ms y 20ms z |', { x: 'a:0', y: 'a:1', z: 'a:0' });
    });
  });

  it('keeps least-recently-used order exactly over many keys and samples (eviction and completion)', () => {
    // 60 keys at random (runs of one key included) through 40 models: thousands of uses, so
    // the recency log fills and is compacted many times; the order must stay a plain LRU's.
    const random = rng(5);
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const key = `k${Math.floor(random.next() * 60)}`;
      const repeat = random.next() < 0.2 ? 3 : 1;
      for (let r = 0; r < repeat; r++) keys.push(key);
    }
    const lru = new Map<string, true>();
    const expectedEvicted: string[] = [];
    for (const key of keys) {
      if (lru.has(key)) lru.delete(key);
      else if (lru.size >= 40) {
        const oldest = lru.keys().next().value as string;
        lru.delete(oldest);
        expectedEvicted.push(oldest);
      }
      lru.set(key, true);
    }
    const evicted: string[] = [];
    const snapshots = collect(
      from(keys.map((key, i): Keyed => ({ key, x: [i % 7, 1], y: [0] }))).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({
            network: net(backend),
            loss: mse(),
            optimizer: sgd({ learningRate: 0.01 }),
            metrics: { window: 5, every: 1e9 },
          }),
          { maxModels: 40, onEvict: (k) => evicted.push(k) },
        ),
        map((m) => m.key),
      ),
    ).values;
    expect(evicted.length).toBeGreaterThan(1000);
    expect(evicted).toEqual(expectedEvicted);
    // every key's last snapshot: each evicted one as it goes, then the held ones, LRU first
    expect(snapshots).toEqual([...expectedEvicted, ...lru.keys()]);
  });

  it('evicts keys idle for idleMs, in virtual time, flushing their last snapshot', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const evicted: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const values = {
        a: { key: 'a', x: [1, 0], y: [1] },
        b: { key: 'b', x: [0, 1], y: [0] },
      };
      const out = cold<Keyed>('a 5ms b 5ms b 20ms |', values).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({
            network: net(backend),
            loss: mse(),
            optimizer: sgd({ learningRate: 0.1 }),
            metrics: { window: 10, every: 100 },
          }),
          { idleMs: 10, scheduler: ts, onEvict: (k) => evicted.push(k) },
        ),
        map((m) => `${m.key}:${m.samples}`),
      );
      // a (last seen at 0) is swept at 10 ms with its one sample; b (last seen at 12) at 30 ms
      expectObservable(out).toBe('10ms x 19ms y 2ms |', { x: 'a:1', y: 'b:2' });
    });
    expect(evicted).toEqual(['a', 'b']);
  });

  it('cuts the learning rate of the key whose gradient exploded, not of the others', () => {
    const samples: Keyed[] = [
      { key: 'calm', x: [0.1, 0.2], y: [0.1] },
      { key: 'wild', x: [1, 1], y: [1e9] },
      { key: 'calm', x: [0.2, 0.1], y: [0.2] },
      { key: 'wild', x: [1, 0], y: [0.5] },
    ];
    const out = collect(
      from(samples).pipe(
        byKey(
          (s) => s.key,
          keyedTrain({ network: net(backend), loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
        ),
        seen,
      ),
    ).values;
    expect(out[1].events).toEqual(['diverged']);
    expect(out.map((v) => v.learningRate)).toEqual([0.1, 0.1, 0.1, 0.05]);
  });
});

describe('keyedTrain: arguments', () => {
  const base = { network: net(BACKENDS[0][1]), loss: mse() };
  it('refuses an optimizer of one’s own, a batch, and wrong network options, at once', () => {
    const own = {
      name: 'mine',
      learningRate: 0.1,
      step() {},
      reset() {},
      state: () => sgd().state(),
      restore() {},
    };
    expect(() => keyedTrain({ ...base, optimizer: own })).toThrow(
      /keyedTrain: optimizer must be a built-in optimizer/,
    );
    expect(() => keyedTrain({ ...base, batchSize: 4 })).toThrow(
      'keyedTrain: batchSize must be 1 (one sample at a time per key), got 4',
    );
    expect(() =>
      keyedTrain({ ...base, network: { inputs: 0, layers: [dense(1, linear)] } }),
    ).toThrow(/network: inputs must be a positive integer/);
    expect(() =>
      byKey((s: Keyed) => s.key, { kind: 'other' } as unknown as ReturnType<typeof keyedTrain>),
    ).toThrow(/byKey: makeModel must be a function or a keyedTrain/);
  });

  it('the optimizer given is a template: its own state never moves', async () => {
    const optimizer = adam({ learningRate: 0.01 });
    await collect(
      from(keyedSamples(20)).pipe(
        byKey((s) => s.key, keyedTrain({ ...base, optimizer })),
        toArray(),
      ),
    );
    expect(optimizer.state().steps).toBe(0);
  });
});
