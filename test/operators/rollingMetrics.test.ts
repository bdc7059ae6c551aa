// rollingMetrics: hand-computed snapshots through the operator, and its timing in virtual time.
// The identity networks below predict exactly their input (weights 1, biases 0), so a sample
// { x: [o], y: a } scripts the pair (output o, actual a) and the residual r = a − o.
import { from, map, Observable, type OperatorFunction, Subject, tap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  dense,
  forward,
  linear,
  loss,
  type MetricsSnapshot,
  mse,
  type Network,
  network,
  rollingMetrics,
  type Sample,
  type Step,
  type StepEvent,
  sgd,
  train,
} from '../../src/index.js';
import { collect, errorOf, testScheduler } from './snapshot.js';

/** A linear m → m network that predicts its input exactly. */
function identityNet(m = 1): Network {
  const net = network({ inputs: m, layers: [dense(m, linear)], seed: 1 });
  net.layers[0].weights.set(Array.from({ length: m * m }, (_, i) => (i % (m + 1) === 0 ? 1 : 0)));
  net.layers[0].biases.fill(0);
  return net;
}

const pair = (o: number, a: number, key?: string): Sample => ({ x: [o], y: a, key });

/** Every number rounded to 10 decimals, recursively (undefined stays undefined). */
function rounded<T>(value: T): T {
  if (typeof value === 'number') {
    return (Number.isFinite(value) ? Math.round(value * 1e10) / 1e10 + 0 : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  }
  return value;
}

const noRejections = {
  notObject: 0,
  length: 0,
  notNumber: 0,
  nonFinite: 0,
  outOfRange: 0,
  missingTarget: 0,
  malformed: 0,
  tooLarge: 0,
};

/** The fields the timing tests look at. */
interface Brief {
  seq: number;
  t: number;
  samples: number;
  count: number;
  mse: number | undefined;
}
const brief = (m: MetricsSnapshot): Brief => ({
  seq: m.seq,
  t: m.t,
  samples: m.samples,
  count: m.count,
  mse: m.mse,
});

/** forward(identityNet) → rollingMetrics(options) → brief. */
function metricsOf(options: Parameters<typeof rollingMetrics>[0]): OperatorFunction<Sample, Brief> {
  const net = identityNet();
  return (s: Observable<Sample>) => s.pipe(forward(net), rollingMetrics(options), map(brief));
}

describe('rollingMetrics: argument checks at call time', () => {
  it.each([
    [{ window: 0 }, 'rollingMetrics: window must be a positive integer, got 0'],
    [{ window: 2.5 }, 'rollingMetrics: window must be a positive integer, got 2.5'],
    [{ every: 0 }, 'rollingMetrics: every must be a positive integer, got 0'],
    [{ every: '2' }, 'rollingMetrics: every must be a positive integer, got "2"'],
    [{ everyMs: -1 }, 'rollingMetrics: everyMs must be a finite number > 0, got -1'],
    [
      { everyMs: Number.POSITIVE_INFINITY },
      'rollingMetrics: everyMs must be a finite number > 0, got Infinity',
    ],
    [{ alpha: 0 }, 'rollingMetrics: alpha must be a finite number in (0, 1], got 0'],
    [{ alpha: 1.5 }, 'rollingMetrics: alpha must be a finite number in (0, 1], got 1.5'],
  ])('%o throws, naming the option', (options, message) => {
    expect(() => rollingMetrics(options as never)).toThrow(message);
    // a value of the wrong type is a TypeError, one out of range a RangeError
    const type = Object.values(options).some((v) => typeof v !== 'number') ? TypeError : RangeError;
    expect(() => rollingMetrics(options as never)).toThrow(type);
  });

  it('options that are not an object, or a scheduler that is not one, throw a TypeError', () => {
    expect(() => rollingMetrics(null as never)).toThrow(TypeError);
    expect(() => rollingMetrics({ scheduler: {} as never })).toThrow(
      new TypeError(
        'rollingMetrics: scheduler must be an RxJS scheduler such as asyncScheduler, got an object',
      ),
    );
  });

  it('fails the stream, naming itself, when a value is not a step', () => {
    const outcome = collect(from([1]).pipe(rollingMetrics() as never));
    expect(errorOf(outcome)).toBeInstanceOf(TypeError);
    expect(errorOf(outcome).message).toBe(
      'rollingMetrics: expected the steps of forward(net) or train(net, …); put rollingMetrics after them',
    );
  });

  it('fails the stream when the number of outputs changes', () => {
    const one = from([pair(1, 1)]).pipe(forward(identityNet(1)));
    const two = from([{ x: [1, 2], y: [1, 2] }]).pipe(forward(identityNet(2)));
    const outcome = collect(
      new Observable<Step>((s) => {
        one.subscribe((v) => s.next(v));
        two.subscribe((v) => s.next(v));
        s.complete();
      }).pipe(rollingMetrics()),
    );
    expect(errorOf(outcome).message).toBe(
      'rollingMetrics: sample 0: the step has 2 outputs, the earlier ones 1; use one rollingMetrics per network',
    );
  });
});

describe('rollingMetrics: hand-computed snapshots', () => {
  it('window, EWMA and total of a regression sequence (window 3, α = 0.5)', () => {
    // (output, actual) → r:  s1 (1, 2) → 1;  s2 (1, 4) → 3;  s3 (6, 6) → 0;  s4 (6, 4) → −2.
    // Window (s2, s3, s4): mse = (9 + 0 + 4)/3 = 13/3, mae = 5/3; actuals 4, 6, 4 have mean 14/3
    //   and SS_tot = 8/3, so R² = 1 − 13/(8/3) = −31/8.
    // EWMA (seeded with s1): r² 1 → 5 → 2.5 → 3.25; |r| 1 → 2 → 1 → 1.5; target variance
    //   v ← (1 − α)(v + α d²): 0 → 1 → 2.75 → 1.4375, so R² = 1 − 3.25/1.4375 = −29/23.
    // Total: mse = 14/4, mae = 6/4; actuals 2, 4, 6, 4 (mean 4, SS_tot 8): R² = 1 − 14/8.
    // Targets 2, 4, 6 are no classes and no probabilities: accuracy and log-loss undefined.
    // Time: one sample every 2 ms from 0, snapshot on the 4th (every 4) at 6 ms: 4 samples in
    // 6 ms since the subscription = 666.67 samples/s. No update ran: no learning rate.
    const expected: MetricsSnapshot = {
      seq: 3,
      t: 6,
      key: 'sensor-1',
      samples: 4,
      count: 3,
      mse: 13 / 3,
      rmse: Math.sqrt(13 / 3),
      mae: 5 / 3,
      r2: -31 / 8,
      accuracy: undefined,
      logLoss: undefined,
      learningRate: undefined,
      samplesPerSecond: 4000 / 6,
      rejected: 0,
      rejectedByReason: noRejections,
      drifts: 0,
      ewma: {
        count: 4,
        mse: 3.25,
        rmse: Math.sqrt(3.25),
        mae: 1.5,
        r2: -29 / 23,
        accuracy: undefined,
        logLoss: undefined,
      },
      total: {
        count: 4,
        mse: 3.5,
        rmse: Math.sqrt(3.5),
        mae: 1.5,
        r2: -0.75,
        accuracy: undefined,
        logLoss: undefined,
      },
    };
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d|', {
        a: pair(1, 2, 'sensor-1'),
        b: pair(1, 4, 'sensor-1'),
        c: pair(6, 6, 'sensor-1'),
        d: pair(6, 4, 'sensor-1'),
      });
      const out = src.pipe(
        forward(identityNet()),
        rollingMetrics({ window: 3, alpha: 0.5, every: 4 }),
        map(rounded),
      );
      // Nothing changed after the 4th snapshot: no final one at completion.
      expectObservable(out).toBe('------x|', { x: rounded(expected) });
    });
  });

  it('accuracy and log-loss of a binary classifier (window 2, α = 0.5)', () => {
    // s1 (0.8, 1) right, −ln 0.8;  s2 (0.4, 1) wrong, −ln 0.4;  s3 (0.3, 0) right, −ln 0.7.
    // Window (s2, s3): accuracy 1/2; EWMA: 1 → 0.5 → 0.75; total: 2/3.
    const [l1, l2, l3] = [-Math.log(0.8), -Math.log(0.4), -Math.log(0.7)];
    const ewLogLoss = l1 + 0.5 * (l2 - l1) + 0.5 * (l3 - (l1 + 0.5 * (l2 - l1)));
    const out = collect(
      from([pair(0.8, 1), pair(0.4, 1), pair(0.3, 0)]).pipe(
        forward(identityNet()),
        rollingMetrics({ window: 2, alpha: 0.5, every: 3 }),
      ),
    );
    expect(out.values).toHaveLength(1);
    const m = out.values[0] as MetricsSnapshot;
    expect([m.accuracy, m.ewma.accuracy, m.total.accuracy]).toEqual([0.5, 0.75, 2 / 3]);
    expect(m.logLoss).toBeCloseTo((l2 + l3) / 2, 12);
    expect(m.ewma.logLoss).toBeCloseTo(ewLogLoss, 12);
    expect(m.total.logLoss).toBeCloseTo((l1 + l2 + l3) / 3, 12);
  });

  it('counts rejected samples by reason, drifts, and scores only the rest', () => {
    // 9 steps: two good (r = 1 and r = 0: window mse 0.5), seven rejected. Drift events are pushed
    // at seq 0 and 6 (a learningRate event at seq 2 must not count).
    const samples = [
      pair(1, 2), // 0: good, r = 1
      { x: [Number.NaN], y: 1 }, // 1: nonFinite
      { x: [1, 2], y: 1 }, // 2: length
      null, // 3: notObject
      { x: ['a'], y: 1 }, // 4: notNumber
      { x: [2] }, // 5: missingTarget (loss rejects it)
      pair(3, 3), // 6: good, r = 0
      { x: [Number.POSITIVE_INFINITY], y: 1 }, // 7: nonFinite
      { x: [1], y: 1, malformed: { field: 'line 9', value: 'x', problem: 'is not JSON' } }, // 8
    ] as Sample[];
    const events = (step: Step): StepEvent[] => step.events as StepEvent[];
    const out = collect(
      from(samples).pipe(
        forward(identityNet(), { onInvalid: 'skip' }),
        loss(mse(), { onInvalid: 'skip' }),
        tap((step) => {
          if (step.seq === 0 || step.seq === 6) {
            events(step).push({ type: 'drift', seq: step.seq, detector: 'test', action: 'none' });
          }
          if (step.seq === 2) {
            events(step).push({ type: 'learningRate', seq: 2, from: 1, to: 2, reason: 'test' });
          }
        }),
        rollingMetrics({ window: 10 }),
      ),
    );
    expect(out.error).toBeUndefined();
    expect(out.values).toHaveLength(1);
    const m = out.values[0] as MetricsSnapshot;
    expect(m).toMatchObject({
      seq: 8,
      key: undefined,
      samples: 9,
      count: 2,
      mse: 0.5,
      rejected: 7,
      rejectedByReason: {
        notObject: 1,
        length: 1,
        notNumber: 1,
        nonFinite: 2,
        missingTarget: 1,
        malformed: 1,
      },
      drifts: 2,
    });
    expect(m.total.count).toBe(2);
  });

  it('a null sample has no key; a keyed one gives its key', () => {
    const out = collect(
      from([pair(1, 1, 'k1'), null as unknown as Sample, pair(1, 1, 'k2')]).pipe(
        forward(identityNet(), { onInvalid: 'skip' }),
        rollingMetrics({ every: 1 }),
        map((m) => m.key),
      ),
    );
    expect(out.values).toEqual(['k1', undefined, 'k2']);
  });

  it('errors are in real units: step.output against step.actual', () => {
    // The scaler maps s → 10·s + 20: prediction 0.5 → output 25, target 0.7 → actual 27.
    // Real-unit residual 2: mse 4 (in the scaled units it would be 0.04).
    const scaler = {
      inverseTargets: (scaled: Float64Array, out: Float64Array) => {
        out[0] = scaled[0] * 10 + 20;
      },
    };
    const out = collect(
      from([{ x: [0.5], y: 0.7, scaler }]).pipe(forward(identityNet()), rollingMetrics()),
    );
    const m = out.values[0] as MetricsSnapshot;
    expect(m.mse).toBeCloseTo(4, 12);
    expect(m.mae).toBeCloseTo(2, 12);
  });

  it('reports the learning rate in force after update, none before', () => {
    const samples = [pair(1, 2), pair(2, 3)];
    const trained = collect(
      from(samples).pipe(
        train(identityNet(), { loss: mse(), optimizer: sgd({ learningRate: 0.25 }) }),
        rollingMetrics({ every: 1 }),
        map((m) => m.learningRate),
      ),
    );
    expect(trained.values).toEqual([0.25, 0.25]);
    const forwarded = collect(
      from(samples).pipe(
        forward(identityNet()),
        rollingMetrics({ every: 1 }),
        map((m) => m.learningRate),
      ),
    );
    expect(forwarded.values).toEqual([undefined, undefined]);
  });

  it('the default window is 1000 and snapshots come every 1000 steps', () => {
    const samples = Array.from({ length: 2500 }, (_, i) => pair(0, i % 2));
    const out = collect(from(samples).pipe(forward(identityNet()), rollingMetrics()));
    expect(out.values.map((m) => [m.seq, m.count, m.total.count])).toEqual([
      [999, 1000, 1000],
      [1999, 1000, 2000],
      [2499, 1000, 2500], // the final snapshot at completion
    ]);
  });

  it('each snapshot is a new plain object that later ones leave alone', () => {
    const out = collect(
      from([pair(1, 2), pair(1, 3), pair(1, 4)]).pipe(
        forward(identityNet()),
        rollingMetrics({ every: 1 }),
        toArray(),
      ),
    );
    const [first, second, third] = out.values[0];
    expect(first).not.toBe(second);
    expect(first.ewma).not.toBe(second.ewma);
    expect(first.rejectedByReason).not.toBe(second.rejectedByReason);
    expect([first.count, first.mse, first.total.count]).toEqual([1, 1, 1]);
    expect([third.count, third.mse]).toEqual([3, (1 + 4 + 9) / 3]);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('two subscriptions keep separate state', () => {
    const metrics = from([pair(1, 2), pair(1, 3)]).pipe(
      forward(identityNet()),
      rollingMetrics({ every: 1 }),
      map((m) => [m.samples, m.total.mse]),
    );
    expect(collect(metrics).values).toEqual([
      [1, 1],
      [2, 2.5],
    ]);
    expect(collect(metrics).values).toEqual([
      [1, 1],
      [2, 2.5],
    ]);
  });
});

describe('rollingMetrics: marble tests (virtual time)', () => {
  const a = pair(1, 2); // r² = 1
  const b = pair(1, 4); // r² = 9
  const c = pair(6, 6); // r² = 0
  const d = pair(6, 4); // r² = 4
  const values = { a, b, c, d };

  it('empty: completes without a snapshot', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(metricsOf({ every: 2 }))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one: the final snapshot at completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a|', values);
      expectObservable(src.pipe(metricsOf({ every: 2 }))).toBe('-(x|)', {
        x: { seq: 0, t: 1, samples: 1, count: 1, mse: 1 },
      });
    });
  });

  it('many: every 2 steps, no final snapshot when nothing changed since', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-d|', values);
      expectObservable(src.pipe(metricsOf({ every: 2, window: 3 }))).toBe('--x---y|', {
        x: { seq: 1, t: 2, samples: 2, count: 2, mse: 5 }, // (1 + 9)/2
        y: { seq: 3, t: 6, samples: 4, count: 3, mse: 13 / 3 }, // (9 + 0 + 4)/3
      });
      expectSubscriptions(src.subscriptions).toBe('^------!');
    });
  });

  it('a partial count at completion gives a final snapshot', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', values);
      expectObservable(src.pipe(metricsOf({ every: 2 }))).toBe('--x--(y|)', {
        x: { seq: 1, t: 2, samples: 2, count: 2, mse: 5 },
        y: { seq: 2, t: 5, samples: 3, count: 3, mse: 10 / 3 },
      });
    });
  });

  it('error: passed on at once, without a final snapshot', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c#', values, new Error('feed down'));
      expectObservable(src.pipe(metricsOf({ every: 2 }))).toBe(
        '--x--#',
        { x: { seq: 1, t: 2, samples: 2, count: 2, mse: 5 } },
        new Error('feed down'),
      );
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('never-ending: snapshots keep coming, no completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d-', values);
      expectObservable(src.pipe(metricsOf({ every: 2, window: 3 }))).toBe('--x---y-', {
        x: { seq: 1, t: 2, samples: 2, count: 2, mse: 5 },
        y: { seq: 3, t: 6, samples: 4, count: 3, mse: 13 / 3 },
      });
    });
  });

  it('early unsubscribe: stops the source (and the timer)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-d|', values);
      expectObservable(src.pipe(metricsOf({ every: 2, everyMs: 5 })), '^--!').toBe('--x', {
        x: { seq: 1, t: 2, samples: 2, count: 2, mse: 5 },
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('everyMs: on the timer, only when a step arrived since the last snapshot', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // a at 0, b at 1, c at 22, completion at 53; ticks at 10, 20, 30, 40, 50.
      const src = cold('ab 20ms c 30ms |', values);
      expectObservable(src.pipe(metricsOf({ everyMs: 10 }))).toBe('10ms x 19ms y 22ms |', {
        x: { seq: 1, t: 10, samples: 2, count: 2, mse: 5 },
        y: { seq: 2, t: 30, samples: 3, count: 3, mse: 10 / 3 },
      });
    });
  });

  it('everyMs: the final snapshot at completion, then the timer stops', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // a at 0, b at 16, completion at 17; a tick at 10.
      const src = cold('a 15ms b|', values);
      expectObservable(src.pipe(metricsOf({ everyMs: 10 }))).toBe('10ms x 6ms (y|)', {
        x: { seq: 0, t: 10, samples: 1, count: 1, mse: 1 },
        y: { seq: 1, t: 17, samples: 2, count: 2, mse: 5 },
      });
    });
  });

  it('every and everyMs together: whichever comes first, never a snapshot without news', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // a, b at 0 and 1 → every 2 at 1; the tick at 10 has no news; c at 12 → the tick at 20;
      // d at 22 is the 4th step → every 2; e at 23, completion at 24 → the final snapshot.
      const src = cold('ab 10ms c 9ms de|', { ...values, e: a });
      expectObservable(src.pipe(metricsOf({ every: 2, everyMs: 10, window: 3 }))).toBe(
        '-x 18ms y-z-(w|)',
        {
          x: { seq: 1, t: 1, samples: 2, count: 2, mse: 5 },
          y: { seq: 2, t: 20, samples: 3, count: 3, mse: 10 / 3 },
          z: { seq: 3, t: 22, samples: 4, count: 3, mse: 13 / 3 }, // (9 + 0 + 4)/3
          w: { seq: 4, t: 24, samples: 5, count: 3, mse: 5 / 3 }, // (0 + 4 + 1)/3
        },
      );
    });
  });

  it('the default scheduler is asyncScheduler: virtual inside run()', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('-----a|', values);
      expectObservable(
        src.pipe(
          forward(identityNet()),
          rollingMetrics(),
          map((m) => m.t),
        ),
      ).toBe('------(t|)', { t: 6 });
    });
  });

  it('samples/s: over the span since the latest earlier snapshot taken at an earlier time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // a at 0: no time has passed since the subscription → undefined.
      // b, c at 2: b counts 1 sample in 2 ms since the snapshot at 0 → 500/s; c is at the same
      // time as b, so its span starts at the snapshot at 0 too: 2 samples in 2 ms → 1000/s.
      const src = cold('a-(bc)|', values);
      expectObservable(
        src.pipe(
          forward(identityNet()),
          rollingMetrics({ every: 1 }),
          map((m) => m.samplesPerSecond),
        ),
      ).toBe('x-(yz)|', { x: undefined, y: 500, z: 1000 });
    });
  });
});

describe('rollingMetrics: the timer never outlives the stream', () => {
  it('is cancelled when the source completes', () => {
    const scheduler = new TestScheduler(() => undefined);
    const source = new Subject<Sample>();
    const seen: number[] = [];
    source
      .pipe(forward(identityNet()), rollingMetrics({ everyMs: 10, scheduler }))
      .subscribe((m) => seen.push(m.seq));
    source.next(pair(1, 2));
    expect(scheduler.actions).toHaveLength(1); // the timer runs
    scheduler.flush();
    expect(seen).toEqual([0]);
    source.complete();
    expect(scheduler.actions).toHaveLength(0);
  });

  it('is cancelled when the source errors, and never started for a synchronous source', () => {
    const scheduler = new TestScheduler(() => undefined);
    const source = new Subject<Sample>();
    source.pipe(forward(identityNet()), rollingMetrics({ everyMs: 10, scheduler })).subscribe({
      error: () => undefined,
    });
    expect(scheduler.actions).toHaveLength(1);
    source.error(new Error('down'));
    expect(scheduler.actions).toHaveLength(0);
    const out = collect(
      from([pair(1, 2)]).pipe(forward(identityNet()), rollingMetrics({ everyMs: 10, scheduler })),
    );
    expect(out.completed).toBe(true);
    expect(out.values).toHaveLength(1);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a throw for a bad step fails the stream and unsubscribes a synchronous source', () => {
    let pulled = 0;
    const values = Array.from({ length: 1000 }, (_, i) => (i === 2 ? 'not a step' : i));
    const steps = from([pair(1, 2)]).pipe(forward(identityNet()));
    let step: Step | undefined;
    steps.subscribe((s) => {
      step = s;
    });
    const outcome = collect(
      from(values).pipe(
        tap(() => pulled++),
        map((v) => (typeof v === 'number' ? step : v)),
        rollingMetrics({ everyMs: 10 }) as never,
      ),
    );
    expect(errorOf(outcome)).toBeInstanceOf(TypeError);
    expect(pulled).toBe(3);
  });
});
