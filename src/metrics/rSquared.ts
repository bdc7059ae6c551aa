import { z } from 'zod';
import { BuiltInMetric } from './builtInMetric.js';
import type { Metric } from './metric.js';
import { loadedNumber, savedNumber, savedNumberSchema } from './savedNumber.js';

/** A target spread below this share of its second moment (about the shift) counts as none. */
const RELATIVE_SPREAD_FLOOR = 1e-12;
const EMPTY: Float64Array = new Float64Array(0);
const SUMS = ['shift', 'sumTarget', 'sumTarget2', 'sumResidual2'] as const;

/**
 * The saved state of {@link rSquared}, as plain JSON: per output, weighted sums of the targets
 * (taken about `shift`, the first target counted, so that a large offset costs no precision)
 * and of the squared residuals. A number that is not finite is `null`.
 *
 * @example
 * ```ts
 * import { rSquared, type RSquaredState } from 'streamprop';
 * const r2 = rSquared();
 * r2.update([1], [2]);
 * const saved: RSquaredState = r2.state(); // outputs 1, weight 1, shift [2], sums [0], [0], [1]
 * ```
 */
export interface RSquaredState {
  readonly kind: 'rSquared';
  /** Values per pair; 0 before the first pair (or after `reset`). */
  readonly outputs: number;
  /** The total weight of the pairs counted. */
  readonly weight: number | null;
  /** Per output, the first target counted: the sums below are of `target − shift`. */
  readonly shift: readonly (number | null)[];
  /** Per output, `Σ w (t − shift)`. */
  readonly sumTarget: readonly (number | null)[];
  /** Per output, `Σ w (t − shift)²`. */
  readonly sumTarget2: readonly (number | null)[];
  /** Per output, `Σ w (t − p)²`. */
  readonly sumResidual2: readonly (number | null)[];
}

/** @internal See {@link rSquared}. */
export class RSquared extends BuiltInMetric<number | undefined, RSquaredState> {
  readonly kind = 'rSquared';
  private outputs = 0;
  private weight = 0;
  private shift = EMPTY;
  private sumTarget = EMPTY;
  private sumTarget2 = EMPTY;
  private sumResidual2 = EMPTY;

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const m = target.length;
    if (m !== this.outputs) this.start(target, 'update');
    this.weight += weight;
    const { shift, sumTarget, sumTarget2, sumResidual2 } = this;
    for (let j = 0; j < m; j++) {
      const t = target[j];
      const y = t - shift[j];
      const r = t - prediction[j];
      const wy = weight * y;
      sumTarget[j] += wy;
      sumTarget2[j] += wy * y;
      sumResidual2[j] += weight * r * r;
    }
  }

  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const m = target.length;
    if (m !== this.outputs) this.mismatch('revert', m);
    this.weight -= weight;
    const { shift, sumTarget, sumTarget2, sumResidual2 } = this;
    for (let j = 0; j < m; j++) {
      const t = target[j];
      const y = t - shift[j];
      const r = t - prediction[j];
      const wy = weight * y;
      sumTarget[j] -= wy;
      sumTarget2[j] -= wy * y;
      sumResidual2[j] -= weight * r * r;
    }
  }

  decay(factor: number): void {
    this.weight *= factor;
    for (let j = 0; j < this.outputs; j++) {
      this.sumTarget[j] *= factor;
      this.sumTarget2[j] *= factor;
      this.sumResidual2[j] *= factor;
    }
  }

  merge(other: this): void {
    this.checkMergeable(other);
    const m = other.outputs;
    if (m === 0) return;
    if (this.outputs === 0) {
      this.load(other.state());
      return;
    }
    if (m !== this.outputs) this.mismatch('merge', m);
    // Other's sums are about its own shift: move them to ours, t − a = (t − b) + (b − a).
    const w = other.weight;
    for (let j = 0; j < m; j++) {
      const d = other.shift[j] - this.shift[j];
      const s = other.sumTarget[j];
      this.sumTarget[j] += s + w * d;
      this.sumTarget2[j] += other.sumTarget2[j] + 2 * d * s + w * d * d;
      this.sumResidual2[j] += other.sumResidual2[j];
    }
    this.weight += w;
  }

  reset(): void {
    this.outputs = 0;
    this.weight = 0;
  }

  /**
   * R² per output, `1 − SS_res / SS_tot`, averaged over the outputs; `undefined` when nothing is
   * counted or a target does not vary (its spread below 1e-12 of its second moment).
   */
  get(): number | undefined {
    const n = this.weight;
    if (!(n > 0)) return undefined;
    const m = this.outputs;
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const s = this.sumTarget[j];
      const s2 = this.sumTarget2[j];
      const ssTot = s2 - (s * s) / n;
      if (!(ssTot > RELATIVE_SPREAD_FLOOR * s2)) return undefined;
      const ssRes = this.sumResidual2[j];
      sum += 1 - (ssRes < 0 ? 0 : ssRes) / ssTot;
    }
    return sum / m;
  }

  state(): RSquaredState {
    const m = this.outputs;
    const saved = (values: Float64Array): (number | null)[] =>
      Array.from(values.subarray(0, m), savedNumber);
    return {
      kind: 'rSquared',
      outputs: m,
      weight: savedNumber(this.weight),
      shift: saved(this.shift),
      sumTarget: saved(this.sumTarget),
      sumTarget2: saved(this.sumTarget2),
      sumResidual2: saved(this.sumResidual2),
    };
  }

  stateSchema(): z.ZodType<RSquaredState> {
    return rSquaredStateSchema;
  }

  load(state: RSquaredState): void {
    const m = state.outputs;
    this.allocate(m);
    this.outputs = m;
    this.weight = loadedNumber(state.weight);
    for (const key of SUMS) {
      const into = this[key];
      state[key].forEach((v, j) => {
        into[j] = loadedNumber(v);
      });
    }
  }

  /** Takes the first pair's outputs and target (after a reset): the shift. */
  private start(target: ArrayLike<number>, method: string): void {
    const m = target.length;
    if (this.outputs !== 0) this.mismatch(method, m);
    this.allocate(m);
    this.outputs = m;
    for (let j = 0; j < m; j++) this.shift[j] = target[j];
  }

  /** Zeroed sums for `m` outputs (the arrays are reused when they fit). */
  private allocate(m: number): void {
    if (this.shift.length !== m) {
      this.shift = new Float64Array(m);
      this.sumTarget = new Float64Array(m);
      this.sumTarget2 = new Float64Array(m);
      this.sumResidual2 = new Float64Array(m);
    } else {
      this.sumTarget.fill(0);
      this.sumTarget2.fill(0);
      this.sumResidual2.fill(0);
    }
  }

  private mismatch(method: string, m: number): never {
    throw new RangeError(
      `rSquared.${method}: the pair has ${m} outputs, the ones counted ${this.outputs}`,
    );
  }
}

const sums = z.array(savedNumberSchema);

/** @internal The schema of {@link RSquaredState}: every per-output array holds `outputs` numbers. */
const rSquaredStateSchema: z.ZodType<RSquaredState> = z
  .object({
    kind: z.literal('rSquared'),
    outputs: z.number().int().nonnegative(),
    weight: savedNumberSchema,
    shift: sums,
    sumTarget: sums,
    sumTarget2: sums,
    sumResidual2: sums,
  })
  .superRefine((state, context) => {
    for (const key of SUMS) {
      const length = state[key].length;
      if (length !== state.outputs) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `must hold ${state.outputs} numbers (outputs), got ${length}`,
        });
      }
    }
  });

/**
 * The coefficient of determination, `1 − SS_res / SS_tot` of each output (with `SS_res` the
 * weighted sum of squared residuals and `SS_tot` that of the targets about their weighted mean),
 * averaged over the outputs. `undefined` while nothing is counted or while a target does not
 * vary (as with a single pair). The number of outputs is set by the first pair.
 *
 * @example
 * ```ts
 * import { rSquared } from 'streamprop';
 * const r2 = rSquared();
 * r2.update([1], [2]); // r = 1
 * r2.update([3], [4]); // r = 1; targets 2, 4: SS_tot = 2
 * console.log(r2.get()); // 0 — 1 − 2/2
 * ```
 */
export function rSquared(): Metric<number | undefined, RSquaredState> {
  return new RSquared();
}
