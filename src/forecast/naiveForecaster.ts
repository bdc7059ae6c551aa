import { z } from 'zod';
import { baseIndex } from '../operators/difference.js';
import type { Sample } from '../samples/sample.js';
import { type Forecast, ForecastContext } from '../steps/forecast.js';

/** @internal Which naive forecast a {@link NaiveForecaster} makes. */
export type NaiveKind =
  | { readonly kind: 'last value' }
  | { readonly kind: 'running mean' }
  | { readonly kind: 'seasonal last value'; readonly period: number; readonly horizon: number };

/** @internal The schema of a {@link NaiveForecaster}'s saved state. */
export const naiveForecasterStateSchema = z.object({
  seq: z.number().int().min(-1),
  mean: z.number(),
  count: z.number().int().nonnegative(),
});

/** @internal The saved state of a {@link NaiveForecaster}. */
export type NaiveForecasterState = z.infer<typeof naiveForecasterStateSchema>;

/**
 * @internal The naive forecasts of lag windows, one sample at a time — what `lastValue()`,
 * `runningMean()` and `seasonalLastValue(period, { horizon })` run per subscription, and what
 * `AutoForecaster` runs as candidates: the newest input; the mean of the targets before the
 * sample (0 before the first); the input one `period` before the target. A sample it cannot read
 * gets a NaN forecast and a `rejection` (and is not added to the mean). Allocates nothing per
 * sample; its state (the count of samples, the mean) can be saved and restored.
 *
 * @example
 * ```ts
 * import { NaiveForecaster } from './naiveForecaster.js';
 * const last = new NaiveForecaster('lastValue', { kind: 'last value' });
 * console.log(last.next({ x: [1, 2], y: 3 }).output[0]); // 2
 * ```
 */
export class NaiveForecaster<S extends Sample = Sample> {
  private readonly forecast: ForecastContext<S>;
  private readonly reach: number;
  private mean = 0;
  private count = 0;

  constructor(
    operator: string,
    private readonly made: NaiveKind,
  ) {
    this.forecast = new ForecastContext<S>(operator);
    this.reach =
      made.kind === 'last value'
        ? 1
        : made.kind === 'running mean'
          ? 0
          : made.period - made.horizon + 1;
  }

  next(sample: S): Forecast<S> {
    const forecast = this.forecast;
    if (!forecast.read(sample, this.reach)) return forecast;
    const made = this.made;
    const x = forecast.x;
    if (made.kind === 'last value') return forecast.emit(x[x.length - 1]);
    if (made.kind === 'seasonal last value') {
      return forecast.emit(x[baseIndex(x.length, made.period, made.horizon)]);
    }
    forecast.emit(this.mean);
    const y = forecast.y;
    if (!Number.isNaN(y)) this.mean += (y - this.mean) / ++this.count;
    return forecast;
  }

  /** A JSON-ready copy of its state. */
  state(): NaiveForecasterState {
    return { seq: this.forecast.seq, mean: this.mean, count: this.count };
  }

  /** Restores what {@link state} returned, read with {@link naiveForecasterStateSchema}. */
  load(saved: NaiveForecasterState): void {
    this.forecast.seq = saved.seq;
    this.mean = saved.mean;
    this.count = saved.count;
  }
}
