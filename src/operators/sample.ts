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
}
