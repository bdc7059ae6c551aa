import { z } from 'zod';
import {
  argumentError,
  checkBoundedNumber,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';

/**
 * The saved state of a {@link RunningStats}, as plain JSON values (every number finite).
 *
 * @example
 * ```ts
 * import { runningStats } from 'streamprop';
 * const stats = runningStats(1);
 * stats.push([2]);
 * stats.push([4]);
 * console.log(stats.state()); // { count: 2, mean: [3], m2: [2], min: [2], max: [4] }
 * ```
 */
export interface RunningStatsState {
  /** How many vectors were pushed. */
  readonly count: number;
  /** The running mean of each dimension (0 while `count` is 0). */
  readonly mean: readonly number[];
  /** Welford's M2 of each dimension: the sum of squared deviations from the mean, ≥ 0. */
  readonly m2: readonly number[];
  /** The smallest value of each dimension so far (0 while `count` is 0). */
  readonly min: readonly number[];
  /** The largest value of each dimension so far (0 while `count` is 0). */
  readonly max: readonly number[];
}

/**
 * Running statistics of a stream of vectors, one set per dimension: count, mean and variance
 * by Welford's algorithm, minimum and maximum. Welford's update
 *
 * ```text
 * n ← n + 1;  d = v − mean;  mean ← mean + d / n;  M2 ← M2 + d · (v − mean)
 * ```
 *
 * never subtracts two large sums (the textbook `Σv² − n·mean²` loses every digit when the
 * values are large and close together), so the variance `M2 / n` stays accurate for values
 * such as 1e9 + small noise. M2 never becomes negative: `d` and `v − mean` (the new mean) have
 * the same sign.
 *
 * Pure math: no RxJS. A push allocates nothing.
 *
 * @example
 * ```ts
 * import { runningStats } from 'streamprop';
 * const stats = runningStats(2);
 * stats.push([1, 10]);
 * stats.push([3, 30]);
 * console.log(stats.mean[1], stats.variance(0), stats.max[1]); // 20 1 30
 * ```
 */
export class RunningStats {
  /** The number of dimensions of every vector. */
  readonly dimensions: number;
  /** The running mean of each dimension (0 while nothing was pushed). Read only. */
  readonly mean: Float64Array;
  /** Welford's M2 of each dimension (Σ (v − mean)²). Read only. */
  readonly m2: Float64Array;
  /** The smallest value of each dimension (0 while nothing was pushed). Read only. */
  readonly min: Float64Array;
  /** The largest value of each dimension (0 while nothing was pushed). Read only. */
  readonly max: Float64Array;
  private n = 0;

  /** @internal Use {@link runningStats}. */
  constructor(dimensions: number) {
    checkPositiveInteger('RunningStats', 'dimensions', dimensions);
    this.dimensions = dimensions;
    this.mean = new Float64Array(dimensions);
    this.m2 = new Float64Array(dimensions);
    this.min = new Float64Array(dimensions);
    this.max = new Float64Array(dimensions);
  }

  /** How many vectors were pushed since creation or the last {@link reset}. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds one vector. Checks it first, so a wrong one changes nothing.
   *
   * @throws RangeError when `values` does not have `dimensions` finite numbers within ±1e145
   * (`MAX_MAGNITUDE`: with larger ones the sum of squares M2 could overflow to Infinity).
   */
  push(values: ArrayLike<number>): void {
    const dims = this.dimensions;
    if (values.length !== dims) {
      throw argumentError('RunningStats', 'values', `${dims} numbers`, values);
    }
    for (let i = 0; i < dims; i++) {
      if (!withinMaxMagnitude(values[i]))
        checkBoundedNumber('RunningStats', `values[${i}]`, values[i]);
    }
    const n = ++this.n;
    const mean = this.mean;
    const m2 = this.m2;
    if (n === 1) {
      for (let i = 0; i < dims; i++) {
        const v = values[i];
        mean[i] = v;
        m2[i] = 0;
        this.min[i] = v;
        this.max[i] = v;
      }
      return;
    }
    const min = this.min;
    const max = this.max;
    for (let i = 0; i < dims; i++) {
      const v = values[i];
      const d = v - mean[i];
      mean[i] += d / n;
      m2[i] += d * (v - mean[i]);
      if (v < min[i]) min[i] = v;
      if (v > max[i]) max[i] = v;
    }
  }

  /** The population variance `M2 / n` of dimension `i` (0 while fewer than two were pushed). */
  variance(i: number): number {
    return this.n === 0 ? 0 : this.m2[i] / this.n;
  }

  /** The sample variance `M2 / (n − 1)` of dimension `i` (0 while fewer than two were pushed). */
  sampleVariance(i: number): number {
    return this.n < 2 ? 0 : this.m2[i] / (this.n - 1);
  }

  /** The population standard deviation `√(M2 / n)` of dimension `i`. */
  std(i: number): number {
    return Math.sqrt(this.variance(i));
  }

  /** Forgets every vector (count 0, all statistics 0); keeps the number of dimensions. */
  reset(): void {
    this.n = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    this.min.fill(0);
    this.max.fill(0);
  }

  /** A JSON-ready copy of the statistics. */
  state(): RunningStatsState {
    return {
      count: this.n,
      mean: Array.from(this.mean),
      m2: Array.from(this.m2),
      min: Array.from(this.min),
      max: Array.from(this.max),
    };
  }

  /**
   * Restores what {@link state} returned. Checks everything first, so a wrong state changes
   * nothing.
   *
   * @throws RangeError naming the field when the state does not fit: arrays of another length,
   * a count that is not a non-negative integer, a non-finite value, a negative M2 or a minimum
   * above the maximum.
   */
  restore(state: RunningStatsState): void {
    this.load(
      parseDocument('RunningStats.restore', runningStatsStateSchema(this.dimensions), state),
    );
  }

  /** @internal Restores a state already read with `runningStatsStateSchema(dimensions)`. */
  load(saved: RunningStatsState): void {
    this.n = saved.count;
    this.mean.set(saved.mean);
    this.m2.set(saved.m2);
    this.min.set(saved.min);
    this.max.set(saved.max);
  }
}

/**
 * Creates empty running statistics (count 0) for vectors of `dimensions` numbers: Welford's
 * mean and variance, minimum and maximum, per dimension.
 *
 * @throws RangeError when `dimensions` is not a positive integer.
 *
 * @example
 * ```ts
 * import { runningStats } from 'streamprop';
 * const stats = runningStats(1);
 * for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) stats.push([v]);
 * console.log(stats.mean[0], stats.std(0)); // 5 2
 * ```
 */
export function runningStats(dimensions: number): RunningStats {
  return new RunningStats(dimensions);
}

/**
 * @internal The schema of the state of a {@link RunningStats} of `dimensions` dimensions: a
 * count ≥ 0 and, per dimension, a mean, an M2 ≥ 0, a minimum and a maximum — every number finite,
 * each minimum at most its maximum once something was pushed. Without `dimensions`, only the
 * types are checked (and a non-empty mean): the lengths are checked where the number of
 * dimensions is known (see {@link statsIssues}). `per` says what a value stands for, in the
 * message of a wrong length (`must hold 3 values (one per input of the network)`).
 */
export function runningStatsStateSchema(dimensions?: number, per = 'one per dimension') {
  return statsSchemas.get(`${dimensions}|${per}`, () => makeStatsSchema(dimensions, per));
}

const statsSchemas = new SchemaCache<ReturnType<typeof makeStatsSchema>>();

function makeStatsSchema(dimensions: number | undefined, per: string) {
  const values =
    dimensions === undefined
      ? z.array(z.number())
      : z.array(z.number()).length(dimensions, `must hold ${dimensions} values (${per})`);
  return z
    .object({
      count: z.number().int().nonnegative(),
      mean: dimensions === undefined ? values.min(1) : values,
      m2:
        dimensions === undefined
          ? z.array(z.number().nonnegative())
          : values.pipe(z.array(z.number().nonnegative())),
      min: values,
      max: values,
    })
    .superRefine((state, ctx) => {
      if (state.count === 0) return;
      const n = Math.min(state.min.length, state.max.length);
      for (let i = 0; i < n; i++) {
        if (state.min[i] > state.max[i]) {
          ctx.addIssue({
            code: 'custom',
            path: ['min', i],
            message: `must be <= max[${i}], got ${state.min[i]} > ${state.max[i]}`,
          });
        }
      }
    });
}

/**
 * @internal The issues of `stats` as the state of running statistics of `dimensions`
 * dimensions (see {@link runningStatsStateSchema}), their paths under `at`: what a schema that
 * holds statistics adds with `ctx.addIssue` once it knows how many dimensions they have.
 */
export function statsIssues(
  stats: unknown,
  dimensions: number,
  per: string,
  at: readonly (string | number)[],
): { code: 'custom'; path: (string | number)[]; message: string }[] {
  const parsed = runningStatsStateSchema(dimensions, per).safeParse(stats);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    code: 'custom',
    path: [...at, ...(issue.path as (string | number)[])],
    message: issue.message,
  }));
}
