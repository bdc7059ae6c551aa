import { z } from 'zod';
import { BuiltInMetric } from './builtInMetric.js';
import type {
  MetricGroup,
  MetricGroupState,
  MetricGroupValue,
  MetricMembers,
} from './metricGroup.js';
import type { PairRing } from './pairRing.js';

/**
 * @internal A {@link metricGroup} of the library's metrics only: itself such a metric, whose sums
 * are its members' laid end to end in one vector (each member's sums a view into it: `decay`,
 * `clear` and `reset` are one loop), and which counts a run of pairs member after member, each
 * in a loop of its own.
 */
export class SumsGroup<T extends MetricMembers>
  extends BuiltInMetric<MetricGroupValue<T>, MetricGroupState<T>>
  implements MetricGroup<T>
{
  readonly kind = 'metricGroup';
  readonly metrics: T;
  private readonly names: readonly string[];
  private readonly members: readonly BuiltInMetric<unknown, unknown>[];
  /** Where each member's sums start, and how many they are. */
  private offsets: number[] = [];
  private dimensions: number[] = [];

  constructor(metrics: T) {
    super();
    this.metrics = metrics;
    this.names = Object.keys(metrics);
    this.members = this.names.map((name) => metrics[name] as BuiltInMetric<unknown, unknown>);
    this.plan(this.members.map((member) => member.sums.length));
    this.bind(new Float64Array(this.total()));
    this.ready = this.members.every((member) => member.ready);
  }

  begin(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
    this.plan(this.members.map((m) => (m.ready ? m.sums.length : m.begin(prediction, target))));
    this.ready = true;
    return this.total();
  }

  adopt(other: this): number {
    this.plan(
      this.members.map((m, i) => (m.ready ? m.sums.length : m.adopt(other.members[i] as never))),
    );
    this.ready = true;
    return this.total();
  }

  dimensionOf(state: MetricGroupState<T>): number {
    const saved = state as Readonly<Record<string, unknown>>;
    return this.members.reduce((n, m, i) => n + m.dimensionOf(saved[this.names[i]]), 0);
  }

  /** Gives each member its view of `view`, as planned by `begin`, `adopt` or `load`. */
  override bind(view: Float64Array): void {
    this.members.forEach((member, i) => {
      const at = this.offsets[i];
      member.bind(view.subarray(at, at + this.dimensions[i]));
    });
    this.sums = view;
  }

  accumulate(
    prediction: ArrayLike<number>,
    target: ArrayLike<number>,
    weight: number,
    into: Float64Array,
    at: number,
  ): void {
    const members = this.members;
    const offsets = this.offsets;
    for (let i = 0; i < members.length; i++) {
      members[i].accumulate(prediction, target, weight, into, at + offsets[i]);
    }
  }

  addRun(pairs: PairRing, from: number, count: number, factors: Float64Array | undefined): void {
    if (count === 0) return;
    this.readyFor(pairs, from);
    for (const member of this.members) member.addRun(pairs, from, count, factors);
  }

  slideRun(pairs: PairRing, from: number, out: number, count: number): void {
    if (count === 0) return;
    this.readyFor(pairs, from);
    for (const member of this.members) member.slideRun(pairs, from, out, count);
  }

  recountRun(
    pairs: PairRing,
    from: number,
    count: number,
    window: Float64Array,
    total: Float64Array,
    at: number,
  ): void {
    if (count === 0) return;
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      members[i].recountRun(pairs, from, count, window, total, at + this.offsets[i]);
    }
  }

  override primeRun(pairs: PairRing, from: number, count: number): void {
    if (count === 0) return;
    for (const member of this.members) member.primeRun(pairs, from, count);
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
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      const to = at + this.offsets[i];
      members[i].foldRun(pairs, from, out, count, leaving, factors, window, ewma, total, to);
    }
  }

  protected forget(): void {
    for (const member of this.members) member.reset();
    this.ready = this.members.every((member) => member.ready);
  }

  merge(other: this): void {
    this.checkMergeable(other);
    if (!(other instanceof SumsGroup) || other.names.join('\n') !== this.names.join('\n')) {
      throw new TypeError(
        `metricGroup.merge: other must have the members ${this.names.join(', ')}, got ${other.names.join(', ')}`,
      );
    }
    if (!other.ready) return;
    if (!this.ready) this.bind(new Float64Array(this.adopt(other)));
    this.members.forEach((member, i) => {
      member.merge(other.members[i] as never);
    });
  }

  get(): MetricGroupValue<T> {
    return this.each((member) => member.get()) as MetricGroupValue<T>;
  }

  state(): MetricGroupState<T> {
    return this.each((member) => member.state()) as MetricGroupState<T>;
  }

  stateSchema(): z.ZodType<MetricGroupState<T>> {
    return z.object(this.each((member) => member.stateSchema())) as unknown as z.ZodType<
      MetricGroupState<T>
    >;
  }

  load(state: MetricGroupState<T>): void {
    const saved = state as Readonly<Record<string, unknown>>;
    this.plan(this.members.map((m, i) => m.dimensionOf(saved[this.names[i]])));
    this.bind(new Float64Array(this.total()));
    this.members.forEach((member, i) => {
      member.load(saved[this.names[i]]);
    });
    this.ready = this.members.every((member) => member.ready);
  }

  /** Sets where each member's sums go, for members needing `dimensions` sums each. */
  private plan(dimensions: number[]): void {
    this.dimensions = dimensions;
    let at = 0;
    this.offsets = dimensions.map((d) => {
      const offset = at;
      at += d;
      return offset;
    });
  }

  private total(): number {
    return this.dimensions.reduce((a, b) => a + b, 0);
  }

  private each<R>(f: (member: BuiltInMetric<unknown, unknown>) => R): Record<string, R> {
    const out: Record<string, R> = {};
    this.names.forEach((name, i) => {
      out[name] = f(this.members[i]);
    });
    return out;
  }
}
