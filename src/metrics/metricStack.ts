import type { BuiltInMetric } from './builtInMetric.js';
import type { EwmaState } from './ewma.js';
import { PairWindow, type RunSink } from './pairWindow.js';
import type { TotalState } from './total.js';
import type { WindowedState } from './windowedState.js';

/** The `scale` past which the EWMA's sums are decayed (as in `ewma`: see `EwmaState.scale`). */
const RESCALE_AT = 2 ** 20;

/** No factors yet (one empty array for every stack, not one each). */
const NO_FACTORS: Float64Array = new Float64Array(0);

/** @internal The saved state of a {@link MetricStack}: that of each of its three aggregations. */
export interface MetricStackState<S> {
  readonly window: WindowedState<S>;
  readonly ewma: EwmaState<S>;
  readonly total: TotalState<S>;
}

/**
 * @internal The window, the EWMA and the total of one metric of the library, counted in one pass:
 * what `windowed(metric, size)`, `ewma(metric, alpha)` and `total(metric)` would count, the same
 * additions in the same order (their states are those three's), but each pair scored once for
 * all three. Like them it counts lazily: `update` puts the pair in a {@link PairWindow}, and the
 * pairs waiting are counted in runs — one loop per member of the metric for the three sums —
 * when a figure or the state is read, or when the window's ring is full. The three metrics take
 * their settings (R²'s shift) from the same first pair.
 */
export class MetricStack<M extends BuiltInMetric<unknown, unknown>> implements RunSink {
  /** The metric of the window, of the EWMA and of the total (three of the same kind). */
  private readonly windowMetric: M;
  private readonly ewmaMetric: M;
  private readonly totalMetric: M;
  private readonly pairs: PairWindow;
  private readonly keep: number;
  /** The pairs taken; of those, the ones counted into the EWMA and the total. */
  private n = 0;
  private counted = 0;
  /** As in `ewma`: the EWMA's sums are `scale` times the decayed ones. */
  private scale = 1;
  /** Whether the EWMA can grow the weights instead of decaying the sums (1 − alpha ≥ 1e-3). */
  private readonly rescaling: boolean;
  private factors = NO_FACTORS;

  constructor(
    make: () => M,
    size: number,
    readonly alpha: number,
  ) {
    this.windowMetric = make();
    this.ewmaMetric = make();
    this.totalMetric = make();
    this.pairs = new PairWindow(size);
    this.keep = 1 - alpha;
    this.rescaling = this.keep >= 1e-3;
  }

  /** The window's size (the sum of both after a merge). */
  get size(): number {
    return this.pairs.size;
  }

  /** The pairs in the window. */
  get windowCount(): number {
    return this.pairs.held;
  }

  /** The pairs taken since the start (or the last reset). */
  get count(): number {
    return this.n;
  }

  /** The window's metric, every pair counted. */
  get window(): M {
    this.flush();
    return this.windowMetric;
  }

  /** The EWMA's metric, every pair counted (its sums `scale` times the decayed ones). */
  get ewma(): M {
    this.flush();
    return this.ewmaMetric;
  }

  /** The total's metric, every pair counted. */
  get total(): M {
    this.flush();
    return this.totalMetric;
  }

  /** Takes one pair; allocates nothing. */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    const pairs = this.pairs;
    pairs.fit('MetricsTracker', prediction, target);
    if (pairs.full) this.flush();
    pairs.put(prediction, target, weight);
    this.n++;
  }

  /** @internal See {@link RunSink.run}: the run into the three, split where the EWMA rescales. */
  run(from: number, out: number, count: number, leaving: boolean): void {
    const ring = this.pairs.ring;
    for (const metric of [this.windowMetric, this.ewmaMetric, this.totalMetric]) {
      metric.readyFor(ring, from);
    }
    if (this.factors.length < count) this.factors = new Float64Array(this.pairs.size);
    const factors = this.factors;
    const { alpha, keep } = this;
    let scale = this.scale;
    let start = 0;
    for (let k = 0; k < count; k++) {
      if (this.counted + k === 0) {
        factors[0] = 1;
        continue;
      }
      if (!this.rescaling) {
        // alpha near 1: decay at each pair, one pair at a time
        this.fold(from, out, start, k, leaving);
        this.ewmaMetric.decay(keep);
        factors[0] = alpha;
        start = k;
        continue;
      }
      if (scale > RESCALE_AT) {
        this.fold(from, out, start, k, leaving);
        this.ewmaMetric.decay(1 / scale);
        scale = 1;
        start = k;
      }
      scale /= keep;
      factors[k - start] = alpha * scale;
    }
    this.scale = scale;
    this.fold(from, out, start, count, leaving);
    this.counted += count;
  }

  /** @internal See {@link RunSink.recount}. */
  recount(first: number, count: number, rest: number): void {
    const ring = this.pairs.ring;
    const metric = this.totalMetric;
    const window = this.windowMetric.sums;
    this.windowMetric.clear();
    metric.recountRun(ring, first, count, window, metric.sums, 0);
    metric.recountRun(ring, 0, rest, window, metric.sums, 0);
  }

  /**
   * Adds what `other` counted (a stack of the same kind and alpha), as `merge` does for each of
   * the three: the window becomes one of both sizes holding both sets of pairs, the EWMA sums
   * both decayed sums, the total both totals.
   *
   * @throws RangeError when the windows hold pairs of other outputs.
   */
  merge(other: MetricStack<M>): void {
    this.flush();
    other.flush();
    this.pairs.join('MetricsTracker.merge', other.pairs);
    this.windowMetric.merge(other.windowMetric as never);
    if (this.scale !== other.scale) {
      this.ewmaMetric.decay(other.scale / this.scale);
      this.scale = other.scale;
    }
    this.ewmaMetric.merge(other.ewmaMetric as never);
    this.totalMetric.merge(other.totalMetric as never);
    this.n += other.n;
    this.counted = this.n;
    this.prime();
  }

  /** Forgets every pair, as new. */
  reset(): void {
    for (const metric of [this.windowMetric, this.ewmaMetric, this.totalMetric]) metric.reset();
    this.pairs.reset();
    this.n = 0;
    this.counted = 0;
    this.scale = 1;
  }

  /** The three states, every pair counted. */
  state(): MetricStackState<ReturnType<M['state']>> {
    this.flush();
    const count = this.n;
    return {
      window: {
        ...this.pairs.state(),
        metric: this.windowMetric.state() as ReturnType<M['state']>,
      },
      ewma: {
        alpha: this.alpha,
        count,
        scale: this.scale,
        metric: this.ewmaMetric.state() as ReturnType<M['state']>,
      },
      total: { count, metric: this.totalMetric.state() as ReturnType<M['state']> },
    };
  }

  /**
   * Loads three states checked together (of this size and alpha, with as many pairs counted by
   * the EWMA and the total, and the same settings for the three metrics).
   */
  load(state: MetricStackState<ReturnType<M['state']>>): void {
    this.windowMetric.load(state.window.metric);
    this.ewmaMetric.load(state.ewma.metric);
    this.totalMetric.load(state.total.metric);
    this.pairs.load(state.window);
    this.n = state.total.count;
    this.counted = this.n;
    this.scale = state.ewma.scale;
    this.prime();
  }

  /** Readies what the metric keeps about the pairs it counted for the pairs the window holds. */
  private prime(): void {
    const pairs = this.pairs;
    const held = pairs.held;
    if (held === 0) return;
    const R = pairs.ring.capacity;
    const first = (pairs.entered - held) % R;
    const count = Math.min(held, R - first);
    this.totalMetric.primeRun(pairs.ring, first, count);
    this.totalMetric.primeRun(pairs.ring, 0, held - count);
  }

  /** Counts the pairs waiting. */
  private flush(): void {
    if (this.pairs.counted !== this.pairs.entered) this.pairs.count(this);
  }

  /** Folds pairs `start … end − 1` of the run at `from` into the three sums. */
  private fold(from: number, out: number, start: number, end: number, leaving: boolean): void {
    this.totalMetric.foldRun(
      this.pairs.ring,
      from + start,
      out + start,
      end - start,
      leaving,
      this.factors,
      this.windowMetric.sums,
      this.ewmaMetric.sums,
      this.totalMetric.sums,
      0,
    );
  }
}
