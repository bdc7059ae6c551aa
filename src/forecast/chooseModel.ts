import { z } from 'zod';
import type { Sample } from '../samples/sample.js';
import { detectSeason } from './detectSeason.js';

/** What `autoForecast` chose after its warm-up, as the names of its candidates show it. */
export interface AutoChoice {
  /** The season found by `detectSeason` over the warm-up, or `undefined`. */
  readonly period: number | undefined;
  /** What the learned candidates forecast: `'level'`, `'change'` (difference) or `'seasonal change'`. */
  readonly target: 'level' | 'change' | 'seasonal change';
  /** Whether calendar features were added (the samples carry `t`). */
  readonly calendar: boolean;
}

/** @internal The schema of an {@link AutoChoice} as saved. */
export const autoChoiceSchema = z.object({
  period: z.number().int().min(2).optional(),
  target: z.enum(['level', 'change', 'seasonal change']),
  calendar: z.boolean(),
});

/**
 * @internal What the learned candidates of `autoForecast` forecast, from the warm-up samples
 * (see `autoForecast`): the season, the target, whether to add calendar features.
 *
 * @example
 * ```ts
 * import { chooseModel } from './chooseModel.js';
 * const samples = Array.from({ length: 100 }, (_, i) => ({ x: [i, i + 1], y: i + 2 }));
 * console.log(chooseModel(samples, 2, 1).target); // 'change'
 * ```
 */
export function chooseModel(
  samples: readonly Sample[],
  window: number,
  horizon: number,
): AutoChoice {
  const ys = samples.map((s) => s.y as number);
  const reach = window + horizon - 1;
  const season = detectSeason(ys, { maxPeriod: Math.min(reach, Math.floor(ys.length / 2)) });
  const period =
    season.period !== undefined && season.period >= horizon ? season.period : undefined;
  const spread = (base: (x: ArrayLike<number>) => number): number => {
    let mean = 0;
    let m2 = 0;
    samples.forEach((s, k) => {
      const v = (s.y as number) - base(s.x);
      const d = v - mean;
      mean += d / (k + 1);
      m2 += d * (v - mean);
    });
    return m2 / samples.length;
  };
  const level = spread(() => 0);
  const change = spread((x) => x[window - 1 + horizon - horizon]);
  const seasonal =
    period === undefined
      ? Number.POSITIVE_INFINITY
      : spread((x) => x[window - 1 + horizon - period]);
  const target =
    seasonal <= change && seasonal < level
      ? 'seasonal change'
      : change < level
        ? 'change'
        : 'level';
  const calendar = samples.every((s) => typeof s.t === 'number' && Number.isFinite(s.t));
  return { period, target, calendar };
}
