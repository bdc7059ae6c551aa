import { argumentError } from '../checks/argumentChecks.js';
import type { RunningStats } from './runningStats.js';
import { type ScalingMethod, usableSpread } from './scalingMethod.js';

/**
 * Rescaling to a range `[a, b]` (default `[0, 1]`; `[-1, 1]` suits tanh networks):
 * `scaled = a + (v − min) · (b − a) / (max − min)` with the minimum and maximum of the values
 * seen so far. `normalize` adds each value to the statistics before scaling it, so while it
 * learns every value maps within `[a, b]`; with statistics that no longer learn (`learn: false`)
 * a value beyond the extremes maps outside `[a, b]`, by as much as it lies beyond them: it is
 * never clipped, so the map stays invertible (targets need that). Without spread (one value
 * seen, or a constant) `max − min` is replaced by `max(|mid|, 1)`, `mid` the midpoint of min
 * and max, and that value maps to the middle of the range (see {@link ScalingMethod}): in the
 * example, the first 1000 maps to 0.
 *
 * @param range - `[a, b]`, two finite numbers with `a < b`.
 * @throws RangeError at once for a range that is not two finite numbers in increasing order.
 *
 * @example
 * ```ts
 * import { dense, forward, linear, minMax, network, normalize } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1000] }, { x: [3000] }, { x: [2000] }, { x: [3000] })
 *   .pipe(normalize({ method: minMax([-1, 1]) }), forward(net))
 *   .subscribe((step) => console.log(step.sample.x[0])); // 0, 1, 0, 1
 * ```
 */
export function minMax(range: readonly [number, number] = [0, 1]): ScalingMethod {
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    !(range[0] < range[1])
  ) {
    throw argumentError(
      'minMax',
      'range',
      '[a, b] with finite a < b, such as [0, 1] or [-1, 1]',
      range,
    );
  }
  const a = range[0];
  const b = range[1];
  const width = b - a;
  return Object.freeze({
    name: 'minMax',
    range: Object.freeze([a, b] as const),
    centre: a + width / 2,
    fit(stats: RunningStats, offsets: Float64Array, scales: Float64Array): void {
      const min = stats.min;
      const max = stats.max;
      for (let i = 0; i < min.length; i++) {
        const mid = min[i] + (max[i] - min[i]) / 2;
        offsets[i] = mid;
        scales[i] = usableSpread(max[i] - min[i], mid) / width;
      }
    },
  } as const);
}
