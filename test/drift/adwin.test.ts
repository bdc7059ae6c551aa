import { describe, expect, it } from 'vitest';
import { type Adwin, adwin, type DriftDetectorState, rng } from '../../src/index.js';

/** ½e² with e ~ N(0, σ²) from rng(seed): σ = `before` until `changeAt`, then `after`. */
function lossStream(seed: number, n: number, changeAt: number, before: number, after: number) {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const e = (i < changeAt ? before : after) * random.normal();
    return 0.5 * e * e;
  });
}

function alarms(detector: Adwin, values: readonly number[]): number[] {
  const at: number[] = [];
  values.forEach((v, i) => {
    if (detector.update(v)) at.push(i);
  });
  return at;
}

/** The paper's bound, written out for the reference below. */
function epsilonCut(n0: number, n1: number, variance: number, delta: number): number {
  const n = n0 + n1;
  const m = 1 / (1 / n0 + 1 / n1);
  const log = Math.log(2 / (delta / n));
  return Math.sqrt((2 / m) * variance * log) + (2 / (3 * m)) * log;
}

/**
 * ADWIN without buckets: the window as a plain array, every position tried as a cut. The
 * bucketed detector tries a subset of these cuts, so it can never detect earlier.
 */
function firstNaiveDetection(values: readonly number[], delta: number, min: number): number {
  const w: number[] = [];
  for (let t = 0; t < values.length; t++) {
    w.push(values[t]);
    const n = w.length;
    const mean = w.reduce((a, b) => a + b, 0) / n;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    let s0 = 0;
    for (let n0 = 1; n0 < n; n0++) {
      s0 += w[n0 - 1];
      const n1 = n - n0;
      if (n0 < min || n1 < min) continue;
      const mu1 = (mean * n - s0) / n1;
      if (mu1 > s0 / n0 && mu1 - s0 / n0 >= epsilonCut(n0, n1, variance, delta)) return t;
    }
  }
  return -1;
}

describe('adwin: the cut bound, by hand', () => {
  // 20 zeros, then ones; maxBuckets 1000 keeps one value per bucket, so every position is a
  // possible cut. The best cut is n₀ = 20 (|μ₀ − μ₁| = 1). With k ones, n = 20 + k,
  // m = 20k/n, σ²_W = 20k/n², ln(2/δ') = ln(2n/δ), δ = 0.002:
  //   k = 67 (n = 87): m = 15.402299, σ² = 0.177038, ln(87000) = 11.373663,
  //     ε = √(2/m·σ²·ln) + 2/(3m)·ln = √0.261458 + 0.492296 = 0.511330 + 0.492296 = 1.003626 > 1
  //   k = 68 (n = 88): m = 15.454545, σ² = 0.175620, ln(88000) = 11.385092,
  //     ε = √0.258752 + 0.491122 = 0.508677 + 0.491122 = 0.999799 ≤ 1: cut, at index 87;
  //   the 20 zeros are dropped and the window is the 68 ones.
  it('cuts 20 zeros from ones exactly when ε_cut falls to 1 (at the 68th one)', () => {
    expect(epsilonCut(20, 67, (20 * 67) / 87 ** 2, 0.002)).toBeCloseTo(1.003626, 5);
    expect(epsilonCut(20, 68, (20 * 68) / 88 ** 2, 0.002)).toBeCloseTo(0.999799, 5);
    const d = adwin({ delta: 0.002, maxBuckets: 1000 });
    const values = [...Array(20).fill(0), ...Array(100).fill(1)];
    const at: number[] = [];
    const widths: number[] = [];
    values.forEach((v, i) => {
      if (d.update(v)) at.push(i);
      widths.push(d.width);
    });
    expect(at).toEqual([87]);
    expect(widths[86]).toBe(87);
    expect(widths[87]).toBe(68);
    expect(d.mean).toBe(1);
    expect(d.variance).toBe(0);
  });

  it('with buckets, never detects before the bucketless reference, and soon after it', () => {
    // Measured lag over these 10 seeds: 0 to 3 samples.
    for (let seed = 1; seed <= 10; seed++) {
      const values = lossStream(seed, 3000, 2000, 0.3, 1);
      const naive = firstNaiveDetection(values, 0.002, 5);
      const d = adwin();
      const first = values.findIndex((v) => d.update(v));
      expect(naive).toBeGreaterThanOrEqual(2000);
      expect(first).toBeGreaterThanOrEqual(naive);
      expect(first - naive).toBeLessThanOrEqual(10);
    }
  });
});

describe('adwin: the window', () => {
  it('is always the latest values: width, mean and variance match them (merges included)', () => {
    const values = lossStream(4, 6000, 3000, 0.2, 0.9).map((v, i) => v + (i > 4500 ? 0.3 : 0));
    const d = adwin({ maxBuckets: 3 });
    values.forEach((v, t) => {
      d.update(v);
      const w = values.slice(t + 1 - d.width, t + 1);
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
      expect(d.mean).toBeCloseTo(mean, 10);
      expect(d.variance).toBeCloseTo(variance, 10);
    });
    expect(d.width).toBeLessThan(3000); // it was cut
  });

  it('holds at most maxBuckets·(log₂ n + 1) buckets over 2²⁰ values', () => {
    for (const maxBuckets of [2, 5]) {
      const d = adwin({ maxBuckets });
      const random = rng(9);
      let worst = 0;
      for (let n = 1; n <= 2 ** 20; n++) {
        d.update(random.next());
        const bound = maxBuckets * (Math.log2(d.width) + 1);
        if (d.buckets > bound) throw new Error(`${d.buckets} buckets for width ${d.width}`);
        if (n > 1024) worst = Math.max(worst, d.buckets / Math.log2(d.width));
      }
      expect(d.width).toBe(2 ** 20); // stationary: never cut
      expect(worst).toBeLessThanOrEqual(2 * maxBuckets); // the c of c·log₂ n
      expect(d.buckets).toBeLessThanOrEqual(maxBuckets * 21);
    }
  });

  it('shrinks after a change to about the values since the change', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const values = lossStream(seed, 5200, 5000, 0.1, 1);
      const d = adwin();
      const before: number[] = [];
      let at = -1;
      let widthAtDetection = -1;
      values.forEach((v, i) => {
        before.push(d.width);
        if (d.update(v) && at < 0) {
          at = i;
          widthAtDetection = d.width;
        }
      });
      expect(before[5000]).toBe(5000);
      expect(at).toBeGreaterThanOrEqual(5000);
      // right after the detection the window holds little more than the new regime…
      expect(widthAtDetection).toBeLessThanOrEqual(at - 5000 + 1 + 64);
      // …and its mean is the new one (½σ² = 0.5), not the old (0.005)
      expect(d.mean).toBeGreaterThan(0.3);
    }
  });

  it('reports a decrease only when twoSided, and adapts its window either way', () => {
    const values = lossStream(2, 3000, 1500, 1, 0.1); // the loss falls at 1500
    const oneSided = adwin();
    const twoSided = adwin({ twoSided: true });
    expect(alarms(oneSided, values)).toEqual([]);
    const at = alarms(twoSided, values);
    expect(at.length).toBe(1);
    expect(at[0]).toBeGreaterThanOrEqual(1500);
    expect(oneSided.width).toBeLessThan(1500);
    expect(oneSided.width).toBe(twoSided.width);
  });

  it('signals a change once, not again when a later cut drops what a bucket kept of the old regime', () => {
    // 5,000 zeros then ones: the first cut leaves a bucket holding zeros and ones; the cut
    // that later drops it completes the same change.
    const d = adwin();
    const values = [...Array(5000).fill(0), ...Array(3000).fill(1)];
    const widths: number[] = [];
    const at = values.flatMap((v, i) => {
      const alarm = d.update(v);
      widths.push(d.width);
      return alarm ? [i] : [];
    });
    expect(at).toEqual([5011]);
    expect(d.mean).toBe(1);
    const cuts = widths.filter((w, i) => i > 0 && w < widths[i - 1]).length;
    expect(cuts).toBe(2);
  });
});

describe('adwin: with its defaults (δ = 0.002, maxBuckets 5, minSubWindow 5)', () => {
  // 30 seeds, change at 5,000. Measured: σ 0.1 → 1 (mean loss 0.005 → 0.5) after 16 to 45
  // samples; σ 0.3 → 1 after 20 to 63; σ 0.1 → 0.5 (0.005 → 0.125) after 73 to 137.
  it.each([
    [0.1, 1, 80],
    [0.3, 1, 100],
    [0.1, 0.5, 200],
  ])(
    'detects σ %s → %s within %i samples, with no alarm before the change (30 seeds)',
    (before, after, bound) => {
      for (let seed = 1; seed <= 30; seed++) {
        const at = alarms(adwin(), lossStream(seed, 5000 + bound, 5000, before, after));
        expect(at.filter((i) => i < 5000)).toEqual([]);
        const first = at.find((i) => i >= 5000);
        expect(first).toBeDefined();
        expect(first! - 5000).toBeLessThan(bound);
      }
    },
  );

  it('raises no false alarm and keeps the whole window over 200,000 stationary samples (3 seeds)', () => {
    // σ = 0.8: mean loss 0.32, four times what Page-Hinkley's defaults are made for.
    for (let seed = 1; seed <= 3; seed++) {
      const d = adwin();
      const random = rng(seed);
      let count = 0;
      for (let i = 0; i < 200_000; i++) {
        const e = 0.8 * random.normal();
        if (d.update(0.5 * e * e)) count++;
      }
      expect(count).toBe(0);
      expect(d.width).toBe(200_000);
      expect(d.mean).toBeCloseTo(0.32, 2);
    }
  });
});

describe('adwin: options', () => {
  it.each([
    [{ delta: 0 }, 'adwin: delta must be a finite number in (0, 1), got 0'],
    [{ delta: 1 }, 'adwin: delta must be a finite number in (0, 1), got 1'],
    [{ delta: Number.NaN }, 'adwin: delta must be a finite number in (0, 1), got NaN'],
    [{ maxBuckets: 1 }, 'adwin: maxBuckets must be an integer in [2, ∞), got 1'],
    [{ maxBuckets: 2.5 }, 'adwin: maxBuckets must be an integer in [2, ∞), got 2.5'],
    [{ minSubWindow: 0 }, 'adwin: minSubWindow must be a positive integer, got 0'],
  ])('throws a RangeError at once for %o', (options, message) => {
    expect(() => adwin(options)).toThrow(RangeError);
    expect(() => adwin(options)).toThrow(message);
  });

  it('throws a TypeError for a non-boolean twoSided and for options that are not an object', () => {
    expect(() => adwin({ twoSided: 'yes' as never })).toThrow(
      new TypeError('adwin: twoSided must be true or false, got "yes"'),
    );
    expect(() => adwin(null as never)).toThrow(/^adwin: options must be an object/);
  });

  it('refuses a value that is not a finite number', () => {
    const d = adwin();
    expect(() => d.update(Number.NaN)).toThrow(
      new RangeError('adwin: value must be a finite number within ±1e+145, got NaN'),
    );
    expect(() => d.update(-1e200)).toThrow(
      'adwin: value must be a finite number within ±1e+145, got -1e+200',
    );
    expect(d.width).toBe(0);
  });

  it('is named adwin and starts empty', () => {
    const d = adwin();
    expect([d.name, d.width, d.mean, d.variance, d.buckets]).toEqual(['adwin', 0, 0, 0, 0]);
  });
});

describe('adwin: reset, clone, state and restore', () => {
  const options = { delta: 0.01, maxBuckets: 3, minSubWindow: 4, twoSided: true };
  const values = lossStream(6, 3000, 1500, 0.2, 0.7);
  const feed = (d: Adwin, vs: readonly number[]) => vs.map((v) => d.update(v));

  it('reset() forgets everything', () => {
    const d = adwin(options);
    feed(d, values.slice(0, 700));
    d.reset();
    expect([d.width, d.mean, d.variance, d.buckets]).toEqual([0, 0, 0, 0]);
    expect(feed(d, values)).toEqual(feed(adwin(options), values));
  });

  it('clone() is independent and carries the state', () => {
    const d = adwin(options);
    feed(d, values.slice(0, 1400));
    const c = d.clone();
    expect([c.width, c.mean, c.variance, c.buckets]).toEqual([
      d.width,
      d.mean,
      d.variance,
      d.buckets,
    ]);
    expect(feed(c, values.slice(1400))).toEqual(feed(d, values.slice(1400)));
    expect(c.width).toBe(d.width);
    c.update(5);
    expect(c.width).toBe(d.width + 1);
  });

  it('state() is JSON-ready and restore() continues exactly, mid-change', () => {
    const d = adwin(options);
    feed(d, values.slice(0, 1520));
    const saved = JSON.parse(JSON.stringify(d.state())) as DriftDetectorState;
    expect(saved.name).toBe('adwin');
    expect(saved.settings).toEqual(options);
    const r = adwin(options);
    r.restore(saved);
    expect([r.width, r.mean, r.variance, r.buckets]).toEqual([
      d.width,
      d.mean,
      d.variance,
      d.buckets,
    ]);
    const rest = values.slice(1520);
    const expected = feed(d, rest);
    expect(expected).toContain(true); // the change is still to be found after the save
    expect(feed(r, rest)).toEqual(expected);
    expect(r.state()).toEqual(d.state());
  });

  it('restore() refuses another detector, other settings and malformed values, naming them', () => {
    const d = adwin(options);
    feed(d, values.slice(0, 100));
    const good = d.state();
    const v = good.values as { levels: number[]; sums: number[]; m2s: number[] };
    const bad = (values: Record<string, unknown>) =>
      ({ ...good, values: { ...good.values, ...values } }) as DriftDetectorState;
    expect(() => d.restore({ ...good, name: 'pageHinkley' })).toThrow(
      'adwin.restore: name: the state of "pageHinkley", not of adwin',
    );
    expect(() => d.restore({ ...good, settings: { ...good.settings, twoSided: false } })).toThrow(
      'adwin.restore: settings.twoSided: saved with false, this detector has true; make it with the saved settings',
    );
    expect(() => d.restore(bad({ levels: [...v.levels.slice(0, -1), 4] }))).toThrow(
      /^adwin\.restore: values\.levels\[\d+\]: Too big: expected number to be <=3$/,
    );
    expect(() => d.restore(bad({ sums: v.sums.slice(1) }))).toThrow(
      'adwin.restore: values.sums: must hold 13 buckets, as values.levels says (and so must values.m2s)',
    );
    expect(() => d.restore(bad({ m2s: v.m2s.map(() => -1) }))).toThrow(
      'adwin.restore: values.m2s[0]: Too small: expected number to be >=0',
    );
    expect(() => d.restore(bad({ sums: 'x' }))).toThrow(
      new TypeError('adwin.restore: values.sums: Invalid input: expected array, received string'),
    );
    expect(() => d.restore(bad({ sum: (v as unknown as { sum: number }).sum + 1 }))).toThrow(
      /^adwin\.restore: values\.sum: is .*, the buckets hold/,
    );
    expect(() => d.restore(bad({ keptAtCut: 1e9 }))).toThrow(
      'adwin.restore: values.keptAtCut: must be <= 100, the width of the window',
    );
    expect(() => d.restore(bad({ levels: Array(61).fill(0) }))).toThrow(
      'adwin.restore: values.levels: Too big: expected array to have <=60 items',
    );
    // a refused state leaves the detector as it was
    expect(d.state()).toEqual(good);
  });
});
