import type { OperatorFunction } from 'rxjs';
import { checkBoolean } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import type { Malformed, Sample, TargetScaler } from '../samples/sample.js';
import { makeScaler, RunningScaler, type RunningScalerOptions } from '../scaling/runningScaler.js';
import type { RunningStats } from '../scaling/runningStats.js';
import type { ScalingMethod } from '../scaling/scalingMethod.js';
import { TargetInverse } from '../scaling/targetInverse.js';
import { statefulMap } from './statefulMap.js';

/**
 * A sample as {@link normalize} emits it. Lent: one object per subscription, reused for every
 * sample, valid until the next emission (its arrays too) — copy what you keep. Other fields of
 * your samples are on `raw`.
 *
 * @example
 * ```ts
 * import { normalize, type NormalizedSample } from 'streamprop';
 * import { from, map } from 'rxjs';
 * from([{ x: [10], id: 'a' }, { x: [20], id: 'b' }])
 *   .pipe(
 *     normalize(),
 *     map((s: NormalizedSample) => ({ id: s.id, x: Array.from(s.x), raw: s.raw.x })),
 *   )
 *   .subscribe(console.log); // { id: 'a', x: [0], raw: [10] }, { id: 'b', x: [1], raw: [20] }
 * ```
 */
export interface NormalizedSample<S extends Sample = Sample> extends Sample {
  /**
   * The scaled inputs, a `Float64Array`; for a sample whose `x` normalize cannot use (wrong
   * length, a non-finite value), the original `x`, untouched, for `forward` to reject.
   */
  readonly x: ArrayLike<number>;
  /**
   * With `targets: true`, the scaled target as a `Float64Array` (`undefined` when the sample has
   * none); otherwise, or when `y` is malformed, the original `y`, untouched.
   */
  readonly y?: ArrayLike<number> | number;
  /**
   * With `targets: true`, what turns predictions back into real units (`forward` uses it for
   * `step.output` and `step.actual`); it is lent like the sample. Otherwise the original's.
   */
  readonly scaler?: TargetScaler;
  /** The sample as it arrived, untouched. */
  readonly raw: S;
}

/** Options of {@link normalize}. */
export interface NormalizeOptions extends RunningScalerOptions {
  /**
   * A scaler made with `runningScaler(…)` to learn into and scale with, so that its state can be
   * saved, restored or read; its own options then apply (give no `method`, `targets`, `inputs`
   * or `outputs` here). A scaler passed to several subscriptions is shared by them. Default: a
   * private scaler per subscription, made from the other options.
   */
  readonly scaler?: RunningScaler;
  /**
   * Whether the samples are added to the statistics (default `true`). `false` scales with the
   * statistics as they are and never changes them: inference with a saved scaler, such as
   * predicting with a model loaded by `fromJSON`.
   */
  readonly learn?: boolean;
}

/**
 * Online normalisation — put it before `forward`: scales each sample's inputs (and with
 * `targets: true` its targets) by running statistics of the samples seen so far, per dimension:
 * `zScore()` (the default; Welford's mean and variance) or `minMax([a, b])`.
 *
 * **Warm-up order (as River does).** When learning, each sample is first added to the
 * statistics and then scaled with them, so a scaled value is bounded from the first sample on: a
 * z-score of the n-th value among n is at most √(n − 1) (0 for the first, ±1 for the second),
 * where scaling with the statistics of the samples *before* it made values of ~140 on samples
 * 3–5 of a smooth series and sent a linear model trained on them with SGD off to infinity. For
 * the targets the order differs between what is predicted and what is learned, so that the
 * prediction never uses the target it predicts:
 * - the prediction is turned into real units (`step.output`) with the statistics of the targets
 *   *before* this one — before any target was seen, through the fixed signed logarithm
 *   `centre + asinh(v)` (3000 → 8.7, 1e9 → 21.4, 0.5 → 0.48) whose inverse `sinh` gives real
 *   units back; after one target, as that target (there is no spread yet to scale by);
 * - the target the network learns is scaled *after* it was added (bounded like the inputs), and
 *   `step.actual` is the real target exactly (`TargetScaler.inverseActual`).
 * The two maps differ by O(1/n) and agree as the statistics settle. With `learn: false` nothing
 * is added, and every value is scaled with the statistics as they are (the inputs of a scaler
 * that has seen nothing go to the centre of the method: 0 for zScore, the middle of the range
 * for minMax).
 *
 * A dimension without spread yet (one value seen, or a constant) is handled as
 * {@link ScalingMethod} says, so no value is ever NaN or infinite.
 *
 * **Targets.** With `targets: true` the sample carries a `scaler`: `forward` uses it to turn the
 * prediction and the target back into real units (`step.output`, `step.actual`), with the very
 * statistics the sample was scaled by; the loss and the gradients stay in scaled units.
 *
 * **Bad data.** A sample that `forward` would reject — not an object, an `x` of the wrong length
 * or with a non-finite value or one beyond ±1e145 (`MAX_MAGNITUDE`: its square would overflow
 * the running variance), a malformed `y` — leaves the statistics untouched and passes with
 * its original `x` and `y` (an `x` that can be scaled is scaled), so that `forward` rejects it
 * or fails the stream exactly as it would without normalize, according to its `onInvalid`.
 * A sample without `y` is valid here (`forward` accepts it; `loss` is the one that needs a
 * target): its inputs are learned.
 *
 * **State.** Without `scaler`, each subscription has its own statistics, out of reach. To save
 * them with the model, make a scaler and pass it: `normalize({ scaler })`, then
 * `toJSON(net, { optimizer, scaler })`; `fromJSON` gives it back. The numbers of inputs and
 * targets are learned from the first valid sample unless given (`inputs`, `outputs`).
 *
 * Emits one reused {@link NormalizedSample} per subscription (valid until the next emission);
 * allocates its buffers once per subscription, never per sample, and never mutates a sample.
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { adam, dense, linear, mse, network, normalize, rng, tanh, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 2, layers: [dense(8, tanh), dense(1, linear)], seed: 7 });
 * const random = rng(1);
 * const samples = Array.from({ length: 3000 }, () => {
 *   const a = 1000 + 2000 * random.next(); // inputs in the thousands
 *   const b = 5000 + 3000 * random.next();
 *   return { x: [a, b], y: 0.01 * a - 0.002 * b + 40 }; // targets in the tens
 * });
 * from(samples)
 *   .pipe(
 *     normalize({ targets: true }),
 *     train(net, { loss: mse(), optimizer: adam({ learningRate: 0.01 }) }),
 *   )
 *   .subscribe((step) => {
 *     if (step.seq % 500 === 0) console.log(step.seq, step.output[0], step.actual?.[0]); // real units
 *   });
 * ```
 */
export function normalize<S extends Sample>(
  options: NormalizeOptions = {},
): OperatorFunction<S, NormalizedSample<S>> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `normalize: options must be an object { method?, targets?, scaler? }, got ${describeValue(options)}`,
    );
  }
  const shared = options.scaler;
  if (shared !== undefined) {
    if (!(shared instanceof RunningScaler)) {
      throw new TypeError(
        `normalize: scaler must be made with runningScaler({ … }), got ${describeValue(shared)}`,
      );
    }
    for (const name of ['method', 'targets', 'inputs', 'outputs'] as const) {
      if (options[name] !== undefined) {
        throw new TypeError(
          `normalize: give either scaler or ${name}, not both (the scaler has its own ${name})`,
        );
      }
    }
  } else {
    makeScaler('normalize', options); // check the options now, not at subscription
  }
  const learn = checkBoolean('normalize', 'learn', options.learn ?? true);
  return statefulMap(() => new Normalizer<S>(shared ?? makeScaler('normalize', options), learn));
}

/**
 * @internal What one normalize subscription starts from (checked like `normalize(options)`):
 * the state of each key of byKey's slab learner.
 */
export function normalizerOf<S extends Sample>(options: NormalizeOptions): Normalizer<S> {
  normalize(options); // the checks, with normalize's messages
  return new Normalizer<S>(
    options.scaler ?? makeScaler('normalize', options),
    options.learn ?? true,
  );
}

/**
 * @internal The per-subscription state of {@link normalize} (byKey's slab learner keeps one per
 * key).
 */
export class Normalizer<S extends Sample> {
  private readonly scaler: RunningScaler;
  private readonly method: ScalingMethod;
  private readonly out = new LentSample<S>();
  private readonly inverse: TargetInverse;
  /** Scaled inputs and the map that scaled them; sized when the number of inputs is known. */
  private x = EMPTY;
  private xOffsets = EMPTY;
  private xScales = EMPTY;
  /** Scaled targets; the map itself is the inverse's. */
  private y = EMPTY;
  /** A one-number target as a vector. */
  private readonly one = new Float64Array(1);

  constructor(
    scaler: RunningScaler,
    private readonly learn: boolean,
  ) {
    this.scaler = scaler;
    this.method = scaler.method;
    this.inverse = new TargetInverse(scaler.method.centre);
  }

  next(sample: S): NormalizedSample<S> {
    if (sample === null || typeof sample !== 'object') {
      return sample as unknown as NormalizedSample<S>; // for forward to reject as it is
    }
    const out = this.out;
    const scaler = this.scaler;
    const rawX = sample.x;
    const rawY = sample.y;
    out.raw = sample;
    out.key = sample.key;
    out.id = sample.id;
    out.t = sample.t;
    out.x = rawX;
    out.y = rawY;
    out.scaler = sample.scaler;
    out.malformed = sample.malformed;
    if (sample.malformed !== undefined) return out; // for forward to reject, learning nothing

    const inputs = finiteLength(rawX, scaler.inputs);
    if (inputs < 0) return out;
    const targets = scaler.targets;
    let y: ArrayLike<number> | undefined;
    if (rawY !== undefined) {
      if (typeof rawY === 'number') {
        this.one[0] = rawY;
        y = this.one;
      } else {
        y = rawY;
      }
      if (finiteLength(y, scaler.outputs) < 0) {
        // A malformed target: scale what can be scaled, learn nothing, pass y on for forward.
        if (scaler.inputStats !== undefined) out.x = this.scaleInputs(rawX, scaler.inputStats);
        return out;
      }
    }

    const inStats = scaler.inputStatsFor(inputs);
    if (this.learn) inStats.push(rawX); // learn first: the scaled value is then bounded
    out.x = this.scaleInputs(rawX, inStats);
    if (!targets) {
      if (y !== undefined) scaler.noteTargetLength(y.length);
      return out;
    }

    const inverse = this.inverse;
    inverse.next = sample.scaler;
    out.scaler = inverse;
    const outStats = y === undefined ? scaler.targetStats : scaler.targetStatsFor(y.length);
    if (outStats === undefined) {
      inverse.first = true; // no target seen yet: nothing to scale by
      inverse.targetFirst = true;
      return out;
    }
    inverse.fit(this.method, outStats); // the prediction: the targets before this one
    if (y === undefined) return out;
    if (this.y.length !== y.length) this.y = new Float64Array(y.length);
    const scaled = this.y;
    const centre = this.method.centre;
    if (this.learn) {
      outStats.push(y); // the target learned: scaled after it was added, bounded
      inverse.fitTarget(this.method, outStats);
    }
    if (inverse.targetFirst) {
      for (let i = 0; i < scaled.length; i++) scaled[i] = centre + Math.asinh(y[i]);
    } else {
      const offsets = inverse.targetOffsets;
      const scales = inverse.targetScales;
      for (let i = 0; i < scaled.length; i++) scaled[i] = centre + (y[i] - offsets[i]) / scales[i];
    }
    out.y = scaled;
    return out;
  }

  /** Scales `x` (already checked) with `stats` as they are; returns the lent buffer. */
  private scaleInputs(x: ArrayLike<number>, stats: RunningStats): Float64Array {
    const n = stats.dimensions;
    if (this.x.length !== n) {
      this.x = new Float64Array(n);
      this.xOffsets = new Float64Array(n);
      this.xScales = new Float64Array(n);
    }
    const scaled = this.x;
    const centre = this.method.centre;
    if (stats.count === 0) {
      scaled.fill(centre); // nothing seen yet: every input is at the centre
      return scaled;
    }
    const offsets = this.xOffsets;
    const scales = this.xScales;
    this.method.fit(stats, offsets, scales);
    for (let i = 0; i < n; i++) scaled[i] = centre + (x[i] - offsets[i]) / scales[i];
    return scaled;
  }
}

const EMPTY = new Float64Array(0);

/**
 * The length of `values` when it is an array-like of finite numbers within ±MAX_MAGNITUDE of
 * length `expected` (any positive length when `expected` is undefined), -1 otherwise.
 */
function finiteLength(values: unknown, expected: number | undefined): number {
  if (values === null || typeof values !== 'object') return -1;
  const v = values as ArrayLike<unknown>;
  const n = v.length;
  if (typeof n !== 'number' || n < 1 || (expected !== undefined && n !== expected)) return -1;
  for (let i = 0; i < n; i++) {
    if (!withinMaxMagnitude(v[i])) return -1;
  }
  return n;
}

/** The mutable object behind {@link NormalizedSample}, one per subscription. */
class LentSample<S extends Sample> implements NormalizedSample<S> {
  x: ArrayLike<number> = EMPTY;
  y: ArrayLike<number> | number | undefined = undefined;
  key: string | number | undefined = undefined;
  id: string | number | undefined = undefined;
  t: number | undefined = undefined;
  scaler: TargetScaler | undefined = undefined;
  malformed: Malformed | undefined = undefined;
  raw!: S;
}
