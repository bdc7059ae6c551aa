/**
 * One item of a training or prediction stream.
 *
 * @example
 * ```ts
 * import type { Sample } from 'streamprop';
 * const s: Sample = { x: [0.2, 0.4], y: 0.6, key: 'sensor-1', t: Date.now() };
 * ```
 */
export interface Sample {
  /** The inputs, one finite number per network input. */
  readonly x: ArrayLike<number>;
  /** The target: a number for a one-output network, or one finite number per output. */
  readonly y?: ArrayLike<number> | number;
  /** Which series the sample belongs to (a sensor, a store). */
  readonly key?: string | number;
  /** The sample's own identifier, passed through untouched. */
  readonly id?: string | number;
  /** The sample's time in milliseconds since the epoch, passed through untouched. */
  readonly t?: number;
  /**
   * Set by `normalize()` when it scales the targets: how to turn values in the scaled units
   * back into the sample's own, so that `step.output` and `step.actual` are in real units.
   */
  readonly scaler?: TargetScaler;
  /**
   * Set by a source for an item it could not parse — a CSV record with a field that is not a
   * number, a line or a payload that is not JSON: what is wrong with it. Such a sample is
   * rejected like any invalid one, with the reason `malformed` (with `onInvalid: 'skip'` it is
   * counted and learning goes on; otherwise the stream fails with a `SampleError`); its `x` and
   * `y` are not read.
   */
  readonly malformed?: Malformed;
}

/**
 * What a source found wrong with an item it could not turn into a sample (see
 * {@link Sample.malformed}). The rejection message reads `<operator>: sample <seq>: <field>
 * <problem>, got <value>`.
 *
 * @example
 * ```ts
 * import type { Malformed, Sample } from 'streamprop';
 * const problem: Malformed = { field: 'line 17', value: '{"x": [1,', problem: 'is not valid JSON' };
 * const sample: Sample = { x: [], malformed: problem };
 * ```
 */
export interface Malformed {
  /** Where the problem is, such as `line 17`, `record 9: column temp` or `payload`. */
  readonly field: string;
  /** The offending text or value (a source shortens long text). */
  readonly value: unknown;
  /** What is wrong, such as `is not valid JSON`. */
  readonly problem: string;
  /**
   * The rejection reason: `'malformed'` (the default) for an item that could not be parsed,
   * `'tooLarge'` for a record the source passed over because it is longer than its size limit.
   */
  readonly reason?: 'malformed' | 'tooLarge';
}

/**
 * Turns target-shaped values from scaled units back into real ones (what `normalize()`
 * attaches to the samples it scales).
 *
 * @example
 * ```ts
 * import type { TargetScaler } from 'streamprop';
 * const celsius: TargetScaler = {
 *   inverseTargets: (scaled, out) => { for (let i = 0; i < out.length; i++) out[i] = scaled[i] * 10 + 20; },
 * };
 * ```
 */
export interface TargetScaler {
  /** Writes the real-unit values of `scaled` into `out` (both of the network's output length). */
  inverseTargets(scaled: Float64Array, out: Float64Array): void;
  /**
   * The inverse of the map that scaled the sample's own target, when it is not the one for
   * predictions (`normalize()` learns a target before scaling it, and predicts with the
   * statistics before it): `forward` uses it for `step.actual`, so that it is the real target.
   * Absent: `inverseTargets` serves both.
   */
  inverseActual?(scaled: Float64Array, out: Float64Array): void;
}
