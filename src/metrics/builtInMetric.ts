import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Metric } from './metric.js';
import type { PairRing } from './pairRing.js';

const EMPTY: Float64Array = new Float64Array(0);

/**
 * @internal Marks the library's metrics and groups, whose state's schema is known
 * ({@link metricStateSchema}) and whose `load` takes a state that schema accepted.
 */
export const KNOWN_STATE: unique symbol = Symbol('streamprop.knownState');

/** @internal What {@link KNOWN_STATE} marks. */
export interface KnownState<S> {
  readonly [KNOWN_STATE]: true;
  stateSchema(): z.ZodType<S>;
  load(state: S): void;
}

/**
 * @internal The base of the library's own metrics: a {@link Metric} whose whole count is a vector
 * of sums (`sums`), so that —
 *
 * - `update` and `revert` add and take out a pair's contribution (`accumulate`), `decay` scales
 *   the sums, `clear` zeroes them, and a {@link metricGroup} lays its members' sums out in one
 *   vector;
 * - an aggregation counts the pairs it has taken in runs (`addRun`, `slideRun`): one call per
 *   metric for many pairs, its score computed inline in one loop — the same additions, in the
 *   same order, as one `update` per pair;
 * - the zod schema of its state is known, so that an aggregation, a group or a tracker holding
 *   it checks a saved state whole — every field, with its full path in the message — before it
 *   changes anything; `load` then takes a state the schema accepted and cannot fail.
 *
 * The settings a metric takes from the first pair it counts (R²'s outputs and shift) are kept by
 * `clear` and forgotten by `reset`.
 */
export abstract class BuiltInMetric<V, S> implements Metric<V, S>, KnownState<S> {
  readonly [KNOWN_STATE] = true as const;
  /** The kind, as the state records it and the messages name it (`meanSquaredError`). */
  abstract readonly kind: string;
  /** The sums (a view into a group's vector when the metric is a group's member). */
  sums: Float64Array = EMPTY;
  /** Whether the settings are taken (by a first pair, or a state) and the sums laid out. */
  ready = false;

  /**
   * Takes the settings of the first pair (after a reset) — the metric is then `ready` — and
   * returns how many sums it needs for pairs like it (the caller lays them out: `bind`).
   */
  abstract begin(prediction: ArrayLike<number>, target: ArrayLike<number>): number;
  /** Takes the settings of `other` (a ready metric of this kind), as `begin` those of a pair. */
  abstract adopt(other: this): number;
  /** How many sums a state of this metric holds. */
  abstract dimensionOf(state: S): number;
  /**
   * Adds `weight` × the contribution of one pair to `into[at…]` (its own sums, or another vector
   * laid out like them). Allocates nothing.
   */
  abstract accumulate(
    prediction: ArrayLike<number>,
    target: ArrayLike<number>,
    weight: number,
    into: Float64Array,
    at: number,
  ): void;
  /**
   * Forgets the settings of the first pair (R²'s outputs and shift: it is no longer `ready`);
   * the sums are zeroed apart.
   */
  protected abstract forget(): void;
  /** The figure of the sums. */
  abstract get(): V;
  abstract state(): S;
  /** The schema of a saved state of this metric (with its settings). */
  abstract stateSchema(): z.ZodType<S>;
  /** Replaces what it counted by a state that {@link BuiltInMetric.stateSchema} accepted. */
  abstract load(state: S): void;
  abstract merge(other: this): void;

  /** Lays the sums out in `view` (a group's vector, or a new one), keeping what they hold. */
  bind(view: Float64Array): void {
    view.set(this.sums.subarray(0, Math.min(this.sums.length, view.length)));
    this.sums = view;
  }

  /** Readies the metric for pairs like this one: its settings and sums of its own. */
  protected start(prediction: ArrayLike<number>, target: ArrayLike<number>): void {
    this.bind(new Float64Array(this.begin(prediction, target)));
  }

  /** Readies the metric for pairs like the one in slot `s` of `pairs`, unless it is ready. */
  readyFor(pairs: PairRing, s: number): void {
    if (this.ready) return;
    const prediction = new Float64Array(pairs.outputs);
    const target = new Float64Array(pairs.outputs);
    pairs.read(s, prediction, target);
    this.start(prediction, target);
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    if (!this.ready) this.start(prediction, target);
    this.accumulate(prediction, target, weight, this.sums, 0);
  }

  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    if (!this.ready) this.start(prediction, target);
    this.accumulate(prediction, target, -weight, this.sums, 0);
  }

  decay(factor: number): void {
    const sums = this.sums;
    for (let i = 0; i < sums.length; i++) sums[i] *= factor;
  }

  /**
   * Counts pairs `from … from + count − 1` of `pairs` (slots in a row), in order, each with its
   * weight times `factors[i]` (or 1): what `update` does for each.
   */
  abstract addRun(
    pairs: PairRing,
    from: number,
    count: number,
    factors: Float64Array | undefined,
  ): void;
  /**
   * For each `i < count`, in order: takes out pair `out + i`, then counts pair `from + i` (each
   * with its weight): what a window does for the pair that leaves and the one that comes.
   */
  abstract slideRun(pairs: PairRing, from: number, out: number, count: number): void;
  /**
   * Counts a run into the sums of three aggregations at once — vectors laid out like this
   * metric's sums, from `at` — as `slideRun` (with `leaving`) or `addRun` would into each: the
   * window's (`window`), the EWMA's (`ewma`: each pair × its weight × `factors[i]`) and the
   * total's (`total`). The settings (R²'s shift) are this metric's: the three must share them.
   * A mean stops counting after the first pair it does not apply to (its total then has weight
   * excluded, and the tracker shows it no longer).
   */
  abstract foldRun(
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
  ): void;

  /**
   * Counts a run into a stack's window — `window[at …]`, laid out like this metric's sums — as
   * `addRun` does (each pair at its weight), unless it stopped counting in `foldRun` (a mean
   * whose total, `total[at …]`, has weight excluded): how a stack's window is counted again from
   * its pairs. Called on the metric whose `foldRun` counted the pairs (a mean adds the scores it
   * kept then).
   */
  abstract recountRun(
    pairs: PairRing,
    from: number,
    count: number,
    window: Float64Array,
    total: Float64Array,
    at: number,
  ): void;

  /**
   * Readies what `foldRun` keeps about the pairs of a run (a mean, their scores) for pairs that
   * it did not count: the pairs of a stack's window after a `load` or a `merge`. Nothing by
   * default.
   */
  primeRun(_pairs: PairRing, _from: number, _count: number): void {
    // most metrics keep nothing about the pairs they counted
  }

  /** Zeroes the sums; the settings stay (a window counts its pairs again this way). */
  clear(): void {
    this.sums.fill(0);
  }

  reset(): void {
    this.sums.fill(0);
    this.forget();
  }

  restore(state: unknown): void {
    this.load(parseDocument(`${this.kind}.restore`, this.stateSchema(), state));
  }

  /** Throws unless `other` is a metric of this kind, for `merge`. */
  protected checkMergeable(other: unknown): void {
    if (!(other instanceof BuiltInMetric) || other.kind !== this.kind) {
      const got = other instanceof BuiltInMetric ? `a ${other.kind} metric` : describeValue(other);
      throw new TypeError(`${this.kind}.merge: other must be a ${this.kind} metric, got ${got}`);
    }
  }
}

/**
 * @internal The schema of `metric`'s state: its own when the library made it, anything
 * otherwise (the metric's own `restore` then checks it, in {@link loadMetricState}).
 */
export function metricStateSchema(metric: Metric<unknown, unknown>): z.ZodType<unknown> {
  return isKnown(metric) ? metric.stateSchema() : z.unknown();
}

/**
 * @internal Loads a state that {@link metricStateSchema} accepted into `metric`: `load` for the
 * library's metrics (it cannot fail, but for a group holding a metric of yours), `restore` for
 * one of yours (which checks it, and throws changing nothing when it does not fit).
 */
export function loadMetricState(metric: Metric<unknown, unknown>, state: unknown): void {
  if (isKnown(metric)) metric.load(state);
  else metric.restore(state);
}

function isKnown(
  metric: Metric<unknown, unknown>,
): metric is Metric<unknown, unknown> & KnownState<unknown> {
  return (metric as Partial<KnownState<unknown>>)[KNOWN_STATE] === true;
}
