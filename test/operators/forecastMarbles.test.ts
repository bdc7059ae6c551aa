// The forecasting operators in marbles: empty, one, many, a source error, an early
// unsubscription — each emits one value per sample, synchronously, and passes errors and
// completion through.
import { map, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  autoForecast,
  calendarFeatures,
  difference,
  ensemble,
  lastValue,
  leastSquares,
  runningMean,
  type Sample,
  seasonalDifference,
  seasonalLastValue,
} from '../../src/index.js';
import { roundAll, testScheduler } from './snapshot.js';

const A: Sample = { x: [1, 2, 3], y: 4, t: Date.UTC(2024, 0, 1, 6) };
const B: Sample = { x: [2, 3, 4], y: 6, t: Date.UTC(2024, 0, 1, 7) };
const C: Sample = { x: [3, 4, 6], y: 5, t: Date.UTC(2024, 0, 1, 8) };

/** A plain copy of what each operator emits: its forecast or its sample's x and y. */
const plain = map((v: unknown): string => {
  const o = v as { output?: Float64Array; x?: ArrayLike<number>; y?: ArrayLike<number> | number };
  if (o.output !== undefined) return JSON.stringify(roundAll(o.output, 9));
  const y = o.y === undefined || typeof o.y === 'number' ? o.y : roundAll(o.y, 9);
  return JSON.stringify([roundAll(o.x ?? [], 9), y]);
});

const operators: [string, () => OperatorFunction<Sample, unknown>][] = [
  ['lastValue', () => lastValue()],
  ['seasonalLastValue', () => seasonalLastValue(2)],
  ['runningMean', () => runningMean()],
  ['leastSquares', () => leastSquares()],
  ['difference', () => difference()],
  ['seasonalDifference', () => seasonalDifference(3)],
  ['calendarFeatures', () => calendarFeatures()],
  ['ensemble', () => ensemble({ last: lastValue(), mean: runningMean() })],
  ['autoForecast', () => autoForecast({ warmUp: 2 })],
];

for (const [name, make] of operators) {
  describe(`${name}: marbles`, () => {
    /** What the operator emits for A, B, C in turn. */
    const expected = (): Record<string, string> => {
      const values: string[] = [];
      testScheduler().run(({ cold }) => {
        cold('abc|', { a: A, b: B, c: C })
          .pipe(make(), plain)
          .subscribe((v) => values.push(v));
      });
      return { a: values[0], b: values[1], c: values[2] };
    };

    it('empty source: completes at once without emitting', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const src = cold<Sample>('|');
        expectObservable(src.pipe(make(), plain)).toBe('|');
        expectSubscriptions(src.subscriptions).toBe('(^!)');
      });
    });

    it('one sample, then many: one value per sample, at once', () => {
      const { a, b, c } = expected();
      expect(new Set([a, b, c]).size).toBeGreaterThan(1); // the values depend on the samples
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a|', { a: A }).pipe(make(), plain)).toBe('a|', { a });
        expectObservable(cold('a-b-c|', { a: A, b: B, c: C }).pipe(make(), plain)).toBe('a-b-c|', {
          a,
          b,
          c,
        });
      });
    });

    it('a source error passes through', () => {
      const { a, b } = expected();
      const boom = new Error('boom');
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const src = cold('a-b#', { a: A, b: B }, boom);
        expectObservable(src.pipe(make(), plain)).toBe('a-b#', { a, b }, boom);
        expectSubscriptions(src.subscriptions).toBe('^--!');
      });
    });

    it('early unsubscribe unsubscribes the source at that frame', () => {
      const { a, b } = expected();
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const src = cold('a-b-c-|', { a: A, b: B, c: C });
        expectObservable(src.pipe(make(), plain), '^--!').toBe('a-b', { a, b });
        expectSubscriptions(src.subscriptions).toBe('^--!');
      });
    });
  });
}
