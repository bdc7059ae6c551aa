import { z } from 'zod';
import type { Sample } from '../samples/sample.js';
import { type Forecast, ForecastContext } from '../steps/forecast.js';
import { RecursiveLeastSquares } from './recursiveLeastSquares.js';

/** @internal The schema of a {@link LeastSquaresForecaster}'s saved state. */
export const leastSquaresStateSchema = z
  .object({
    seq: z.number().int().min(-1),
    learned: z.number().int().nonnegative(),
    mean: z.number(),
    fit: z.object({ weights: z.array(z.number()).min(2), p: z.array(z.number()) }).optional(),
  })
  .refine(
    (s) =>
      s.fit === undefined ||
      s.fit.p.length === (s.fit.weights.length * (s.fit.weights.length + 1)) / 2,
    { path: ['fit', 'p'], message: 'must hold n(n + 1)/2 values for n weights' },
  );

/** @internal The saved state of a {@link LeastSquaresForecaster}. */
export type LeastSquaresState = z.infer<typeof leastSquaresStateSchema>;

/**
 * @internal Online least squares, one sample at a time: what `leastSquares()` runs per
 * subscription (see it for the behaviour) and a candidate of `AutoForecaster`. The number of
 * inputs is that of the first sample it can read; its state (the fit, the count and mean of the
 * targets learned) can be saved and restored.
 *
 * @example
 * ```ts
 * import { LeastSquaresForecaster } from './leastSquaresForecaster.js';
 * const fit = new LeastSquaresForecaster(1, 1e6);
 * for (let i = 0; i < 5; i++) fit.next({ x: [i], y: 2 * i + 1 });
 * console.log(fit.next({ x: [10], y: 21 }).output[0]); // ≈ 21
 * ```
 */
export class LeastSquaresForecaster<S extends Sample = Sample> {
  private readonly forecast = new ForecastContext<S>('leastSquares');
  private fit: RecursiveLeastSquares | undefined;
  private inputs = -1;
  private learned = 0;
  private mean = 0;

  constructor(
    private readonly forgetting: number,
    private readonly prior: number,
  ) {}

  next(sample: S): Forecast<S> {
    const forecast = this.forecast;
    const inputs = this.inputs;
    if (!forecast.read(sample, inputs < 0 ? 1 : inputs)) return forecast;
    const x = forecast.x;
    let fit = this.fit;
    if (fit === undefined) {
      this.inputs = x.length;
      fit = new RecursiveLeastSquares(x.length, this.forgetting, this.prior);
      this.fit = fit;
    } else if (x.length !== inputs) {
      forecast.reject('x.length', x.length, `must be ${inputs}`);
      return forecast;
    }
    // Until it has seen as many samples as it has weights, the fit is not determined by
    // the data (only by the faint prior): the forecast is the mean of the targets.
    forecast.emit(this.learned > this.inputs ? fit.predict(x) : this.mean);
    const y = forecast.y;
    if (!Number.isNaN(y)) {
      fit.learn(x, y);
      this.learned++;
      this.mean += (y - this.mean) / this.learned;
    }
    return forecast;
  }

  /** A JSON-ready copy of its state. */
  state(): LeastSquaresState {
    const state: LeastSquaresState = {
      seq: this.forecast.seq,
      learned: this.learned,
      mean: this.mean,
    };
    return this.fit === undefined ? state : { ...state, fit: this.fit.state() };
  }

  /** Restores what {@link state} returned, read with {@link leastSquaresStateSchema}. */
  load(saved: LeastSquaresState): void {
    this.forecast.seq = saved.seq;
    this.learned = saved.learned;
    this.mean = saved.mean;
    if (saved.fit === undefined) {
      this.fit = undefined;
      this.inputs = -1;
      return;
    }
    this.inputs = saved.fit.weights.length - 1;
    this.fit = new RecursiveLeastSquares(this.inputs, this.forgetting, this.prior);
    this.fit.load(saved.fit);
  }
}
