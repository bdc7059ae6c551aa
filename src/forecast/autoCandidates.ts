import { z } from 'zod';
import { documentPath, parseDocument } from '../checks/parseDocument.js';
import { CalendarFeaturer } from '../operators/calendarFeatures.js';
import { Differencer } from '../operators/difference.js';
import type { EnsembleStep } from '../operators/ensemble.js';
import { Normalizer } from '../operators/normalize.js';
import type { Sample } from '../samples/sample.js';
import { type RunningScaler, runningScaler, scalerStateSchema } from '../scaling/runningScaler.js';
import type { Forecast } from '../steps/forecast.js';
import { type AutoChoice, autoChoiceSchema } from './chooseModel.js';
import { Combiner, combinerStateSchema } from './combiner.js';
import type { Weighting } from './hedge.js';
import { LeastSquaresForecaster, leastSquaresStateSchema } from './leastSquaresForecaster.js';
import { NaiveForecaster, naiveForecasterStateSchema } from './naiveForecaster.js';
import { NetworkForecaster, networkForecasterStateSchema } from './networkForecaster.js';

/** The learning rates of the three candidate networks (of `defaultOptimizer`). */
export const AUTO_RATES: readonly number[] = [0.001, 0.003, 0.01];

/** @internal How the candidates of an {@link AutoCandidates} are made. */
export interface AutoCandidateSettings {
  /** The length of the lag windows. */
  readonly window: number;
  readonly horizon: number;
  /** Hidden units and seed of the networks. */
  readonly hidden: number;
  readonly seed: number;
  readonly weighting: Weighting;
}

/** @internal The schema of an {@link AutoCandidates}' saved state. */
export const autoCandidatesStateSchema = z.object({
  choice: autoChoiceSchema,
  naive: z.array(naiveForecasterStateSchema),
  leastSquares: leastSquaresStateSchema,
  /** The networks' scaler (checked in full against the scaler when restored). */
  scaler: z.unknown(),
  networks: z.array(networkForecasterStateSchema),
  combiner: combinerStateSchema,
});

/** @internal The saved state of an {@link AutoCandidates}. */
export type AutoCandidatesState = z.infer<typeof autoCandidatesStateSchema>;

/**
 * @internal The candidates `autoForecast` weighs after its warm-up, side by side on every
 * sample, one sample at a time: the last value, the running mean, the seasonal last value (with
 * a season), online least squares (forgetting 0.999) and three networks (`hidden` tanh units,
 * `defaultOptimizer` at each of {@link AUTO_RATES}) — the learned ones on the target the
 * {@link AutoChoice} says (the level, the change, the seasonal change; with calendar features
 * when chosen), each sample transformed once and scaled once for all of them — and the Hedge
 * {@link Combiner} over them. Exactly what `ensemble` of the operators does, without an
 * operator per candidate; its whole state can be saved and restored.
 *
 * @example
 * ```ts
 * import { AutoCandidates } from './autoCandidates.js';
 * import { hedge } from './hedge.js';
 * const models = new AutoCandidates({ period: undefined, target: 'change', calendar: false }, { window: 3, horizon: 1, hidden: 4, seed: 1, weighting: hedge() });
 * console.log(models.next({ x: [1, 2, 3], y: 4 }).candidates.length); // 6
 * ```
 */
export class AutoCandidates<S extends Sample = Sample> {
  readonly names: readonly string[];
  private readonly naive: NaiveForecaster<S>[];
  private readonly differencer: Differencer<Sample> | undefined;
  private readonly calendar: CalendarFeaturer<Sample> | undefined;
  private readonly scaler: RunningScaler;
  private readonly normalizer: Normalizer<Sample>;
  private readonly leastSquares = new LeastSquaresForecaster<Sample>(0.999, 1e6);
  private readonly networks: NetworkForecaster<Sample>[];
  private readonly combiner: Combiner<S>;
  private readonly forecasts: Forecast[];

  constructor(
    readonly choice: AutoChoice,
    settings: AutoCandidateSettings,
  ) {
    const { window, horizon, hidden, seed } = settings;
    const names = ['last value', 'running mean'];
    this.naive = [
      new NaiveForecaster<S>('lastValue', { kind: 'last value' }),
      new NaiveForecaster<S>('runningMean', { kind: 'running mean' }),
    ];
    const period = choice.period;
    if (period !== undefined) {
      names.push(`seasonal last value (${period})`);
      this.naive.push(
        new NaiveForecaster<S>('seasonalLastValue', {
          kind: 'seasonal last value',
          period,
          horizon,
        }),
      );
    }
    if (choice.target === 'seasonal change' && period !== undefined) {
      this.differencer = new Differencer(period, horizon, true);
    } else if (choice.target === 'change') {
      this.differencer = new Differencer(horizon, horizon, true);
    }
    if (choice.calendar) this.calendar = new CalendarFeaturer(true, true, 0);
    this.scaler = runningScaler({ targets: true });
    this.normalizer = new Normalizer(this.scaler, true);
    names.push('least squares');
    const inputs = window + (choice.calendar ? 4 : 0);
    // The networks run one after the other, each forecast read into its own real-unit buffer
    // before the next: they share one trace.
    const networks: NetworkForecaster<Sample>[] = [];
    for (const rate of AUTO_RATES) {
      names.push(`network η=${rate}`);
      networks.push(new NetworkForecaster(inputs, hidden, seed, rate, networks[0]));
    }
    this.networks = networks;
    this.names = names;
    this.combiner = new Combiner<S>(names, settings.weighting);
    this.forecasts = new Array(names.length);
  }

  /** Forecasts `sample` (before anything learns from it), then every candidate learns it. */
  next(sample: S): EnsembleStep<S> {
    const forecasts = this.forecasts;
    let k = 0;
    for (const naive of this.naive) forecasts[k++] = naive.next(sample);
    let transformed: Sample = sample;
    if (this.differencer !== undefined) transformed = this.differencer.next(transformed);
    if (this.calendar !== undefined) transformed = this.calendar.next(transformed);
    forecasts[k++] = this.leastSquares.next(transformed);
    const scaled = this.normalizer.next(transformed);
    for (const net of this.networks) forecasts[k++] = net.next(scaled);
    return this.combiner.next(sample, forecasts as Forecast<S>[]);
  }

  /** A JSON-ready copy of the whole state. */
  state(): AutoCandidatesState {
    return {
      choice: { ...this.choice },
      naive: this.naive.map((n) => n.state()),
      leastSquares: this.leastSquares.state(),
      scaler: this.scaler.state(),
      networks: this.networks.map((n) => n.state()),
      combiner: this.combiner.state(),
    };
  }

  /**
   * Restores what {@link state} returned (of candidates made with the same choice and settings),
   * read with {@link autoCandidatesStateSchema}; `owner` and `at` name it in an error.
   */
  load(saved: AutoCandidatesState, owner: string, at: readonly PropertyKey[]): void {
    const lengths = (field: 'naive' | 'networks', expected: number): void => {
      if (saved[field].length !== expected) {
        throw new RangeError(
          `${owner}: ${documentPath([...at, field])}: has ${saved[field].length} states, expected ${expected}`,
        );
      }
    };
    lengths('naive', this.naive.length);
    lengths('networks', this.networks.length);
    const scaler = parseDocument(owner, scalerStateSchema(this.scaler), saved.scaler, 'state', [
      ...at,
      'scaler',
    ]);
    this.combiner.load(saved.combiner, owner, [...at, 'combiner']);
    this.networks.forEach((n, i) => {
      n.load(saved.networks[i], owner, [...at, 'networks', i]);
    });
    this.naive.forEach((n, i) => {
      n.load(saved.naive[i]);
    });
    this.leastSquares.load(saved.leastSquares);
    this.scaler.load(scaler);
  }
}
