import { describe, expect, it } from 'vitest';
import { type DriftDetectorState, type PageHinkley, pageHinkley, rng } from '../../src/index.js';

/**
 * A synthetic prequential loss stream: ½e² with e ~ N(0, σ²) drawn from rng(seed), σ = `before`
 * for the first `changeAt` values and `after` from then on (mean loss σ²/2).
 */
function lossStream(seed: number, n: number, changeAt: number, before: number, after: number) {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const e = (i < changeAt ? before : after) * random.normal();
    return 0.5 * e * e;
  });
}

/** The indices at which `detector` signals a change on `values`. */
function alarms(detector: PageHinkley, values: readonly number[]): number[] {
  const at: number[] = [];
  values.forEach((v, i) => {
    if (detector.update(v)) at.push(i);
  });
  return at;
}

describe('pageHinkley: the recurrences, by hand', () => {
  it('follows PH ← max(0, α·PH + x − x̄ − δ) and alarms when PH > λ', () => {
    // δ = 0.1, λ = 1, α = 1, minSamples = 1; values 0, 0, 1, 1, 1, then 0.
    //   n=1 x=0: x̄ = 0;           PH = max(0, 0 + 0 − 0 − 0.1)          = 0
    //   n=2 x=0: x̄ = 0;           PH = max(0, 0 − 0.1)                  = 0
    //   n=3 x=1: x̄ = 1/3;         PH = max(0, 0 + 1 − 1/3 − 0.1)        = 17/30  ≈ 0.566667
    //   n=4 x=1: x̄ = 2/4 = 0.5;   PH = 17/30 + 1 − 0.5 − 0.1            = 29/30  ≈ 0.966667
    //   n=5 x=1: x̄ = 3/5 = 0.6;   PH = 29/30 + 1 − 0.6 − 0.1 = 38/30    ≈ 1.266667 > 1: alarm,
    //            and the test starts over: n = 0, x̄ = 0, PH = 0
    //   n=1 x=0: x̄ = 0;           PH = 0
    const d = pageHinkley({ delta: 0.1, threshold: 1, alpha: 1, minSamples: 1 });
    const seen = [0, 0, 1, 1, 1, 0].map((x) => ({
      alarm: d.update(x),
      n: d.width,
      mean: d.mean,
      ph: d.statistic,
    }));
    const expected = [
      { alarm: false, n: 1, mean: 0, ph: 0 },
      { alarm: false, n: 2, mean: 0, ph: 0 },
      { alarm: false, n: 3, mean: 1 / 3, ph: 17 / 30 },
      { alarm: false, n: 4, mean: 0.5, ph: 29 / 30 },
      { alarm: true, n: 0, mean: 0, ph: 0 },
      { alarm: false, n: 1, mean: 0, ph: 0 },
    ];
    seen.forEach((s, i) => {
      expect(s.alarm).toBe(expected[i].alarm);
      expect(s.n).toBe(expected[i].n);
      expect(s.mean).toBeCloseTo(expected[i].mean, 12);
      expect(s.ph).toBeCloseTo(expected[i].ph, 12);
    });
  });

  it('fades with α: the same values with α = 0.5 never reach λ = 1', () => {
    //   n=3: PH = 17/30                              ≈ 0.566667
    //   n=4: PH = 0.5·17/30 + 1 − 0.5 − 0.1 = 41/60  ≈ 0.683333
    //   n=5: PH = 0.5·41/60 + 1 − 0.6 − 0.1 = 77/120 ≈ 0.641667
    //   n=6 (x=1): x̄ = 4/6; PH = 0.5·77/120 + 1 − 2/3 − 0.1 = 133/240 ≈ 0.554167
    const d = pageHinkley({ delta: 0.1, threshold: 1, alpha: 0.5, minSamples: 1 });
    const ph = [0, 0, 1, 1, 1, 1].map((x) => {
      expect(d.update(x)).toBe(false);
      return d.statistic;
    });
    const expected = [0, 0, 17 / 30, 41 / 60, 77 / 120, 133 / 240];
    for (const [i, v] of ph.entries()) expect(v).toBeCloseTo(expected[i], 12);
  });

  it('waits for minSamples: with minSamples = 6 the alarm of the 5th value comes at the 6th', () => {
    //   as above up to n=5 (PH = 38/30 > 1, but n < 6); n=6 x=1: x̄ = 4/6,
    //   PH = 38/30 + 1 − 2/3 − 0.1 = 1.5 > 1: alarm.
    const d = pageHinkley({ delta: 0.1, threshold: 1, alpha: 1, minSamples: 6 });
    const out = [0, 0, 1, 1, 1].map((x) => d.update(x));
    expect(out).toEqual([false, false, false, false, false]);
    expect(d.statistic).toBeCloseTo(38 / 30, 12);
    expect(d.update(1)).toBe(true);
  });

  it('computes PH = m − M of the documented m, M recurrences (M faded with m)', () => {
    const delta = 0.01;
    const alpha = 0.99;
    const d = pageHinkley({ delta, threshold: 1e9, alpha, minSamples: 1 });
    const random = rng(5);
    let n = 0;
    let mean = 0;
    let m = 0;
    let M = 0;
    for (let i = 0; i < 2000; i++) {
      // a mean that wanders up and down, so that m both sinks and climbs
      const x = Math.abs(random.normal()) * (1 + Math.sin(i / 100));
      n++;
      mean += (x - mean) / n;
      m = alpha * m + (x - mean - delta);
      M = Math.min(alpha * M, m);
      d.update(x);
      expect(d.statistic).toBeCloseTo(m - M, 9);
      expect(d.mean).toBeCloseTo(mean, 12);
    }
  });

  it('never signals a decrease', () => {
    const d = pageHinkley({ delta: 0, threshold: 0.01, minSamples: 1 });
    const values = [...Array(100).fill(1), ...Array(1000).fill(0)];
    expect(alarms(d, values)).toEqual([]);
  });

  it('is scale-free: values, δ and λ multiplied by the same factor raise the same alarms', () => {
    const values = lossStream(11, 4000, 2000, 0.3, 0.8);
    const base = alarms(pageHinkley({ delta: 0.02, threshold: 2 }), values);
    const scaled = alarms(
      pageHinkley({ delta: 0.02 * 1024, threshold: 2 * 1024 }),
      values.map((v) => v * 1024),
    );
    expect(base.length).toBeGreaterThan(0);
    expect(scaled).toEqual(base);
  });
});

describe('pageHinkley: with its defaults (δ = 0.02, λ = 10, α = 0.9999, minSamples = 30)', () => {
  // Losses ½e², e ~ N(0, σ²). 30 seeds, change at 5,000. Measured: σ 0.1 → 1 (mean loss 0.005 →
  // 0.5) detected after 8 to 41 samples; σ 0.1 → 0.5 (0.005 → 0.125) after 66 to 152.
  it.each([
    [0.1, 1, 60],
    [0.3, 1, 60],
    [0.1, 0.5, 200],
  ])(
    'detects σ %s → %s within %i samples, with no alarm before the change (30 seeds)',
    (before, after, bound) => {
      for (let seed = 1; seed <= 30; seed++) {
        const at = alarms(pageHinkley(), lossStream(seed, 5000 + bound, 5000, before, after));
        expect(at.filter((i) => i < 5000)).toEqual([]);
        const first = at.find((i) => i >= 5000);
        expect(first).toBeDefined();
        expect(first! - 5000).toBeLessThan(bound);
      }
    },
  );

  it('raises no false alarm in 200,000 samples of stationary losses of mean 0.08 (5 seeds)', () => {
    // σ = 0.4: mean loss 0.08, the upper end of a reasonably trained model on unit-scale
    // targets. Measured: the statistic peaks at 5.65 over 10 seeds (λ = 10).
    for (let seed = 1; seed <= 5; seed++) {
      const d = pageHinkley();
      const random = rng(seed);
      let count = 0;
      let peak = 0;
      for (let i = 0; i < 200_000; i++) {
        const e = 0.4 * random.normal();
        if (d.update(0.5 * e * e)) count++;
        if (d.statistic > peak) peak = d.statistic;
      }
      expect(count).toBe(0);
      expect(peak).toBeGreaterThan(1); // the stream did move the statistic
    }
  });
});

describe('pageHinkley: options', () => {
  it.each([
    [{ delta: -0.1 }, 'pageHinkley: delta must be a finite number >= 0, got -0.1'],
    [{ delta: Number.NaN }, 'pageHinkley: delta must be a finite number >= 0, got NaN'],
    [{ threshold: 0 }, 'pageHinkley: threshold must be a finite number > 0, got 0'],
    [
      { threshold: Number.POSITIVE_INFINITY },
      'pageHinkley: threshold must be a finite number > 0, got Infinity',
    ],
    [{ alpha: 0 }, 'pageHinkley: alpha must be a finite number in (0, 1], got 0'],
    [{ alpha: 1.5 }, 'pageHinkley: alpha must be a finite number in (0, 1], got 1.5'],
    [{ minSamples: 0 }, 'pageHinkley: minSamples must be a positive integer, got 0'],
    [{ minSamples: 2.5 }, 'pageHinkley: minSamples must be a positive integer, got 2.5'],
  ])('throws a RangeError at once for %o', (options, message) => {
    expect(() => pageHinkley(options)).toThrow(RangeError);
    expect(() => pageHinkley(options)).toThrow(message);
  });

  it('throws a TypeError for options that are not an object', () => {
    expect(() => pageHinkley(null as never)).toThrow(TypeError);
    expect(() => pageHinkley(5 as never)).toThrow(/^pageHinkley: options must be an object/);
  });

  it('refuses a value that is not a finite number, naming it', () => {
    const d = pageHinkley();
    expect(() => d.update(Number.NaN)).toThrow(
      new RangeError('pageHinkley: value must be a finite number within ±1e+145, got NaN'),
    );
    expect(() => d.update(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => d.update('1' as never)).toThrow(
      'pageHinkley: value must be a finite number within ±1e+145, got "1"',
    );
    expect(() => d.update(Number.MAX_VALUE)).toThrow(RangeError);
    expect(d.width).toBe(0);
  });

  it('is named pageHinkley', () => {
    expect(pageHinkley().name).toBe('pageHinkley');
  });
});

describe('pageHinkley: reset, clone, state and restore', () => {
  const options = { delta: 0.1, threshold: 5, alpha: 0.999, minSamples: 3 };
  const feed = (d: PageHinkley, values: readonly number[]) => values.map((v) => d.update(v));
  const values = lossStream(3, 300, 150, 0.5, 3);

  it('reset() forgets everything', () => {
    const d = pageHinkley(options);
    feed(d, [0, 1, 2, 3]);
    d.reset();
    expect([d.width, d.mean, d.statistic]).toEqual([0, 0, 0]);
    expect(feed(d, values)).toEqual(feed(pageHinkley(options), values));
  });

  it('clone() is independent and carries the state', () => {
    const d = pageHinkley(options);
    feed(d, values.slice(0, 100));
    const c = d.clone();
    expect([c.width, c.mean, c.statistic]).toEqual([d.width, d.mean, d.statistic]);
    expect(feed(c, values.slice(100))).toEqual(feed(d, values.slice(100)));
    c.update(100);
    expect(c.width).not.toBe(d.width);
  });

  it('state() is JSON-ready and restore() continues exactly', () => {
    const d = pageHinkley(options);
    feed(d, values.slice(0, 120));
    const saved = JSON.parse(JSON.stringify(d.state())) as DriftDetectorState;
    expect(saved).toEqual({
      name: 'pageHinkley',
      settings: options,
      values: { count: d.width, mean: d.mean, statistic: d.statistic },
    });
    const r = pageHinkley(options);
    r.restore(saved);
    expect(feed(r, values.slice(120))).toEqual(feed(d, values.slice(120)));
    expect(r.statistic).toBe(d.statistic);
  });

  it('restore() refuses another detector, other settings and malformed values, naming them', () => {
    const d = pageHinkley(options);
    const good = d.state();
    expect(() => d.restore({ ...good, name: 'adwin' })).toThrow(
      'pageHinkley.restore: name: the state of "adwin", not of pageHinkley',
    );
    expect(() => d.restore({ ...good, settings: { ...good.settings, threshold: 6 } })).toThrow(
      'pageHinkley.restore: settings.threshold: saved with 6, this detector has 5; make it with the saved settings',
    );
    expect(() => d.restore({ ...good, values: { ...good.values, count: -1 } })).toThrow(
      'pageHinkley.restore: values.count: Too small: expected number to be >=0',
    );
    expect(() => d.restore({ ...good, values: { ...good.values, statistic: -1 } })).toThrow(
      'pageHinkley.restore: values.statistic: Too small: expected number to be >=0',
    );
    expect(() => d.restore({ ...good, values: { count: 1, statistic: 0 } })).toThrow(
      new TypeError(
        'pageHinkley.restore: values.mean: Invalid input: expected number, received undefined',
      ),
    );
    expect(() => d.restore(null as never)).toThrow(
      new TypeError('pageHinkley.restore: state: Invalid input: expected object, received null'),
    );
    expect(() => d.restore({ ...good, values: null as never })).toThrow(
      new TypeError('pageHinkley.restore: values: Invalid input: expected object, received null'),
    );
  });
});
