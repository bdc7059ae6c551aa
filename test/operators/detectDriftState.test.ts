// detectDrift(detector, { clone: false }): the operator works on the detector it is given, so
// that detector.state() is the live state a checkpoint saves; restoring it into a fresh
// detector and going on gives the drifts and the state of a run that never stopped.
import { from, map, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type Adwin,
  adwin,
  type DriftDetector,
  type DriftDetectorState,
  dense,
  detectDrift,
  linear,
  mse,
  network,
  type Optimizer,
  type PageHinkley,
  pageHinkley,
  rng,
  type Sample,
  sgd,
  tanh,
  train,
} from '../../src/index.js';
import { collect } from './snapshot.js';

/** A seeded stream whose relation flips twice, at 700 and at 1400. */
function samples(n: number, scale = 1): Sample[] {
  const random = rng(11);
  return Array.from({ length: n }, (_, i) => {
    const a = random.next() * 2 - 1;
    const sign = i < 700 || i >= 1400 ? 1 : -1;
    return { x: [a], y: scale * (sign * a * a + 0.05 * random.next()) };
  });
}

/** Detector, target scale, split: drifts before and after it, or just after it. */
const cases: [string, () => PageHinkley | Adwin, number, number][] = [
  [
    'pageHinkley, drifts on both sides',
    () => pageHinkley({ delta: 0.005, threshold: 0.5 }),
    1,
    1000,
  ],
  ['adwin, split just before its drift', () => adwin({ delta: 0.1 }), 5, 690],
  ['adwin, split after its cut', () => adwin({ delta: 0.1 }), 5, 1000],
];

/** Trains on `data` through detectDrift(detector, { clone: false }); returns the drift seqs. */
function run(
  data: Sample[],
  detector: DriftDetector,
  net: ReturnType<typeof network>,
  optimizer: Optimizer,
): number[] {
  return collect(
    from(data).pipe(
      train(net, { loss: mse(), optimizer }),
      detectDrift(detector, { clone: false }),
      map((s) => s.events.filter((e) => e.type === 'drift').map((e) => e.seq)),
    ),
  ).values.flat();
}

const freshNet = () => network({ inputs: 1, layers: [dense(6, tanh), dense(1, linear)], seed: 3 });

describe('detectDrift({ clone: false }): the live detector', () => {
  it.each(cases)(
    '%s: save, restore through JSON, continue: the same drifts and state',
    (_name, make, scale, split) => {
      const data = samples(2100, scale);

      const whole = make();
      const drifts = run(data, whole, freshNet(), sgd({ learningRate: 0.05 }));
      expect(drifts.length).toBeGreaterThan(0);
      // a drift after the split, found by the restored detector, unless its cut came before
      if (split < 700 || make().name === 'pageHinkley') {
        expect(drifts.filter((s) => s >= split).length).toBeGreaterThan(0);
      }
      if (make().name === 'pageHinkley')
        expect(drifts.filter((s) => s < split).length).toBeGreaterThan(0);

      const net = freshNet();
      const optimizer = sgd({ learningRate: 0.05 });
      const first = make();
      const before = run(data.slice(0, split), first, net, optimizer);
      const saved: DriftDetectorState = JSON.parse(JSON.stringify(first.state()));
      const resumed = make();
      resumed.restore(saved);
      // The new subscription numbers its steps from 0 again: shift them back.
      const after = run(data.slice(split), resumed, net, optimizer).map((s) => s + split);

      expect([...before, ...after]).toEqual(drifts);
      expect(resumed.state()).toEqual(whole.state());
      expect(resumed.width).toBe(whole.width);
      expect(resumed.mean).toBe(whole.mean);
    },
  );

  it('updates the detector it is given: its width counts the learned steps', () => {
    const detector = pageHinkley({ threshold: 1e9 }); // never signals
    const net = freshNet();
    run(samples(50), detector, net, sgd({ learningRate: 0.01 }));
    expect(detector.width).toBe(50);
    expect(detector.state().values.count).toBe(50);
  });

  it('a detector passed with clone: false to two subscriptions is shared; with a clone it is not', () => {
    const shared = pageHinkley({ threshold: 1e9 });
    const template = pageHinkley({ threshold: 1e9 });
    const net = freshNet();
    const optimizer = sgd({ learningRate: 0.01 });
    const own = detectDrift(template);
    const live = detectDrift(shared, { clone: false });
    for (let k = 0; k < 2; k++) {
      from(samples(30))
        .pipe(train(net, { loss: mse(), optimizer }), live, own)
        .subscribe();
    }
    expect(shared.width).toBe(60);
    expect(template.width).toBe(0);
  });

  it('the live detector sees only what arrived before an early unsubscribe', () => {
    const detector = pageHinkley({ threshold: 1e9 });
    const feed = new Subject<Sample>();
    const net = freshNet();
    const subscription = feed
      .pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }) }),
        detectDrift(detector, { clone: false }),
      )
      .subscribe();
    const data = samples(10);
    for (const s of data.slice(0, 4)) feed.next(s);
    subscription.unsubscribe();
    for (const s of data.slice(4)) feed.next(s);
    expect(detector.width).toBe(4);
  });

  it('clone must be a boolean', () => {
    expect(() => detectDrift(pageHinkley(), { clone: 'no' as never })).toThrow(
      'detectDrift: clone must be true or false, got "no"',
    );
    expect(() => detectDrift(pageHinkley(), { clone: true })).not.toThrow();
  });
});
