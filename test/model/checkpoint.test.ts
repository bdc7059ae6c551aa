// The checkpoint format: toCheckpoint → JSON → parseCheckpoint / fromCheckpoint gives every
// part of the learning state back exactly; a malformed checkpoint fails with the field named;
// and the whole learning state, checkpointed at sample N through a checkpointStore and rebuilt
// in a fresh pipeline, continues bit for bit like a run that never stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, map, type OperatorFunction, pipe, tap } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adam,
  adaptLearningRate,
  adwin,
  boldDriver,
  boostLearningRate,
  type Checkpoint,
  checkpointStore,
  type DriftDetector,
  type DriftDetectorState,
  dense,
  detectDrift,
  fromCheckpoint,
  linear,
  type MetricsSnapshot,
  type MetricsTracker,
  metricsTracker,
  mse,
  type Network,
  network,
  normalize,
  type Optimizer,
  pageHinkley,
  parseCheckpoint,
  type RateController,
  type RateControllerState,
  type RunningScaler,
  reduceOnPlateau,
  rng,
  rollingMetrics,
  runningScaler,
  type Sample,
  type Step,
  type StepEvent,
  sgd,
  tanh,
  toCheckpoint,
  train,
} from '../../src/index.js';

/**
 * A seeded stream of 3 inputs in the hundreds and a target in the thousands, whose relation
 * changes abruptly at 1500 (so that the detector fires), with an invalid sample now and then.
 */
function stream(n: number, seed = 21): Sample[] {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i % 211 === 17) return { x: [1, Number.NaN, 3], y: 1 };
    const a = 100 + 50 * random.next();
    const b = 300 + 100 * random.next();
    const c = random.next();
    const y = i < 1500 ? 2 * a + b + 40 * c : 2000 - 3 * a + 0.5 * b;
    return { x: [a, b, c], y: y + 5 * random.next(), key: 'plant-1' };
  });
}

/** Everything that holds learning state in the pipeline. */
interface Parts {
  network: Network;
  optimizer: Optimizer;
  scaler: RunningScaler;
  controller: RateController;
  tracker: MetricsTracker;
  detector: DriftDetector;
}

function freshParts(): Parts {
  return {
    network: network({ inputs: 3, layers: [dense(8, tanh), dense(1, linear)], seed: 4 }),
    optimizer: adam({ learningRate: 0.005 }),
    scaler: runningScaler({ targets: true, inputs: 3, outputs: 1 }),
    controller: boldDriver({ window: 150 }),
    tracker: metricsTracker({ window: 200 }),
    detector: pageHinkley({ delta: 0.01, threshold: 2 }),
  };
}

/** What the run shows: each snapshot and the events of the steps (seq shifted by `offset`). */
interface Seen {
  snapshots: MetricsSnapshot[];
  events: string[];
}

/** normalize → train → adaptLearningRate → detectDrift → rollingMetrics, on the given parts. */
function pipeline(p: Parts, seen: Seen, offset: number): OperatorFunction<Sample, MetricsSnapshot> {
  return pipe(
    normalize({ scaler: p.scaler }),
    train(p.network, { loss: mse(), optimizer: p.optimizer, onInvalid: 'skip' }),
    adaptLearningRate(p.network, p.optimizer, p.controller),
    detectDrift(p.detector, {
      clone: false,
      onDrift: boostLearningRate(p.optimizer, 2, { max: 0.05 }),
    }),
    tap((step: Step<Sample>) => {
      for (const e of step.events) {
        // A new subscription numbers its steps from 0 again: shift them (and leave out the
        // message of a rejection, which quotes that number).
        const { message: _message, ...rest } = e as StepEvent & { message?: string };
        seen.events.push(JSON.stringify({ ...rest, seq: e.seq + offset }));
      }
    }),
    rollingMetrics({ tracker: p.tracker, every: 100 }),
    map((m) => ({ ...m, seq: m.seq + offset })),
  );
}

/** A snapshot without the fields that come from the clock. */
function figures(m: MetricsSnapshot): Omit<MetricsSnapshot, 't' | 'samplesPerSecond'> {
  const { t: _t, samplesPerSecond: _rate, ...rest } = m;
  return rest;
}

/** The learning state of `p`, as JSON values (the tracker's seq shifted by `offset`). */
function stateOf(p: Parts, offset: number): unknown {
  const tracker = p.tracker.state();
  return {
    parameters: Array.from(p.network.parameters),
    optimizer: p.optimizer.state(),
    scaler: p.scaler.state(),
    controller: p.controller.state(),
    tracker: { ...tracker, seq: tracker.seq + offset },
    detector: p.detector.state(),
  };
}

const directories: string[] = [];
afterEach(() => {
  for (const d of directories.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'streamprop-checkpoint-'));
  directories.push(d);
  return d;
}

describe('checkpoint: the whole learning state, resumed from a file, continues bit for bit', () => {
  it.each([
    ['before the drift', 1234],
    ['after the drift', 2345],
  ])('checkpoint %s (at sample %i)', (_name, n) => {
    const samples = stream(3000);

    // The run that never stops.
    const whole = freshParts();
    const wholeSeen: Seen = { snapshots: [], events: [] };
    from(samples)
      .pipe(pipeline(whole, wholeSeen, 0))
      .subscribe((m) => wholeSeen.snapshots.push(m));

    // The run that stops at sample n, after a checkpoint …
    const store = checkpointStore(join(scratch(), 'run.ckpt'));
    const first = freshParts();
    const firstSeen: Seen = { snapshots: [], events: [] };
    from(samples.slice(0, n))
      .pipe(pipeline(first, firstSeen, 0))
      .subscribe({
        next: (m) => firstSeen.snapshots.push(m),
        complete: () => {
          store.save(
            toCheckpoint({
              ...first,
              samples: n,
              source: { kind: 'array', position: n },
              run: { every: 100 },
            }),
          );
        },
      });

    // … and goes on in a new pipeline built from the file alone.
    const { newest, problems } = checkpointStore(store.path).loadNewest();
    expect(problems).toEqual([]);
    expect(newest?.path).toBe(store.path);
    const loaded = fromCheckpoint(newest?.checkpoint);
    expect(loaded.source).toEqual({ kind: 'array', position: n });
    expect(loaded.run).toEqual({ every: 100 });
    const resumed: Parts = {
      network: loaded.network,
      optimizer: loaded.optimizer,
      scaler: loaded.scaler as RunningScaler,
      controller: loaded.controller as RateController,
      tracker: loaded.tracker as MetricsTracker,
      detector: loaded.detector as DriftDetector,
    };
    const position = loaded.source?.position as number;
    const resumedSeen: Seen = { snapshots: [], events: [] };
    from(samples.slice(position))
      .pipe(pipeline(resumed, resumedSeen, position))
      .subscribe((m) => resumedSeen.snapshots.push(m));

    // The same figures, events and final state, to the last bit.
    expect(stateOf(resumed, n)).toEqual(stateOf(whole, 0));
    expect(resumedSeen.snapshots.map(figures)).toEqual(
      wholeSeen.snapshots.filter((m) => m.samples > n).map(figures),
    );
    expect([...firstSeen.events, ...resumedSeen.events]).toEqual(wholeSeen.events);
    // and the run did what the test is about: the rate moved, a drift was found, samples rejected
    const types = wholeSeen.events.map((e) => JSON.parse(e).type);
    expect(types).toContain('learningRate');
    expect(types).toContain('drift');
    expect(whole.tracker.rejected).toBeGreaterThan(5);
  });
});

/** A small checkpoint with every part, after 400 samples. */
function sample(): { checkpoint: Checkpoint; parts: Parts } {
  const parts = freshParts();
  from(stream(400))
    .pipe(pipeline(parts, { snapshots: [], events: [] }, 0))
    .subscribe();
  const checkpoint = toCheckpoint({
    ...parts,
    samples: 400,
    source: { kind: 'csv', path: 'data.csv', position: 400, header: true, columns: ['a', null] },
    savedAt: new Date('2025-05-01T12:00:00.000Z'),
  });
  return { checkpoint, parts };
}

describe('checkpoint: round trip', () => {
  it('toCheckpoint → JSON → parseCheckpoint gives the same checkpoint', () => {
    const { checkpoint } = sample();
    const text = JSON.stringify(checkpoint);
    expect(parseCheckpoint(text)).toEqual(JSON.parse(text));
    expect(parseCheckpoint(JSON.parse(text))).toEqual(checkpoint);
    expect(checkpoint.format).toBe('streamprop-checkpoint');
    expect(checkpoint.version).toBe(2);
    expect(checkpoint.savedAt).toBe('2025-05-01T12:00:00.000Z');
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it('fromCheckpoint gives every part back exactly, made anew from the saved options', () => {
    const { checkpoint, parts } = sample();
    const loaded = fromCheckpoint(JSON.stringify(checkpoint));
    expect(loaded.network.describe()).toBe(parts.network.describe());
    expect(loaded.network.parameters).toEqual(parts.network.parameters);
    expect(loaded.optimizer.state()).toEqual(parts.optimizer.state());
    expect(loaded.scaler?.state()).toEqual(parts.scaler.state());
    expect(loaded.controller?.state()).toEqual(parts.controller.state());
    expect(loaded.tracker?.state()).toEqual(parts.tracker.state());
    expect(loaded.detector?.state()).toEqual(parts.detector.state());
    expect(loaded.samples).toBe(400);
    expect(loaded.source).toEqual(checkpoint.source);
    expect(loaded.run).toBeUndefined();
  });

  it('the parts are optional but the optimizer; other built-in kinds are made too', () => {
    const net = network({ inputs: 2, layers: [dense(2, linear)], seed: 1 });
    const bare = fromCheckpoint(toCheckpoint({ network: net, optimizer: sgd(), samples: 0 }));
    expect([bare.scaler, bare.controller, bare.tracker, bare.detector]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const controller = reduceOnPlateau({ patience: 2, factor: 0.5, window: 10 });
    const detector = adwin({ delta: 0.05 });
    for (let i = 0; i < 25; i++) {
      controller.observe(1 + (i % 3), 0.1);
      detector.update(i % 4);
    }
    const loaded = fromCheckpoint(
      toCheckpoint({ network: net, optimizer: sgd(), controller, detector, samples: 25 }),
    );
    expect(loaded.controller?.state()).toEqual(controller.state());
    expect(loaded.detector?.state()).toEqual(detector.state());
  });

  it('restores into the objects passed in `into`, and returns them', () => {
    const { checkpoint, parts } = sample();
    const into = {
      controller: boldDriver({ window: 150 }),
      tracker: metricsTracker({ window: 200 }),
      detector: pageHinkley({ delta: 0.01, threshold: 2 }),
    };
    const loaded = fromCheckpoint(checkpoint, into);
    expect(loaded.controller).toBe(into.controller);
    expect(loaded.tracker).toBe(into.tracker);
    expect(loaded.detector).toBe(into.detector);
    expect(into.controller.state()).toEqual(parts.controller.state());
    expect(into.tracker.state()).toEqual(parts.tracker.state());
    expect(into.detector.state()).toEqual(parts.detector.state());
  });

  it('a controller or detector of your own is restored when passed, refused when not', () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    const restored: unknown[] = [];
    const controller: RateController = {
      name: 'halveOnSpikes',
      boundary: false,
      rollback: false,
      reason: '',
      observe: (_loss, rate) => rate,
      reset: () => {},
      state: (): RateControllerState => ({
        name: 'halveOnSpikes',
        options: { limit: 10 },
        values: { spikes: 3 },
      }),
      restore: (s) => restored.push(s),
    };
    const detector = (): DriftDetector => {
      const d: DriftDetector = {
        name: 'never',
        update: () => false,
        clone: () => detector(),
        state: (): DriftDetectorState => ({
          name: 'never',
          settings: {},
          values: { seen: [1, 2] },
        }),
        restore: (s) => restored.push(s),
      };
      return d;
    };
    const text = JSON.stringify(
      toCheckpoint({
        network: net,
        optimizer: sgd(),
        controller,
        detector: detector(),
        samples: 1,
      }),
    );
    expect(() => fromCheckpoint(text)).toThrow(
      'fromCheckpoint: drift: "never" is not a built-in detector; pass yours in into.detector',
    );
    expect(() => fromCheckpoint(text, { detector: detector() })).toThrow(
      'fromCheckpoint: controller: "halveOnSpikes" is not a built-in controller; pass yours in into.controller',
    );
    restored.length = 0;
    const loaded = fromCheckpoint(text, { controller, detector: detector() });
    expect(loaded.controller).toBe(controller);
    expect(restored).toContainEqual({
      name: 'halveOnSpikes',
      options: { limit: 10 },
      values: { spikes: 3 },
    });
    expect(restored).toContainEqual({ name: 'never', settings: {}, values: { seen: [1, 2] } });
  });

  it('a name that is a property of every object is no built-in kind', () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    const checkpoint = toCheckpoint({ network: net, optimizer: sgd(), samples: 0 });
    const odd = { ...checkpoint, controller: { name: 'constructor', options: {}, values: {} } };
    expect(parseCheckpoint(odd).controller?.name).toBe('constructor');
    expect(() => fromCheckpoint(odd)).toThrow(
      'fromCheckpoint: controller: "constructor" is not a built-in controller',
    );
  });

  it('a state that does not fit an object passed changes none of them', () => {
    const { checkpoint } = sample();
    const tracker = metricsTracker({ window: 200 });
    const detector = pageHinkley({ delta: 0.01, threshold: 2 });
    detector.update(0.3);
    const before = [JSON.stringify(tracker.state()), JSON.stringify(detector.state())];
    expect(() =>
      fromCheckpoint(checkpoint, { controller: boldDriver({ window: 99 }), tracker, detector }),
    ).toThrow(
      'fromCheckpoint: controller.options.window: saved with 150, this controller has 99; make it with the saved settings',
    );
    expect(() =>
      fromCheckpoint(checkpoint, { tracker: metricsTracker({ window: 10 }), detector }),
    ).toThrow('fromCheckpoint: metrics: saved with window 200 and alpha');
    expect(() =>
      fromCheckpoint(checkpoint, { tracker, detector: pageHinkley({ threshold: 3 }) }),
    ).toThrow(
      'fromCheckpoint: drift.settings.delta: saved with 0.01, this detector has 0.02; make it with the saved settings',
    );
    expect([JSON.stringify(tracker.state()), JSON.stringify(detector.state())]).toEqual(before);
    expect(() => fromCheckpoint(checkpoint, null as never)).toThrow(TypeError);
    expect(() => fromCheckpoint(checkpoint, { tracker: {} as never })).toThrow(
      'fromCheckpoint: into.tracker must be made with metricsTracker',
    );
  });
});

describe('checkpoint: a malformed one fails with the field named', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the tests write wrong values into the file on purpose
  type Edit = (c: any) => void;
  it.each<[string, Edit, string]>([
    [
      'another format',
      (c) => (c.format = 'streamprop-model'),
      'format: Invalid input: expected "streamprop-checkpoint"',
    ],
    [
      'a later version',
      (c) => (c.version = 3),
      'version: is 3, and this streamprop reads version 2 only',
    ],
    [
      'version 1, whose metrics had another shape: both versions named',
      (c) => (c.version = 1),
      'version: is 1, and this streamprop reads version 2 only: a version 1 checkpoint (before 0.2) saved its metrics in another shape; start the run afresh',
    ],
    ['no date', (c) => delete c.savedAt, 'savedAt: Invalid input'],
    ['a date that is not one', (c) => (c.savedAt = 'yesterday'), 'savedAt: Invalid ISO datetime'],
    ['a negative sample count', (c) => (c.samples = -1), 'samples: Too small'],
    [
      'no optimizer',
      (c) => delete c.model.optimizer,
      'model.optimizer: is required in a checkpoint',
    ],
    [
      'a weight that is null (was NaN)',
      (c) => (c.model.layers[0].weights[1][2] = null),
      'model.layers[0].weights[1][2]: Invalid input: expected number, received null',
    ],
    [
      'a weight row too short',
      (c) => c.model.layers[1].weights[0].pop(),
      "model.layers[1].weights[0]: has 7 values, expected 8 (the layer's inputs)",
    ],
    [
      'an optimizer buffer too short',
      (c) => c.model.optimizer.buffers.m.pop(),
      'model.optimizer.buffers.m: has 40 values, expected 41 (one per parameter)',
    ],
    [
      'a scaler of other inputs',
      (c) => c.model.scaler.inputStats.mean.pop(),
      'model.scaler.inputStats.mean: must hold 3 values (one per input of the network)',
    ],
    [
      'controller values out of range',
      (c) => (c.controller.values.count = 1e6),
      'controller.values.count: must be below values.size (a window closes when it is full)',
    ],
    [
      'controller options out of range',
      (c) => (c.controller.options.window = 0),
      'controller.options: boldDriver: window must be',
    ],
    [
      'controller values not numbers',
      (c) => (c.controller.values.sum = 'x'),
      'controller.values.sum: Invalid input',
    ],
    [
      'metrics not an object',
      (c) => (c.metrics = [1]),
      'metrics: Invalid input: expected object, received array',
    ],
    [
      'metrics with a bad window',
      (c) => (c.metrics.window = 0),
      'metrics.window: Too small: expected number to be >0',
    ],
    [
      'metrics with a short ring',
      (c) => c.metrics.errors.window.weights.pop(),
      'metrics.errors.window.weights: must hold 200 numbers (count), got 199',
    ],
    [
      'metrics of another network',
      (c) => {
        // a sound tracker state of two outputs: twice each pair
        const m = c.metrics;
        m.outputs = 2;
        const w = m.errors.window;
        w.outputs = 2;
        for (const k of ['predictions', 'targets']) w[k] = w[k].flatMap((v: number) => [v, v]);
        for (const part of [w, m.errors.ewma, m.errors.total]) {
          const r2 = part.metric.r2;
          r2.outputs = 2;
          for (const k of ['shift', 'sumTarget', 'sumTarget2', 'sumResidual2']) {
            r2[k] = [...r2[k], ...r2[k]];
          }
        }
      },
      'metrics.outputs: is 2, the network has 1 outputs',
    ],
    [
      'drift values out of range',
      (c) => (c.drift.values.count = -3),
      'drift.values.count: Too small: expected number to be >=0',
    ],
    [
      'drift settings of the wrong kind',
      (c) => (c.drift.settings.threshold = -1),
      'drift.settings: pageHinkley: threshold must be a finite number > 0',
    ],
    [
      'a source that is not an object',
      (c) => (c.source = 'data.csv'),
      'source: Invalid input: expected record',
    ],
  ])('%s', (_name, edit, message) => {
    const { checkpoint } = sample();
    const broken = JSON.parse(JSON.stringify(checkpoint));
    edit(broken);
    expect(() => parseCheckpoint(broken)).toThrow(`parseCheckpoint: ${message}`);
    expect(() => fromCheckpoint(JSON.stringify(broken))).toThrow(`fromCheckpoint: ${message}`);
  });

  it('text that is cut short or empty', () => {
    const text = JSON.stringify(sample().checkpoint);
    expect(() => parseCheckpoint(text.slice(0, text.length / 2))).toThrow(
      'parseCheckpoint: the text is not valid JSON (',
    );
    expect(() => parseCheckpoint('')).toThrow('parseCheckpoint: the text is empty');
    expect(() => parseCheckpoint(null)).toThrow('parseCheckpoint: the checkpoint: Invalid input');
  });
});

describe('toCheckpoint: argument checks', () => {
  const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
  it.each<[string, unknown, RegExp | string, ErrorConstructor]>([
    [
      'not an object',
      null,
      'toCheckpoint: parts must be an object { network, optimizer, samples, … }, got null',
      TypeError,
    ],
    ['no network', { optimizer: sgd(), samples: 0 }, 'toCheckpoint', TypeError],
    ['no optimizer', { network: net, samples: 0 }, 'toCheckpoint', TypeError],
    [
      'samples not an integer',
      { network: net, optimizer: sgd(), samples: 1.5 },
      'toCheckpoint: samples must be an integer >= 0, got 1.5',
      RangeError,
    ],
    [
      'a scaler of the wrong kind',
      { network: net, optimizer: sgd(), samples: 0, scaler: {} },
      'toCheckpoint: scaler must be made with runningScaler',
      TypeError,
    ],
    [
      'a tracker of the wrong kind',
      { network: net, optimizer: sgd(), samples: 0, tracker: {} },
      'toCheckpoint: tracker must be made with metricsTracker',
      TypeError,
    ],
    [
      'a controller without state()',
      { network: net, optimizer: sgd(), samples: 0, controller: {} },
      'toCheckpoint: controller.name must be a non-empty string, got undefined',
      TypeError,
    ],
    [
      'a source that is not JSON',
      { network: net, optimizer: sgd(), samples: 0, source: { at: Number.NaN } },
      'toCheckpoint: source.at must be JSON',
      TypeError,
    ],
    [
      'a run that is not an object',
      { network: net, optimizer: sgd(), samples: 0, run: [1] },
      'toCheckpoint: run must be JSON',
      TypeError,
    ],
    [
      'an invalid date',
      { network: net, optimizer: sgd(), samples: 0, savedAt: new Date(Number.NaN) },
      'toCheckpoint: savedAt must be a valid Date, got an object',
      RangeError,
    ],
    [
      'a scaler of another network',
      { network: net, optimizer: sgd(), samples: 0, scaler: runningScaler({ inputs: 2 }) },
      'toJSON: the scaler has 2 inputs, the network 1',
      RangeError,
    ],
  ])('%s', (_name, parts, message, kind) => {
    expect(() => toCheckpoint(parts as never)).toThrow(kind);
    expect(() => toCheckpoint(parts as never)).toThrow(message);
  });

  it('copies the source: changing it afterwards changes nothing saved', () => {
    const source = { kind: 'csv', position: 10 };
    const checkpoint = toCheckpoint({ network: net, optimizer: sgd(), samples: 10, source });
    source.position = 99;
    expect(checkpoint.source).toEqual({ kind: 'csv', position: 10 });
  });
});
