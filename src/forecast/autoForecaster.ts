import { z } from 'zod';
import { documentPath, parseDocument } from '../checks/parseDocument.js';
import type { EnsembleStep } from '../operators/ensemble.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import {
  type AutoCandidateSettings,
  AutoCandidates,
  autoCandidatesStateSchema,
} from './autoCandidates.js';
import { chooseModel } from './chooseModel.js';
import { Combiner, combinerStateSchema } from './combiner.js';
import { NaiveForecaster, naiveForecasterStateSchema } from './naiveForecaster.js';

/** @internal The checked options of `autoForecast`. */
export interface AutoForecasterSettings extends Omit<AutoCandidateSettings, 'window'> {
  /** Samples watched before the model is chosen; `undefined`: 4 × (window + horizon), ≥ 64. */
  readonly warmUp: number | undefined;
}

const keySchema = z.union([z.string(), z.number()]);

/** @internal The schema of an {@link AutoForecaster}'s saved state. */
export const autoForecasterStateSchema = z.object({
  /** The length of the lag windows (-1 before the first usable sample). */
  window: z.number().int().min(-1),
  /** Before the choice: the samples of the warm-up (their x, y, t, key and id). */
  buffer: z.array(
    z.object({
      x: z.array(z.number()),
      y: z.number(),
      t: z.number().optional(),
      key: keySchema.optional(),
      id: keySchema.optional(),
    }),
  ),
  /** Before the choice: the naive forecasts of the warm-up, made for windows of `reach`. */
  warmUp: z
    .object({
      reach: z.number().int().positive(),
      naive: z.array(naiveForecasterStateSchema),
      combiner: combinerStateSchema,
    })
    .optional(),
  /** After the choice: the candidates. */
  chosen: autoCandidatesStateSchema.optional(),
});

/** @internal The saved state of an {@link AutoForecaster}. */
export type AutoForecasterState = z.infer<typeof autoForecasterStateSchema>;

/**
 * @internal The automatic forecaster of one series, one sample at a time: what `autoForecast`
 * runs per subscription (see it for the behaviour) — the warm-up with Hedge over the naive
 * forecasts, the choice of the model (`chooseModel`), then {@link AutoCandidates}. Its whole
 * state (the warm-up's samples and forecasts, or the chosen candidates) can be saved with
 * {@link AutoForecaster.state} and restored into a new one made with the same settings.
 *
 * @example
 * ```ts
 * import { AutoForecaster } from './autoForecaster.js';
 * import { hedge } from './hedge.js';
 * const auto = new AutoForecaster({ horizon: 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() });
 * const step = auto.next({ x: [1, 2, 3], y: 4 });
 * console.log(step.output[0]); // the forecast of 4
 * const copy = new AutoForecaster({ horizon: 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() });
 * copy.restore(JSON.parse(JSON.stringify(auto.state())));
 * ```
 */
export class AutoForecaster<S extends Sample = Sample> {
  private window = -1;
  private buffer: S[] = [];
  /** The warm-up's naive forecasts and their combiner (before the choice). */
  private reach = 0;
  private naive: NaiveForecaster<S>[] = [];
  private combiner: Combiner<S> | undefined;
  private forecasts: Forecast<S>[] = [];
  private chosen: AutoCandidates<S> | undefined;

  constructor(private readonly settings: AutoForecasterSettings) {}

  /** The forecast of `sample`, made before anything learns from it (lent, like a step). */
  next(sample: S): EnsembleStep<S> {
    if (this.chosen !== undefined) return this.chosen.next(sample);
    const ok = usable(sample);
    if (this.window < 0 && ok) {
      this.window = sample.x.length;
      this.startWarmUp(this.window);
    }
    if (this.combiner === undefined) this.startWarmUp(1);
    const naive = this.naive;
    const forecasts = this.forecasts;
    for (let i = 0; i < naive.length; i++) forecasts[i] = naive[i].next(sample);
    const step = (this.combiner as Combiner<S>).next(sample, forecasts);
    if (ok) this.buffer.push(copyOf(sample));
    const { warmUp, horizon } = this.settings;
    const needed = warmUp ?? Math.max(64, 4 * (Math.max(this.window, 1) + horizon));
    if (this.window > 0 && this.buffer.length >= needed) this.choose();
    return step;
  }

  /** A JSON-ready copy of the whole state. */
  state(): AutoForecasterState {
    const buffer = this.buffer.map((s) => ({
      x: Array.from(s.x),
      y: s.y as number,
      ...(s.t === undefined ? {} : { t: s.t }),
      ...(s.key === undefined ? {} : { key: s.key }),
      ...(s.id === undefined ? {} : { id: s.id }),
    }));
    const state: AutoForecasterState = { window: this.window, buffer };
    if (this.chosen !== undefined) return { ...state, chosen: this.chosen.state() };
    if (this.combiner === undefined) return state;
    return {
      ...state,
      warmUp: {
        reach: this.reach,
        naive: this.naive.map((n) => n.state()),
        combiner: this.combiner.state(),
      },
    };
  }

  /**
   * Restores what {@link state} returned (by a forecaster made with the same settings): checks
   * the state with its schema first, naming the field that is wrong, so that a state that does
   * not fit leaves this one as it was (restore into a new forecaster).
   *
   * @throws TypeError or RangeError `<owner>: <path>: <problem>`.
   */
  restore(state: unknown, owner = 'AutoForecaster.restore', at: readonly PropertyKey[] = []): void {
    const saved = parseDocument(owner, autoForecasterStateSchema, state, 'state', at);
    const chosen =
      saved.chosen === undefined
        ? undefined
        : new AutoCandidates<S>(
            { period: undefined, ...saved.chosen.choice },
            {
              ...this.settings,
              window: saved.window,
            },
          );
    chosen?.load(saved.chosen as NonNullable<typeof saved.chosen>, owner, [...at, 'chosen']);
    const warm = saved.warmUp;
    if (chosen === undefined && warm !== undefined) {
      const { names, made } = naiveFor<S>(warm.reach, this.settings.horizon);
      if (made.length !== warm.naive.length) {
        throw new RangeError(
          `${owner}: ${documentPath([...at, 'warmUp', 'naive'])}: has ${warm.naive.length} states, expected ${made.length} for windows of ${warm.reach}`,
        );
      }
      const combiner = new Combiner<S>(names, this.settings.weighting);
      combiner.load(warm.combiner, owner, [...at, 'warmUp', 'combiner']);
      made.forEach((n, i) => {
        n.load(warm.naive[i]);
      });
      this.naive = made;
      this.combiner = combiner;
      this.reach = warm.reach;
    } else {
      this.naive = [];
      this.combiner = undefined;
      this.reach = 0;
    }
    this.forecasts = new Array(this.naive.length);
    this.chosen = chosen;
    this.window = saved.window;
    this.buffer = saved.buffer.map((s) => ({ ...s, x: Float64Array.from(s.x) }) as unknown as S);
  }

  private startWarmUp(reach: number): void {
    const { names, made } = naiveFor<S>(reach, this.settings.horizon);
    this.naive = made;
    this.combiner = new Combiner<S>(names, this.settings.weighting);
    this.forecasts = new Array(this.naive.length);
    this.reach = reach;
  }

  private choose(): void {
    const choice = chooseModel(this.buffer, this.window, this.settings.horizon);
    const chosen = new AutoCandidates<S>(choice, { ...this.settings, window: this.window });
    for (const sample of this.buffer) chosen.next(sample); // learned; already forecast
    this.chosen = chosen;
    this.buffer = [];
    this.naive = [];
    this.forecasts = [];
    this.combiner = undefined;
  }
}

/**
 * The forecasters of the warm-up: the last value, the running mean and the seasonal last value
 * of every period the window reaches — Hedge finds the season's one within a few cycles.
 */
function naiveFor<S extends Sample>(
  window: number,
  horizon: number,
): { names: string[]; made: NaiveForecaster<S>[] } {
  const names = ['last value', 'running mean'];
  const made = [
    new NaiveForecaster<S>('lastValue', { kind: 'last value' }),
    new NaiveForecaster<S>('runningMean', { kind: 'running mean' }),
  ];
  for (let p = Math.max(2, horizon); p <= window + horizon - 1; p++) {
    names.push(`seasonal last value (${p})`);
    made.push(
      new NaiveForecaster<S>('seasonalLastValue', {
        kind: 'seasonal last value',
        period: p,
        horizon,
      }),
    );
  }
  return { names, made };
}

function usable(sample: unknown): sample is Sample & { x: ArrayLike<number>; y: number } {
  if (sample === null || typeof sample !== 'object') return false;
  const s = sample as Sample;
  if (s.malformed !== undefined || typeof s.y !== 'number' || !Number.isFinite(s.y)) return false;
  const x = s.x;
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length < 1) {
    return false;
  }
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function copyOf<S extends Sample>(sample: S): S {
  return { ...sample, x: Float64Array.from(sample.x) };
}
