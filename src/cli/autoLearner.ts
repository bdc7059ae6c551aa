import { map, type Observable, type OperatorFunction, pipe, tap } from 'rxjs';
import { type LaggedInput, lagged } from '../../streams/lagged.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { autoForecast } from '../operators/autoForecast.js';
import { byKey } from '../operators/byKey.js';
import type { EnsembleStep } from '../operators/ensemble.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { type MetricsTracker, metricsTracker } from '../tracking/metricsTracker.js';
import type { RunOptions } from './runOptions.js';

/** The automatic learner of `streamprop run --lags K` with no model flags. */
export interface AutoLearner {
  /** The rolling metrics' windows (the status display reads them). */
  readonly tracker: MetricsTracker;
  /** `autoForecast` per key (season detection + differencing + ensemble). */
  readonly pipeline: OperatorFunction<Sample, Step>;
  /** The step it emitted last (lent: read it before the next sample). */
  readonly latest: Step | undefined;
}

/**
 * Whether `streamprop run` uses the automatic learner: `--lags` is given and none of the flags
 * that choose one fixed model (`--layers`, `--activation`, `--optimizer`, `--lr`, `--adaptive`).
 *
 * @example
 * ```ts
 * import { isAutomatic } from './autoLearner.js';
 * import type { RunOptions } from './runOptions.js';
 * declare const options: RunOptions;
 * console.log(isAutomatic(options) ? 'autoForecast' : 'one network');
 * ```
 */
export function isAutomatic(
  options: Pick<RunOptions, 'lags' | 'layers' | 'activation' | 'optimizer' | 'lr' | 'adaptive'>,
): boolean {
  return (
    options.lags !== undefined &&
    options.layers === undefined &&
    options.activation === undefined &&
    options.optimizer === undefined &&
    options.lr === undefined &&
    !options.adaptive
  );
}

/**
 * Makes the automatic learner: one `autoForecast({ horizon })` per key of the lag windows, and
 * the tracker of its rolling metrics.
 *
 * @example
 * ```ts
 * import { createAutoLearner } from './autoLearner.js';
 * const learner = createAutoLearner({ horizon: 1, window: 500 });
 * ```
 */
export function createAutoLearner(options: { horizon?: number; window: number }): AutoLearner {
  const learner: {
    tracker: MetricsTracker;
    pipeline: OperatorFunction<Sample, Step>;
    latest: Step | undefined;
  } = {
    tracker: metricsTracker({ window: options.window }),
    latest: undefined,
    pipeline: pipe(
      byKey(
        (s: Sample) => s.key ?? '',
        () => autoForecast<Sample>({ horizon: options.horizon ?? 1 }),
      ),
      tap((step: Step) => {
        learner.latest = step;
      }),
    ) as OperatorFunction<Sample, Step>,
  };
  return learner;
}

/**
 * The lag windows of `--lags K [--horizon H]` (without `--lags`, the samples as they are): each item of the source is one reading of a
 * series — its `y` (a CSV's `--y` column, an NDJSON line or MQTT message `{ "value": …, "t"?,
 * "key"? }` or a bare number) with its `t` and `key` — and `lagged(K, { horizon: H })` makes the
 * samples, one window per key. An item that is not a reading (malformed, no finite value)
 * becomes a sample that the learner rejects and counts, and its series' window stays as it was.
 *
 * @example
 * ```ts
 * import { lagWindows } from './autoLearner.js';
 * import { from } from 'rxjs';
 * lagWindows(from([{ x: [], y: 1 }, { x: [], y: 2 }, { x: [], y: 3 }]), 2, 1).subscribe(console.log);
 * ```
 */
export function lagWindows(
  samples: Observable<Sample>,
  lags: number | undefined,
  horizon: number,
): Observable<Sample> {
  if (lags === undefined) return samples;
  return samples.pipe(
    map((s): LaggedInput => {
      const y = s.malformed === undefined ? s.y : undefined;
      const value =
        typeof y === 'number' ? y : y !== undefined && y.length === 1 ? y[0] : Number.NaN;
      return {
        value,
        ...(s.t === undefined ? {} : { t: s.t }),
        ...(s.key === undefined ? {} : { key: s.key }),
        ...(s.id === undefined ? {} : { id: s.id }),
      };
    }),
    lagged(lags, { horizon }),
  );
}

/**
 * Reads one JSON value of an NDJSON line or an MQTT message as a reading of a series: a number,
 * or `{ "value": number, "t"?: number, "key"?: string | number }`; anything else is a malformed
 * sample (counted, never a crash).
 *
 * @example
 * ```ts
 * import { readingSample } from './autoLearner.js';
 * console.log(readingSample({ value: 21.4, key: 'a' })); // { x: [], y: 21.4, key: 'a' }
 * ```
 */
export function readingSample(value: unknown): Sample {
  if (typeof value === 'number') return { x: [], y: value };
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { value?: unknown }).value === 'number'
  ) {
    const v = value as { value: number; t?: unknown; key?: unknown; id?: unknown };
    return {
      x: [],
      y: v.value,
      ...(typeof v.t === 'number' ? { t: v.t } : {}),
      ...(typeof v.key === 'string' || typeof v.key === 'number' ? { key: v.key } : {}),
      ...(typeof v.id === 'string' || typeof v.id === 'number' ? { id: v.id } : {}),
    };
  }
  return {
    x: [],
    malformed: {
      field: 'reading',
      value,
      problem: 'must be a number or { "value": number, "t"?, "key"? }',
    },
  };
}

/** How one candidate of the automatic learner does, as the `--json` metrics lines show it. */
export interface CandidateFigures {
  readonly name: string;
  /** Its weight in the latest forecast. */
  readonly weight: number;
  /** The RMSE of its recent forecasts (Hedge's discounted mean; `null` before any target). */
  readonly rmse: number | null;
}

/**
 * The candidates of the step an automatic learner emitted last, by name; `undefined` for a
 * step of another learner (the field is then left out of the JSON line).
 *
 * @example
 * ```ts
 * import { candidateFigures } from './autoLearner.js';
 * console.log(candidateFigures(undefined)); // undefined
 * ```
 */
export function candidateFigures(step: Step | undefined): CandidateFigures[] | undefined {
  const candidates = (step as Partial<EnsembleStep> | undefined)?.candidates;
  if (candidates === undefined) return undefined;
  return candidates.map((c) => ({
    name: c.name,
    weight: c.weight,
    rmse: Number.isFinite(c.meanLoss) ? Math.sqrt(c.meanLoss) : null,
  }));
}

/**
 * What `--lags` adds to the settings of the source: its items are readings, and of a CSV file
 * only the `--y` column is read (named as the inputs too, so that a file with a single numeric
 * column passes the column check).
 *
 * @example
 * ```ts
 * import { readingSettings } from './autoLearner.js';
 * console.log(readingSettings({ lags: 24, y: 'temp' })); // { readings: true, x: ['temp'] }
 * ```
 */
export function readingSettings(options: Pick<RunOptions, 'lags' | 'y'>): {
  readings: boolean;
  x?: readonly string[];
} {
  if (options.lags === undefined) return { readings: false };
  return options.y === undefined ? { readings: true } : { readings: true, x: [options.y] };
}

/**
 * The `--json` metrics line of `streamprop run`: the snapshot, the sample of the newest
 * checkpoint, and with the automatic learner its candidates (see {@link candidateFigures}).
 *
 * @example
 * ```ts
 * import { metricsLine } from './autoLearner.js';
 * import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
 * declare const snapshot: MetricsSnapshot;
 * console.log(metricsLine(snapshot, undefined, undefined)); // {"type":"metrics",…}
 * ```
 */
export function metricsLine(
  snapshot: MetricsSnapshot,
  checkpointAt: number | undefined,
  latest: Step | undefined,
): string {
  const candidates = candidateFigures(latest);
  return JSON.stringify({ type: 'metrics', ...snapshot, checkpointAt, candidates });
}
