// The aggregations' contracts: what merge refuses, what restore refuses (naming the field by its
// path in the state, and changing nothing), outputs that change, reset.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  ewma,
  meanAbsoluteError,
  meanSquaredError,
  metricGroup,
  rSquared,
  total,
  windowed,
} from '../../src/index.js';

const errors = () => metricGroup({ mse: meanSquaredError(), r2: rSquared() });

/** A window of 4 over 6 pairs of 2 outputs (full, wrapped). */
function fullWindow() {
  const w = windowed(errors(), 4);
  for (let i = 0; i < 6; i++) w.update([i, 2 * i], [i + 1, i * i]);
  return w;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests write wrong values into states on purpose
type Edit = (s: Record<string, any>) => void;

describe('restore names the wrong field by its path and changes nothing', () => {
  it.each<[string, Edit, string]>([
    ['another size', (s) => (s.size = 5), "size: must be 4 (this window's size), got 5"],
    ['a head out of range', (s) => (s.head = 4), 'head: must be below 4 (count 4), got 4'],
    ['a count above the size', (s) => (s.count = 5), 'count: must be at most the size 4, got 5'],
    [
      'a short ring',
      (s) => s.targets.pop(),
      'targets: must hold 8 numbers (count × outputs), got 7',
    ],
    ['a weight missing', (s) => s.weights.pop(), 'weights: must hold 4 numbers (count), got 3'],
    [
      'a ring value of the wrong type',
      (s) => (s.predictions[3] = 'x'),
      'predictions[3]: Invalid input: expected number, received string',
    ],
    [
      'a member missing',
      (s) => delete s.metric.r2,
      'metric.r2: Invalid input: expected object, received undefined',
    ],
    [
      'a member of another kind',
      (s) => (s.metric.mse.kind = 'meanAbsoluteError'),
      'metric.mse.kind: Invalid input: expected "meanSquaredError"',
    ],
    [
      'R² sums of another length',
      (s) => s.metric.r2.sumTarget2.push(1),
      'metric.r2.sumTarget2: must hold 2 numbers (outputs), got 3',
    ],
    [
      'pairs held but no outputs',
      (s) => {
        s.outputs = 0;
        s.predictions = [];
        s.targets = [];
      },
      'outputs: must be at least 1 with 4 pairs held, got 0',
    ],
  ])('windowed: %s', (_name, edit, message) => {
    const state = JSON.parse(JSON.stringify(fullWindow().state()));
    edit(state);
    const w = windowed(errors(), 4);
    w.update([1, 1], [2, 3]);
    const before = JSON.stringify(w.state());
    expect(() => w.restore(state)).toThrow(`windowed.restore: ${message}`);
    expect(JSON.stringify(w.state())).toBe(before);
  });

  it('windowed: a head that disagrees with a window not yet full', () => {
    const w = windowed(meanSquaredError(), 10);
    w.update([1], [2]);
    w.update([1], [3]);
    expect(() => windowed(meanSquaredError(), 10).restore({ ...w.state(), head: 0 })).toThrow(
      'windowed.restore: head: must be 2 (count 2), got 0',
    );
  });

  it('a state that is no object, of the wrong type: a TypeError', () => {
    expect(() => windowed(meanSquaredError(), 3).restore(null)).toThrow(TypeError);
    expect(() => windowed(meanSquaredError(), 3).restore(null)).toThrow(
      'windowed.restore: state: Invalid input: expected object, received null',
    );
    expect(() => total(meanSquaredError()).restore({ count: -1, metric: {} })).toThrow(
      'total.restore: count: Too small',
    );
    expect(() => meanSquaredError().restore({ kind: 'meanSquaredError' })).toThrow(
      'meanSquaredError.restore: weight: Invalid input',
    );
  });

  it('ewma: another alpha, or a bad metric state', () => {
    const e = ewma(meanSquaredError(), 0.25);
    e.update([0], [1]);
    expect(() => ewma(meanSquaredError(), 0.5).restore(e.state())).toThrow(
      "ewma.restore: alpha: must be 0.5 (this EWMA's alpha), got 0.25",
    );
    expect(() =>
      ewma(meanSquaredError(), 0.25).restore({ ...e.state(), metric: { kind: 'x' } }),
    ).toThrow('ewma.restore: metric.kind: Invalid input: expected "meanSquaredError"');
  });

  it('a sum that overflowed is saved as null and read back as NaN, never as a number', () => {
    const t = total(meanSquaredError());
    t.update([0], [1e200]);
    const text = JSON.stringify(t.state());
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(t.state().metric.sum).toBeNull();
    const copy = total(meanSquaredError());
    copy.restore(JSON.parse(text));
    expect(copy.get()).toBeNaN();
    expect(copy.count).toBe(1);
  });
});

describe('merge refuses what does not add up', () => {
  it('another aggregation, another alpha, another kind of metric, other members', () => {
    const w = windowed(meanSquaredError(), 3);
    expect(() => w.merge(total(meanSquaredError()) as never)).toThrow(
      'windowed.merge: other must be made with windowed(…), got an object',
    );
    expect(() => total(meanSquaredError()).merge(w as never)).toThrow(
      'total.merge: other must be made with total(…)',
    );
    expect(() => ewma(meanSquaredError(), 0.5).merge(w as never)).toThrow(
      'ewma.merge: other must be made with ewma(…)',
    );
    expect(() => ewma(meanSquaredError(), 0.5).merge(ewma(meanSquaredError(), 0.25))).toThrow(
      "ewma.merge: other must have this one's alpha 0.5, got 0.25",
    );
    expect(() => total(meanSquaredError()).merge(total(meanAbsoluteError()))).toThrow(
      'meanSquaredError.merge: other must be a meanSquaredError metric, got a meanAbsoluteError metric',
    );
    expect(() => errors().merge(metricGroup({ mse: meanSquaredError() }) as never)).toThrow(
      'metricGroup.merge: other must have the members mse, r2, got mse',
    );
  });

  it('pairs of other outputs', () => {
    const one = windowed(rSquared(), 3);
    const two = windowed(rSquared(), 3);
    one.update([1], [2]);
    two.update([1, 2], [2, 3]);
    expect(() => one.merge(two)).toThrow(
      'windowed.merge: other holds pairs of 2 outputs, this one of 1',
    );
    const r = rSquared();
    r.update([1], [2]);
    const s = rSquared();
    s.update([1, 2], [2, 3]);
    expect(() => r.merge(s)).toThrow('rSquared.merge: the pair has 2 outputs, the ones counted 1');
    expect(() => r.merge(accuracy() as never)).toThrow(
      'rSquared.merge: other must be a rSquared metric, got a accuracy metric',
    );
  });

  it('an empty window takes the other’s outputs; merging an empty one adds its size only', () => {
    const empty = windowed(rSquared(), 2);
    const full = windowed(rSquared(), 2);
    full.update([0, 0], [1, 2]);
    full.update([0, 0], [3, 5]);
    empty.merge(full);
    expect([empty.size, empty.count]).toEqual([4, 2]);
    expect(empty.get()).toBe(full.get());
    full.merge(windowed(rSquared(), 3));
    expect([full.size, full.count]).toEqual([5, 2]);
    full.update([0, 0], [2, 2]); // slides on with outputs 2
    expect(full.count).toBe(3);
  });
});

describe('outputs that change', () => {
  it('a window refuses a pair of other outputs while it holds pairs, takes it after reset', () => {
    const w = windowed(meanSquaredError(), 3);
    w.update([1], [2]);
    expect(() => w.update([1, 2], [2, 3])).toThrow(
      'windowed.update: the pair has 2 outputs, the pairs held 1',
    );
    expect(() => w.update([1, 2], [2])).toThrow(
      'windowed.update: prediction and target must hold as many values, got 2 and 1',
    );
    w.reset();
    expect([w.count, w.get()]).toEqual([0, undefined]);
    w.update([1, 2], [2, 4]);
    expect(w.get()).toBe(2.5);
  });

  it('R² refuses a pair of other outputs until reset', () => {
    const r = rSquared();
    r.update([1], [2]);
    expect(() => r.update([1, 2], [2, 3])).toThrow(
      'rSquared.update: the pair has 2 outputs, the ones counted 1',
    );
    expect(() => r.revert([1, 2], [2, 3])).toThrow('rSquared.revert');
    r.reset();
    r.update([0, 0], [1, 1]);
    r.update([0, 0], [3, 5]);
    // targets (1, 3) and (1, 5): SS_tot 2 and 8; residuals² 1 + 9 and 1 + 25
    expect(r.get()).toBeCloseTo((1 - 10 / 2 + 1 - 26 / 8) / 2, 12);
  });

  it('reset forgets everything; the EWMA starts again from its next pair', () => {
    const e = ewma(meanSquaredError(), 0.5);
    e.update([0], [1]);
    e.update([0], [3]);
    e.reset();
    expect([e.count, e.get()]).toEqual([0, undefined]);
    e.update([0], [2]);
    expect(e.get()).toBe(4);
    const t = total(errors());
    t.update([0], [1]);
    t.reset();
    expect(t.state()).toEqual(total(errors()).state());
  });
});
