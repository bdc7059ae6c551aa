import type { Rejection } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import { SampleError } from '../samples/sampleError.js';

/**
 * What a forecaster emits for each sample — the part of a `Step` that `ensemble` reads, so
 * that a training pipeline (`pipe(normalize(…), train(net, …))`, whose steps are forecasts) and
 * a simple rule (`lastValue()`, `leastSquares()`) can stand side by side. Lent like a step:
 * valid until the next emission.
 *
 * @example
 * ```ts
 * import { type Forecast, lastValue } from 'streamprop';
 * import { from } from 'rxjs';
 * from([{ x: [1, 2], y: 3 }])
 *   .pipe(lastValue())
 *   .subscribe((f: Forecast) => console.log(f.output[0], f.actual?.[0])); // 2 3
 * ```
 */
export interface Forecast<S extends Sample = Sample> {
  /** The 0-based count of samples seen before this one. */
  readonly seq: number;
  /** The sample, as it came. */
  readonly sample: S;
  /** The forecast, in the target's real units, made before anything learned from the sample. */
  readonly output: Float64Array;
  /** The target in real units; `undefined` without a target or for a rejected sample. */
  readonly actual: Float64Array | undefined;
  /** Why the sample was rejected, or `undefined`. */
  readonly rejection: Rejection | undefined;
}

/**
 * @internal The lent object behind the {@link Forecast}s of the one-output forecasters
 * (`lastValue`, `seasonalLastValue`, `runningMean`, `leastSquares`): it reads each sample's
 * `x` and `y` (through the sample's own scaler, if any, for `actual`), or records why it cannot.
 */
export class ForecastContext<S extends Sample = Sample> implements Forecast<S> {
  seq = -1;
  sample!: S;
  readonly output = new Float64Array(1);
  actual: Float64Array | undefined = undefined;
  rejection: Rejection | undefined = undefined;
  /** The inputs of the sample being read (valid when it is not rejected). */
  x: ArrayLike<number> = EMPTY;
  /** The target in the sample's own units (NaN without one). */
  y = Number.NaN;
  private readonly real = new Float64Array(1);
  private readonly scaled = new Float64Array(1);

  constructor(private readonly operator: string) {}

  /**
   * Reads the next sample; returns false (and sets `rejection`, with a NaN output) when it is
   * not usable: not an object, malformed, an `x` with fewer than `minInputs` finite numbers, a
   * `y` that is not one finite number.
   */
  read(sample: S, minInputs: number): boolean {
    this.seq++;
    this.sample = sample;
    this.rejection = undefined;
    this.actual = undefined;
    this.y = Number.NaN;
    try {
      this.check(sample, minInputs);
    } catch (error) {
      if (!(error instanceof SampleError)) throw error;
      this.rejection = {
        reason: error.reason,
        field: error.field,
        value: error.value,
        message: error.message,
      };
      this.output[0] = Number.NaN;
      return false;
    }
    return true;
  }

  /** Rejects the sample being read after all (a check of the caller's own). */
  reject(field: string, value: unknown, problem: string): void {
    const error = new SampleError(this.operator, this.seq, field, value, problem);
    this.rejection = {
      reason: error.reason,
      field: error.field,
      value: error.value,
      message: error.message,
    };
    this.actual = undefined;
    this.output[0] = Number.NaN;
  }

  /** Sets the forecast (in the sample's own units, turned into real units by its scaler). */
  emit(value: number): this {
    this.output[0] = value;
    const scaler = this.sample.scaler;
    if (scaler !== undefined) {
      this.scaled[0] = value;
      scaler.inverseTargets(this.scaled, this.output);
    }
    return this;
  }

  private check(sample: S, minInputs: number): void {
    const op = this.operator;
    const seq = this.seq;
    if (sample === null || typeof sample !== 'object') {
      throw new SampleError(op, seq, 'sample', sample, 'must be an object { x, y? }');
    }
    const bad = sample.malformed;
    if (bad !== undefined) {
      throw new SampleError(op, seq, bad.field, bad.value, bad.problem, 'malformed');
    }
    const x = sample.x as ArrayLike<unknown> | undefined;
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
      throw new SampleError(op, seq, 'x', x, 'must be an array of numbers');
    }
    if (x.length < minInputs) {
      throw new SampleError(op, seq, 'x.length', x.length, `must be at least ${minInputs}`);
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== 'number') {
        throw new SampleError(op, seq, `x[${i}]`, v, 'must be a finite number');
      }
      if (!Number.isFinite(v)) {
        throw new SampleError(op, seq, `x[${i}]`, v, 'must be a finite number');
      }
    }
    this.x = sample.x;
    const y = sample.y;
    if (y === undefined) return;
    const value = typeof y === 'number' ? y : y !== null && y.length === 1 ? y[0] : y;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SampleError(op, seq, 'y', y, 'must be one finite number');
    }
    this.y = value;
    this.real[0] = value;
    const scaler = sample.scaler;
    if (scaler !== undefined) {
      this.scaled[0] = value;
      if (scaler.inverseActual !== undefined) scaler.inverseActual(this.scaled, this.real);
      else scaler.inverseTargets(this.scaled, this.real);
    }
    this.actual = this.real;
  }
}

const EMPTY = new Float64Array(0);
