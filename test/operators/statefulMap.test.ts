import { from, type OperatorFunction, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { statefulMap } from '../../src/index.js';
import { collect, type Outcome, testScheduler } from './snapshot.js';

/** A running sum whose state lives in the subscription; counts how often init ran. */
function runningSum(counter = { inits: 0 }): OperatorFunction<number, number> {
  return statefulMap(() => {
    counter.inits++;
    let sum = 0;
    return { next: (v: number) => (sum += v) };
  });
}

describe('statefulMap: marbles', () => {
  // running sums: 1, 1 + 2 = 3, 3 + 3 = 6
  const values = { a: 1, b: 2, c: 3 };

  it('empty source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<number>('|');
      expectObservable(src.pipe(runningSum())).toBe('|');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('one value', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a|', values);
      expectObservable(src.pipe(runningSum())).toBe('a|', { a: 1 });
      expectSubscriptions(src.subscriptions).toBe('^!');
    });
  });

  it('many values', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', values);
      expectObservable(src.pipe(runningSum())).toBe('a-b-c|', { a: 1, b: 3, c: 6 });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a source error passes through', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-#', values, boom);
      expectObservable(src.pipe(runningSum())).toBe('a-#', { a: 1 }, boom);
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('a never-ending source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-', values);
      expectObservable(src.pipe(runningSum())).toBe('a-b-', { a: 1, b: 3 });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', values);
      expectObservable(src.pipe(runningSum()), '^--!').toBe('a-b', { a: 1, b: 3 });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('two subscriptions of one cold source each keep their own sum', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', values);
      const summed = src.pipe(runningSum());
      expectObservable(summed).toBe('a-b-c|', { a: 1, b: 3, c: 6 });
      expectObservable(summed, '--^').toBe('--a-b-c|', { a: 1, b: 3, c: 6 });
    });
  });

  it('a throw in next fails the stream at that frame and unsubscribes the source', () => {
    const bad = new RangeError('no negatives');
    const op = statefulMap(() => ({
      next(v: number): number {
        if (v < 0) throw bad;
        return 2 * v;
      },
    }));
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', { a: 1, b: -1, c: 3 });
      expectObservable(src.pipe(op)).toBe('a-#', { a: 2 }, bad);
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});

describe('statefulMap: state per subscription', () => {
  it('init runs once per subscription, never when the operator is made or piped', () => {
    const counter = { inits: 0 };
    const op = runningSum(counter);
    const piped = from([1, 2, 3]).pipe(op);
    expect(counter.inits).toBe(0);
    const first = collect(piped);
    const second = collect(piped);
    expect(counter.inits).toBe(2);
    expect(first.values).toEqual([1, 3, 6]);
    expect(second.values).toEqual([1, 3, 6]);
  });

  it('interleaved subscriptions never share state', () => {
    const op = runningSum();
    const s1 = new Subject<number>();
    const s2 = new Subject<number>();
    const got1: number[] = [];
    const got2: number[] = [];
    s1.pipe(op).subscribe((v) => got1.push(v));
    s2.pipe(op).subscribe((v) => got2.push(v));
    s1.next(1);
    s2.next(10);
    s1.next(2);
    s2.next(20);
    // s1: 1, 1 + 2 = 3; s2: 10, 10 + 20 = 30
    expect(got1).toEqual([1, 3]);
    expect(got2).toEqual([10, 30]);
  });
});

describe('statefulMap: errors and completion', () => {
  it('a throw in next becomes a stream error, not a synchronous throw', () => {
    const boom = new TypeError('bad value');
    const op = statefulMap(() => ({
      next(v: number): number {
        if (v === 3) throw boom;
        return v;
      },
    }));
    let outcome: Outcome<number> | undefined;
    let pulled = 0;
    expect(() => {
      outcome = collect(
        from(Array.from({ length: 1000 }, (_, i) => i + 1)).pipe(
          tap(() => pulled++),
          op,
        ),
      );
    }).not.toThrow();
    expect(outcome?.values).toEqual([1, 2]);
    expect(outcome?.error).toBe(boom);
    expect(outcome?.completed).toBe(false);
    // the synchronous source stopped at the value that failed
    expect(pulled).toBe(3);
  });

  it('a throw in complete becomes a stream error instead of the completion', () => {
    const boom = new Error('cannot finish');
    const op = statefulMap(() => ({
      next: (v: number) => v,
      complete(): void {
        throw boom;
      },
    }));
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', { a: 1, b: 2 });
      expectObservable(src.pipe(op)).toBe('a-b#', { a: 1, b: 2 }, boom);
    });
    let outcome: Outcome<number> | undefined;
    expect(() => {
      outcome = collect(from([1, 2]).pipe(op));
    }).not.toThrow();
    expect(outcome?.values).toEqual([1, 2]);
    expect(outcome?.error).toBe(boom);
    expect(outcome?.completed).toBe(false);
  });

  it('the complete hook runs once, with the final state, before the completion travels on', () => {
    const log: string[] = [];
    const op = statefulMap(() => {
      let n = 0;
      return {
        next: (v: string) => {
          n++;
          return v;
        },
        complete: () => {
          log.push(`hook after ${n}`);
        },
      };
    });
    from(['x', 'y', 'z'])
      .pipe(op)
      .subscribe({
        next: (v) => log.push(`next ${v}`),
        complete: () => log.push('complete'),
      });
    expect(log).toEqual(['next x', 'next y', 'next z', 'hook after 3', 'complete']);
  });

  it('the complete hook does not run on a source error or an unsubscribe', () => {
    let hooks = 0;
    const op = statefulMap(() => ({
      next: (v: number) => v,
      complete: () => {
        hooks++;
      },
    }));
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-#', { a: 1 }).pipe(op)).toBe('a-#', { a: 1 });
      expectObservable(cold('a-b-|', { a: 1, b: 2 }).pipe(op), '^-!').toBe('a-', { a: 1 });
    });
    expect(hooks).toBe(0);
  });

  it('the complete hook is optional', () => {
    const op = statefulMap(() => ({ next: (v: number) => v + 1 }));
    const outcome = collect(from([1, 2]).pipe(op));
    expect(outcome.values).toEqual([2, 3]);
    expect(outcome.completed).toBe(true);
  });
});
