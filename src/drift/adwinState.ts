import { z } from 'zod';
import { detectorStateSchema } from './driftDetector.js';

/**
 * @internal The schema of the saved state of an ADWIN detector made with `settings` (see
 * `detectorStateSchema`): at most `levels` levels of at most `maxBuckets` buckets each, a sum and
 * an M2 per bucket, the window's totals — the sum agreeing with the buckets' — and how much of
 * the window was kept at the last cut.
 *
 * @example
 * ```ts
 * const schema = adwinStateSchema({ delta: 0.002, maxBuckets: 5, minSubWindow: 5, twoSided: false }, 5, 60);
 * ```
 */
export function adwinStateSchema(
  settings: Readonly<Record<string, number | boolean>>,
  maxBuckets: number,
  levels: number,
) {
  const count = z.number().int().min(0).max(maxBuckets);
  return detectorStateSchema('adwin', settings, {
    levels: z.array(count).max(levels),
    sums: z.array(z.number()),
    m2s: z.array(z.number().nonnegative()),
    sum: z.number(),
    m2: z.number().nonnegative(),
    keptAtCut: z.number().int().nonnegative(),
  }).superRefine(({ values }, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: ['values', path], message });
    };
    const buckets = values.levels.reduce((a, b) => a + b, 0);
    if (values.sums.length !== buckets || values.m2s.length !== buckets) {
      issue('sums', `must hold ${buckets} buckets, as values.levels says (and so must values.m2s)`);
    }
    const width = values.levels.reduce((a, c, level) => a + c * 2 ** level, 0);
    if (values.keptAtCut > width)
      issue('keptAtCut', `must be <= ${width}, the width of the window`);
    const bucketSum = values.sums.reduce((a, b) => a + b, 0);
    const scale = values.sums.reduce((a, b) => a + Math.abs(b), 0);
    if (!(Math.abs(values.sum - bucketSum) <= 1e-9 * (scale + 1))) {
      issue('sum', `is ${values.sum}, the buckets hold ${bucketSum}`);
    }
  });
}
