import type { OperatorFunction } from 'rxjs';
import {
  argumentError,
  checkBoolean,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import type { Malformed, Sample, TargetScaler } from '../samples/sample.js';
import { statefulMap } from './statefulMap.js';

/** Where the target of a lag window lies: options of the operators that read one. */
export interface LagOptions {
  /**
   * How many steps after the newest input the target is, as given to `lagged` (default 1: the
   * next value).
   */
  readonly horizon?: number;
}

/** Options of {@link difference} and `seasonalDifference`. */
export interface DifferenceOptions extends LagOptions {
  /**
   * Whether the inputs become differences too: every `x[i]` minus the same base as the target
   * (default false: the inputs pass as they are). A window of levels then becomes a window of
   * offsets from the base, free of the series' level — useful on a trending series.
   */
  readonly inputs?: boolean;
}

/**
 * A sample as {@link difference} emits it: the target is `y − base`, with a `scaler` that adds
 * the base back, so that `step.output` and `step.actual` (and every metric) stay in the
 * target's own units. Lent: one object per subscription, valid until the next emission.
 */
export interface DifferencedSample<S extends Sample = Sample> extends Sample {
  readonly x: ArrayLike<number>;
  readonly y?: ArrayLike<number> | number;
  readonly scaler?: TargetScaler;
  /** The sample as it arrived, untouched. */
  readonly raw: S;
}

/**
 * Differencing of the target of lag windows, the classic cure for a trend: each sample's target
 * becomes `y − base`, where the base is the value `lag` steps before the target — `x[k − 1 +
 * horizon − lag]` of a window of k values, oldest first, as `lagged(k, { horizon })` makes it
 * (with `lag` 1 and `horizon` 1, the newest input: the forecast is of the change). The base is
 * a known value (`lag ≥ horizon`), so nothing of the future leaks in. The sample carries a
 * `scaler` that adds the base back: `forward` turns predictions into the target's units with
 * it (`step.output`, `step.actual`), after `normalize`'s own inverse when `normalize` follows —
 * put `difference` right after `lagged`, before `normalize` and before operators that append
 * inputs (`calendarFeatures`).
 *
 * A sample whose window is too short for its base, whose base is not a finite number, or whose
 * `y` is not one finite number passes untouched, for `forward` to reject as it would anyway
 * (one too short fails `forward` on its length when the network was sized for the right one);
 * a malformed one passes untouched. A sample without `y` gets the scaler, for its prediction.
 *
 * Emits one lent {@link DifferencedSample} per subscription; allocates nothing per sample.
 *
 * @param lag How many steps back the base is (a positive integer, at least `horizon`; default 1).
 * @throws RangeError at once for a `lag` or `horizon` that is not a positive integer, or a `lag`
 * below `horizon`; TypeError for options that are not an object.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, normalize, difference, sgd, train } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from } from 'rxjs';
 * const trend = Array.from({ length: 500 }, (_, i) => 100 + 0.5 * i + Math.sin(i)); // rising
 * const net = network({ inputs: 4, layers: [dense(1, linear)], seed: 1 });
 * from(trend)
 *   .pipe(lagged(4), difference(), normalize({ targets: true }), train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }))
 *   .subscribe((step) => { if (step.seq % 100 === 0) console.log(step.output[0], step.actual?.[0]); }); // levels
 * ```
 */
export function difference<S extends Sample>(
  lag = 1,
  options: DifferenceOptions = {},
): OperatorFunction<S, DifferencedSample<S>> {
  checkPositiveInteger('difference', 'lag', lag);
  const horizon = readLag('difference', 'lag', lag, options);
  const inputs = checkBoolean('difference', 'inputs', options.inputs ?? false);
  return differencing<S>(lag, horizon, inputs);
}

/** @internal The operator of {@link difference} and `seasonalDifference` (arguments checked). */
export function differencing<S extends Sample>(
  lag: number,
  horizon: number,
  inputs: boolean,
): OperatorFunction<S, DifferencedSample<S>> {
  return statefulMap(() => new Differencer<S>(lag, horizon, inputs));
}

/**
 * @internal Checks `options` (a {@link LagOptions}) for `owner` and that `lag` (named `name`) is
 * at least its horizon; returns the horizon.
 */
export function readLag(owner: string, name: string, lag: number, options: LagOptions): number {
  const o = checkOptions(owner, options);
  const horizon = checkPositiveInteger(owner, 'horizon', o.horizon ?? 1);
  if (lag < horizon) {
    throw argumentError(
      owner,
      name,
      `at least the horizon (${horizon}), a value already known`,
      lag,
    );
  }
  return horizon;
}

/** @internal The index in a window of `length` values of the value `lag` steps before the target. */
export function baseIndex(length: number, lag: number, horizon: number): number {
  return length - 1 + horizon - lag;
}

/** @internal The per-subscription state of {@link difference}: buffers only, no learning. */
export class Differencer<S extends Sample> {
  private readonly out = new LentDifference<S>();
  private readonly one = new Float64Array(1);
  private x = EMPTY;

  constructor(
    private readonly lag: number,
    private readonly horizon: number,
    private readonly inputs: boolean,
  ) {}

  next(sample: S): DifferencedSample<S> {
    if (sample === null || typeof sample !== 'object') {
      return sample as unknown as DifferencedSample<S>;
    }
    const out = this.out;
    out.raw = sample;
    out.x = sample.x;
    out.y = sample.y;
    out.key = sample.key;
    out.id = sample.id;
    out.t = sample.t;
    out.scaler = sample.scaler;
    out.malformed = sample.malformed;
    if (sample.malformed !== undefined) return out;
    const x = sample.x as ArrayLike<number> | undefined;
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') return out;
    const at = baseIndex(x.length, this.lag, this.horizon);
    if (at < 0) return out;
    const base = x[at];
    if (typeof base !== 'number' || !Number.isFinite(base)) return out;
    const y = sample.y;
    if (y !== undefined) {
      const value = typeof y === 'number' ? y : y !== null && y.length === 1 ? y[0] : Number.NaN;
      if (typeof value !== 'number' || !Number.isFinite(value)) return out;
      this.one[0] = value - base;
      out.y = this.one;
    }
    if (this.inputs) {
      if (this.x.length !== x.length) this.x = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) this.x[i] = x[i] - base;
      out.x = this.x;
    }
    out.inverse.base = base;
    out.inverse.next = sample.scaler;
    out.scaler = out.inverse;
    return out;
  }
}

const EMPTY = new Float64Array(0);

/** Adds the base back, then applies the original sample's own scaler, if any. */
class AddBase implements TargetScaler {
  base = 0;
  next: TargetScaler | undefined = undefined;

  inverseTargets(scaled: Float64Array, out: Float64Array): void {
    this.add(scaled, out, false);
  }

  inverseActual(scaled: Float64Array, out: Float64Array): void {
    this.add(scaled, out, true);
  }

  private add(scaled: Float64Array, out: Float64Array, actual: boolean): void {
    const next = this.next;
    if (next === undefined) {
      for (let i = 0; i < out.length; i++) out[i] = scaled[i] + this.base;
      return;
    }
    for (let i = 0; i < out.length; i++) scaled[i] += this.base;
    if (actual && next.inverseActual !== undefined) next.inverseActual(scaled, out);
    else next.inverseTargets(scaled, out);
    for (let i = 0; i < scaled.length; i++) scaled[i] -= this.base;
  }
}

class LentDifference<S extends Sample> implements DifferencedSample<S> {
  x: ArrayLike<number> = EMPTY;
  y: ArrayLike<number> | number | undefined = undefined;
  key: string | number | undefined = undefined;
  id: string | number | undefined = undefined;
  t: number | undefined = undefined;
  scaler: TargetScaler | undefined = undefined;
  malformed: Malformed | undefined = undefined;
  raw!: S;
  readonly inverse = new AddBase();
}
