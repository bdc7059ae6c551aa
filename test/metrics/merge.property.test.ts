// Properties of the metric values and their aggregations, on random streams of pairs (empty
// ones included): merging the metrics of two streams gives the metric of both, revert undoes
// update, a saved state continues bit for bit, and each aggregation is the metric of the pairs
// it says it covers. Values are quarter-integers and weights integers, so that the sums are
// exact and the figures agree to rounding only where a logarithm or a decay is involved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  ewma,
  logLoss,
  type Metric,
  meanAbsoluteError,
  meanSquaredError,
  metricGroup,
  rootMeanSquaredError,
  rSquared,
  total,
  windowed,
} from '../../src/index.js';

interface Pair {
  readonly p: number[];
  readonly y: number[];
  readonly w: number;
}

const quarter = (lo: number, hi: number) =>
  fc.integer({ min: lo * 4, max: hi * 4 }).map((v) => v / 4);
const weight = fc.integer({ min: 1, max: 3 });

/** A regression pair of `m` outputs. */
const regression = (m: number) =>
  fc.record({
    p: fc.array(quarter(-20, 20), { minLength: m, maxLength: m }),
    y: fc.array(quarter(-20, 20), { minLength: m, maxLength: m }),
    w: weight,
  });

/** A class pair: a 0/1 target (one output) or a one-hot one, probabilities that sum to 1. */
const classes = (m: number) =>
  fc
    .record({ hot: fc.integer({ min: 0, max: Math.max(1, m - 1) }), q: quarter(0, 1), w: weight })
    .map(
      ({ hot, q, w }): Pair =>
        m === 1
          ? { p: [q], y: [hot], w }
          : {
              p: Array.from({ length: m }, (_, j) => (j === 0 ? q : j === 1 ? 1 - q : 0)),
              y: Array.from({ length: m }, (_, j) => (j === hot ? 1 : 0)),
              w,
            },
    );

/** `count` streams of `m` outputs of one kind: regression pairs, class pairs, or both mixed. */
const streams = (count: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom('regression', 'classes', 'mixed'))
    .chain(([m, kind]) => {
      const pair =
        kind === 'regression'
          ? regression(m)
          : kind === 'classes'
            ? classes(m)
            : fc.oneof(classes(m), classes(m), regression(m));
      return fc.tuple(
        ...Array.from({ length: count }, () => fc.array(pair, { maxLength: 14 })),
      ) as fc.Arbitrary<Pair[][]>;
    });

type AnyMetric = Metric<unknown, unknown>;
const FACTORIES: [string, () => AnyMetric][] = [
  ['meanSquaredError', meanSquaredError],
  ['rootMeanSquaredError', rootMeanSquaredError],
  ['meanAbsoluteError', meanAbsoluteError],
  ['rSquared', rSquared],
  ['accuracy', accuracy],
  ['logLoss', logLoss],
  [
    'metricGroup',
    () => metricGroup({ mse: meanSquaredError(), r2: rSquared(), accuracy: accuracy() }),
  ],
];

/**
 * Two figures (numbers, undefined, or objects of them) equal to a relative `tolerance`. An RMSE
 * is compared squared: near 0, √ turns a rounding error of 1e-16 in the MSE into 1e-8.
 */
function expectClose(actual: unknown, expected: unknown, tolerance = 1e-12): void {
  if (actual instanceof Rmse && expected instanceof Rmse) {
    expectClose(actual.squared(), expected.squared(), tolerance);
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    for (const [k, v] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[k], v, tolerance);
    }
    return;
  }
  if (typeof expected !== 'number' || typeof actual !== 'number' || Number.isNaN(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * scale);
}

/** An RMSE figure, compared squared by {@link expectClose}. */
class Rmse {
  constructor(readonly value: number | undefined) {}
  squared(): number | undefined {
    return this.value === undefined ? undefined : this.value ** 2;
  }
}

/** What `expectClose` compares: the figure, an RMSE wrapped so that it is compared squared. */
const figure = (metric: { get(): unknown }, name: string): unknown =>
  name === 'rootMeanSquaredError' ? new Rmse(metric.get() as number | undefined) : metric.get();

function counted(make: () => AnyMetric, pairs: readonly Pair[]): AnyMetric {
  const metric = make();
  for (const { p, y, w } of pairs) metric.update(p, y, w);
  return metric;
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150), seed: 20260510 };

describe.each(FACTORIES)('%s', (name, make) => {
  it('the merge of the metrics of two streams is the metric of both, empty ones included', () => {
    fc.assert(
      fc.property(streams(2), ([a, b]) => {
        const merged = counted(make, a);
        const other = counted(make, b);
        const before = JSON.stringify(other.state());
        merged.merge(other);
        expectClose(figure(merged, name), figure(counted(make, [...a, ...b]), name));
        expect(JSON.stringify(other.state())).toBe(before); // the other is left as it was
      }),
      RUNS,
    );
  });

  it('revert undoes update, in any order', () => {
    fc.assert(
      fc.property(streams(2), fc.integer(), ([a, b], seed) => {
        const metric = counted(make, [...a, ...b]);
        const order = b.map((pair, i) => ({ pair, key: (i * 7919 + seed) % 101 }));
        order.sort((x, y) => x.key - y.key);
        for (const { pair } of order) metric.revert(pair.p, pair.y, pair.w);
        expectClose(figure(metric, name), figure(counted(make, a), name));
      }),
      RUNS,
    );
  });

  it('decay leaves the figure as it is', () => {
    fc.assert(
      fc.property(streams(1), fc.constantFrom(0.5, 0.25, 0.9), ([a], factor) => {
        const metric = counted(make, a);
        const before = figure(metric, name);
        metric.decay(factor);
        expectClose(figure(metric, name), before, 1e-9);
      }),
      RUNS,
    );
  });

  it('a state saved through JSON continues bit for bit', () => {
    fc.assert(
      fc.property(streams(2), ([a, b]) => {
        const whole = counted(make, [...a, ...b]);
        const resumed = make();
        resumed.restore(json(counted(make, a).state()));
        for (const { p, y, w } of b) resumed.update(p, y, w);
        expect(resumed.state()).toEqual(whole.state());
        expect(resumed.get()).toEqual(whole.get());
      }),
      RUNS,
    );
  });
});

/** The weight of each of n pairs in an EWMA: the first at 1, then decayed by 1 − α. */
function ewmaWeights(pairs: readonly Pair[], alpha: number): Pair[] {
  const n = pairs.length;
  return pairs.map((pair, i) => ({
    ...pair,
    w: pair.w * (i === 0 ? (1 - alpha) ** (n - 1) : alpha * (1 - alpha) ** (n - 1 - i)),
  }));
}

describe.each(FACTORIES)('aggregations of %s', (name, make) => {
  const size = fc.integer({ min: 1, max: 6 });

  it('windowed is the metric of the last `size` pairs', () => {
    fc.assert(
      fc.property(streams(1), size, ([a], n) => {
        const window = windowed(make(), n);
        for (const { p, y, w } of a) window.update(p, y, w);
        expect(window.count).toBe(Math.min(n, a.length));
        // (R²'s sums are about the oldest target at the last recount, the reference's about the
        // oldest held: the same figure, rounded another way)
        expectClose(figure(window, name), figure(counted(make, a.slice(-n)), name), 1e-9);
      }),
      RUNS,
    );
  });

  it('windowed merge holds the pairs of both windows, and slides on over their total size', () => {
    fc.assert(
      fc.property(streams(3), size, size, ([a, b, c], n, k) => {
        const one = windowed(make(), n);
        const two = windowed(make(), k);
        for (const { p, y, w } of a) one.update(p, y, w);
        for (const { p, y, w } of b) two.update(p, y, w);
        one.merge(two);
        const held = [...a.slice(-n), ...b.slice(-k)];
        expect([one.size, one.count]).toEqual([n + k, held.length]);
        expectClose(figure(one, name), figure(counted(make, held), name), 1e-9);
        for (const { p, y, w } of c) one.update(p, y, w);
        const slid = counted(make, [...held, ...c].slice(-(n + k)));
        expectClose(figure(one, name), figure(slid, name), 1e-9);
      }),
      RUNS,
    );
  });

  it('total merge is exact: the metric of every pair of both streams', () => {
    fc.assert(
      fc.property(streams(2), ([a, b]) => {
        const one = total(make());
        const two = total(make());
        for (const { p, y, w } of a) one.update(p, y, w);
        for (const { p, y, w } of b) two.update(p, y, w);
        one.merge(two);
        expect(one.count).toBe(a.length + b.length);
        expectClose(figure(one, name), figure(counted(make, [...a, ...b]), name));
      }),
      RUNS,
    );
  });

  it('ewma weighs each pair (1 − α)^age; a merge keeps each stream’s own weights', () => {
    fc.assert(
      fc.property(streams(2), fc.constantFrom(0.1, 0.25, 0.5, 1), ([a, b], alpha) => {
        const one = ewma(make(), alpha);
        const two = ewma(make(), alpha);
        for (const { p, y, w } of a) one.update(p, y, w);
        for (const { p, y, w } of b) two.update(p, y, w);
        expectClose(figure(one, name), figure(counted(make, ewmaWeights(a, alpha)), name), 1e-9);
        one.merge(two);
        expect(one.count).toBe(a.length + b.length);
        const both = [...ewmaWeights(a, alpha), ...ewmaWeights(b, alpha)];
        expectClose(figure(one, name), figure(counted(make, both), name), 1e-9);
      }),
      RUNS,
    );
  });

  it('each aggregation saved through JSON continues bit for bit', () => {
    fc.assert(
      fc.property(streams(2), size, ([a, b], n) => {
        for (const aggregate of [
          () => windowed(make(), n),
          () => ewma(make(), 0.25),
          () => total(make()),
        ]) {
          const whole = aggregate();
          const first = aggregate();
          for (const { p, y, w } of a) {
            whole.update(p, y, w);
            first.update(p, y, w);
          }
          const resumed = aggregate();
          resumed.restore(json(first.state()));
          for (const { p, y, w } of b) {
            whole.update(p, y, w);
            resumed.update(p, y, w);
          }
          expect(resumed.state()).toEqual(whole.state());
          expect(resumed.get()).toEqual(whole.get());
        }
      }),
      RUNS,
    );
  });
});
