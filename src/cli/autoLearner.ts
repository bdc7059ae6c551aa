import { filter, map, type Observable, type OperatorFunction } from 'rxjs';
import type { Lagger } from '../../streams/lagged.js';
import { AutoForecasters } from '../forecast/autoForecasters.js';
import { hedge } from '../forecast/hedge.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import {
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointJson,
} from '../model/checkpointFile.js';
import type { EnsembleStep } from '../operators/ensemble.js';
import { statefulMap } from '../operators/statefulMap.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { type MetricsTracker, metricsTracker } from '../tracking/metricsTracker.js';
import type { RunOptions } from './runOptions.js';

/** The automatic learner of `streamprop run --lags K` with no model flags. */
export interface AutoLearner {
  /** The rolling metrics' windows (the status display reads them; checkpoints keep them). */
  readonly tracker: MetricsTracker;
  /** `autoForecast` per key (season detection + differencing + ensemble), whose state checkpoints keep. */
  readonly forecasters: AutoForecasters;
  /** The forecasters, one sample at a time. */
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

/** How many series the automatic learner keeps at most (the least recently used is forgotten). */
export const MAX_SERIES = 1000;

/**
 * Makes the automatic learner: one `autoForecast({ horizon })` per key of the lag windows (at
 * most {@link MAX_SERIES}), and the tracker of its rolling metrics — or, resuming, both as the
 * checkpoint holds them (its `byKey` and `metrics`, already checked by their schemas).
 *
 * @throws RangeError or TypeError `<path>: byKey…: <problem>` when the checkpoint's state does
 * not fit the learner, naming the field.
 *
 * @example
 * ```ts
 * import { createAutoLearner } from './autoLearner.js';
 * const learner = createAutoLearner({ horizon: 1, window: 500 });
 * ```
 */
export function createAutoLearner(
  options: { horizon?: number; window: number },
  resumed?: { readonly checkpoint: Checkpoint; readonly path: string },
): AutoLearner {
  const forecasters = new AutoForecasters(
    { horizon: options.horizon ?? 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() },
    MAX_SERIES,
  );
  let tracker = metricsTracker({ window: options.window });
  const saved = resumed?.checkpoint;
  if (saved !== undefined) {
    forecasters.restore(saved.byKey ?? [], resumed?.path, ['byKey']);
    if (saved.metrics !== undefined) {
      tracker = metricsTracker({ window: saved.metrics.window, alpha: saved.metrics.alpha });
      tracker.restore(saved.metrics);
    }
  }
  const learner: {
    tracker: MetricsTracker;
    forecasters: AutoForecasters;
    pipeline: OperatorFunction<Sample, Step>;
    latest: Step | undefined;
  } = {
    tracker,
    forecasters,
    latest: undefined,
    pipeline: statefulMap(() => ({
      next(sample: Sample): Step {
        const step = forecasters.next(sample);
        learner.latest = step;
        return step;
      },
    })),
  };
  return learner;
}

/**
 * The checkpoint of the automatic learner after `samples` samples: its series' states
 * (`byKey`), its metrics, and the caller's `source` and `run` (see `Checkpoint`).
 *
 * @example
 * ```ts
 * import { autoCheckpoint, createAutoLearner } from './autoLearner.js';
 * const learner = createAutoLearner({ window: 500 });
 * console.log(autoCheckpoint(learner, 0, { kind: 'sensor' }, {}).byKey); // []
 * ```
 */
export function autoCheckpoint(
  learner: AutoLearner,
  samples: number,
  source: CheckpointJson,
  run: CheckpointJson,
): Checkpoint {
  return {
    format: 'streamprop-checkpoint',
    version: CHECKPOINT_VERSION,
    savedAt: new Date().toISOString(),
    samples,
    byKey: learner.forecasters.state(),
    metrics: learner.tracker.state(),
    source,
    run,
  };
}

/**
 * The lag windows of `--lags K [--horizon H]` (without `--lags`, the samples as they are): each item of the source is one reading of a
 * series — its `y` (a CSV's `--y` column, an NDJSON line or MQTT message `{ "value": …, "t"?,
 * "key"? }` or a bare number) with its `t` and `key` — and `lagged(K, { horizon: H })` makes the
 * samples, one window per key — here through `lagger`, a `Lagger(K, H)` whose windows a
 * checkpoint keeps and which counts the readings. An item that is not a reading (malformed, no finite value)
 * becomes a sample that the learner rejects and counts, and its series' window stays as it was.
 *
 * @example
 * ```ts
 * import { Lagger } from '../../streams/lagged.js';
 * import { lagWindows } from './autoLearner.js';
 * import { from } from 'rxjs';
 * lagWindows(from([{ x: [], y: 1 }, { x: [], y: 2 }, { x: [], y: 3 }]), new Lagger(2, 1)).subscribe(console.log);
 * ```
 */
export function lagWindows(
  samples: Observable<Sample>,
  lagger: Lagger | undefined,
): Observable<Sample> {
  if (lagger === undefined) return samples;
  return samples.pipe(
    map((s) => {
      const y = s.malformed === undefined ? s.y : undefined;
      const value =
        typeof y === 'number' ? y : y !== undefined && y.length === 1 ? y[0] : Number.NaN;
      return lagger.next({
        value,
        ...(s.t === undefined ? {} : { t: s.t }),
        ...(s.key === undefined ? {} : { key: s.key }),
        ...(s.id === undefined ? {} : { id: s.id }),
      });
    }),
    filter((sample): sample is Sample => sample !== undefined),
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
