import { from, map, type OperatorFunction, of, pipe } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  adwin,
  type DriftAction,
  type DriftDetector,
  type DriftDetectorState,
  dense,
  detectDrift,
  forward,
  linear,
  loss,
  mse,
  network,
  pageHinkley,
  type Sample,
  type Step,
  type StepEvent,
  sgd,
  tanh,
  train,
} from '../../src/index.js';
import { sineFeed } from '../../streams/index.js';
import { A, B, C, collect, errorOf, linearNet, SGD_TRACE, testScheduler } from './snapshot.js';

/**
 * A detector that signals a change at the given 0-based counts of the values it was fed.
 * Each clone (one per subscription of detectDrift) starts at count 0 and records what it was
 * fed in a fresh array pushed onto `fed`, so that a test sees what every subscription fed.
 */
function scripted(alarmAt: readonly number[], fed: number[][] = []): DriftDetector {
  const make = (): DriftDetector => {
    const values: number[] = [];
    return {
      name: 'scripted',
      get width() {
        return values.length;
      },
      mean: 0,
      update(value: number) {
        values.push(value);
        return alarmAt.includes(values.length - 1);
      },
      reset() {
        values.length = 0;
      },
      clone() {
        const copy = make();
        fed.push((copy as unknown as { values: number[] }).values);
        return copy;
      },
      state: (): DriftDetectorState => ({ name: 'scripted', settings: {}, values: {} }),
      restore() {},
      values,
    } as DriftDetector;
  };
  return make();
}

/** What a step carries that these tests look at, copied (the step is lent). */
interface Seen {
  seq: number;
  loss: number;
  events: StepEvent[];
}

const seen = <S extends Sample>(): OperatorFunction<Step<S>, Seen> =>
  map((s: Step<S>) => ({
    seq: s.seq,
    loss: Math.round(s.loss * 1e10) / 1e10,
    events: s.events.map((e) => ({ ...e })),
  }));

const drift = (seq: number, action = 'none', detector = 'scripted'): StepEvent => ({
  type: 'drift',
  seq,
  detector,
  action,
});

/** Online SGD (η = 0.1) on linearNet through A, B, C: the losses of SGD_TRACE. */
const step = (seq: number, events: StepEvent[] = []): Seen => ({
  seq,
  loss: SGD_TRACE[seq].loss,
  events,
});

function learnAndWatch(detector: DriftDetector, onDrift?: DriftAction | DriftAction[]) {
  const net = linearNet();
  return pipe(
    train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
    detectDrift(detector, { onDrift }),
    seen(),
  );
}

describe('detectDrift: marbles', () => {
  it('empty source', () => {
    const fed: number[][] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Sample>('|');
      expectObservable(src.pipe(learnAndWatch(scripted([0], fed)))).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
    expect(fed).toEqual([[]]);
  });

  it('one sample, a drift at it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', { a: A });
      expectObservable(src.pipe(learnAndWatch(scripted([0])))).toBe('a|', {
        a: step(0, [drift(0)]),
      });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many samples: the drift event is on the step where the change was found, and only there', () => {
    const fed: number[][] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(learnAndWatch(scripted([1], fed)))).toBe('a-b-c|', {
        a: step(0),
        b: step(1, [drift(1)]),
        c: step(2),
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
    // the detector was fed the prequential losses, in order
    expect(fed).toEqual([SGD_TRACE.map((t) => expect.closeTo(t.loss, 12))]);
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-#', { a: A, b: B }, boom);
      expectObservable(src.pipe(learnAndWatch(scripted([0])))).toBe(
        'a-b-#',
        { a: step(0, [drift(0)]), b: step(1) },
        boom,
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', { a: A, b: B });
      expectObservable(src.pipe(learnAndWatch(scripted([1])))).toBe('a-b-', {
        a: step(0),
        b: step(1, [drift(1)]),
      });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe: the detector sees nothing after it, and no action runs', () => {
    const fed: number[][] = [];
    const runs: number[] = [];
    const action: DriftAction = {
      name: 'record',
      start: () => (s) => {
        runs.push(s.seq);
        return 'recorded';
      },
    };
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: A, b: B, c: C });
      expectObservable(src.pipe(learnAndWatch(scripted([0, 2], fed), action)), '^--!').toBe('a-b', {
        a: step(0, [drift(0, 'recorded')]),
        b: step(1),
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(fed[0]).toHaveLength(2);
    expect(runs).toEqual([0]);
  });
});

describe('detectDrift: what reaches the detector', () => {
  it('skips rejected samples and diverged losses (beyond ±1e145); the seq of the event is the step’s', () => {
    const fed: number[][] = [];
    const net = linearNet();
    const samples: Sample[] = [
      A, //                          seq 0: learned, loss 0.405
      { x: [Number.NaN, 1], y: 1 }, // seq 1: rejected (learn false)
      { x: [1, 2], y: 1e145 }, //    seq 2: loss ½(p − 1e145)² ≈ 5e289: the update is skipped
      B, //                          seq 3: learned, loss 1.0368 — the detector's 2nd value
      C, //                          seq 4: learned, loss 0.0722
    ];
    const out = collect(
      from(samples).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), onInvalid: 'skip' }),
        detectDrift(scripted([1], fed)),
        seen(),
      ),
    );
    expect(out.error).toBeUndefined();
    expect(fed).toEqual([
      [expect.closeTo(0.405, 12), expect.closeTo(1.0368, 12), expect.closeTo(0.0722, 12)],
    ]);
    const events = out.values.map((s) => s.events.map((e) => e.type));
    expect(events).toEqual([[], ['rejected'], ['diverged'], ['drift'], []]);
    expect(out.values[3].events[0]).toEqual(drift(3));
  });

  it('fails the stream with a TypeError when a learned step has not been through update', () => {
    const net = linearNet();
    const out = collect(of(A).pipe(forward(net), loss(mse()), detectDrift(scripted([]))));
    expect(errorOf(out)).toBeInstanceOf(TypeError);
    expect(errorOf(out).message).toBe(
      'detectDrift: sample 0 has not been through update(net, optimizer); put detectDrift after train(net, …) or update',
    );
  });

  it('fails the stream with a TypeError for values that are not steps', () => {
    const out = collect(of(1, 2).pipe(detectDrift(scripted([])) as never));
    expect(errorOf(out)).toBeInstanceOf(TypeError);
    expect(errorOf(out).message).toBe(
      'detectDrift: expected the steps of train(net, …) or update(net, optimizer); put detectDrift after them',
    );
  });

  it('fails the stream, unsubscribing the source, when an action throws', () => {
    const failing: DriftAction = {
      name: 'failing',
      start: () => () => {
        throw new Error('cannot');
      },
    };
    let pulled = 0;
    const samples = Array.from({ length: 100 }, () => A);
    const out = collect(
      from(samples).pipe(
        map((s) => {
          pulled++;
          return s;
        }),
        learnAndWatch(scripted([2]), failing),
      ),
    );
    expect(errorOf(out).message).toBe('cannot');
    expect(out.values).toHaveLength(2);
    expect(pulled).toBe(3);
  });
});

describe('detectDrift: one detector per subscription', () => {
  it('never changes the detector it was given, and two subscriptions stay independent', () => {
    const template = pageHinkley({ delta: 0.005, threshold: 0.5, minSamples: 5 });
    const samples = Array.from({ length: 300 }, (_, i) => ({ x: [1], y: i < 150 ? 0 : 5 }));
    const net = () => network({ inputs: 1, layers: [dense(1, linear)], seed: 2 });
    const operator = detectDrift(template);
    const run = () =>
      collect(
        from(samples).pipe(
          train(net(), { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }),
          operator,
          map((s) => s.events.filter((e) => e.type === 'drift').map((e) => e.seq)),
        ),
      ).values.flat();
    const first = run();
    const second = run();
    expect(first.length).toBeGreaterThan(0);
    expect(first[0]).toBeGreaterThanOrEqual(150);
    expect(second).toEqual(first);
    expect(template.width).toBe(0);
    expect(template.statistic).toBe(0);
  });

  it('starts each subscription from the state the given detector holds', () => {
    // a template that has already seen 40 values of 0.01 (its mean), then losses jump
    const template = pageHinkley({ delta: 0.005, threshold: 1, minSamples: 30 });
    for (let i = 0; i < 40; i++) template.update(0.01);
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 2 });
    net.parameters.fill(0);
    // Prediction 0 (η = 0 keeps it), so each loss is ½·1² = 0.5. Carrying on from n = 40,
    // x̄ = 0.01, PH = 0:
    //   n=41: x̄ = 0.9/41 = 0.021951, PH = 0.5 − 0.021951 − 0.005          = 0.473049
    //   n=42: x̄ = 1.4/42 = 0.033333, PH = 0.9999·0.473049 + 0.461667     = 0.934669
    //   n=43: x̄ = 1.9/43 = 0.044186, PH = 0.9999·0.934669 + 0.450814     = 1.385390 > 1
    // so the third sample signals; a fresh detector could not before 30 values.
    const out = collect(
      of({ x: [0], y: 1 }, { x: [0], y: 1 }, { x: [0], y: 1 }).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0 }) }),
        detectDrift(template),
        map((s) => s.events.map((e) => e.type)),
      ),
    );
    expect(out.values).toEqual([[], [], ['drift']]);
    expect(template.width).toBe(40);
  });
});

describe('detectDrift: argument checks at call time', () => {
  it('throws a TypeError for a value that is not a drift detector', () => {
    for (const bad of [undefined, null, {}, 'adwin', adwin, { update: () => false }]) {
      expect(() => detectDrift(bad as never)).toThrow(TypeError);
    }
    expect(() => detectDrift('adwin' as never)).toThrow(
      'detectDrift: detector must be a drift detector such as pageHinkley() or adwin(), got "adwin"',
    );
    expect(() => detectDrift(adwin as never)).toThrow(
      /got the function adwin \(did you mean adwin\(…\)\?\)/,
    );
  });

  it('throws a TypeError for options or actions of the wrong kind, naming them', () => {
    expect(() => detectDrift(adwin(), null as never)).toThrow(
      'detectDrift: options must be an object, got null',
    );
    expect(() => detectDrift(adwin(), { onDrift: 'reset' as never })).toThrow(
      'detectDrift: onDrift must be a drift action such as resetOptimizer(optimizer), got "reset"',
    );
    expect(() => detectDrift(adwin(), { onDrift: [scriptedAction(), {} as never] })).toThrow(
      'detectDrift: onDrift[1] must be a drift action such as resetOptimizer(optimizer), got an object',
    );
  });
});

function scriptedAction(): DriftAction {
  return { name: 'noop', start: () => () => 'noop' };
}

describe('detectDrift: with the default detectors, on a model that has learnt a sine wave', () => {
  // 8-16-1 tanh/linear, Adam η = 0.003, mse, sineFeed({ seed, noise }) (lags 8, period 50):
  // 20,000 samples, then the target flips sign (y → −y) for 200 more. Mean loss over the last
  // 5,000 samples before the flip: 0.003 (noise 0.05) and 0.06 (noise 0.3). Measured delays:
  // Page-Hinkley 5 to 7 samples, ADWIN 7 to 18; no drift event before the flip (the first
  // samples, while the network learns, included), and one event per detector after it.
  it.each([
    [3, 0.05],
    [4, 0.05],
    [5, 0.05],
    [3, 0.3],
    [4, 0.3],
    [5, 0.3],
  ])(
    'seed %i, noise %s: no drift before the flip; found once, within 15 (PH) and 40 (ADWIN) samples',
    (seed, noise) => {
      const N = 20_000;
      const net = network({
        inputs: 8,
        layers: [dense(16, tanh), dense(1, linear)],
        seed: seed + 4,
      });
      const optimizer = adam({ learningRate: 0.003 });
      const drifts: StepEvent[] = [];
      const out = collect(
        sineFeed({ seed, noise, limit: N + 200 }).pipe(
          map((s) => (Number(s.id) >= N ? { ...s, y: -Number(s.y) } : s)),
          train(net, { loss: mse(), optimizer }),
          detectDrift(pageHinkley()),
          detectDrift(adwin()),
          map((s) => {
            drifts.push(...s.events);
            return s.seq;
          }),
        ),
      );
      expect(out.completed).toBe(true);
      expect(drifts.filter((e) => e.seq < N)).toEqual([]);
      const ph = drifts.filter((e) => e.type === 'drift' && e.detector === 'pageHinkley');
      const ad = drifts.filter((e) => e.type === 'drift' && e.detector === 'adwin');
      expect(ph).toHaveLength(1);
      expect(ad).toHaveLength(1);
      expect(ph[0].seq - N).toBeLessThan(15);
      expect(ad[0].seq - N).toBeLessThan(40);
      expect(drifts).toHaveLength(2);
    },
  );
});
