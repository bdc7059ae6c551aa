// The state of rollingMetrics as a value the user holds: metricsTracker(), state() / restore(),
// and rollingMetrics({ tracker }). The central property: counting the first N steps, saving
// through JSON, restoring into a fresh tracker and counting the rest gives exactly (bit for
// bit) the figures and the state of one tracker that counted them all.
import { from, type Observable, Subject, share, skip, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  dense,
  linear,
  type MetricsSnapshot,
  type MetricsTracker,
  type MetricsTrackerState,
  metricsTracker,
  mse,
  network,
  rng,
  rollingMetrics,
  type Sample,
  type Step,
  sgd,
  sigmoid,
  tanh,
  train,
} from '../../src/index.js';

/**
 * A seeded regression stream of 2 targets with a level shift at 600, and a few invalid samples
 * (NaN input, wrong length) that train rejects with onInvalid: 'skip'.
 */
function regressionSamples(n: number, seed: number): Sample[] {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i % 97 === 13) return { x: [Number.NaN, 1], y: [0, 0] };
    if (i % 131 === 7) return { x: [1], y: [0, 0] };
    const a = random.next() * 2 - 1;
    const b = random.next() * 2 - 1;
    const level = i < 600 ? 0 : 3;
    return { x: [a, b], y: [a * b + level, a - b + 0.1 * random.next()], key: i % 3 };
  });
}

/** A seeded binary classification stream (targets 0/1, sigmoid output): accuracy and log-loss. */
function classificationSamples(n: number, seed: number): Sample[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => {
    const a = random.next() * 2 - 1;
    const b = random.next() * 2 - 1;
    return { x: [a, b], y: a + b > 0 ? 1 : 0 };
  });
}

/** The steps of training a fresh seeded network on `samples`, shared by every subscriber. */
function stepsOf(samples: Sample[], classify: boolean): Observable<Step<Sample>> {
  const net = network({
    inputs: 2,
    layers: [dense(6, tanh), classify ? dense(1, sigmoid) : dense(2, linear)],
    seed: 5,
  });
  const loss = classify ? binaryCrossEntropy() : mse();
  return from(samples).pipe(
    train(net, { loss, optimizer: sgd({ learningRate: 0.05 }), onInvalid: 'skip' }),
    share(),
  );
}

/** A snapshot without the fields that come from the clock. */
function figures(m: MetricsSnapshot): Omit<MetricsSnapshot, 't' | 'samplesPerSecond'> {
  const { t: _t, samplesPerSecond: _rate, ...rest } = m;
  return rest;
}

const throughJson = (state: MetricsTrackerState): MetricsTrackerState =>
  JSON.parse(JSON.stringify(state));

describe('metricsTracker: save, restore through JSON, continue — bit for bit', () => {
  it.each([
    ['regression, 2 outputs, window 50 (wrapped many times)', false, 50, 900, 437],
    ['regression, split before the window is full', false, 500, 900, 120],
    ['classification, accuracy and log-loss', true, 64, 700, 333],
  ])('%s', (_name, classify, window, n, split) => {
    const whole = metricsTracker({ window });
    const first = metricsTracker({ window });
    let resumed: MetricsTracker | undefined;
    const steps: number[] = [];
    stepsOf(classify ? classificationSamples(n, 3) : regressionSamples(n, 3), classify).subscribe(
      (step) => {
        whole.add(step);
        if (steps.length < split) {
          first.add(step);
        } else {
          if (resumed === undefined) {
            resumed = metricsTracker({ window });
            resumed.restore(throughJson(first.state()));
            expect(figures(resumed.snapshot(0))).toEqual(figures(first.snapshot(0)));
          }
          resumed.add(step);
          // every figure after every step, not only at the end
          expect(figures(resumed.snapshot(0))).toEqual(figures(whole.snapshot(0)));
        }
        steps.push(step.seq);
      },
    );
    expect(steps).toHaveLength(n);
    const end = resumed as MetricsTracker;
    expect(end.state()).toEqual(whole.state());
    expect(JSON.stringify(end.state())).toBe(JSON.stringify(whole.state()));
    const last = whole.snapshot(0);
    expect(last.samples).toBe(n);
    if (classify) {
      expect(last.accuracy).toBeGreaterThan(0.5);
      expect(last.logLoss).toBeDefined();
    } else {
      expect(last.rejected).toBeGreaterThan(10);
      expect(last.r2).toBeDefined();
    }
  });

  it('rollingMetrics({ tracker }): the resumed stream emits the snapshots of an uninterrupted one', () => {
    const n = 1000;
    const split = 450;
    // One training run whose steps reach every subscriber (a Subject fed after they subscribed).
    const feed = new Subject<Sample>();
    const net = network({ inputs: 2, layers: [dense(6, tanh), dense(2, linear)], seed: 5 });
    const steps = feed.pipe(
      train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }), onInvalid: 'skip' }),
      share(),
    );
    const whole = metricsTracker({ window: 100 });
    const first = metricsTracker({ window: 100 });
    const resumed = metricsTracker({ window: 100 });
    const all: MetricsSnapshot[] = [];
    const before: MetricsSnapshot[] = [];
    const after: MetricsSnapshot[] = [];
    steps.pipe(rollingMetrics({ tracker: whole, every: 40 })).subscribe((m) => all.push(m));
    steps.pipe(take(split), rollingMetrics({ tracker: first, every: 40 })).subscribe({
      next: (m) => before.push(m),
      complete: () => resumed.restore(throughJson(first.state())),
    });
    steps
      .pipe(skip(split), rollingMetrics({ tracker: resumed, every: 40 }))
      .subscribe((m) => after.push(m));
    for (const sample of regressionSamples(n, 9)) feed.next(sample);
    feed.complete();
    // Up to the split the two agree; the first stream ends with a final snapshot at 450.
    expect(before.map(figures).slice(0, -1)).toEqual(all.slice(0, 11).map(figures));
    expect(before.at(-1)?.samples).toBe(450);
    // After it, snapshots come at the same counts (every 40 from the start: 480, 520, …).
    expect(after.map((m) => m.samples)).toEqual(all.slice(11).map((m) => m.samples));
    expect(after.map(figures)).toEqual(all.slice(11).map(figures));
    expect(after[0].samples).toBe(480);
  });
});

describe('metricsTracker: the state is JSON', () => {
  it('a fresh tracker: no figures yet, null learning rate and key', () => {
    const mean = (kind: string) => ({ kind, weight: 0, sum: 0, excluded: 0 });
    const none = {
      mse: mean('meanSquaredError'),
      mae: mean('meanAbsoluteError'),
      r2: {
        kind: 'rSquared',
        outputs: 0,
        weight: 0,
        shift: [],
        sumTarget: [],
        sumTarget2: [],
        sumResidual2: [],
      },
      accuracy: mean('accuracy'),
      logLoss: mean('logLoss'),
    };
    const state = metricsTracker({ window: 10 }).state();
    expect(state).toEqual({
      window: 10,
      alpha: 2 / 11,
      samples: 0,
      seq: -1,
      key: null,
      learningRate: null,
      rejected: 0,
      rejectedByReason: {
        notObject: 0,
        length: 0,
        notNumber: 0,
        nonFinite: 0,
        outOfRange: 0,
        missingTarget: 0,
        malformed: 0,
        tooLarge: 0,
      },
      drifts: 0,
      outputs: 0,
      errors: {
        window: {
          size: 10,
          outputs: 0,
          head: 0,
          count: 0,
          predictions: [],
          targets: [],
          weights: [],
          metric: none,
        },
        ewma: { alpha: 2 / 11, count: 0, scale: 1, metric: none },
        total: { count: 0, metric: none },
      },
    });
    const tracker = metricsTracker({ window: 10 });
    tracker.restore(throughJson(state));
    expect(tracker.state()).toEqual(state);
  });

  it('a target beyond ±1e145 is rejected before it reaches the sums, which stay finite', () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    net.layers[0].weights[0] = 1;
    net.layers[0].biases[0] = 0;
    const tracker = metricsTracker({ window: 4 });
    // a residual of 1e200 would square to Infinity; the largest admitted one squares to 4e290
    from([
      { x: [0], y: 1e200 },
      { x: [1e145], y: -1e145 },
      { x: [-1e145], y: 1e145 },
    ])
      .pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0 }), onInvalid: 'skip' }),
        rollingMetrics({ tracker }),
      )
      .subscribe();
    const text = JSON.stringify(tracker.state());
    expect(text).not.toMatch(/NaN|Infinity/);
    const state = JSON.parse(text) as MetricsTrackerState;
    expect(state.rejectedByReason.outOfRange).toBe(1);
    expect(JSON.stringify(state.errors)).not.toMatch(/null/);
    expect(state.errors.total.metric.mse.sum).toBe(4e290 + 4e290);
    const copy = metricsTracker({ window: 4 });
    copy.restore(state);
    expect(copy.snapshot(0).samples).toBe(3);
  });

  it('restores a state saved before a rejection reason existed, that count read as 0', () => {
    const tracker = metricsTracker({ window: 4 });
    const state = throughJson(tracker.state()) as unknown as {
      rejectedByReason: Record<string, number>;
    };
    delete state.rejectedByReason.outOfRange;
    delete state.rejectedByReason.tooLarge;
    const copy = metricsTracker({ window: 4 });
    copy.restore(state as unknown as MetricsTrackerState);
    expect(copy.snapshot(0).rejectedByReason.tooLarge).toBe(0);
  });

  it('reset forgets everything; window and alpha stay', () => {
    const tracker = metricsTracker({ window: 20, alpha: 0.5 });
    stepsOf(regressionSamples(50, 1), false).subscribe((s) => tracker.add(s));
    expect(tracker.samples).toBe(50);
    expect(tracker.scored).toBeGreaterThan(0);
    tracker.reset();
    expect(tracker.state()).toEqual(metricsTracker({ window: 20, alpha: 0.5 }).state());
  });

  it('the getters follow the counts', () => {
    const tracker = metricsTracker({ window: 20 });
    stepsOf(regressionSamples(200, 1), false).subscribe((s) => tracker.add(s));
    const m = tracker.snapshot(123);
    expect(m.t).toBe(123);
    expect([tracker.samples, tracker.seq, tracker.rejected, tracker.drifts]).toEqual([
      200,
      199,
      m.rejected,
      0,
    ]);
    expect(tracker.scored).toBe(m.total.count);
    expect(tracker.scored + tracker.rejected).toBe(200);
  });
});

describe('metricsTracker: restore checks the state and names the field', () => {
  /** A tracker's state after 30 steps, window 8. */
  function saved(): MetricsTrackerState {
    const tracker = metricsTracker({ window: 8 });
    stepsOf(regressionSamples(30, 2), false).subscribe((s) => tracker.add(s));
    return throughJson(tracker.state());
  }
  // biome-ignore lint/suspicious/noExplicitAny: the tests write wrong values into the state on purpose
  type Edit = (s: Record<string, any>) => void;
  it.each<[string, Edit, string]>([
    [
      'another window',
      (s) => (s.window = 9),
      "window: is 9, this tracker's is 8; make it with metricsTracker({ window, alpha }) as saved",
    ],
    ['another alpha', (s) => (s.alpha = 0.5), "alpha: is 0.5, this tracker's is"],
    ['a negative count', (s) => (s.samples = -1), 'samples: Too small: expected number to be >=0'],
    ['a fractional seq', (s) => (s.seq = 1.5), 'seq: Invalid input: expected int, received number'],
    ['a key of the wrong type', (s) => (s.key = {}), 'key: Invalid input'],
    ['a rate below 0', (s) => (s.learningRate = -1), 'learningRate: must be >= 0 or null'],
    [
      'counts that do not add up',
      (s) => (s.rejectedByReason.length += 1),
      'rejectedByReason: adds up to',
    ],
    [
      'a reason count that is not an integer',
      (s) => (s.rejectedByReason.malformed = 0.5),
      'rejectedByReason.malformed: Invalid input: expected int',
    ],
    ['errors missing', (s) => (s.errors = null), 'errors: Invalid input: expected object'],
    [
      'no outputs after 30 steps',
      (s) => (s.outputs = 0),
      'outputs: must be at least 1 after 30 steps',
    ],
    [
      'a window of other outputs',
      (s) => (s.outputs = 3),
      'errors.window.outputs: is 2, but outputs is 3',
    ],
    [
      'another window in errors',
      (s) => {
        s.errors.window.size = 9;
        s.errors.window.head = 8; // sound for a ring of 9 holding 8
      },
      'errors.window.size: is 9, but window is 8',
    ],
    ['another alpha in errors', (s) => (s.errors.ewma.alpha = 0.5), 'errors.ewma.alpha: is 0.5'],
    [
      'a short ring',
      (s) => s.errors.window.targets.pop(),
      'errors.window.targets: must hold 16 numbers (count × outputs), got 15',
    ],
    [
      'a ring value of the wrong type',
      (s) => (s.errors.window.targets[3] = 'x'),
      'errors.window.targets[3]: Invalid input: expected number, received string',
    ],
    [
      'a head out of range',
      (s) => (s.errors.window.head = 8),
      'errors.window.head: must be below 8 (count 8), got 8',
    ],
    [
      'R² sums of other outputs',
      (s) => s.errors.total.metric.r2.shift.pop(),
      'errors.total.metric.r2.shift: must hold 2 numbers (outputs), got 1',
    ],
    [
      'a metric of another kind',
      (s) => (s.errors.ewma.metric.mae.kind = 'accuracy'),
      'errors.ewma.metric.mae.kind: Invalid input: expected "meanAbsoluteError"',
    ],
    [
      'a missing ewma',
      (s) => delete s.errors.ewma,
      'errors.ewma: Invalid input: expected object, received undefined',
    ],
    [
      'more scored than counted',
      (s) => (s.errors.total.count = 1000),
      'errors.total.count: is 1000, more than the',
    ],
    [
      'an EWMA that counted other pairs',
      (s) => (s.errors.ewma.count = 2),
      'errors.ewma.count: is 2, but errors.total.count is',
    ],
    [
      'a window holding more than was scored',
      (s) => {
        s.errors.total.count = 2;
        s.errors.ewma.count = 2;
      },
      'errors.window.count: is 8, more than the 2 scored',
    ],
  ])('%s', (_name, edit, message) => {
    const state = saved();
    edit(state as unknown as Parameters<Edit>[0]);
    const tracker = metricsTracker({ window: 8 });
    stepsOf(regressionSamples(5, 4), false).subscribe((s) => tracker.add(s));
    const before = JSON.stringify(tracker.state());
    expect(() => tracker.restore(state)).toThrow(`MetricsTracker.restore: ${message}`);
    expect(JSON.stringify(tracker.state())).toBe(before); // a wrong state changes nothing
  });

  it('a state that is not an object', () => {
    expect(() => metricsTracker().restore(null as unknown as MetricsTrackerState)).toThrow(
      'MetricsTracker.restore: state: Invalid input: expected object, received null',
    );
  });

  it('a head that disagrees with a window not yet full', () => {
    const tracker = metricsTracker({ window: 100 });
    stepsOf(regressionSamples(20, 2), false).subscribe((s) => tracker.add(s));
    const state = throughJson(tracker.state()) as unknown as {
      errors: { window: { head: number } };
    };
    state.errors.window.head = 3;
    expect(() => metricsTracker({ window: 100 }).restore(state as never)).toThrow(
      /errors\.window\.head: must be \d+ \(count \d+\), got 3/,
    );
  });
});

describe('metricsTracker and rollingMetrics({ tracker }): options', () => {
  it('metricsTracker checks its options at once', () => {
    expect(() => metricsTracker({ window: 0 })).toThrow(
      'metricsTracker: window must be a positive integer, got 0',
    );
    expect(() => metricsTracker({ alpha: 2 })).toThrow(
      'metricsTracker: alpha must be a finite number in (0, 1], got 2',
    );
    expect(() => metricsTracker(null as never)).toThrow(TypeError);
    expect(metricsTracker().window).toBe(1000);
    expect(metricsTracker({ window: 9 }).alpha).toBe(0.2);
  });

  it('rollingMetrics refuses a tracker of the wrong kind, or one given with window or alpha', () => {
    expect(() => rollingMetrics({ tracker: {} as never })).toThrow(
      'rollingMetrics: tracker must be made with metricsTracker({ … }), got',
    );
    expect(() => rollingMetrics({ tracker: metricsTracker(), window: 5 })).toThrow(
      'rollingMetrics: give either tracker or window, not both',
    );
    expect(() => rollingMetrics({ tracker: metricsTracker(), alpha: 0.5 })).toThrow(TypeError);
  });

  it('every defaults to the tracker window', async () => {
    const tracker = metricsTracker({ window: 25 });
    const out = await new Promise<MetricsSnapshot[]>((done) =>
      stepsOf(regressionSamples(60, 1), false)
        .pipe(rollingMetrics({ tracker }), toArray())
        .subscribe(done),
    );
    expect(out.map((m) => m.samples)).toEqual([25, 50, 60]);
  });

  it('a tracker passed to two subscriptions is shared by them; without one they stay apart', () => {
    const samples = regressionSamples(30, 1);
    const tracker = metricsTracker({ window: 10 });
    const net = network({ inputs: 2, layers: [dense(2, linear)], seed: 1 });
    const pipeline = (s: Sample[]) =>
      from(s).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0 }), onInvalid: 'skip' }),
      );
    pipeline(samples).pipe(rollingMetrics({ tracker })).subscribe();
    pipeline(samples).pipe(rollingMetrics({ tracker })).subscribe();
    expect(tracker.samples).toBe(60);
    const own: number[] = [];
    const metrics = rollingMetrics({ window: 10 });
    pipeline(samples)
      .pipe(metrics)
      .subscribe((m) => own.push(m.samples));
    pipeline(samples)
      .pipe(metrics)
      .subscribe((m) => own.push(m.samples));
    expect(own).toEqual([10, 20, 30, 10, 20, 30]);
  });
});
