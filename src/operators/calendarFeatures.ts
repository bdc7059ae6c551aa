import type { OperatorFunction } from 'rxjs';
import { checkBoolean, checkFiniteNumber, checkOptions } from '../checks/argumentChecks.js';
import type { Malformed, Sample, TargetScaler } from '../samples/sample.js';
import { statefulMap } from './statefulMap.js';

/** Options of {@link calendarFeatures}. */
export interface CalendarFeaturesOptions {
  /** Append the hour of the day as sin/cos (default true). */
  readonly hour?: boolean;
  /** Append the day of the week as sin/cos (default true). */
  readonly weekday?: boolean;
  /** The offset of local time from UTC, in minutes, that hours and days are counted in (default 0). */
  readonly offsetMinutes?: number;
}

/**
 * A sample as {@link calendarFeatures} emits it: `x` with the calendar features appended. Lent:
 * one object per subscription, valid until the next emission.
 */
export interface CalendarSample<S extends Sample = Sample> extends Sample {
  readonly x: Float64Array;
  /** The sample as it arrived, untouched. */
  readonly raw: S;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Calendar features from each sample's time `t` (ms since the epoch), appended to its inputs:
 * the hour of the day as `sin(2π h/24), cos(2π h/24)` and the day of the week as
 * `sin(2π d/7), cos(2π d/7)` (h with its fraction of an hour; d = 0 on Thursday 1970-01-01, any
 * origin serves), in UTC shifted by `offsetMinutes`. The sin/cos pair puts 23:00 next to 00:00
 * and Sunday next to Monday, where a plain number would put them at opposite ends. A network or
 * a linear model can then tell the hour and the weekday apart without seeing a whole season in
 * its window (the weekend dip of a daily series, the afternoon peak of an hourly one).
 *
 * A sample without a finite `t` gets zeros for these features (the inputs keep their length);
 * a sample whose `x` is not an array of numbers, or a malformed one, passes untouched for
 * `forward` to reject. Put it after `difference` / `seasonalDifference` (which read the window
 * by position) and before `normalize`.
 *
 * Emits one lent {@link CalendarSample} per subscription; allocates nothing per sample.
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { calendarFeatures } from 'streamprop';
 * import { of } from 'rxjs';
 * of({ x: [20], y: 21, t: Date.UTC(2024, 0, 1, 6) }) // a Monday, 06:00 UTC
 *   .pipe(calendarFeatures())
 *   .subscribe((s) => console.log(Array.from(s.x))); // [20, 1, 6e-17, -0.43…, -0.90…]
 * ```
 */
export function calendarFeatures<S extends Sample>(
  options: CalendarFeaturesOptions = {},
): OperatorFunction<S, CalendarSample<S>> {
  const o = checkOptions('calendarFeatures', options);
  const hour = checkBoolean('calendarFeatures', 'hour', o.hour ?? true);
  const weekday = checkBoolean('calendarFeatures', 'weekday', o.weekday ?? true);
  const offset = checkFiniteNumber('calendarFeatures', 'offsetMinutes', o.offsetMinutes ?? 0);
  return statefulMap(() => new CalendarFeaturer<S>(hour, weekday, offset));
}

/** @internal The per-subscription state of {@link calendarFeatures}: buffers only. */
export class CalendarFeaturer<S extends Sample> {
  private readonly out = new LentCalendar<S>();
  private x = new Float64Array(0);
  private readonly extra: number;

  constructor(
    private readonly hour: boolean,
    private readonly weekday: boolean,
    private readonly offset: number,
  ) {
    this.extra = (hour ? 2 : 0) + (weekday ? 2 : 0);
  }

  next(sample: S): CalendarSample<S> {
    if (sample === null || typeof sample !== 'object') {
      return sample as unknown as CalendarSample<S>;
    }
    const raw = sample.x as ArrayLike<number> | undefined;
    if (
      sample.malformed !== undefined ||
      raw === null ||
      typeof raw !== 'object' ||
      typeof raw.length !== 'number'
    ) {
      return sample as unknown as CalendarSample<S>;
    }
    const n = raw.length;
    if (this.x.length !== n + this.extra) this.x = new Float64Array(n + this.extra);
    const x = this.x;
    for (let i = 0; i < n; i++) x[i] = raw[i];
    const t = sample.t;
    if (typeof t === 'number' && Number.isFinite(t)) {
      const local = t + this.offset * 60_000;
      let at = n;
      if (this.hour) {
        const angle = (2 * Math.PI * (((local % DAY) + DAY) % DAY)) / DAY;
        x[at++] = Math.sin(angle);
        x[at++] = Math.cos(angle);
      }
      if (this.weekday) {
        const days = Math.floor(local / DAY);
        const angle = (2 * Math.PI * (((days % 7) + 7) % 7)) / 7;
        x[at++] = Math.sin(angle);
        x[at] = Math.cos(angle);
      }
    } else {
      x.fill(0, n);
    }
    const out = this.out;
    out.x = x;
    out.y = sample.y;
    out.key = sample.key;
    out.id = sample.id;
    out.t = sample.t;
    out.scaler = sample.scaler;
    out.raw = sample;
    return out;
  }
}

class LentCalendar<S extends Sample> implements CalendarSample<S> {
  x = new Float64Array(0);
  y: ArrayLike<number> | number | undefined = undefined;
  key: string | number | undefined = undefined;
  id: string | number | undefined = undefined;
  t: number | undefined = undefined;
  scaler: TargetScaler | undefined = undefined;
  malformed: Malformed | undefined = undefined;
  raw!: S;
}
