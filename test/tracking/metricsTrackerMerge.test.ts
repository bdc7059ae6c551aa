// MetricsTracker.merge: two trackers merged count what one tracker fed every step of both would
// (the figures since the start exactly, the counts added up), the other is left as it was, and
// trackers that cannot be merged are refused when handed over.
import { describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  type MetricsTracker,
  metricsTracker,
  network,
  type Sample,
} from '../../src/index.js';
import { Stage, StepContext } from '../../src/steps/step.js';

/** Counts `pairs` into `tracker` as the steps of a one-output network; `k`-th pair seq `first + k`. */
function feed(
  tracker: MetricsTracker,
  pairs: readonly (readonly [output: number, actual: number | 'rejected' | 'drift'])[],
  first: number,
  key: string,
  learningRate: number,
): void {
  const step = new StepContext<Sample>(network({ inputs: 1, layers: [dense(1, linear)], seed: 1 }));
  step.stage = Stage.Updated;
  step.sample = { x: [0], y: 0, key };
  step.learningRate = learningRate;
  pairs.forEach(([output, actual], k) => {
    step.seq = first + k;
    step.output[0] = output;
    step.events.length = 0;
    step.rejection = undefined;
    if (actual === 'rejected') {
      step.actual = undefined;
      step.rejection = {
        reason: 'malformed',
        field: 'x[0]',
        value: 'abc',
        message: 'x[0] is not a number',
      };
    } else if (actual === 'drift') {
      step.actual = Float64Array.of(output);
      step.events.push({ type: 'drift', seq: step.seq, detector: 'pageHinkley', action: 'none' });
    } else {
      step.actual = Float64Array.of(actual);
    }
    tracker.add(step);
  });
}

const A = [
  [0.5, 1],
  [0.2, 0],
  [0.9, 'rejected'],
  [1.5, 1],
] as const;
const B = [
  [2, 3],
  [0, 'drift'],
  [-1, -0.5],
  [0.1, 'rejected'],
  [0.3, 0.2],
] as const;

describe('MetricsTracker.merge', () => {
  it('gives the figures since the start of every step of both, and adds up the counts', () => {
    const one = metricsTracker({ window: 50 });
    const other = metricsTracker({ window: 50 });
    const both = metricsTracker({ window: 100 });
    feed(one, A, 0, 'a', 0.01);
    feed(other, B, 100, 'b', 0.02);
    feed(both, B, 100, 'b', 0.02);
    feed(both, A, 0, 'a', 0.01);
    const otherBefore = JSON.stringify(other.state());

    one.merge(other);
    const merged = one.snapshot(0);
    const expected = both.snapshot(0);
    expect(JSON.stringify(other.state())).toBe(otherBefore); // left as it was
    expect(merged.samples).toBe(9);
    expect(merged.rejected).toBe(2);
    expect(merged.rejectedByReason.malformed).toBe(2);
    expect(merged.drifts).toBe(1);
    // The last step stays this one's.
    expect(merged.seq).toBe(3);
    expect(merged.key).toBe('a');
    expect(merged.learningRate).toBe(0.01);
    for (const name of ['count', 'mse', 'rmse', 'mae', 'r2'] as const) {
      expect(merged.total[name], name).toBeCloseTo(expected.total[name] as number, 12);
      expect(merged[name], `window ${name}`).toBeCloseTo(expected[name] as number, 12);
    }
  });

  it('into a tracker that has counted nothing: takes the other’s last step', () => {
    const empty = metricsTracker({ window: 10 });
    const other = metricsTracker({ window: 10 });
    feed(other, B, 100, 'b', 0.02);
    empty.merge(other);
    const snapshot = empty.snapshot(0);
    expect(snapshot).toMatchObject({ seq: 104, key: 'b', learningRate: 0.02, samples: 5 });
    expect(snapshot.total.rmse).toBeCloseTo(other.snapshot(0).total.rmse as number, 12);
    // and it counts on from there with the other's number of outputs
    feed(empty, [[1, 1]], 105, 'b', 0.02);
    expect(empty.snapshot(0).samples).toBe(6);
  });

  it('refuses what is not a tracker, another alpha, or steps of another number of outputs', () => {
    const tracker = metricsTracker({ window: 10, alpha: 0.1 });
    expect(() => tracker.merge({} as MetricsTracker)).toThrow(
      /^MetricsTracker\.merge: other must be made with metricsTracker\(\{ … \}\), got /,
    );
    expect(() => tracker.merge(metricsTracker({ window: 10, alpha: 0.2 }))).toThrow(
      "MetricsTracker.merge: other must have this tracker's alpha 0.1, got 0.2",
    );
    feed(tracker, [[1, 2]], 0, 'a', 0.01);
    const wide = metricsTracker({ window: 10, alpha: 0.1 });
    const step = new StepContext<Sample>(
      network({ inputs: 1, layers: [dense(2, linear)], seed: 1 }),
    );
    step.stage = Stage.Updated;
    step.sample = { x: [0], y: [0, 0] };
    step.actual = Float64Array.of(1, 1);
    wide.add(step);
    expect(() => tracker.merge(wide)).toThrow(
      'MetricsTracker.merge: other counted steps of 2 outputs, this one of 1',
    );
  });
});
