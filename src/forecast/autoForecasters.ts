import { z } from 'zod';
import { parseDocument } from '../checks/parseDocument.js';
import type { EnsembleStep } from '../operators/ensemble.js';
import type { Sample } from '../samples/sample.js';
import {
  AutoForecaster,
  type AutoForecasterSettings,
  autoForecasterStateSchema,
} from './autoForecaster.js';

/** @internal The schema of an {@link AutoForecasters}' saved state: its series, least recently used first. */
export const autoForecastersStateSchema = z
  .array(z.object({ key: z.union([z.string(), z.number()]), state: autoForecasterStateSchema }))
  .superRefine((series, ctx) => {
    const seen = new Set<string | number>();
    series.forEach(({ key }, i) => {
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'key'],
          message: `${JSON.stringify(key)} is there twice`,
        });
      }
      seen.add(key);
    });
  });

/** @internal The saved state of an {@link AutoForecasters}. */
export type AutoForecastersState = z.infer<typeof autoForecastersStateSchema>;

/**
 * @internal One {@link AutoForecaster} per series, by the samples' `key` (samples without one
 * are the series `''`), one sample at a time: what `byKey((s) => s.key ?? '', () =>
 * autoForecast(settings), { maxModels })` does, without a pipeline per key, and with a state
 * that can be saved and restored — the automatic learner of `streamprop run --lags`. Beyond
 * `maxModels` series, the least recently used one is forgotten, as byKey evicts it.
 *
 * @example
 * ```ts
 * import { AutoForecasters } from './autoForecasters.js';
 * import { hedge } from './hedge.js';
 * const all = new AutoForecasters({ horizon: 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() }, 1000);
 * all.next({ key: 'a', x: [1, 2], y: 3 });
 * const copy = new AutoForecasters({ horizon: 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() }, 1000);
 * copy.restore(JSON.parse(JSON.stringify(all.state())));
 * ```
 */
export class AutoForecasters<S extends Sample = Sample> {
  private readonly series = new Map<string | number, AutoForecaster<S>>();

  constructor(
    private readonly settings: AutoForecasterSettings,
    private readonly maxModels: number,
  ) {}

  /** How many series it holds. */
  get size(): number {
    return this.series.size;
  }

  /** The forecast of `sample` by its series' forecaster (lent, like a step). */
  next(sample: S): EnsembleStep<S> {
    const key = (sample as Partial<Sample> | null)?.key ?? '';
    let forecaster = this.series.get(key);
    if (forecaster === undefined) {
      if (this.series.size >= this.maxModels) {
        this.series.delete(this.series.keys().next().value as string | number);
      }
      forecaster = new AutoForecaster<S>(this.settings);
    } else {
      this.series.delete(key); // to the most recently used end
    }
    this.series.set(key, forecaster);
    return forecaster.next(sample);
  }

  /** A JSON-ready copy of every series' state, least recently used first. */
  state(): AutoForecastersState {
    return [...this.series].map(([key, forecaster]) => ({ key, state: forecaster.state() }));
  }

  /**
   * Restores what {@link state} returned, in place of everything it holds; checks the whole
   * state first (naming the field that is wrong, under `at`), so that one that does not fit
   * changes nothing.
   *
   * @throws TypeError or RangeError `<owner>: <path>: <problem>`.
   */
  restore(
    state: unknown,
    owner = 'AutoForecasters.restore',
    at: readonly PropertyKey[] = [],
  ): void {
    const saved = parseDocument(owner, autoForecastersStateSchema, state, 'state', at);
    const restored = saved.map(({ key, state: one }, i) => {
      const forecaster = new AutoForecaster<S>(this.settings);
      forecaster.restore(one, owner, [...at, i, 'state']);
      return [key, forecaster] as const;
    });
    this.series.clear();
    for (const [key, forecaster] of restored) this.series.set(key, forecaster);
  }
}
