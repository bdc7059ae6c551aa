import type { RunningStats } from './runningStats.js';
import { type ScalingMethod, usableSpread } from './scalingMethod.js';

/**
 * Standardisation: `scaled = (v − mean) / σ`, with the mean and the population standard
 * deviation `σ = √(M2 / n)` of the values seen so far (Welford's running statistics). Scaled
 * values have mean 0 and standard deviation 1 over a stationary stream; there is no bound.
 * Without spread (one value seen, or a constant) `σ` is replaced by `max(|mean|, 1)` (see
 * {@link ScalingMethod}).
 *
 * @example
 * ```ts
 * import { dense, forward, linear, network, normalize, zScore } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1000], y: 1 }, { x: [3000], y: 2 }, { x: [2000], y: 3 })
 *   .pipe(normalize({ method: zScore() }), forward(net))
 *   .subscribe((step) => console.log(step.sample.x[0])); // 0, 1, 0
 * ```
 */
export function zScore(): ScalingMethod {
  return Z_SCORE;
}

const Z_SCORE: ScalingMethod = Object.freeze({
  name: 'zScore',
  range: undefined,
  centre: 0,
  fit(stats: RunningStats, offsets: Float64Array, scales: Float64Array): void {
    const mean = stats.mean;
    const m2 = stats.m2;
    const n = stats.count;
    for (let i = 0; i < mean.length; i++) {
      offsets[i] = mean[i];
      scales[i] = usableSpread(Math.sqrt(m2[i] / n), mean[i]);
    }
  },
} as const);
