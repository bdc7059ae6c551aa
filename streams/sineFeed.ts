import { Observable } from 'rxjs';
import {
  checkInteger,
  checkLimit,
  checkNonNegativeNumber,
  checkPositiveInteger,
  checkPositiveNumber,
} from '../src/checks/argumentChecks.js';
import type { Sample } from '../src/samples/sample.js';

/** Options of {@link sineFeed}. */
export interface SineFeedOptions {
  /** How many past readings make up `x` (default 8). */
  readonly lags?: number;
  /** Standard deviation of the Gaussian noise on each reading (default 0.05). */
  readonly noise?: number;
  /** Readings per cycle of the sine (default 50). */
  readonly period?: number;
  /** Samples per second; omitted or 0: as fast as the subscriber takes them. */
  readonly rate?: number;
  /** Stop after this many samples (default: never). */
  readonly limit?: number;
  /** Seed of the noise (default 1): the same seed gives the same feed. */
  readonly seed?: number;
}

/**
 * A synthetic sensor: a noisy sine wave, turned into forecasting samples whose `x` is the last
 * `lags` readings and whose `y` is the next one. Each sample carries `t` (milliseconds since
 * the feed started, at the nominal rate when one is given) and a 0-based `id`.
 *
 * @throws RangeError at once for an option out of range.
 *
 * @example
 * ```ts
 * import { sineFeed } from 'streamprop/streams';
 * sineFeed({ lags: 4, limit: 3, seed: 7 }).subscribe((s) => console.log(s.x, s.y));
 * ```
 */
export function sineFeed(options: SineFeedOptions = {}): Observable<Sample> {
  const {
    lags = 8,
    noise = 0.05,
    period = 50,
    rate = 0,
    limit = Number.POSITIVE_INFINITY,
    seed = 1,
  } = options;
  checkPositiveInteger('sineFeed', 'lags', lags);
  checkNonNegativeNumber('sineFeed', 'noise', noise);
  checkPositiveNumber('sineFeed', 'period', period);
  checkNonNegativeNumber('sineFeed', 'rate', rate);
  checkLimit('sineFeed', 'limit', limit);
  checkInteger('sineFeed', 'seed', seed);

  return new Observable<Sample>((subscriber) => {
    const random = gaussianNoise(seed);
    const history: number[] = [];
    let step = 0;
    let emitted = 0;
    const reading = (): number => Math.sin((2 * Math.PI * step++) / period) + noise * random();
    for (let i = 0; i < lags; i++) history.push(reading());
    const emit = (): void => {
      const y = reading();
      subscriber.next({
        x: history.slice(),
        y,
        id: emitted,
        t: rate > 0 ? (emitted * 1000) / rate : emitted,
      });
      history.shift();
      history.push(y);
      emitted++;
      if (emitted >= limit) subscriber.complete();
    };
    if (limit === 0) {
      subscriber.complete();
      return undefined;
    }
    if (rate === 0) {
      while (!subscriber.closed) emit();
      return undefined;
    }
    const started = Date.now();
    const timer = setInterval(() => {
      const due = Math.min(limit, Math.floor(((Date.now() - started) * rate) / 1000));
      while (emitted < due && !subscriber.closed) emit();
    }, 20);
    return () => clearInterval(timer);
  });
}

/** Standard normal draws from a small seeded generator (mulberry32 with the polar method). */
function gaussianNoise(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  };
}
