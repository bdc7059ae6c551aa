import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { savedNumberSchema } from './savedNumber.js';

/**
 * The saved state of a {@link windowed} metric, as plain JSON: its ring of pairs (the first
 * `count` slots, in slot order: while the ring is not full they are the pairs in the order they
 * came, and `head` equals `count`) and the state of the metric it wraps. A number that is not
 * finite is `null`.
 *
 * @example
 * ```ts
 * import { meanSquaredError, windowed, type WindowedState } from 'streamprop';
 * const recent = windowed(meanSquaredError(), 3);
 * recent.update([1], [2]);
 * const saved: WindowedState<unknown> = recent.state(); // size 3, count 1, predictions [1], targets [2] …
 * ```
 */
export interface WindowedState<S> {
  /** The pairs the ring holds at most. */
  readonly size: number;
  /** Values per prediction and per target; 0 before the first pair. */
  readonly outputs: number;
  /** The slot the next pair goes to. */
  readonly head: number;
  /** The pairs held. */
  readonly count: number;
  /** The predictions held, slot after slot (`slot · outputs + output`). */
  readonly predictions: readonly (number | null)[];
  /** The targets held, laid out as the predictions. */
  readonly targets: readonly (number | null)[];
  /** The weight of each pair held. */
  readonly weights: readonly (number | null)[];
  /** The wrapped metric's state. */
  readonly metric: S;
}

/**
 * @internal The schema of a {@link WindowedState} whose metric's state `metric` accepts: a size
 * (`size` when given), and a ring that fits it (its `count` pairs of `outputs` values, `head`
 * where the next goes).
 */
export function windowedStateSchema<S>(
  metric: z.ZodType<S>,
  size?: number,
): z.ZodType<WindowedState<S>> {
  const sizes = z.number().int().positive();
  return z
    .object({
      size:
        size === undefined
          ? sizes
          : sizes.refine((v) => v === size, {
              error: (issue) =>
                `must be ${size} (this window's size), got ${describeValue(issue.input)}`,
            }),
      outputs: z.number().int().nonnegative(),
      head: z.number().int().nonnegative(),
      count: z.number().int().nonnegative(),
      predictions: z.array(savedNumberSchema),
      targets: z.array(savedNumberSchema),
      weights: z.array(savedNumberSchema),
      metric,
    })
    .superRefine((state, context) => {
      const { size, outputs: m, head, count: n } = state;
      const issue = (path: string, message: string): void => {
        context.addIssue({ code: 'custom', path: [path], message });
      };
      if (n > size) issue('count', `must be at most the size ${size}, got ${n}`);
      else if (n < size ? head !== n : head >= size) {
        issue('head', `must be ${n < size ? n : `below ${size}`} (count ${n}), got ${head}`);
      }
      if (n > 0 && m === 0) issue('outputs', `must be at least 1 with ${n} pairs held, got 0`);
      for (const [key, length, why] of [
        ['predictions', n * m, 'count × outputs'],
        ['targets', n * m, 'count × outputs'],
        ['weights', n, 'count'],
      ] as const) {
        const got = state[key].length;
        if (got !== length) issue(key, `must hold ${length} numbers (${why}), got ${got}`);
      }
    }) as z.ZodType<WindowedState<S>>;
}
