import { Observable } from 'rxjs';
import {
  checkFiniteNumber,
  checkInteger,
  checkInterval,
  checkLimit,
  checkNonNegativeNumber,
  checkOptions,
  checkPositiveInteger,
} from '../src/checks/argumentChecks.js';
import { type Rng, rng } from '../src/core/rng.js';
import type { Sample } from '../src/samples/sample.js';
import { emitPaced } from './emitPaced.js';
import { type Valve, valveOption } from './valve.js';

const DAY = 86_400_000;
const YEAR_DAYS = 365.25;
/** Sales by day of the week relative to the week's mean, Monday first (they average 1). */
const WEEK_PROFILE = [0.85, 0.85, 0.9, 0.95, 1.1, 1.3, 1.05] as const;
/** How many features `x` holds (see {@link SalesSample.x}). */
const FEATURES = 13;

/** Options of {@link salesFeed}. */
export interface SalesFeedOptions {
  /** How many stores, keyed `store-1`, `store-2` … (default 3). */
  readonly stores?: number;
  /**
   * Seed of everything random (default 1): the same seed and options give the same feed, bit for
   * bit. Store `k`'s sales do not depend on how many stores there are.
   */
  readonly seed?: number;
  /** Samples per second (all stores together); omitted or 0: as fast as the subscriber takes them. */
  readonly rate?: number;
  /** Nothing is emitted while this valve is closed (back-pressure from a consumer such as `appendTo`). */
  readonly valve?: Valve;
  /** Stop after this many samples (default: never). */
  readonly limit?: number;
  /** Simulated first day to forecast, epoch ms (default 2024-01-01T00:00Z, a Monday). */
  readonly start?: number;
  /** Standard deviation of the day-to-day noise, as a log ratio (default 0.1: about ±10 %). */
  readonly noise?: number;
  /** Mean yearly growth of the stores, a log rate (default 0.05); each store's is this ± 0.05. */
  readonly trend?: number;
  /** Strength of the weekly pattern, 0 for none (default 1; at most 3). */
  readonly weekly?: number;
  /** Mean relative amplitude of the yearly seasonality (default 0.2; at most 0.75). */
  readonly yearly?: number;
  /** Chance that a promotion starts on a day without one (default 0.03); each lasts 3 to 7 days. */
  readonly promoProbability?: number;
  /** Mean relative uplift of a promotion (default 0.3: +30 %); each store's is 0.5–1.5 times it. */
  readonly promoLift?: number;
}

/**
 * One sample of {@link salesFeed}: forecast a store's units sold on a day.
 *
 * @example
 * ```ts
 * import { salesFeed, type SalesSample } from 'streamprop/streams';
 * salesFeed({ limit: 3 }).subscribe((s: SalesSample) => console.log(s.key, s.promo, s.y));
 * ```
 */
export interface SalesSample extends Sample {
  /**
   * The features, 13 numbers, all known before the day starts:
   * - `x[0 … 6]`: the day of the week, one-hot, Monday first (`x[0]` is 1 on a Monday);
   * - `x[7]`, `x[8]`: sine and cosine of the day of the year, `2π · (day − 1) / 365.25`;
   * - `x[9]`: 1 when the store runs a promotion that day (planned in advance), else 0;
   * - `x[10]`: units sold yesterday;
   * - `x[11]`: units sold on the same day last week (7 days ago);
   * - `x[12]`: mean units sold per day over the last 7 days.
   */
  readonly x: readonly number[];
  /** Units sold that day: a whole number ≥ 0. */
  readonly y: number;
  /** The store: `store-1`, `store-2` … */
  readonly key: string;
  /** 0-based number of the sample in the feed. */
  readonly id: number;
  /** The day, epoch ms: `start + d · 24 h` on the d-th day. */
  readonly t: number;
  /** Whether the store runs a promotion that day (as `x[9]`). */
  readonly promo: boolean;
}

/**
 * A synthetic feed of daily sales of several stores, as forecasting samples keyed by store:
 * one sample per store per simulated day, stores in order (`store-1` first), `x` the features
 * a forecaster knows in advance and `y` the units sold (see {@link SalesSample}; 13 inputs).
 *
 * **Units sold** by store `s` on day `d` are a whole number drawn around the mean
 * `base · e^(growth · years) · week(d) · season(d) · (1 + lift · promo(d))`:
 * - `base` drawn in [50, 300] units a day, `years` counted from `start`, `growth` the
 *   store's yearly trend (`trend` ± 0.05, so some stores may shrink);
 * - `week(d)`: a weekly pattern peaking on Saturday (Monday 0.85 … Saturday 1.3 of the
 *   week's mean), scaled by the store's strength, `weekly` × [0.7, 1.3];
 * - `season(d) = 1 + a · cos(2π (day of year − peak) / 365.25)`, with `a` = `yearly` ×
 *   [0.7, 1.3] and the peak day drawn anywhere in the year;
 * - promotions: on a day without one, a promotion starts with probability `promoProbability`
 *   and lasts 3 to 7 days, raising the mean by the store's `lift` (`promoLift` × [0.5, 1.5]).
 *
 * The day's sales are `round(mean · e^(noise · z − noise² / 2))` with `z` standard normal:
 * never negative, and the mean is kept. Before `start`, seven days of each store are
 * simulated only to fill the recent-sales features of the first samples.
 *
 * **Pace.** With `rate` 0 (the default) the feed emits synchronously as fast as the subscriber
 * takes the samples, forever unless `limit` (or `take(n)` downstream, which stops it at once)
 * ends it. With a `rate`, it emits that many samples per second on a timer, without drifting;
 * after a stall it catches up at most a quarter of a second's worth at once. Each sample is a
 * new object (its `x` a new array), never reused.
 *
 * @throws TypeError or RangeError at once, naming `salesFeed` and the option, for an option
 * that is not a number or out of range.
 *
 * @example
 * ```ts
 * import { byKey, dense, linear, mse, network, normalize, rollingMetrics, tanh, train } from 'streamprop';
 * import { salesFeed } from 'streamprop/streams';
 * import { pipe } from 'rxjs';
 * salesFeed({ stores: 3, seed: 7, limit: 3 * 365 * 4 })
 *   .pipe(
 *     byKey(
 *       (s) => s.key,
 *       (key) =>
 *         pipe(
 *           normalize({ targets: true }),
 *           train(network({ inputs: 13, layers: [dense(16, tanh), dense(1, linear)], seed: 1 }), {
 *             loss: mse(),
 *           }),
 *           rollingMetrics({ window: 365 }),
 *         ),
 *     ),
 *   )
 *   .subscribe((m) => console.log(m.key, m.rmse)); // units a day
 * ```
 */
export function salesFeed(options: SalesFeedOptions = {}): Observable<SalesSample> {
  const o = checkOptions<SalesFeedOptions>('salesFeed', options);
  const stores = checkPositiveInteger('salesFeed', 'stores', o.stores ?? 3);
  const seed = checkInteger('salesFeed', 'seed', o.seed ?? 1);
  const rate = checkNonNegativeNumber('salesFeed', 'rate', o.rate ?? 0);
  const valve = valveOption('salesFeed', o.valve);
  const limit = checkLimit('salesFeed', 'limit', o.limit ?? Number.POSITIVE_INFINITY);
  const start = checkFiniteNumber('salesFeed', 'start', o.start ?? Date.UTC(2024, 0, 1));
  const market: Market = {
    noise: checkNonNegativeNumber('salesFeed', 'noise', o.noise ?? 0.1),
    trend: checkFiniteNumber('salesFeed', 'trend', o.trend ?? 0.05),
    weekly: checkInterval('salesFeed', 'weekly', o.weekly ?? 1, { min: 0, max: 3 }),
    yearly: checkInterval('salesFeed', 'yearly', o.yearly ?? 0.2, { min: 0, max: 0.75 }),
    promoProbability: checkInterval('salesFeed', 'promoProbability', o.promoProbability ?? 0.03, {
      min: 0,
      max: 1,
    }),
    promoLift: checkNonNegativeNumber('salesFeed', 'promoLift', o.promoLift ?? 0.3),
  };

  return new Observable<SalesSample>((subscriber) => {
    const master = rng(seed);
    const all: SimulatedStore[] = [];
    for (let k = 0; k < stores; k++) all.push(new SimulatedStore(k, master, market));
    const calendar = new Calendar();
    for (let d = -7; d < 0; d++) {
      calendar.set(start + d * DAY, start);
      for (const store of all) store.sell(calendar);
    }
    let day = 0;
    let k = 0;
    let id = 0;
    let t = start;
    calendar.set(t, start);
    return emitPaced(
      subscriber,
      rate,
      limit,
      () => {
        if (k === stores) {
          k = 0;
          day++;
          t = start + day * DAY;
          calendar.set(t, start);
        }
        const store = all[k++];
        store.planDay();
        const x = new Array<number>(FEATURES).fill(0);
        x[calendar.weekday] = 1;
        x[7] = calendar.yearSin;
        x[8] = calendar.yearCos;
        x[9] = store.promo ? 1 : 0;
        store.writeRecent(x, 10);
        const y = store.sell(calendar);
        subscriber.next({ x, y, key: store.key, id: id++, t, promo: store.promo });
      },
      valve,
    );
  });
}

/** The option-derived constants every store of one feed shares. */
interface Market {
  readonly noise: number;
  readonly trend: number;
  readonly weekly: number;
  readonly yearly: number;
  readonly promoProbability: number;
  readonly promoLift: number;
}

/** What the stores need to know about the day being simulated; set once per day. */
class Calendar {
  /** 0 for Monday … 6 for Sunday. */
  weekday = 0;
  /** 0-based day of the year. */
  dayOfYear = 0;
  yearSin = 0;
  yearCos = 1;
  /** Years since the feed's start. */
  years = 0;

  set(t: number, start: number): void {
    const days = Math.floor(t / DAY);
    this.weekday = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const year = new Date(t).getUTCFullYear();
    this.dayOfYear = days - Math.floor(Date.UTC(year, 0, 1) / DAY);
    const angle = (2 * Math.PI * this.dayOfYear) / YEAR_DAYS;
    this.yearSin = Math.sin(angle);
    this.yearCos = Math.cos(angle);
    this.years = (t - start) / (YEAR_DAYS * DAY);
  }
}

/** One simulated store: its fixed character, its promotions and its recent sales. */
class SimulatedStore {
  readonly key: string;
  /** Whether the day planned by `planDay` has a promotion. */
  promo = false;
  private readonly base: number;
  private readonly growth: number;
  private readonly week: Float64Array;
  private readonly seasonAmplitude: number;
  private readonly seasonPeak: number;
  private readonly lift: number;
  /** Separate generators, so that e.g. turning promotions off leaves the noise as it was. */
  private readonly noiseRandom: Rng;
  private readonly promoRandom: Rng;
  /** Promotion days left after the current one. */
  private promoLeft = 0;
  private planned = false;
  /** The last 7 days' sales, a ring whose oldest entry is at `head`. */
  private readonly recent = new Float64Array(7);
  private head = 0;

  constructor(
    index: number,
    master: Rng,
    private readonly market: Market,
  ) {
    this.key = `store-${index + 1}`;
    const seedOf = (): number => Math.floor(master.next() * 4294967296);
    const character = rng(seedOf());
    this.noiseRandom = rng(seedOf());
    this.promoRandom = rng(seedOf());
    this.base = 50 + 250 * character.next();
    this.growth = market.trend + 0.1 * (character.next() - 0.5);
    const strength = market.weekly * (0.7 + 0.6 * character.next());
    this.week = Float64Array.from(WEEK_PROFILE, (p) => 1 + strength * (p - 1));
    this.seasonAmplitude = market.yearly * (0.7 + 0.6 * character.next());
    this.seasonPeak = YEAR_DAYS * character.next();
    this.lift = market.promoLift * (0.5 + character.next());
  }

  /** Decides whether the next day to sell has a promotion (sets `promo`). */
  planDay(): void {
    if (this.planned) return;
    this.planned = true;
    if (this.promoLeft > 0) {
      this.promoLeft--;
      this.promo = true;
    } else if (this.promoRandom.next() < this.market.promoProbability) {
      this.promoLeft = 2 + Math.floor(5 * this.promoRandom.next()); // 3 to 7 days in all
      this.promo = true;
    } else {
      this.promo = false;
    }
  }

  /** Writes yesterday's sales, those of 7 days ago and the 7-day mean into `out[at …]`. */
  writeRecent(out: number[], at: number): void {
    const r = this.recent;
    let sum = 0;
    for (let i = 0; i < 7; i++) sum += r[i];
    out[at] = r[(this.head + 6) % 7];
    out[at + 1] = r[this.head];
    out[at + 2] = sum / 7;
  }

  /** Simulates the planned day's sales, records and returns them. */
  sell(day: Calendar): number {
    this.planDay();
    this.planned = false;
    const season =
      1 +
      this.seasonAmplitude *
        Math.cos((2 * Math.PI * (day.dayOfYear - this.seasonPeak)) / YEAR_DAYS);
    const mean =
      this.base *
      Math.exp(this.growth * day.years) *
      this.week[day.weekday] *
      season *
      (this.promo ? 1 + this.lift : 1);
    const s = this.market.noise;
    const units = Math.round(mean * Math.exp(s * this.noiseRandom.normal() - (s * s) / 2));
    this.recent[this.head] = units;
    this.head = (this.head + 1) % 7;
    return units;
  }
}
