// boldDriver: the traingda / traingdx rule on a scripted sequence of window losses, its
// options, and saving / restoring its state.
import { describe, expect, it } from 'vitest';
import {
  type BoldDriverOptions,
  boldDriver,
  type RateController,
  type RateControllerState,
  reduceOnPlateau,
} from '../../src/index.js';

interface Decision {
  rate: number;
  boundary: boolean;
  rollback: boolean;
}

/** Feeds `losses` one by one, each at the rate the previous one returned; records every answer. */
function drive(controller: RateController, rate: number, losses: readonly number[]): Decision[] {
  const out: Decision[] = [];
  for (const loss of losses) {
    rate = controller.observe(loss, rate);
    out.push({ rate, boundary: controller.boundary, rollback: controller.rollback });
  }
  return out;
}

/** Only the answers at the end of each window. */
const atBoundaries = (decisions: Decision[]) => decisions.filter((d) => d.boundary);

describe('boldDriver: the rule, by hand (window 2, the MATLAB defaults 1.05 / 0.7 / 1.04)', () => {
  // Start at η = 0.1. Window means and what the rule does with them:
  //   w1: (4 + 2) / 2 = 3       the first window only sets the reference     η = 0.1
  //   w2: (2 + 2) / 2 = 2       2 < 3: fell                                   η = 0.1 · 1.05
  //   w3: (2 + 2.1) / 2 = 2.05  2 < 2.05 ≤ 1.04 · 2 = 2.08: within the band   η unchanged
  //   w4: (3 + 3) / 2 = 3       3 > 1.04 · 2.05 = 2.132: rose too much        η · 0.7, rollback
  //   w5: (3 + 2.9) / 2 = 2.95  2.95 < 3 (compared with w4, the failed one): fell   η · 1.05
  //   w6: (0 + 0) / 2 = 0       0 < 2.95: fell                                η · 1.05
  //   w7: 0                     neither below nor above 1.04 · 0: unchanged
  //   w8: (1 + 1) / 2 = 1       1 > 1.04 · 0: rose                            η · 0.7, rollback
  const losses = [4, 2, 2, 2, 2, 2.1, 3, 3, 3, 2.9, 0, 0, 0, 0, 1, 1];
  const r2 = 0.1 * 1.05;
  const r4 = r2 * 0.7;
  const r5 = r4 * 1.05;
  const r6 = r5 * 1.05;
  const r8 = r6 * 0.7;

  it('the rate at the end of each window, and the rollbacks', () => {
    const decisions = drive(boldDriver({ window: 2, rollback: true }), 0.1, losses);
    expect(atBoundaries(decisions)).toEqual([
      { rate: 0.1, boundary: true, rollback: false },
      { rate: r2, boundary: true, rollback: false },
      { rate: r2, boundary: true, rollback: false },
      { rate: r4, boundary: true, rollback: true },
      { rate: r5, boundary: true, rollback: false },
      { rate: r6, boundary: true, rollback: false },
      { rate: r6, boundary: true, rollback: false },
      { rate: r8, boundary: true, rollback: true },
    ]);
    // the hand-computed numbers themselves
    expect(r2).toBeCloseTo(0.105, 15);
    expect(r4).toBeCloseTo(0.0735, 15);
    expect(r8).toBeCloseTo(0.0735 * 1.05 * 1.05 * 0.7, 15);
  });

  it('inside a window nothing changes: same rate, no boundary, no rollback', () => {
    const decisions = drive(boldDriver({ window: 2, rollback: true }), 0.1, losses);
    const inside = decisions.filter((_, i) => i % 2 === 0);
    expect(inside.map((d) => d.boundary)).toEqual(Array(8).fill(false));
    expect(inside.map((d) => d.rollback)).toEqual(Array(8).fill(false));
    // the first sample of each window returns the rate the previous window ended with
    expect(inside.map((d) => d.rate)).toEqual([0.1, 0.1, r2, r2, r4, r5, r6, r6]);
  });

  it('refuses a loss beyond ±1e145 and keeps its window as it was', () => {
    for (const controller of [
      boldDriver({ window: 2 }),
      reduceOnPlateau({ window: 2, patience: 1, factor: 0.5 }),
    ]) {
      controller.observe(1, 0.1);
      const before = JSON.stringify(controller.state());
      expect(() => controller.observe(1e300, 0.1)).toThrow(
        `${controller.name}: loss must be a finite number within ±1e+145, got 1e+300`,
      );
      expect(() => controller.observe(Number.NaN, 0.1)).toThrow(RangeError);
      expect(JSON.stringify(controller.state())).toBe(before);
    }
  });

  it('without rollback (the default) the same rates, never a rollback', () => {
    const decisions = drive(boldDriver({ window: 2 }), 0.1, losses);
    expect(atBoundaries(decisions).map((d) => d.rate)).toEqual([0.1, r2, r2, r4, r5, r6, r6, r8]);
    expect(decisions.some((d) => d.rollback)).toBe(false);
  });

  it('gives the reason of each change', () => {
    const controller = boldDriver({ window: 1, rollback: true });
    controller.observe(1, 0.1);
    controller.observe(0.5, 0.1);
    expect(controller.reason).toBe('boldDriver: the mean loss of 1 samples fell');
    controller.observe(2, 0.1);
    expect(controller.reason).toBe(
      'boldDriver: the mean loss of 1 samples rose more than 1.04×; rolled back',
    );
  });

  it('other factors: increase 2, decrease 0.25, maxIncrease 1.5, window 1', () => {
    // losses 1, 0.5, 0.7, 1.2: 0.5 < 1 fell → 0.2; 0.7 ≤ 1.5 · 0.5 → 0.2; 1.2 > 1.5 · 0.7 = 1.05 → 0.05
    const c = boldDriver({ increase: 2, decrease: 0.25, maxIncrease: 1.5, window: 1 });
    expect(drive(c, 0.1, [1, 0.5, 0.7, 1.2]).map((d) => d.rate)).toEqual([0.1, 0.2, 0.2, 0.05]);
  });
});

describe('boldDriver: the rate stays within [min, max]', () => {
  it('an increase stops at max, a decrease at min', () => {
    // window 1, max 0.11: 0.1 · 1.05 ≈ 0.105, then 0.11025 > 0.11 → 0.11, then 0.11 again
    const up = boldDriver({ window: 1, max: 0.11 });
    expect(drive(up, 0.1, [3, 2, 1, 0.5]).map((d) => d.rate)).toEqual([
      0.1,
      0.1 * 1.05,
      0.11,
      0.11,
    ]);
    // window 1, min 0.05: 0.1 · 0.7 ≈ 0.07, then 0.049 < 0.05 → 0.05
    const down = boldDriver({ window: 1, min: 0.05 });
    expect(drive(down, 0.1, [1, 2, 4, 8]).map((d) => d.rate)).toEqual([0.1, 0.1 * 0.7, 0.05, 0.05]);
  });

  it('a rate that starts out of bounds is brought within them at the first window', () => {
    const c = boldDriver({ window: 2, min: 0.001, max: 0.01 });
    expect(drive(c, 0.5, [1, 1]).map((d) => d.rate)).toEqual([0.5, 0.01]);
    expect(c.reason).toBe('boldDriver: the rate was brought within [0.001, 0.01]');
  });

  it('documented defaults: windows of 100, 200, 400 … up to 5000, min 1e-6, max 1, no rollback', () => {
    const c = boldDriver();
    expect(c.state().options).toEqual({
      increase: 1.05,
      decrease: 0.7,
      maxIncrease: 1.04,
      window: 5000,
      firstWindow: 100,
      min: 1e-6,
      max: 1,
      rollback: false,
    });
    // windows of 100, 200, 400, 800, 1600, 3200, then 5000: they close after 100, 300, 700,
    // 1500, 3100, 6300 and 11300 samples
    const losses = Array<number>(12_000).fill(1);
    const decisions = drive(c, 2, losses);
    const ends = decisions.flatMap((d, i) => (d.boundary ? [i + 1] : []));
    expect(ends).toEqual([100, 300, 700, 1500, 3100, 6300, 11_300]);
    expect(decisions[99]).toEqual({ rate: 1, boundary: true, rollback: false }); // clamped to max
  });

  it('acts within the first few hundred samples: a falling loss raises the rate at sample 300', () => {
    const losses = Array.from({ length: 400 }, (_, i) => 1 / (1 + i / 50));
    const decisions = drive(boldDriver(), 0.01, losses);
    expect(decisions[298].rate).toBe(0.01);
    expect(decisions[299]).toEqual({ rate: 0.01 * 1.05, boundary: true, rollback: false });
  });

  it('a rise early on lowers the rate at sample 300: each window is compared with the one before', () => {
    // the first window (100 samples) at loss 1, the second (200) at 2: rose → × 0.7 at 300
    const losses = [...Array<number>(100).fill(1), ...Array<number>(200).fill(2)];
    const decisions = drive(boldDriver(), 0.1, losses);
    expect(decisions[299].rate).toBeCloseTo(0.07, 15);
  });
});

describe('boldDriver: argument checks', () => {
  it.each<[string, BoldDriverOptions, RegExp]>([
    ['increase 1', { increase: 1 }, /^boldDriver: increase must be a finite number in \(1, ∞\)/],
    ['decrease 1', { decrease: 1 }, /^boldDriver: decrease must be a finite number in \(0, 1\)/],
    ['decrease 0', { decrease: 0 }, /^boldDriver: decrease must be/],
    ['maxIncrease 0.9', { maxIncrease: 0.9 }, /^boldDriver: maxIncrease must be/],
    ['window 0', { window: 0 }, /^boldDriver: window must be a positive integer, got 0/],
    ['window 2.5', { window: 2.5 }, /^boldDriver: window must be a positive integer/],
    ['firstWindow 0', { firstWindow: 0 }, /^boldDriver: firstWindow must be a positive integer/],
    ['min -1', { min: -1 }, /^boldDriver: min must be a finite number >= 0, got -1/],
    ['max NaN', { max: Number.NaN }, /^boldDriver: max must be/],
    [
      'max below min',
      { min: 0.1, max: 0.01 },
      /^boldDriver: max must be a number >= min \(0.1\), got 0\.01$/,
    ],
  ])('%s: RangeError', (_name, options, message) => {
    expect(() => boldDriver(options)).toThrow(RangeError);
    expect(() => boldDriver(options)).toThrow(message);
  });

  it('a rollback that is not a boolean, or options that are not an object: TypeError', () => {
    expect(() => boldDriver({ rollback: 'yes' as unknown as boolean })).toThrow(
      new TypeError('boldDriver: rollback must be true or false, got "yes"'),
    );
    expect(() => boldDriver(null as unknown as BoldDriverOptions)).toThrow(TypeError);
  });
});

describe('boldDriver: reset, state and restore', () => {
  const losses = [5, 4, 3, 3.5, 4, 4, 1, 1, 2, 3, 2.5, 2.4, 2.6, 2.2];

  it('a restored copy continues identically, mid-window (JSON round trip)', () => {
    const options = { window: 3, rollback: true };
    const original = boldDriver(options);
    const before = drive(original, 0.1, losses.slice(0, 7)); // 2 windows and 1 sample
    const saved = JSON.parse(JSON.stringify(original.state())) as RateControllerState;
    expect(saved).toEqual(original.state());
    const copy = boldDriver(options);
    copy.restore(saved);
    const rate = before[before.length - 1].rate;
    expect(drive(copy, rate, losses.slice(7))).toEqual(drive(original, rate, losses.slice(7)));
    expect(copy.state()).toEqual(original.state());
  });

  it('a restored copy continues identically while the windows still grow', () => {
    const options = { window: 8, firstWindow: 2 };
    const original = boldDriver(options);
    const all = Array.from({ length: 40 }, (_, i) => 1 + Math.sin(i) / (1 + i));
    const before = drive(original, 0.1, all.slice(0, 9)); // windows of 2 and 4 closed, 3 of 8
    const copy = boldDriver(options);
    copy.restore(JSON.parse(JSON.stringify(original.state())) as RateControllerState);
    const rate = before[before.length - 1].rate;
    expect(drive(copy, rate, all.slice(9))).toEqual(drive(original, rate, all.slice(9)));
  });

  it('the state of a fresh controller has no previous window (null, as JSON has no NaN)', () => {
    expect(boldDriver({ window: 2 }).state().values).toEqual({
      sum: 0,
      count: 0,
      size: 2,
      previous: null,
    });
    const c = boldDriver({ window: 2 });
    drive(c, 0.1, [1, 3, 0.5]);
    // window (1 + 3) / 2 = 2 closed; 0.5 is the first loss of the next one
    expect(c.state()).toEqual({
      name: 'boldDriver',
      options: {
        increase: 1.05,
        decrease: 0.7,
        maxIncrease: 1.04,
        window: 2,
        firstWindow: 2,
        min: 1e-6,
        max: 1,
        rollback: false,
      },
      values: { sum: 0.5, count: 1, size: 2, previous: 2 },
    });
  });

  it('reset forgets the history: the next window only sets the reference again', () => {
    const c = boldDriver({ window: 1 });
    drive(c, 0.1, [2, 1]); // 1 < 2: fell
    c.reset();
    expect(c.state().values).toEqual({ sum: 0, count: 0, size: 1, previous: null });
    // after reset, 0.5 is a first window: no change even though it is below 1
    expect(drive(c, 0.1, [0.5, 0.25]).map((d) => d.rate)).toEqual([0.1, 0.1 * 1.05]);
  });

  it('refuses the state of another controller, of other options, or out of range', () => {
    const saved = boldDriver({ window: 4 }).state();
    const c = boldDriver({ window: 4 });
    expect(() => c.restore({ ...saved, name: 'reduceOnPlateau' })).toThrow(
      new RangeError('boldDriver.restore: name: the state of "reduceOnPlateau", not of boldDriver'),
    );
    expect(() => boldDriver({ window: 5 }).restore(saved)).toThrow(
      'boldDriver.restore: options.window: saved with 4, this controller has 5; make it with the saved settings',
    );
    const bad = (values: Record<string, unknown>) => ({ ...saved, values }) as RateControllerState;
    expect(() => c.restore(bad({ sum: 1, count: 4, size: 4, previous: null }))).toThrow(
      /^boldDriver\.restore: values\.count: must be below values\.size \(a window closes when it is full\)$/,
    );
    expect(() => c.restore(bad({ sum: null, count: 1, size: 4, previous: 2 }))).toThrow(
      /^boldDriver\.restore: values\.sum: Invalid input: expected number, received null$/,
    );
    expect(() => c.restore(bad({ sum: 1, count: 1, size: 4, previous: 'x' }))).toThrow(
      /^boldDriver\.restore: values\.previous: Invalid input: expected number, received string$/,
    );
    expect(() => c.restore(bad({ sum: 1, count: 1, size: 9, previous: 2 }))).toThrow(
      /^boldDriver\.restore: values\.size: Too big: expected number to be <=4$/,
    );
    expect(() => c.restore(null as unknown as RateControllerState)).toThrow(
      new TypeError('boldDriver.restore: state: Invalid input: expected object, received null'),
    );
    expect(() =>
      c.restore({ ...saved, values: undefined } as unknown as RateControllerState),
    ).toThrow(/^boldDriver\.restore: values: Invalid input: expected object, received undefined$/);
    // a failed restore leaves the controller as it was
    expect(c.state()).toEqual(saved);
  });
});
