import { z } from 'zod';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';
import { type Ewma, type EwmaMetric, type EwmaState, ewma } from '../metrics/ewma.js';
import { meanAbsoluteError } from '../metrics/meanAbsoluteError.js';
import { meanSquaredError } from '../metrics/meanSquaredError.js';
import { type MetricGroupState, metricGroup } from '../metrics/metricGroup.js';
import { rSquared } from '../metrics/rSquared.js';
import { type Total, type TotalMetric, type TotalState, total } from '../metrics/total.js';

/** The metrics a fleet keeps of each key's predictions, counted as one: MSE, MAE and R². */
function errorMetrics() {
  return metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError(), r2: rSquared() });
}

/** The group of {@link KeyErrors}: `mse`, `mae` and `r2`, each a metric value of `streamprop`. */
export type ErrorMetrics = ReturnType<typeof errorMetrics>;

/** The saved state of an {@link ErrorMetrics} group: each member's sums, by name. */
export type ErrorMetricsState = MetricGroupState<ErrorMetrics['metrics']>;

/**
 * The saved state of a key's {@link KeyErrors}: the states of its two aggregations, as plain
 * JSON — sufficient statistics (weighted sums) that add up across keys and workers.
 *
 * @example
 * ```ts
 * import type { KeyErrorsState } from 'streamprop/fleet';
 * const counted = (s: KeyErrorsState) => s.total.count; // the pairs scored since the key's start
 * ```
 */
export interface KeyErrorsState {
  /** Since the key's first sample: `total(…)`'s state. */
  readonly total: TotalState<ErrorMetricsState>;
  /** The recent errors, exponentially weighted: `ewma(…)`'s state (with its `alpha`). */
  readonly recent: EwmaState<ErrorMetricsState>;
}

/**
 * Error figures of one key, or of several merged: the pairs they cover and the MSE, RMSE
 * (`√MSE`), MAE and R² of those pairs, in the targets' units; `null` for a figure that has none
 * (nothing scored, or R² of targets that never varied).
 *
 * @example
 * ```ts
 * import type { ErrorFigures } from 'streamprop/fleet';
 * const line = (f: ErrorFigures) => `RMSE ${f.rmse?.toPrecision(3) ?? '–'} over ${f.count}`;
 * ```
 */
export interface ErrorFigures {
  readonly count: number;
  readonly mse: number | null;
  readonly rmse: number | null;
  readonly mae: number | null;
  readonly r2: number | null;
}

/** The schemas of {@link KeyErrors.restore}, by `alpha`. */
const STATE_SCHEMAS = new SchemaCache<z.ZodType>();

/** Enough of a state to learn its `alpha`; {@link KeyErrors.restore} checks the whole. */
const alphaSchema = z.object({ recent: z.object({ alpha: z.number().gt(0).max(1) }) });

/**
 * The error metrics of one key of a fleet, as metric values of `streamprop`
 * (`metricGroup({ mse, mae, r2 })`): `total`, over every prediction since the key's start, and
 * `recent`, an EWMA of them (`alpha`, the weight of the newest). A worker counts each scored
 * prediction into them (not rejected, with a target, every value finite) and checkpoints their
 * `state()` with the key; `status` and the fleet view merge the states of many keys with the
 * metrics' own `merge`, so that every figure of several keys is exact: the figure of all their
 * pairs together (see {@link MergedErrors}).
 *
 * @example
 * ```ts
 * import { KeyErrors } from 'streamprop/fleet';
 * const errors = new KeyErrors(0.1);
 * errors.update([1], [2]);
 * errors.update([1], [4]);
 * console.log(errors.figures().total); // { count: 2, mse: 5, rmse: 2.236…, mae: 2, r2: -0.25 }
 * ```
 */
export class KeyErrors {
  private totalErrors: Total<ErrorMetrics> = total(errorMetrics());
  private recentErrors: Ewma<ErrorMetrics>;

  /** @param alpha - the weight of the newest pair in `recent`, in (0, 1]. */
  constructor(readonly alpha: number) {
    this.recentErrors = ewma(errorMetrics(), alpha);
  }

  /** Every pair scored since the key's start. */
  get total(): Total<ErrorMetrics> {
    return this.totalErrors;
  }

  /** The pairs scored, exponentially weighted. */
  get recent(): Ewma<ErrorMetrics> {
    return this.recentErrors;
  }

  /**
   * Counts one prediction and its target (in real units); a pair with a value that is not
   * finite is not scored. Allocates nothing.
   */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>): void {
    for (let j = 0; j < target.length; j++) {
      if (!Number.isFinite(prediction[j]) || !Number.isFinite(target[j])) return;
    }
    this.totalErrors.update(prediction, target);
    this.recentErrors.update(prediction, target);
  }

  /** The figures of `total` and `recent`. */
  figures(): { readonly total: ErrorFigures; readonly recent: ErrorFigures } {
    return {
      total: figuresOf(this.totalErrors.metric, this.totalErrors.count),
      recent: figuresOf(this.recentErrors.metric, this.recentErrors.count),
    };
  }

  /** A JSON-ready copy of both aggregations' states, for {@link KeyErrors.restore}. */
  state(): KeyErrorsState {
    return { total: this.totalErrors.state(), recent: this.recentErrors.state() };
  }

  /**
   * Continues from a saved {@link KeyErrors.state} (with this `alpha`), exactly. Checks the
   * whole state first: a wrong one throws a one-line error naming the field and changes nothing.
   *
   * @param owner - who restores, for the message.
   */
  restore(state: unknown, owner = 'KeyErrors.restore'): void {
    const totalErrors = total(errorMetrics()) as TotalMetric<ErrorMetrics>;
    const recentErrors = ewma(errorMetrics(), this.alpha) as EwmaMetric<ErrorMetrics>;
    // Made once per alpha: making it costs far more than checking a state with it.
    const schema = STATE_SCHEMAS.get(String(this.alpha), () =>
      z.object({ total: totalErrors.stateSchema(), recent: recentErrors.stateSchema() }),
    );
    const s = parseDocument(owner, schema, state) as KeyErrorsState;
    totalErrors.load(s.total);
    recentErrors.load(s.recent);
    this.totalErrors = totalErrors;
    this.recentErrors = recentErrors;
  }

  /**
   * Reads a saved state as a new {@link KeyErrors}, with the `alpha` it was saved with.
   *
   * @throws TypeError or RangeError naming the field, for a state that is not one.
   */
  static of(state: unknown, owner = 'KeyErrors.of'): KeyErrors {
    const s = parseDocument(owner, alphaSchema, state);
    const errors = new KeyErrors(s.recent.alpha);
    errors.restore(state, owner);
    return errors;
  }
}

/**
 * The error figures of several keys (of many workers), merged with the metrics' own `merge`:
 * the sums of the keys' states added up. `total` is then exactly the figure of every pair of
 * those keys together — what one process scoring all their predictions would have (up to the
 * order of floating-point additions). `recent` adds up the keys' EWMA sums: each key weighs
 * about 1, so it is the keys' recent figures averaged (for the MSE and MAE, exactly the mean
 * weighted by each key's EWMA weight), whatever their `alpha`.
 *
 * @example
 * ```ts
 * import { KeyErrors, MergedErrors } from 'streamprop/fleet';
 * const a = new KeyErrors(0.1);
 * const b = new KeyErrors(0.1);
 * a.update([0], [1]); // worker a: r² = 1
 * b.update([0], [3]); // worker b: r² = 9
 * const all = new MergedErrors();
 * all.add(a);
 * all.add(b);
 * console.log(all.figures().total.mse); // 5
 * ```
 */
export class MergedErrors {
  private readonly totalErrors = total(errorMetrics());
  private readonly recentErrors = errorMetrics();
  private recentCount = 0;

  /** Adds a key's errors (left unchanged). */
  add(errors: KeyErrors): void {
    this.totalErrors.merge(errors.total);
    this.recentErrors.merge(errors.recent.metric);
    this.recentCount += errors.recent.count;
  }

  /** The figures of `total` and `recent` of everything added. */
  figures(): { readonly total: ErrorFigures; readonly recent: ErrorFigures } {
    return {
      total: figuresOf(this.totalErrors.metric, this.totalErrors.count),
      recent: figuresOf(this.recentErrors, this.recentCount),
    };
  }
}

function figuresOf(group: ErrorMetrics, count: number): ErrorFigures {
  const { mse, mae, r2 } = group.get();
  const finite = (v: number | undefined): number | null =>
    v !== undefined && Number.isFinite(v) ? v : null;
  return {
    count,
    mse: finite(mse),
    rmse: finite(mse === undefined ? undefined : Math.sqrt(mse)),
    mae: finite(mae),
    r2: finite(r2),
  };
}
