import { z } from 'zod';
import { argumentError } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import {
  BuiltInMetric,
  KNOWN_STATE,
  type KnownState,
  loadMetricState,
  metricStateSchema,
} from './builtInMetric.js';
import { checkMetric, type Metric } from './metric.js';
import { SumsGroup } from './sumsGroup.js';

/** The members of a {@link metricGroup}: metrics by name. */
export type MetricMembers = Readonly<Record<string, Metric<unknown, unknown>>>;

/** What a {@link metricGroup} gets: each member's figure under its name. */
export type MetricGroupValue<T extends MetricMembers> = {
  readonly [K in keyof T]: ReturnType<T[K]['get']>;
};

/** The saved state of a {@link metricGroup}: each member's state under its name. */
export type MetricGroupState<T extends MetricMembers> = {
  readonly [K in keyof T]: ReturnType<T[K]['state']>;
};

/**
 * Several metrics counted as one (see {@link metricGroup}): itself a {@link Metric}, whose every
 * method is that of each member, so that one aggregation holds them all (a window then keeps one
 * ring of pairs for all of them).
 *
 * @example
 * ```ts
 * import { meanAbsoluteError, meanSquaredError, type MetricGroup, metricGroup } from 'streamprop';
 * const errors = metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError() });
 * const both: MetricGroup<typeof errors.metrics> = errors;
 * console.log(both.metrics.mse.get()); // undefined — nothing counted yet
 * ```
 */
export interface MetricGroup<T extends MetricMembers>
  extends Metric<MetricGroupValue<T>, MetricGroupState<T>> {
  /** The members, by name (the same objects: reading one reads the group's figure). */
  readonly metrics: T;
}

/**
 * @internal A {@link metricGroup} that holds a metric of yours: each method is passed on to every
 * member. (A group of the library's metrics only is a {@link SumsGroup}.)
 */
export class Group<T extends MetricMembers>
  implements MetricGroup<T>, KnownState<MetricGroupState<T>>
{
  readonly [KNOWN_STATE] = true as const;
  readonly metrics: T;
  private readonly names: readonly string[];
  private readonly members: readonly Metric<unknown, unknown>[];

  constructor(metrics: T) {
    this.metrics = metrics;
    this.names = Object.keys(metrics);
    this.members = this.names.map((name) => metrics[name]);
  }

  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const members = this.members;
    for (let i = 0; i < members.length; i++) members[i].update(prediction, target, weight);
  }

  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const members = this.members;
    for (let i = 0; i < members.length; i++) members[i].revert(prediction, target, weight);
  }

  decay(factor: number): void {
    const members = this.members;
    for (let i = 0; i < members.length; i++) members[i].decay(factor);
  }

  merge(other: this): void {
    if (!(other instanceof Group)) {
      throw new TypeError(
        `metricGroup.merge: other must be a metric group, got ${describeValue(other)}`,
      );
    }
    if (other.names.join('\n') !== this.names.join('\n')) {
      throw new TypeError(
        `metricGroup.merge: other must have the members ${this.names.join(', ')}, got ${other.names.join(', ')}`,
      );
    }
    this.members.forEach((member, i) => {
      member.merge(other.members[i]);
    });
  }

  reset(): void {
    for (const member of this.members) member.reset();
  }

  get(): MetricGroupValue<T> {
    return this.each((member) => member.get()) as MetricGroupValue<T>;
  }

  state(): MetricGroupState<T> {
    return this.each((member) => member.state()) as MetricGroupState<T>;
  }

  stateSchema(): z.ZodType<MetricGroupState<T>> {
    return z.object(this.each(metricStateSchema)) as unknown as z.ZodType<MetricGroupState<T>>;
  }

  restore(state: unknown): void {
    this.load(parseDocument('metricGroup.restore', this.stateSchema(), state));
  }

  /**
   * The members of your own (whose `restore` may throw) first, put back as they were if one
   * throws; then the library's, which cannot fail.
   */
  load(state: MetricGroupState<T>): void {
    const saved = state as Readonly<Record<string, unknown>>;
    const own = this.names.filter((name) => !(this.metrics[name] instanceof BuiltInMetric));
    const before = own.map((name) => this.metrics[name].state());
    let done = 0;
    try {
      for (; done < own.length; done++) this.metrics[own[done]].restore(saved[own[done]]);
    } catch (e) {
      for (let i = 0; i < done; i++) this.metrics[own[i]].restore(before[i]);
      throw e;
    }
    for (const name of this.names) {
      const member = this.metrics[name];
      if (member instanceof BuiltInMetric) loadMetricState(member, saved[name]);
    }
  }

  private each<R>(f: (member: Metric<unknown, unknown>) => R): Record<string, R> {
    const out: Record<string, R> = {};
    this.names.forEach((name, i) => {
      out[name] = f(this.members[i]);
    });
    return out;
  }
}

/**
 * Counts several metrics as one: `update`, `revert`, `decay`, `merge`, `reset` go to every
 * member; `get` and `state` gather theirs by name. Wrap it in one aggregation (`windowed`,
 * `ewma`, `total`) to aggregate all the members alike — a window then keeps one ring of pairs
 * for all of them.
 *
 * @throws TypeError for members that are not an object of metrics (see {@link checkMetric});
 * RangeError for no member at all.
 *
 * @example
 * ```ts
 * import { meanAbsoluteError, meanSquaredError, metricGroup, total } from 'streamprop';
 * const errors = total(metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError() }));
 * errors.update([1], [2]);
 * errors.update([1], [4]);
 * console.log(errors.get()); // { mse: 5, mae: 2 }
 * ```
 */
export function metricGroup<T extends MetricMembers>(metrics: T): MetricGroup<T> {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw argumentError(
      'metricGroup',
      'metrics',
      'an object of metrics by name',
      metrics,
      'object',
    );
  }
  const names = Object.keys(metrics);
  if (names.length === 0) {
    throw argumentError('metricGroup', 'metrics', 'at least one metric', metrics);
  }
  for (const name of names) checkMetric('metricGroup', name, metrics[name]);
  const own = names.some((name) => !(metrics[name] instanceof BuiltInMetric));
  return own ? new Group(metrics) : new SumsGroup(metrics);
}
