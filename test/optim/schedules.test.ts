// The learning-rate schedules: hand-computed values and argument checks.
import { describe, expect, it } from 'vitest';
import {
  constant,
  type ExponentialDecayOptions,
  exponentialDecay,
  type InverseScalingOptions,
  inverseScaling,
  type StepDecayOptions,
  stepDecay,
} from '../../src/index.js';

describe('constant(rate)', () => {
  it('returns the rate at every step', () => {
    const schedule = constant(0.25);
    expect([0, 1, 7, 1e9].map(schedule)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(constant(0)(5)).toBe(0);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.1'])(
    'throws a RangeError naming rate for %s (a TypeError for a string)',
    (rate) => {
      expect(() => constant(rate as number)).toThrow(
        typeof rate === 'string' ? TypeError : RangeError,
      );
      expect(() => constant(rate as number)).toThrow(
        /^constant: rate must be a finite number >= 0/,
      );
    },
  );
});

describe('inverseScaling({ initial, power })', () => {
  it('η_t = initial / (t + 1)^power, by hand', () => {
    // power 1: 0.6 / 1, 0.6 / 2, 0.6 / 3, 0.6 / 4
    const harmonic = inverseScaling({ initial: 0.6, power: 1 });
    expect([0, 1, 2, 3].map(harmonic)).toEqual([0.6, 0.3, 0.6 / 3, 0.15]);
    // power 0.5 (the default): 0.1 / √1, 0.1 / √4, 0.1 / √16, 0.1 / √100
    const root = inverseScaling({ initial: 0.1 });
    expect(root(0)).toBe(0.1);
    expect(root(3)).toBe(0.05);
    expect(root(15)).toBe(0.025);
    expect(root(99)).toBeCloseTo(0.01, 15);
    // power 0 never decays
    expect(inverseScaling({ initial: 0.2, power: 0 })(1000)).toBe(0.2);
  });

  it.each<[string, Partial<InverseScalingOptions>, RegExp]>([
    ['no initial', {}, /^inverseScaling: initial must be a finite number >= 0, got undefined/],
    ['a negative initial', { initial: -1 }, /^inverseScaling: initial must be/],
    ['a negative power', { initial: 0.1, power: -0.5 }, /^inverseScaling: power must be/],
    ['an infinite power', { initial: 0.1, power: Infinity }, /^inverseScaling: power must be/],
  ])('throws a RangeError for %s (a TypeError for a missing one)', (_name, options, message) => {
    const missing = Object.values(options).length < 1;
    expect(() => inverseScaling(options as InverseScalingOptions)).toThrow(
      missing ? TypeError : RangeError,
    );
    expect(() => inverseScaling(options as InverseScalingOptions)).toThrow(message);
  });
});

describe('exponentialDecay({ initial, decay, every })', () => {
  it('η_t = initial · decay^(t / every), by hand', () => {
    // decay 0.5 every 100: t = 0 → 0.4; 100 → 0.2; 300 → 0.05; 50 → 0.4 · 0.5^0.5 = 0.4 / √2
    const schedule = exponentialDecay({ initial: 0.4, decay: 0.5, every: 100 });
    expect(schedule(0)).toBe(0.4);
    expect(schedule(100)).toBe(0.2);
    expect(schedule(300)).toBe(0.05);
    expect(schedule(50)).toBeCloseTo(0.4 / Math.SQRT2, 15);
    // every defaults to 1: 1 · 0.9^t
    const perStep = exponentialDecay({ initial: 1, decay: 0.9 });
    expect(perStep(2)).toBeCloseTo(0.81, 15);
    // decay 1 keeps the rate
    expect(exponentialDecay({ initial: 0.3, decay: 1 })(1e6)).toBe(0.3);
  });

  it.each<[string, Partial<ExponentialDecayOptions>, RegExp]>([
    ['no decay', { initial: 0.1 }, /^exponentialDecay: decay must be a finite number in \(0, 1\]/],
    ['decay 0', { initial: 0.1, decay: 0 }, /^exponentialDecay: decay must be/],
    ['decay above 1', { initial: 0.1, decay: 1.5 }, /^exponentialDecay: decay must be/],
    ['every 0', { initial: 0.1, decay: 0.5, every: 0 }, /^exponentialDecay: every must be/],
    ['a NaN initial', { initial: Number.NaN, decay: 0.5 }, /^exponentialDecay: initial must be/],
  ])('throws a RangeError for %s (a TypeError for a missing one)', (_name, options, message) => {
    const missing = Object.values(options).length < 2;
    expect(() => exponentialDecay(options as ExponentialDecayOptions)).toThrow(
      missing ? TypeError : RangeError,
    );
    expect(() => exponentialDecay(options as ExponentialDecayOptions)).toThrow(message);
  });
});

describe('stepDecay({ initial, factor, every })', () => {
  it('η_t = initial · factor^⌊t / every⌋, by hand', () => {
    // every 3, factor 0.5: steps 0-2 → 0.8, 3-5 → 0.4, 6-8 → 0.2
    const schedule = stepDecay({ initial: 0.8, factor: 0.5, every: 3 });
    expect([0, 1, 2, 3, 4, 5, 6, 8, 9].map(schedule)).toEqual([
      0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.1,
    ]);
    // factor defaults to 0.5
    expect(stepDecay({ initial: 1, every: 10 })(25)).toBe(0.25);
  });

  it.each<[string, Partial<StepDecayOptions>, RegExp]>([
    ['no every', { initial: 0.1 }, /^stepDecay: every must be a positive integer, got undefined/],
    ['a fractional every', { initial: 0.1, every: 2.5 }, /^stepDecay: every must be/],
    ['factor 0', { initial: 0.1, every: 2, factor: 0 }, /^stepDecay: factor must be/],
    ['factor above 1', { initial: 0.1, every: 2, factor: 2 }, /^stepDecay: factor must be/],
  ])('throws a RangeError for %s (a TypeError for a missing one)', (_name, options, message) => {
    const missing = Object.values(options).length < 2;
    expect(() => stepDecay(options as StepDecayOptions)).toThrow(missing ? TypeError : RangeError);
    expect(() => stepDecay(options as StepDecayOptions)).toThrow(message);
  });
});

describe('every schedule', () => {
  const schedules = [
    ['constant', constant(0.1)],
    ['inverseScaling', inverseScaling({ initial: 0.1 })],
    ['exponentialDecay', exponentialDecay({ initial: 0.1, decay: 0.5 })],
    ['stepDecay', stepDecay({ initial: 0.1, every: 2 })],
  ] as const;

  it.each(schedules)('%s is pure: the same step gives the same rate, in any order', (_n, s) => {
    const forward = [0, 1, 2, 3, 10].map(s);
    const backward = [10, 3, 2, 1, 0].map(s).reverse();
    expect(backward).toEqual(forward);
  });

  it.each(schedules)('%s throws a RangeError for a negative or NaN step', (name, s) => {
    expect(() => s(-1)).toThrow(
      new RangeError(`${name}: step must be a finite number >= 0, got -1`),
    );
    expect(() => s(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    ['inverseScaling', () => inverseScaling(null as unknown as InverseScalingOptions)],
    ['exponentialDecay', () => exponentialDecay(7 as unknown as ExponentialDecayOptions)],
  ])('%s throws a TypeError for options that are not an object', (name, make) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(`${name}: options must be an object`);
  });
});
