import type { TargetScaler } from '../samples/sample.js';
import type { RunningStats } from './runningStats.js';
import type { ScalingMethod } from './scalingMethod.js';

const EMPTY = new Float64Array(0);

/**
 * The inverses of the maps of one sample's targets: for the prediction, `v = offset + (scaled −
 * centre) · scale` with the statistics before the sample (before any target was seen, `v =
 * sinh(scaled − centre)`); for the target itself, the same with the statistics it was scaled by
 * (after it was added, when learning). Then the original sample's own scaler if it had one.
 * Lent: refitted for every sample.
 * @internal normalize's, one per subscription.
 */
export class TargetInverse implements TargetScaler {
  offsets = EMPTY;
  scales = EMPTY;
  targetOffsets = EMPTY;
  targetScales = EMPTY;
  next: TargetScaler | undefined = undefined;
  /** Whether no target was seen before: the map is the signed logarithm `centre + asinh(v)`. */
  first = true;
  /** Whether the target's own map is the signed logarithm (no statistics when it was scaled). */
  targetFirst = true;
  private readonly centre: number;
  private chained = EMPTY;

  constructor(centre: number) {
    this.centre = centre;
  }

  /** Fits the prediction's map (and, until {@link fitTarget}, the target's) to `stats`. */
  fit(method: ScalingMethod, stats: RunningStats): void {
    const n = stats.dimensions;
    if (this.offsets.length !== n) {
      this.offsets = new Float64Array(n);
      this.scales = new Float64Array(n);
      this.targetOffsets = new Float64Array(n);
      this.targetScales = new Float64Array(n);
    }
    this.first = stats.count === 0;
    this.targetFirst = this.first;
    if (!this.first) {
      method.fit(stats, this.offsets, this.scales);
      this.targetOffsets.set(this.offsets);
      this.targetScales.set(this.scales);
      // One target seen: no spread to scale a prediction by, and the stand-in spread (the size
      // of the value) would turn a young network's output of −2 into −1 × the value. The
      // prediction is that target until a second one comes.
      if (stats.count === 1) this.scales.fill(0);
    }
  }

  /** Fits the target's own map to `stats`, which hold the target (at least one value). */
  fitTarget(method: ScalingMethod, stats: RunningStats): void {
    this.targetFirst = false;
    method.fit(stats, this.targetOffsets, this.targetScales);
  }

  inverseTargets(scaled: Float64Array, out: Float64Array): void {
    this.invert(scaled, out, this.first, this.offsets, this.scales);
    this.chain(out, false);
  }

  inverseActual(scaled: Float64Array, out: Float64Array): void {
    this.invert(scaled, out, this.targetFirst, this.targetOffsets, this.targetScales);
    this.chain(out, true);
  }

  private invert(
    scaled: Float64Array,
    out: Float64Array,
    first: boolean,
    offsets: Float64Array,
    scales: Float64Array,
  ): void {
    const centre = this.centre;
    if (first) {
      for (let i = 0; i < out.length; i++) {
        // sinh overflows beyond ±710: clamp so that the real value stays finite (≤ 4e307).
        const z = scaled[i] - centre;
        out[i] = Math.sinh(z > 709 ? 709 : z < -709 ? -709 : z);
      }
    } else {
      for (let i = 0; i < out.length; i++) out[i] = offsets[i] + (scaled[i] - centre) * scales[i];
    }
  }

  private chain(out: Float64Array, actual: boolean): void {
    const next = this.next;
    if (next === undefined) return;
    if (this.chained.length !== out.length) this.chained = new Float64Array(out.length);
    this.chained.set(out);
    if (actual && next.inverseActual !== undefined) next.inverseActual(this.chained, out);
    else next.inverseTargets(this.chained, out);
  }
}
