// Property: whatever finite doubles arrive — ±1e308, subnormals, −0, anything in between —
// every running statistic of a live pipeline (scaler, weights and optimizer, rate controller,
// drift detector, metrics) stays finite, and a checkpoint of it can be saved and loaded again
// after every single sample. Values beyond ±MAX_MAGNITUDE are rejected as `outOfRange`.
import fc from 'fast-check';
import { from, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  adaptLearningRate,
  adwin,
  boldDriver,
  type CheckpointFileSystem,
  checkpointStore,
  dense,
  detectDrift,
  fromCheckpoint,
  linear,
  MAX_MAGNITUDE,
  metricsTracker,
  mse,
  network,
  normalize,
  pageHinkley,
  reduceOnPlateau,
  rollingMetrics,
  runningScaler,
  type Sample,
  tanh,
  toCheckpoint,
  train,
} from '../../src/index.js';

/** The file functions of a checkpoint store, in memory: the store's own logic runs unchanged. */
function memoryFileSystem(): CheckpointFileSystem {
  const files = new Map<string, string>();
  const open = new Map<number, { path: string; text: string }>();
  let next = 3;
  const missing = (path: string): Error =>
    Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    openSync: (path) => {
      open.set(next, { path, text: '' });
      return next++;
    },
    writeSync: (fd, buffer, offset, length) => {
      const file = open.get(fd)!;
      file.text += Buffer.from(buffer.subarray(offset, offset + length)).toString('utf8');
      return length;
    },
    fsyncSync: () => {},
    closeSync: (fd) => {
      const file = open.get(fd)!;
      if (file.text !== '') files.set(file.path, file.text);
      open.delete(fd);
    },
    renameSync: (from, to) => {
      const text = files.get(from);
      if (text === undefined) throw missing(from);
      files.set(to, text);
      files.delete(from);
    },
    unlinkSync: (path) => {
      files.delete(path);
    },
    readFileSync: (path) => {
      const text = files.get(path);
      if (text === undefined) throw missing(path);
      return text;
    },
    readdirSync: () => [],
    mkdirSync: () => undefined,
  };
}

const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });
const extreme = fc.constantFrom(
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1e308,
  -1e308,
  1e200,
  1e155,
  MAX_MAGNITUDE,
  -MAX_MAGNITUDE,
  MAX_MAGNITUDE * (1 + Number.EPSILON),
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  -0,
  0,
);
const ordinary = fc.double({ min: -10, max: 10, noNaN: true });
const value = fc.oneof(anyFinite, extreme, ordinary, ordinary);
const sample = fc.record({ x: fc.tuple(value, value), y: value });

describe('finite values of any size, as a property', () => {
  it('keep every running statistic finite, and every checkpoint saves and loads', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        fc.boolean(),
        (samples, useAdwin, useBoldDriver) => {
          const net = network({ inputs: 2, layers: [dense(3, tanh), dense(1, linear)], seed: 5 });
          const optimizer = adam({ learningRate: 0.01 });
          const scaler = runningScaler({ targets: true });
          const controller = useBoldDriver
            ? boldDriver({ window: 3 })
            : reduceOnPlateau({ window: 3, patience: 1, factor: 0.5 });
          const detector = useAdwin ? adwin() : pageHinkley({ threshold: 1, minSamples: 2 });
          const tracker = metricsTracker({ window: 4 });
          const store = checkpointStore('run.ckpt', { fileSystem: memoryFileSystem() });
          let seen = 0;
          let failure: unknown;
          let outOfRange = 0;
          for (const s of samples) {
            if (![...s.x, s.y].every((v) => Math.abs(v) <= MAX_MAGNITUDE)) outOfRange++;
          }
          from(samples as Sample[])
            .pipe(
              normalize({ scaler }),
              train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
              adaptLearningRate(net, optimizer, controller),
              detectDrift(detector, { clone: false }),
              rollingMetrics({ tracker, every: 1 }),
              tap((snapshot) => {
                seen++;
                for (const figure of [snapshot.mse, snapshot.mae, snapshot.total.mse]) {
                  expect(figure === undefined || Number.isFinite(figure)).toBe(true);
                }
                expect(net.parameters.every(Number.isFinite)).toBe(true);
                expect(Number.isFinite(optimizer.learningRate)).toBe(true);
                const checkpoint = toCheckpoint({
                  network: net,
                  optimizer,
                  scaler,
                  controller,
                  tracker,
                  detector,
                  samples: seen,
                });
                // An overflowed sum would be saved as null: none may be.
                const errors = checkpoint.metrics?.errors;
                if (errors) {
                  const sums = [errors.window.metric, errors.ewma.metric, errors.total.metric];
                  expect(JSON.stringify(sums)).not.toMatch(/null/);
                }
                store.save(checkpoint); // checks it as a reader would, throws when unsound
                const { newest, problems } = store.loadNewest();
                expect(problems).toEqual([]);
                const loaded = fromCheckpoint(newest!.checkpoint);
                expect(loaded.samples).toBe(seen);
                // (JSON keeps no sign of zero: compare as saved)
                const json = (v: unknown): string => JSON.stringify(v);
                expect(json(loaded.tracker?.state())).toBe(json(tracker.state()));
                expect(json(loaded.scaler?.state())).toBe(json(scaler.state()));
                expect(json(loaded.detector?.state())).toBe(json(detector.state()));
                expect(json(loaded.controller?.state())).toBe(json(controller.state()));
              }),
            )
            .subscribe({ error: (e: unknown) => (failure = e) });
          if (failure !== undefined) throw failure;
          expect(seen).toBe(samples.length);
          // Every value beyond the bound is rejected; so is a sample whose scaled value is (a
          // z-score beyond 1e145, after a spread of 1e-12, say).
          const rejected = tracker.snapshot(0).rejectedByReason.outOfRange;
          expect(rejected).toBeGreaterThanOrEqual(outOfRange);
          expect(rejected).toBe(tracker.snapshot(0).rejected);
        },
      ),
      { numRuns: 150, seed: 20260509 },
    );
  });
});
