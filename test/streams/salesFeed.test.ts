import { firstValueFrom, from, pipe, take, tap, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byKey, dense, linear, mse, network, normalize, tanh, train } from '../../src/index.js';
import { type SalesFeedOptions, type SalesSample, salesFeed } from '../../streams/index.js';

const DAY = 86_400_000;

const read = (options: SalesFeedOptions): Promise<SalesSample[]> =>
  firstValueFrom(salesFeed(options).pipe(toArray()));

const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / values.length;

const rmse = (residuals: readonly number[]): number =>
  Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);

/** The samples of one store, in day order. */
const ofStore = (samples: readonly SalesSample[], key: string): SalesSample[] =>
  samples.filter((s) => s.key === key);

const KEYS = ['store-1', 'store-2', 'store-3'];

describe('salesFeed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits one sample per store per day, with the documented features', async () => {
    const samples = await read({ limit: 3 * 60 });
    const start = Date.UTC(2024, 0, 1);
    samples.forEach((s, i) => {
      expect(s.key).toBe(KEYS[i % 3]);
      expect(s.id).toBe(i);
      expect(s.t).toBe(start + Math.floor(i / 3) * DAY);
      expect(s.x).toHaveLength(13);
      const date = new Date(s.t);
      // x[0 … 6]: the weekday one-hot, Monday first (getUTCDay: 0 is Sunday).
      const weekday = (date.getUTCDay() + 6) % 7;
      expect(s.x.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6].map((d) => (d === weekday ? 1 : 0)));
      // x[7], x[8]: the day of the year on the circle.
      const dayOfYear = (s.t - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY;
      expect(s.x[7]).toBeCloseTo(Math.sin((2 * Math.PI * dayOfYear) / 365.25), 12);
      expect(s.x[8]).toBeCloseTo(Math.cos((2 * Math.PI * dayOfYear) / 365.25), 12);
      expect(s.x[9]).toBe(s.promo ? 1 : 0);
      expect(Number.isInteger(s.y)).toBe(true);
    });
    // 2024-01-01 is a Monday.
    expect(samples[0].x[0]).toBe(1);
    // x[10 … 12]: yesterday's sales, those of 7 days ago and the mean of the last 7 days.
    for (const key of KEYS) {
      const days = ofStore(samples, key);
      for (let d = 7; d < days.length; d++) {
        const last7 = days.slice(d - 7, d).map((s) => s.y);
        expect(days[d].x[10]).toBe(days[d - 1].y);
        expect(days[d].x[11]).toBe(days[d - 7].y);
        expect(days[d].x[12]).toBeCloseTo(mean(last7), 9);
      }
    }
  });

  it('follows stores and start', async () => {
    const start = Date.UTC(2025, 5, 15); // a Sunday
    const samples = await read({ stores: 2, start, limit: 4 });
    expect(samples.map((s) => [s.key, s.t])).toEqual([
      ['store-1', start],
      ['store-2', start],
      ['store-1', start + DAY],
      ['store-2', start + DAY],
    ]);
    expect(samples[0].x[6]).toBe(1);
    expect(samples[2].x[0]).toBe(1);
  });

  it('is reproducible from its seed, differs across seeds, and a store does not depend on the others', async () => {
    const [a, b, c] = await Promise.all([
      read({ seed: 5, limit: 900 }),
      read({ seed: 5, limit: 900 }),
      read({ seed: 6, limit: 900 }),
    ]);
    expect(a).toEqual(b);
    expect(a.map((s) => s.y)).not.toEqual(c.map((s) => s.y));
    const one = await read({ seed: 5, stores: 1, limit: 300 });
    expect(one).toEqual(ofStore(a, 'store-1').map((s, i) => ({ ...s, id: i })));
  });

  it('is infinite without a limit and stops when the subscriber does', async () => {
    expect(await firstValueFrom(salesFeed().pipe(take(5000), toArray()))).toHaveLength(5000);
    expect(await read({ limit: 0 })).toEqual([]);
  });

  it('never sells a negative or fractional number of units, even with strong seasons and noise', async () => {
    const samples = await read({
      seed: 9,
      stores: 5,
      noise: 0.8,
      weekly: 3,
      yearly: 0.75,
      trend: -0.5,
      limit: 5 * 365 * 4,
    });
    expect(samples.every((s) => Number.isInteger(s.y) && s.y >= 0)).toBe(true);
    expect(samples.some((s) => s.y === 0)).toBe(true); // the shrinking stores reach zero at times
  });

  it('has a weekly cycle peaking on Saturday', async () => {
    const weekly = await read({ seed: 2, limit: 3 * 364 * 2 });
    const flat = await read({ seed: 2, weekly: 0, limit: 3 * 364 * 2 });
    const saturdayOverMonday = (samples: SalesSample[], key: string): number => {
      const days = ofStore(samples, key);
      return (
        mean(days.filter((s) => s.x[5] === 1).map((s) => s.y)) /
        mean(days.filter((s) => s.x[0] === 1).map((s) => s.y))
      );
    };
    for (const key of KEYS) {
      // The profile puts Saturday at 1.3 and Monday at 0.85 of the week's mean; a store's
      // strength is 0.7 to 1.3 times that: Saturday sells at least 1.21 / 0.895 ≈ 1.35 times
      // Monday's, less the noise of two years of promotions.
      expect(saturdayOverMonday(weekly, key)).toBeGreaterThan(1.25);
      expect(Math.abs(saturdayOverMonday(flat, key) - 1)).toBeLessThan(0.08);
    }
  });

  it('has a yearly season and a trend', async () => {
    const quiet = { seed: 4, weekly: 0, promoProbability: 0, noise: 0.05, trend: 0 };
    const monthlySwing = (samples: SalesSample[], key: string): number => {
      const months = Array.from({ length: 12 }, () => [] as number[]);
      for (const s of ofStore(samples, key)) months[new Date(s.t).getUTCMonth()].push(s.y);
      const means = months.map(mean);
      return Math.max(...means) / Math.min(...means);
    };
    const seasonal = await read({ ...quiet, limit: 3 * 366 });
    const flat = await read({ ...quiet, yearly: 0, limit: 3 * 366 });
    for (const key of KEYS) {
      // A season of relative amplitude a ≥ 0.14 swings monthly means by about (1 + a) / (1 - a);
      // without it only the store's own trend (± 0.05 a year) and the noise move them.
      expect(monthlySwing(seasonal, key)).toBeGreaterThan(1.25);
      expect(monthlySwing(flat, key)).toBeLessThan(1.1);
    }
    const growing = await read({ ...quiet, yearly: 0, trend: 0.2, limit: 3 * 365 * 3 });
    for (const key of KEYS) {
      const days = ofStore(growing, key);
      const ratio =
        mean(days.slice(730).map((s) => s.y)) / mean(days.slice(0, 365).map((s) => s.y));
      // Growth 0.15 to 0.25 a year, two years apart: e^0.3 ≈ 1.35 to e^0.5 ≈ 1.65.
      expect(ratio).toBeGreaterThan(1.3);
      expect(ratio).toBeLessThan(1.7);
    }
  });

  it('runs promotions of 3 days or more on about the configured share of days, and they raise sales', async () => {
    const options = { seed: 8, limit: 3 * 365 * 3 };
    const [promoted, unlifted] = await Promise.all([
      read({ ...options, promoLift: 0.3 }),
      read({ ...options, promoLift: 0 }),
    ]);
    // The promotions have their own random stream: the same days either way.
    expect(unlifted.map((s) => s.promo)).toEqual(promoted.map((s) => s.promo));
    for (const key of KEYS) {
      const days = ofStore(promoted, key);
      const share = days.filter((s) => s.promo).length / days.length;
      // Start probability 0.03, 5 days on average: about 5 / (1 / 0.03 + 4) ≈ 13 % of days.
      expect(share).toBeGreaterThan(0.08);
      expect(share).toBeLessThan(0.2);
      let run = 0;
      for (const s of days) {
        if (s.promo) run++;
        else {
          if (run > 0) expect(run).toBeGreaterThanOrEqual(3);
          run = 0;
        }
      }
      // Without promotions, a day sells exactly what it sells with them off; with them, the
      // store's lift (0.15 to 0.45) on promotion days, to rounding.
      const base = ofStore(unlifted, key);
      const ratios: number[] = [];
      days.forEach((s, i) => {
        if (!s.promo) expect(s.y).toBe(base[i].y);
        else if (base[i].y >= 20) ratios.push(s.y / base[i].y);
      });
      const lift = mean(ratios);
      expect(lift).toBeGreaterThan(1.14);
      expect(lift).toBeLessThan(1.46);
      expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(0.1); // one lift per store
    }
  });

  it('is learnable per store: small networks beat the seasonal naive forecast', async () => {
    const samples = await read({ seed: 7, limit: 3 * 365 * 3 });
    const model = new Map<string, number[]>();
    const naive = new Map<string, number[]>();
    from(samples)
      .pipe(
        byKey(
          (s) => s.key,
          (key) => {
            const net = network({
              inputs: 13,
              layers: [dense(16, tanh), dense(1, linear)],
              seed: 1,
            });
            model.set(key, []);
            naive.set(key, []);
            return pipe(
              normalize({ targets: true }),
              train(net, { loss: mse() }),
              tap((step) => {
                if (step.seq < 730) return; // the third year
                model.get(key)?.push((step.actual?.[0] ?? Number.NaN) - step.output[0]);
                naive.get(key)?.push(step.sample.raw.y - step.sample.raw.x[11]);
              }),
            );
          },
        ),
      )
      .subscribe();
    // Measured with seed 7, prequential RMSE of the third year, units a day, network / same
    // day last week: store-1 14.9 / 22.9, store-2 7.7 / 10.6, store-3 31.3 / 57.4.
    for (const key of KEYS) {
      expect(model.get(key)).toHaveLength(365);
      expect(rmse(model.get(key) ?? [])).toBeLessThan(0.85 * rmse(naive.get(key) ?? []));
    }
  });

  it('paces itself at the given rate, one simulated day per store', () => {
    vi.useFakeTimers();
    const seen: SalesSample[] = [];
    const subscription = salesFeed({ rate: 50 }).subscribe((s) => seen.push(s));
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(50);
    expect(seen[49].t).toBe(Date.UTC(2024, 0, 1) + 16 * DAY);
    subscription.unsubscribe();
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(50);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects bad options at once, naming salesFeed and the option', () => {
    const bad: [SalesFeedOptions, RegExp][] = [
      [{ stores: 0 }, /^salesFeed: stores must be a positive integer, got 0$/],
      [{ seed: 0.5 }, /seed must be an integer/],
      [{ rate: -1 }, /rate must be a finite number >= 0/],
      [{ limit: -1 }, /limit must be an integer >= 0/],
      [{ start: Number.NaN }, /start must be a finite number/],
      [{ noise: -1 }, /noise must be a finite number >= 0/],
      [{ trend: Number.POSITIVE_INFINITY }, /trend must be a finite number/],
      [{ weekly: 4 }, /weekly must be a finite number in \[0, 3\]/],
      [{ yearly: 0.8 }, /yearly must be a finite number in \[0, 0.75\]/],
      [{ promoProbability: 2 }, /promoProbability must be/],
      [{ promoLift: -0.5 }, /promoLift must be/],
    ];
    for (const [options, message] of bad) {
      expect(() => salesFeed(options), JSON.stringify(options)).toThrow(RangeError);
      expect(() => salesFeed(options), JSON.stringify(options)).toThrow(message);
    }
    expect(() => salesFeed({ stores: '3' } as unknown as SalesFeedOptions)).toThrow(TypeError);
    expect(() => salesFeed(42 as unknown as SalesFeedOptions)).toThrow(
      /^salesFeed: options must be an object/,
    );
  });
});
