import { z } from 'zod';
import { BuiltInMetric } from './builtInMetric.js';
import type { Metric } from './metric.js';
import type { PairRing } from './pairRing.js';
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

/**
 * @internal See {@link rSquared}. Its sums are the total weight, then per output `Σ w (t − shift)`,
 * `Σ w (t − shift)²` and `Σ w (t − p)²`: `1 + 3 · outputs` numbers. The number of outputs and the
 * shift are the settings its first pair gives it.
 */
export class RSquared extends BuiltInMetric<number | undefined, RSquaredState> {
  readonly kind = 'rSquared';
  private outputs = 0;
  private shift = EMPTY;

  constructor() {
    super();
    this.sums = new Float64Array(1);
  }

  begin(_prediction: ArrayLike<number>, target: ArrayLike<number>): number {
    const m = target.length;
    this.setOutputs(m);
    for (let j = 0; j < m; j++) this.shift[j] = target[j];
    this.ready = true;
    return 1 + 3 * m;
  }

  adopt(other: this): number {
    this.setOutputs(other.outputs);
    this.shift.set(other.shift);
    this.ready = true;
    return 1 + 3 * other.outputs;
  }

  dimensionOf(state: RSquaredState): number {
    return 1 + 3 * state.outputs;
  }

  accumulate(
    prediction: ArrayLike<number>,
    target: ArrayLike<number>,
    weight: number,
    into: Float64Array,
    at: number,
  ): void {
    const m = this.outputs;
    if (target.length !== m) this.mismatch(weight < 0 ? 'revert' : 'update', target.length);
    const shift = this.shift;
    into[at] += weight;
    const s1 = at + 1;
    const s2 = s1 + m;
    const sr = s2 + m;
    for (let j = 0; j < m; j++) {
      const t = target[j];
      const y = t - shift[j];
      const r = t - prediction[j];
      const wy = weight * y;
      into[s1 + j] += wy;
      into[s2 + j] += wy * y;
      into[sr + j] += weight * r * r;
    }
  }

  addRun(pairs: PairRing, from: number, count: number, factors: Float64Array | undefined): void {
    if (count === 0) return;
    this.readyFor(pairs, from);
    const m = this.outputs;
    if (pairs.outputs !== m) this.mismatch('update', pairs.outputs);
    const { predictions, targets, weights } = pairs;
    for (let i = 0; i < count; i++) {
      const s = from + i;
      const w = factors === undefined ? weights[s] : weights[s] * factors[i];
      this.add(predictions, targets, s * m, w);
    }
  }

  slideRun(pairs: PairRing, from: number, out: number, count: number): void {
    if (count === 0) return;
    this.readyFor(pairs, from);
    const m = this.outputs;
    if (pairs.outputs !== m) this.mismatch('update', pairs.outputs);
    const { predictions, targets, weights } = pairs;
    for (let i = 0; i < count; i++) {
      const o = out + i;
      this.add(predictions, targets, o * m, -weights[o]);
      const s = from + i;
      this.add(predictions, targets, s * m, weights[s]);
    }
  }

  recountRun(
    pairs: PairRing,
    from: number,
    count: number,
    window: Float64Array,
    _total: Float64Array,
    at: number,
  ): void {
    if (count === 0) return;
    const m = this.outputs;
    const { predictions, targets, weights } = pairs;
    for (let i = 0; i < count; i++) {
      const s = from + i;
      this.add(predictions, targets, s * m, weights[s], window, at);
    }
  }

  foldRun(
    pairs: PairRing,
    from: number,
    out: number,
    count: number,
    leaving: boolean,
    factors: Float64Array,
    window: Float64Array,
    ewma: Float64Array,
    total: Float64Array,
    at: number,
  ): void {
    if (count === 0) return;
    const m = this.outputs;
    if (pairs.outputs !== m) this.mismatch('update', pairs.outputs);
    const { predictions, targets, weights } = pairs;
    const shift = this.shift;
    for (let i = 0; i < count; i++) {
      if (leaving) this.add(predictions, targets, (out + i) * m, -weights[out + i], window, at);
      const s = from + i;
      const w = weights[s];
      const wf = w * factors[i];
      window[at] += w;
      ewma[at] += wf;
      total[at] += w;
      for (let j = 0; j < m; j++) {
        const t = targets[s * m + j];
        const y = t - shift[j];
        const r = t - predictions[s * m + j];
        // the same products as `add`, so that what a pair adds is what it takes out later
        const wy = w * y;
        const wyy = wy * y;
        const wrr = w * r * r;
        const fy = wf * y;
        const k1 = at + 1 + j;
        const k2 = k1 + m;
        const kr = k2 + m;
        window[k1] += wy;
        window[k2] += wyy;
        window[kr] += wrr;
        ewma[k1] += fy;
        ewma[k2] += fy * y;
        ewma[kr] += wf * r * r;
        total[k1] += wy;
        total[k2] += wyy;
        total[kr] += wrr;
      }
    }
  }

  /**
   * Adds the pair at `predictions[at …]`, `targets[at …]` with weight `w` to the sums (or to a
   * vector laid out like them from `to`).
   */
  private add(
    predictions: Float64Array,
    targets: Float64Array,
    at: number,
    weight: number,
    into: Float64Array = this.sums,
    to = 0,
  ): void {
    const m = this.outputs;
    const shift = this.shift;
    into[to] += weight;
    const s1 = to + 1;
    const s2 = s1 + m;
    const sr = s2 + m;
    for (let j = 0; j < m; j++) {
      const t = targets[at + j];
      const y = t - shift[j];
      const r = t - predictions[at + j];
      const wy = weight * y;
      into[s1 + j] += wy;
      into[s2 + j] += wy * y;
      into[sr + j] += weight * r * r;
    }
  }

  protected forget(): void {
    this.outputs = 0;
    this.ready = false;
  }

  merge(other: this): void {
    this.checkMergeable(other);
    if (!other.ready) return;
    if (!this.ready) this.bind(new Float64Array(this.adopt(other)));
    const m = this.outputs;
    if (other.outputs !== m) this.mismatch('merge', other.outputs);
    // Other's sums are about its own shift: move them to ours, t − a = (t − b) + (b − a).
    const w = other.sums[0];
    const mine = this.sums;
    const theirs = other.sums;
    for (let j = 0; j < m; j++) {
      const d = other.shift[j] - this.shift[j];
      const s = theirs[1 + j];
      mine[1 + j] += s + w * d;
      mine[1 + m + j] += theirs[1 + m + j] + 2 * d * s + w * d * d;
      mine[1 + 2 * m + j] += theirs[1 + 2 * m + j];
    }
    mine[0] += w;
  }

  /**
   * R² per output, `1 − SS_res / SS_tot`, averaged over the outputs; `undefined` when nothing is
   * counted or a target does not vary (its spread below 1e-12 of its second moment).
   */
  get(): number | undefined {
    const sums = this.sums;
    const n = sums[0];
    if (!(n > 0)) return undefined;
    const m = this.outputs;
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const s = sums[1 + j];
      const s2 = sums[1 + m + j];
      const ssTot = s2 - (s * s) / n;
      if (!(ssTot > RELATIVE_SPREAD_FLOOR * s2)) return undefined;
      const ssRes = sums[1 + 2 * m + j];
      sum += 1 - (ssRes < 0 ? 0 : ssRes) / ssTot;
    }
    return sum / m;
  }

  state(): RSquaredState {
    const m = this.outputs;
    const sums = this.sums;
    const saved = (at: number): (number | null)[] =>
      Array.from(sums.subarray(at, at + m), savedNumber);
    return {
      kind: 'rSquared',
      outputs: m,
      weight: savedNumber(sums[0]),
      shift: Array.from(this.shift.subarray(0, m), savedNumber),
      sumTarget: saved(1),
      sumTarget2: saved(1 + m),
      sumResidual2: saved(1 + 2 * m),
    };
  }

  stateSchema(): z.ZodType<RSquaredState> {
    return rSquaredStateSchema;
  }

  load(state: RSquaredState): void {
    const m = state.outputs;
    this.setOutputs(m);
    if (this.sums.length !== 1 + 3 * m) this.sums = new Float64Array(1 + 3 * m);
    this.ready = m > 0;
    const sums = this.sums;
    sums[0] = loadedNumber(state.weight);
    for (let j = 0; j < m; j++) {
      this.shift[j] = loadedNumber(state.shift[j]);
      sums[1 + j] = loadedNumber(state.sumTarget[j]);
      sums[1 + m + j] = loadedNumber(state.sumTarget2[j]);
      sums[1 + 2 * m + j] = loadedNumber(state.sumResidual2[j]);
    }
  }

  private setOutputs(m: number): void {
    this.outputs = m;
    if (this.shift.length !== m) this.shift = new Float64Array(m);
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
