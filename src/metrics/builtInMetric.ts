import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Metric } from './metric.js';

/**
 * @internal The base of the library's own metrics: a {@link Metric} that also gives the zod
 * schema of its state, so that an aggregation, a group or a tracker holding it checks a saved
 * state whole — every field, with its full path in the message — before it changes anything.
 * `load` then takes a state the schema accepted and cannot fail.
 */
export abstract class BuiltInMetric<V, S> implements Metric<V, S> {
  /** The kind, as the state records it and the messages name it (`meanSquaredError`). */
  abstract readonly kind: string;
  abstract update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight?: number): void;
  abstract revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight?: number): void;
  abstract decay(factor: number): void;
  abstract merge(other: this): void;
  abstract reset(): void;
  abstract get(): V;
  abstract state(): S;
  /** The schema of a saved state of this metric (with its settings). */
  abstract stateSchema(): z.ZodType<S>;
  /** Replaces what it counted by a state that {@link BuiltInMetric.stateSchema} accepted. */
  abstract load(state: S): void;

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
  return metric instanceof BuiltInMetric ? metric.stateSchema() : z.unknown();
}

/**
 * @internal Loads a state that {@link metricStateSchema} accepted into `metric`: `load` for the
 * library's metrics (it cannot fail), `restore` for one of yours (which checks it, and throws
 * changing nothing when it does not fit).
 */
export function loadMetricState(metric: Metric<unknown, unknown>, state: unknown): void {
  if (metric instanceof BuiltInMetric) metric.load(state);
  else metric.restore(state);
}
