// sharedStage: one subscription of an operator serves several candidates of an ensemble, with
// the values each would get from its own copy; and Relay, which feeds it.
import { map, Observable, type OperatorFunction, pipe, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Relay } from '../../src/forecast/relay.js';
import { sharedStage } from '../../src/forecast/sharedStage.js';
import { ensemble, lastValue, runningMean, type Sample, statefulMap } from '../../src/index.js';

/** A stateful stage: the running sum of the targets, as the sample's only input. */
const runningSum = (): OperatorFunction<Sample, Sample> =>
  statefulMap(() => {
    let sum = 0;
    return {
      next: (s: Sample) => {
        sum += s.y as number;
        return { ...s, x: [sum] };
      },
    };
  });

const samples = (n: number): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ x: [i], y: (i * 7) % 5 }));

describe('sharedStage', () => {
  it('gives every candidate what its own copy of the stage would, running the stage once per sample', () => {
    let runs = 0;
    const counted = (): OperatorFunction<Sample, Sample> =>
      pipe(
        map((s: Sample) => {
          runs++;
          return s;
        }),
        runningSum(),
      );
    const shared = sharedStage(counted());
    const outputs = (candidates: Record<string, OperatorFunction<Sample, never>>) => {
      const seen: number[][] = [];
      const input = new Subject<Sample>();
      input.pipe(ensemble(candidates)).subscribe((step) => {
        seen.push(step.candidates.map((c) => c.output));
      });
      for (const s of samples(50)) input.next(s);
      input.complete();
      return seen;
    };
    const sharedRuns = (() => {
      runs = 0;
      const seen = outputs({
        last: pipe(shared(), lastValue()) as never,
        mean: pipe(shared(), runningMean()) as never,
        again: pipe(shared(), lastValue()) as never,
      });
      return { seen, runs };
    })();
    runs = 0;
    const separate = outputs({
      last: pipe(counted(), lastValue()) as never,
      mean: pipe(counted(), runningMean()) as never,
      again: pipe(counted(), lastValue()) as never,
    });
    expect(sharedRuns.runs).toBe(50);
    expect(runs).toBe(150);
    expect(sharedRuns.seen).toEqual(separate);
    expect(sharedRuns.seen[49][0]).toBe(samples(50).reduce((a, s) => a + (s.y as number), 0));
  });

  it('lets its subscription go when the last candidate unsubscribes, and starts afresh after', () => {
    let subscriptions = 0;
    let unsubscriptions = 0;
    const watched: OperatorFunction<number, number> = (source) =>
      new Observable<number>((subscriber) => {
        subscriptions++;
        const inner = source.subscribe(subscriber);
        return () => {
          unsubscriptions++;
          inner.unsubscribe();
        };
      });
    const shared = sharedStage(watched);
    const a = shared();
    const b = shared();
    const input = new Subject<number>();
    const got: number[] = [];
    const sa = input.pipe(a).subscribe((v) => got.push(v));
    const sb = input.pipe(b).subscribe((v) => got.push(-v));
    input.next(3);
    expect(got).toEqual([3, -3]);
    sa.unsubscribe();
    expect(unsubscriptions).toBe(0);
    sb.unsubscribe();
    expect(unsubscriptions).toBe(1);
    expect(subscriptions).toBe(1);
  });

  it('passes an error of the stage on', () => {
    const failing: OperatorFunction<number, number> = map((v) => {
      if (v > 1) throw new Error('too big');
      return v;
    });
    const shared = sharedStage(failing);
    const input = new Subject<number>();
    const errors: string[] = [];
    input.pipe(shared()).subscribe({ error: (e: Error) => errors.push(e.message) });
    input.next(1);
    input.next(2);
    expect(errors).toEqual(['too big']);
  });
});

describe('Relay', () => {
  it('hands back what the operator emitted for each value, undefined for nothing, and reports errors', () => {
    const errors: unknown[] = [];
    const relay = new Relay<number, number>(
      (source) => source.pipe(map((v) => (v < 0 ? Number.NaN : 2 * v))),
      (e) => errors.push(e),
    );
    expect(relay.push(21)).toBe(42);
    relay.complete();
    expect(relay.push(1)).toBeUndefined(); // completed: nothing more comes out
    const failing = new Relay<number, number>(
      map(() => {
        throw new Error('no');
      }),
      (e) => errors.push((e as Error).message),
    );
    expect(failing.push(1)).toBeUndefined();
    expect(errors).toEqual(['no']);
  });
});
