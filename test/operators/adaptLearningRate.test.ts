// adaptLearningRate: marbles in virtual time, hand-computed rates, rollbacks bit for bit,
// schedules, the steps it skips, its argument checks and stream errors.
import { from, map, type OperatorFunction, of, repeat, type Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import {
  adam,
  adaptLearningRate,
  backward,
  boldDriver,
  constant,
  exponentialDecay,
  forward,
  loss,
  mse,
  type Network,
  type Optimizer,
  type RateController,
  type Sample,
  type Schedule,
  type Step,
  type StepEvent,
  sgd,
  stepDecay,
  train,
} from '../../src/index.js';
import { expectSameBits } from '../optim/fixtures.js';
import {
  A,
  B,
  C,
  collect,
  errorOf,
  linearNet,
  roundAll,
  SGD_TRACE,
  tanhNet,
  tanhSamples,
  testScheduler,
} from './snapshot.js';

/** What a test keeps of a step: plain copies, taken at once (the step is lent). */
interface Record {
  seq: number;
  loss: number;
  learningRate: number;
  params: number[];
  events: StepEvent[];
}

const record = (net: Network): OperatorFunction<Step, Record> =>
  map((s) => ({
    seq: s.seq,
    loss: roundAll([s.loss])[0],
    learningRate: s.learningRate,
    params: roundAll(net.parameters),
    events: s.events.map((e) => ({ ...e })),
  }));

/** train with SGD at η = 0.1 on `net`, then adaptLearningRate with `controller`. */
function adapted(
  net: Network,
  controller: RateController | Schedule,
  optimizer: Optimizer = sgd({ learningRate: 0.1 }),
): OperatorFunction<Sample, Step> {
  return (source) =>
    source.pipe(
      train(net, { loss: mse(), optimizer }),
      adaptLearningRate(net, optimizer, controller),
    );
}

const FELL = 'boldDriver: the mean loss of 1 samples fell';
const ROSE = 'boldDriver: the mean loss of 1 samples rose more than 1.04×';

/**
 * boldDriver({ window: 1, increase: 2, decrease: 0.5 }) through A, B, C on linearNet, SGD from
 * η = 0.1 (A and B as in SGD_TRACE, whose derivation is in snapshot.ts):
 *   A: L = 0.405, learned at 0.1 → [0.59, -0.07, 0.19]; the first window sets the reference.
 *   B: L = 1.0368 > 1.04 · 0.405, learned at 0.1 → [0.302, 0.074, 0.046]; the rate is halved
 *      to 0.05 for what follows.
 *   C: p = 0.074 + 0.046 = 0.12, L = ½(0.5 - 0.12)² = 0.0722 < 1.0368, learned at 0.05:
 *      err = -0.38, w1 = 0.074 + 0.05·0.38 = 0.093, b = 0.046 + 0.019 = 0.065; the rate
 *      doubles back to 0.1.
 */
const driver = () => boldDriver({ window: 1, increase: 2, decrease: 0.5 });
const expected: Record[] = [
  { seq: 0, loss: 0.405, learningRate: 0.1, params: SGD_TRACE[0].params, events: [] },
  {
    seq: 1,
    loss: 1.0368,
    learningRate: 0.1,
    params: SGD_TRACE[1].params,
    events: [{ type: 'learningRate', seq: 1, from: 0.1, to: 0.05, reason: ROSE }],
  },
  {
    seq: 2,
    loss: 0.0722,
    learningRate: 0.05,
    params: [0.302, 0.093, 0.065],
    events: [{ type: 'learningRate', seq: 2, from: 0.05, to: 0.1, reason: FELL }],
  },
];

describe('adaptLearningRate: marbles (boldDriver, by hand)', () => {
  it('empty source: completes, the rate untouched', () => {
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(adapted(net, driver(), optimizer), record(net))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
    expect(optimizer.learningRate).toBe(0.1);
  });

  it('one sample', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('--a|', { a: A });
      expectObservable(src.pipe(adapted(net, driver()), record(net))).toBe('--a|', {
        a: expected[0],
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('many samples: the rate each step reports is the one it was learned at', () => {
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(adapted(net, driver(), optimizer), record(net))).toBe('a-b-c|', {
        a: expected[0],
        b: expected[1],
        c: expected[2],
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
    expect(optimizer.learningRate).toBe(0.1);
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-#', { a: A, b: B }, boom);
      expectObservable(src.pipe(adapted(net, driver()), record(net))).toBe(
        'a-b-#',
        { a: expected[0], b: expected[1] },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('a never-ending source', () => {
    const net = linearNet();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-', { a: A, b: B, c: C });
      expectObservable(src.pipe(adapted(net, driver()), record(net))).toBe('a-b-c-', {
        a: expected[0],
        b: expected[1],
        c: expected[2],
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe: no further change of the weights or the rate', () => {
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(adapted(net, driver(), optimizer), record(net)), '^--!').toBe(
        'a-b',
        { a: expected[0], b: expected[1] },
      );
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(roundAll(net.parameters)).toEqual(SGD_TRACE[1].params);
    expect(optimizer.learningRate).toBe(0.05);
  });
});

describe('adaptLearningRate: rollback', () => {
  it('boldDriver with rollback, by hand: B is undone, C learns from the weights after A', () => {
    // As above, but B's window fails with rollback: the weights go back to those saved at the
    // start of B's window (after A): [0.59, -0.07, 0.19]. C: p = -0.07 + 0.19 = 0.12,
    // L = 0.0722, learned at 0.05: w1 = -0.07 + 0.05·0.38 = -0.051, b = 0.19 + 0.019 = 0.209.
    const net = linearNet();
    const rolled = collect(
      from([A, B, C]).pipe(
        adapted(net, boldDriver({ window: 1, increase: 2, decrease: 0.5, rollback: true })),
        record(net),
      ),
    );
    expect(rolled.values).toEqual([
      expected[0],
      {
        seq: 1,
        loss: 1.0368,
        learningRate: 0.1,
        params: SGD_TRACE[0].params,
        events: [
          { type: 'rollback', seq: 1, toSeq: 1 },
          { type: 'learningRate', seq: 1, from: 0.1, to: 0.05, reason: `${ROSE}; rolled back` },
        ],
      },
      {
        seq: 2,
        loss: 0.0722,
        learningRate: 0.05,
        params: [0.59, -0.051, 0.209],
        events: [{ type: 'learningRate', seq: 2, from: 0.05, to: 0.1, reason: FELL }],
      },
    ]);
  });

  it('Adam on a tanh net: after a rollback the weights and optimizer state equal the saved ones bit for bit', () => {
    // window 2: samples 0-1 set the reference; 2-3 have targets 10 higher, so their mean loss
    // is far above 1.04× the first window's: the window fails and is undone, back to the
    // weights and Adam state saved after sample 1.
    const samples = tanhSamples(6).map((s, i) =>
      i === 2 || i === 3 ? { ...s, y: (s.y as number[]).map((v) => v + 10) } : s,
    );
    const net = tanhNet(3);
    const optimizer = adam({ learningRate: 0.01 });
    let savedParams = new Float64Array(0);
    let savedState = optimizer.state();
    const afterSample3: { params: Float64Array; state: ReturnType<Optimizer['state']> }[] = [];
    const events: StepEvent[][] = [];
    from(samples)
      .pipe(adapted(net, boldDriver({ window: 2, rollback: true }), optimizer))
      .subscribe((s) => {
        events.push(s.events.map((e) => ({ ...e })));
        if (s.seq === 1) {
          savedParams = net.parameters.slice();
          savedState = optimizer.state();
        }
        if (s.seq === 3)
          afterSample3.push({ params: net.parameters.slice(), state: optimizer.state() });
      });
    expect(events[3]).toEqual([
      { type: 'rollback', seq: 3, toSeq: 2 },
      {
        type: 'learningRate',
        seq: 3,
        from: 0.01,
        to: 0.01 * 0.7,
        reason: 'boldDriver: the mean loss of 2 samples rose more than 1.04×; rolled back',
      },
    ]);
    // the only rollback; the next window (seq 4-5) is compared with the failed one
    expect(events.flat().filter((e) => e.type === 'rollback')).toHaveLength(1);
    expectSameBits(afterSample3[0].params, savedParams);
    expect(afterSample3[0].state.steps).toBe(2);
    expect(afterSample3[0].state).toEqual({ ...savedState, learningRate: 0.01 * 0.7 });
    for (const [name, values] of Object.entries(savedState.buffers)) {
      expectSameBits(afterSample3[0].state.buffers[name], values);
    }
  });

  it('each subscription saves its own rollback point when it starts', () => {
    // A scripted controller that asks for a rollback at every sample: each subscription goes
    // back to the weights as they were when it started, not to those of an earlier one.
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    const op = adapted(
      net,
      scripted(() => ({ rollback: true, boundary: false })),
      optimizer,
    );
    from([A])
      .pipe(train(net, { loss: mse(), optimizer }))
      .subscribe(); // moves the weights
    const start = net.parameters.slice();
    collect(from([B, C]).pipe(op));
    expectSameBits(net.parameters, start);
    net.parameters.set([1, 2, 3]);
    collect(of(A).pipe(op));
    expectSameBits(net.parameters, new Float64Array([1, 2, 3]));
  });

  it('the built-in optimizers are saved without state(): no copy made through JSON values', () => {
    const net = tanhNet(3);
    const optimizer = adam({ learningRate: 0.01 });
    const spy = vi.spyOn(optimizer, 'state');
    collect(
      from(tanhSamples(40)).pipe(
        adapted(net, boldDriver({ window: 2, rollback: true }), optimizer),
      ),
    );
    expect(spy).not.toHaveBeenCalled();
  });
});

/** A controller whose answers come from `answer(call)`; it records what it was fed. */
function scripted(
  answer: (call: number) => { rate?: number; boundary?: boolean; rollback?: boolean },
): RateController & { fed: [number, number][] } {
  const fed: [number, number][] = [];
  const controller = {
    fed,
    name: 'scripted',
    boundary: false,
    rollback: false,
    reason: 'scripted',
    observe(loss: number, rate: number): number {
      const a = answer(fed.length);
      fed.push([loss, rate]);
      this.boundary = a.boundary ?? true;
      this.rollback = a.rollback ?? false;
      return a.rate ?? rate;
    },
    reset() {},
    state: () => ({ name: 'scripted', options: {}, values: {} }),
    restore() {},
  };
  return controller;
}

describe('adaptLearningRate: what it feeds the controller', () => {
  it('the prequential loss and the rate of each learned step', () => {
    const net = linearNet();
    const controller = scripted((call) => ({ rate: [0.2, 0.3, 0.4][call] }));
    collect(from([A, B, C]).pipe(adapted(net, controller)));
    // A at 0.1 (L = 0.405); the controller answers 0.2, so B is learned at 0.2, and so on.
    expect(controller.fed[0]).toEqual([0.405, 0.1]);
    expect(controller.fed.map(([, rate]) => rate)).toEqual([0.1, 0.2, 0.3]);
  });

  it('skips rejected steps and steps whose loss is not finite or beyond ±1e145 (the update was skipped)', () => {
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    const controller = scripted(() => ({}));
    const samples: Sample[] = [A, { x: [1, Number.NaN], y: 1 }, { x: [1, 2], y: 1e145 }, B];
    const out = collect(
      from(samples).pipe(
        train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
        adaptLearningRate(net, optimizer, controller),
        map((s) => s.events.map((e) => e.type)),
      ),
    );
    expect(out.error).toBeUndefined();
    // seq 1 rejected, seq 2 diverged (½·(1e145)² ≈ 5e289, beyond ±1e145): only A and B are fed
    expect(out.values).toEqual([[], ['rejected'], ['diverged'], []]);
    expect(controller.fed).toHaveLength(2);
    expect(controller.fed[0][0]).toBe(0.405);
  });

  it('a change applies from the next sample; steps between windows keep the rate', () => {
    const net = tanhNet(3);
    const rates = collect(
      from(tanhSamples(6)).pipe(
        adapted(
          net,
          scripted((call) => (call === 2 ? { rate: 0.5 } : { boundary: false })),
        ),
        map((s) => s.learningRate),
      ),
    ).values;
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.5, 0.5, 0.5]);
  });
});

describe('adaptLearningRate with a schedule', () => {
  it('stepDecay every sample, by hand: schedule(t) before learned sample t', () => {
    // stepDecay({ initial: 0.1, factor: 0.5, every: 1 }): 0.1, 0.05, 0.025, 0.0125.
    // The optimizer starts at 0.3; the subscription sets schedule(0) = 0.1 first.
    //   A at 0.1 → [0.59, -0.07, 0.19] (SGD_TRACE)
    //   B at 0.05: p = 1.44 → [0.59 - 0.05·1.44·2, -0.07 + 0.05·1.44, 0.19 - 0.05·1.44]
    //            = [0.446, 0.002, 0.118]
    //   C at 0.025: p = 0.002 + 0.118 = 0.12, err -0.38 → w1 = 0.002 + 0.0095 = 0.0115,
    //            b = 0.118 + 0.0095 = 0.1275
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.3 });
    const out = collect(
      from([A, B, C]).pipe(
        adapted(net, stepDecay({ initial: 0.1, factor: 0.5, every: 1 }), optimizer),
        record(net),
      ),
    );
    const event = (seq: number, from: number, to: number): StepEvent => ({
      type: 'learningRate',
      seq,
      from,
      to,
      reason: 'schedule',
    });
    expect(out.values).toEqual([
      {
        seq: 0,
        loss: 0.405,
        learningRate: 0.1,
        params: [0.59, -0.07, 0.19],
        events: [event(0, 0.1, 0.05)],
      },
      {
        seq: 1,
        loss: 1.0368,
        learningRate: 0.05,
        params: [0.446, 0.002, 0.118],
        events: [event(1, 0.05, 0.025)],
      },
      {
        seq: 2,
        loss: 0.0722,
        learningRate: 0.025,
        params: [0.446, 0.0115, 0.1275],
        events: [event(2, 0.025, 0.0125)],
      },
    ]);
  });

  it('a smooth schedule reports a change once the rate has moved more than 1 %', () => {
    // 0.1 · 0.995^t: 0.995² = 0.990025 is within 1 % of 0.1, 0.995³ ≈ 0.98507 is not, so the
    // events come after learned samples t = 2, 5, 8 (rate for t + 1 = 3, 6, 9).
    const net = tanhNet(3);
    const out = collect(
      from(tanhSamples(10)).pipe(
        adapted(net, exponentialDecay({ initial: 0.1, decay: 0.995 })),
        map((s) => ({ rate: s.learningRate, events: s.events.map((e) => ({ ...e })) })),
      ),
    );
    expect(out.values.map((v) => v.rate)).toEqual(
      Array.from({ length: 10 }, (_, t) => 0.1 * 0.995 ** t),
    );
    const events = out.values.flatMap((v) => v.events);
    expect(events).toEqual([
      { type: 'learningRate', seq: 2, from: 0.1, to: 0.1 * 0.995 ** 3, reason: 'schedule' },
      {
        type: 'learningRate',
        seq: 5,
        from: 0.1 * 0.995 ** 3,
        to: 0.1 * 0.995 ** 6,
        reason: 'schedule',
      },
      {
        type: 'learningRate',
        seq: 8,
        from: 0.1 * 0.995 ** 6,
        to: 0.1 * 0.995 ** 9,
        reason: 'schedule',
      },
    ]);
  });

  it('counts learned samples only, per subscription', () => {
    // every 1: A is t = 0 (0.1); the rejected sample is not counted, so B is t = 1 (0.05).
    // A second subscription starts again from t = 0.
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.1 });
    const op: OperatorFunction<Sample, number> = (source) =>
      source.pipe(
        train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
        adaptLearningRate(net, optimizer, stepDecay({ initial: 0.1, every: 1 })),
        map((s) => s.learningRate),
      );
    const rates = collect(from([A, { x: [1] } as Sample, B]).pipe(op, repeat(2))).values;
    expect(rates).toEqual([0.1, 0.05, 0.05, 0.1, 0.05, 0.05]);
  });

  it('constant: no events, the rate set once', () => {
    const net = linearNet();
    const optimizer = sgd({ learningRate: 0.3 });
    const out = collect(from([A, B, C]).pipe(adapted(net, constant(0.1), optimizer), record(net)));
    expect(out.values).toEqual([
      { seq: 0, loss: 0.405, learningRate: 0.1, params: SGD_TRACE[0].params, events: [] },
      { seq: 1, loss: 1.0368, learningRate: 0.1, params: SGD_TRACE[1].params, events: [] },
      { seq: 2, loss: 0.0722, learningRate: 0.1, params: SGD_TRACE[2].params, events: [] },
    ]);
  });
});

describe('adaptLearningRate: argument checks at call time', () => {
  it('TypeError for a wrong network, optimizer or controller', () => {
    const net = linearNet();
    expect(() => adaptLearningRate({} as Network, sgd(), driver())).toThrow(
      /^adaptLearningRate: net must be a network made with network/,
    );
    expect(() => adaptLearningRate(net, 'sgd' as unknown as Optimizer, driver())).toThrow(
      /^adaptLearningRate: optimizer must be an optimizer such as sgd\(\) or adam\(\), got "sgd"$/,
    );
    expect(() => adaptLearningRate(net, sgd(), 'boldDriver' as unknown as Schedule)).toThrow(
      new TypeError(
        'adaptLearningRate: controller must be a rate controller such as boldDriver() or a schedule such as inverseScaling({ initial }), got "boldDriver"',
      ),
    );
    expect(() => adaptLearningRate(net, sgd(), null as unknown as RateController)).toThrow(
      TypeError,
    );
    expect(() => adaptLearningRate(net, sgd(), {} as RateController)).toThrow(
      new TypeError('adaptLearningRate: controller.name must be a non-empty string, got undefined'),
    );
  });
});

describe('adaptLearningRate: stream errors', () => {
  it('placed before update: a TypeError saying where it goes', () => {
    const net = linearNet();
    const optimizer = sgd();
    const out = collect(
      of(A).pipe(
        forward(net),
        loss(mse()),
        backward(net),
        adaptLearningRate(net, optimizer, driver()),
      ),
    );
    expect(errorOf(out)).toEqual(
      new TypeError(
        'adaptLearningRate: expected updated steps; put adaptLearningRate after update or train',
      ),
    );
  });

  it('values that are not steps, or steps of another network: TypeError', () => {
    const net = linearNet();
    const notSteps = collect(
      (of(1) as unknown as Subject<Step>).pipe(adaptLearningRate(net, sgd(), driver())),
    );
    expect(errorOf(notSteps)).toBeInstanceOf(TypeError);
    expect(errorOf(notSteps).message).toMatch(/^adaptLearningRate: expected the steps of update/);
    const other = linearNet();
    const optimizer = sgd();
    const mixed = collect(
      of(A).pipe(
        train(other, { loss: mse(), optimizer }),
        adaptLearningRate(net, optimizer, driver()),
      ),
    );
    expect(errorOf(mixed).message).toBe(
      'adaptLearningRate: the step was predicted by another network than this one',
    );
  });

  it('a controller that returns a rate that is not a finite number >= 0: RangeError, source unsubscribed', () => {
    const net = linearNet();
    let pulled = 0;
    const out = collect(
      from([A, B, C]).pipe(
        map((s) => {
          pulled++;
          return s;
        }),
        adapted(
          net,
          scripted((call) => (call === 1 ? { rate: Number.NaN } : {})),
        ),
      ),
    );
    expect(errorOf(out)).toEqual(
      new RangeError(
        'adaptLearningRate: at sample 1 the controller returned the learning rate NaN; a rate must be a finite number >= 0',
      ),
    );
    expect(out.values).toHaveLength(1);
    expect(pulled).toBe(2);
  });

  it('a schedule that fails at the start fails the subscription', () => {
    const net = linearNet();
    const out = collect(from([A, B]).pipe(adapted(net, () => -1)));
    expect(errorOf(out)).toEqual(
      new RangeError(
        'adaptLearningRate: at the start the schedule returned the learning rate -1; a rate must be a finite number >= 0',
      ),
    );
    expect(out.values).toEqual([]);
  });
});
