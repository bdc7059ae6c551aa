// reduceOnPlateau: hand-computed cuts, its options, and saving / restoring its state.
import { describe, expect, it } from 'vitest';
import {
  type RateController,
  type RateControllerState,
  type ReduceOnPlateauOptions,
  reduceOnPlateau,
} from '../../src/index.js';

function rates(controller: RateController, rate: number, losses: readonly number[]): number[] {
  return losses.map((loss) => {
    rate = controller.observe(loss, rate);
    expect(controller.rollback).toBe(false);
    return rate;
  });
}

/** Each window mean `m` as `window` equal losses. */
const windows = (means: number[], window = 2) => means.flatMap((m) => Array(window).fill(m));

describe('reduceOnPlateau: by hand (patience 2, factor 0.5, window 2, threshold 0.1, min 0.01)', () => {
  // Start at η = 0.08. A window improves when its mean < 0.9 · best.
  //   w1 mean 4    best ∞ → 4, bad 0                 0.08
  //   w2 3.8       ≥ 0.9 · 4 = 3.6: bad 1             0.08
  //   w3 3         < 3.6: best 3, bad 0              0.08
  //   w4 3         ≥ 2.7: bad 1                       0.08
  //   w5 2.8       ≥ 2.7: bad 2 = patience → cut     0.04, bad 0
  //   w6, w7 5, 5  bad 1, bad 2 → cut                 0.02
  //   w8, w9       → cut                              0.01 (= min)
  //   w10, w11     0.005 would be below min           0.01
  const options = { patience: 2, factor: 0.5, window: 2, threshold: 0.1, min: 0.01 };
  const means = [4, 3.8, 3, 3, 2.8, 5, 5, 5, 5, 5, 5];

  it('cuts the rate after patience windows without improvement, never below min', () => {
    const c = reduceOnPlateau(options);
    const ends = rates(c, 0.08, windows(means)).filter((_, i) => i % 2 === 1);
    expect(ends).toEqual([0.08, 0.08, 0.08, 0.08, 0.04, 0.04, 0.02, 0.02, 0.01, 0.01, 0.01]);
    expect(c.reason).toBe('reduceOnPlateau: no better mean loss in 2 windows of 2 samples');
  });

  it('marks the end of each window as a boundary, and never asks for a rollback', () => {
    const c = reduceOnPlateau(options);
    const boundaries = windows(means).map((loss) => {
      c.observe(loss, 0.1);
      return c.boundary;
    });
    expect(boundaries).toEqual(windows(means).map((_, i) => i % 2 === 1));
  });

  it('a rate already below min is not raised', () => {
    const c = reduceOnPlateau({ patience: 1, factor: 0.5, window: 1, min: 0.01 });
    expect(rates(c, 0.001, [1, 2])).toEqual([0.001, 0.001]);
  });

  it('documented defaults: window 100, threshold 1e-4, min 0', () => {
    const c = reduceOnPlateau({ patience: 1, factor: 0.5 });
    expect(c.state().options).toEqual({
      patience: 1,
      factor: 0.5,
      window: 100,
      threshold: 1e-4,
      min: 0,
    });
    // mean 1 sets the best; mean 0.99995 is an improvement of only 5e-5 < 1e-4: cut
    const out = rates(c, 0.1, [...Array(100).fill(1), ...Array(100).fill(0.99995)]);
    expect(out[99]).toBe(0.1);
    expect(out[199]).toBe(0.05);
  });
});

describe('reduceOnPlateau: argument checks', () => {
  it.each<[string, Partial<ReduceOnPlateauOptions>, RegExp]>([
    [
      'no patience',
      { factor: 0.5 },
      /^reduceOnPlateau: patience must be a positive integer, got undefined/,
    ],
    ['patience 0', { patience: 0, factor: 0.5 }, /^reduceOnPlateau: patience must be/],
    ['no factor', { patience: 2 }, /^reduceOnPlateau: factor must be a finite number in \(0, 1\)/],
    ['factor 1', { patience: 2, factor: 1 }, /^reduceOnPlateau: factor must be/],
    ['window 0', { patience: 2, factor: 0.5, window: 0 }, /^reduceOnPlateau: window must be/],
    [
      'threshold 1',
      { patience: 2, factor: 0.5, threshold: 1 },
      /^reduceOnPlateau: threshold must be/,
    ],
    ['min -1', { patience: 2, factor: 0.5, min: -1 }, /^reduceOnPlateau: min must be/],
  ])('%s: RangeError (TypeError when missing)', (_name, options, message) => {
    const missing = options.patience === undefined || options.factor === undefined;
    expect(() => reduceOnPlateau(options as ReduceOnPlateauOptions)).toThrow(
      missing ? TypeError : RangeError,
    );
    expect(() => reduceOnPlateau(options as ReduceOnPlateauOptions)).toThrow(message);
  });
});

describe('reduceOnPlateau: reset, state and restore', () => {
  const options = { patience: 2, factor: 0.5, window: 3 };
  const losses = [3, 3, 3, 2, 2, 2, 2.5, 2, 2, 2, 2, 2.1, 2, 2, 2.4, 1, 1, 1, 2, 2];

  it('a restored copy continues identically, mid-window (JSON round trip)', () => {
    const original = reduceOnPlateau(options);
    const before = rates(original, 0.1, losses.slice(0, 11));
    const saved = JSON.parse(JSON.stringify(original.state())) as RateControllerState;
    const copy = reduceOnPlateau(options);
    copy.restore(saved);
    const rate = before[before.length - 1];
    expect(rates(copy, rate, losses.slice(11))).toEqual(rates(original, rate, losses.slice(11)));
    expect(copy.state()).toEqual(original.state());
  });

  it('a fresh state has no best (null); reset forgets best and count', () => {
    const c = reduceOnPlateau(options);
    expect(c.state().values).toEqual({ sum: 0, count: 0, best: null, bad: 0 });
    rates(c, 0.1, [1, 1, 1, 2, 2, 2, 3]);
    // best 1, one bad window (2 ≥ 1), 3 in the window under way
    expect(c.state().values).toEqual({ sum: 3, count: 1, best: 1, bad: 1 });
    c.reset();
    expect(c.state().values).toEqual({ sum: 0, count: 0, best: null, bad: 0 });
  });

  it('refuses the state of another controller, of other options, or out of range', () => {
    const c = reduceOnPlateau(options);
    const saved = c.state();
    expect(() => c.restore({ ...saved, name: 'boldDriver' })).toThrow(
      new RangeError(
        'reduceOnPlateau.restore: name: the state of "boldDriver", not of reduceOnPlateau',
      ),
    );
    expect(() => reduceOnPlateau({ ...options, factor: 0.25 }).restore(saved)).toThrow(
      /^reduceOnPlateau\.restore: options\.factor: saved with 0\.5, this controller has 0\.25; make it with the saved settings$/,
    );
    const bad = (values: Record<string, unknown>) => ({ ...saved, values }) as RateControllerState;
    expect(() => c.restore(bad({ sum: 0, count: 0, best: null, bad: 2 }))).toThrow(
      /^reduceOnPlateau\.restore: values\.bad: Too big: expected number to be <=1$/,
    );
    expect(() => c.restore(bad({ sum: 0, count: 0, best: -Infinity, bad: 0 }))).toThrow(
      /^reduceOnPlateau\.restore: values\.best: Invalid input: expected number, received -Infinity$/,
    );
  });
});
