import { z } from 'zod';
import { driftDetectorStateSchema } from '../drift/driftDetector.js';
import { autoForecastersStateSchema } from '../forecast/autoForecasters.js';
import { resetModelStateSchema } from '../operators/resetModel.js';
import { rateControllerStateSchema } from '../optim/rateController.js';
import { metricsTrackerStateSchema } from '../tracking/metricsTrackerState.js';
import { modelFileSchema } from './modelFile.js';

/** @internal A JSON object, as `source` and `run` hold. */
export const jsonObject = z.record(z.string(), z.json());

/** @internal The version of the checkpoint files this streamprop writes and reads. */
export const CHECKPOINT_VERSION = 2;

/**
 * The schema of a checkpoint file, version 2 (see {@link Checkpoint}): its model is a model file
 * with an optimizer; `metrics` is checked in full here (the tracker's state schema); each other
 * part holds the saved state of its kind, which the part's own schema checks in full when the
 * part is built. A version 1 file is refused with a message naming both versions.
 */
export const checkpointSchema = z
  .object({
    format: z.literal('streamprop-checkpoint'),
    version: z.literal(CHECKPOINT_VERSION, {
      error: (issue) =>
        `is ${JSON.stringify(issue.input)}, and this streamprop reads version ${CHECKPOINT_VERSION} only: a version 1 checkpoint (before 0.2) saved its metrics in another shape; start the run afresh`,
    }),
    savedAt: z.iso.datetime(),
    samples: z.number().int().nonnegative(),
    model: modelFileSchema
      .refine((model) => model.optimizer !== undefined, {
        path: ['optimizer'],
        message: 'is required in a checkpoint',
      })
      .optional(),
    byKey: autoForecastersStateSchema.optional(),
    controller: rateControllerStateSchema.optional(),
    metrics: metricsTrackerStateSchema().optional(),
    drift: driftDetectorStateSchema.optional(),
    resetModel: resetModelStateSchema.optional(),
    source: jsonObject.optional(),
    run: jsonObject.optional(),
  })
  .superRefine((checkpoint, ctx) => {
    const model = checkpoint.model !== undefined;
    const byKey = checkpoint.byKey !== undefined;
    if (model === byKey) {
      ctx.addIssue({
        code: 'custom',
        path: [model ? 'byKey' : 'model'],
        message: model
          ? 'cannot be beside a model: a checkpoint holds one model, or the automatic learner'
          : 'is required in a checkpoint (or byKey, the state of the automatic learner)',
      });
    }
  });

/**
 * A checkpoint file, version 2: the whole learning state of a training run, as plain JSON, so
 * that a run stopped at any point continues exactly where it was —
 *
 * - `format`, `version`: `'streamprop-checkpoint'`, 2 (version 1 files, whose metrics had
 *   another shape, are refused with a message naming both versions);
 * - `savedAt`: when it was made (ISO 8601, UTC);
 * - `samples`: how many samples the run had taken when it was made (the caller's count);
 * - `model`: a model file (see `ModelFile`) with the weights, the optimizer's state (always) and
 *   the `runningScaler`'s statistics (when `normalize({ scaler })` is used) — or, instead,
 * - `byKey`: the state of the automatic learner of `streamprop run --lags` (`autoForecast` per
 *   series): one entry `{ key, state }` per series, least recently used first, each with the
 *   warm-up's samples and naive forecasts or, once chosen, every candidate's state (the naive
 *   forecasts, least squares' fit, the networks' weights and optimizer state, their scaler)
 *   and Hedge's discounted losses (a checkpoint holds a `model` or `byKey`, not both);
 * - `controller`: the learning-rate controller's state (`boldDriver`, `reduceOnPlateau` …);
 * - `metrics`: the `MetricsTracker`'s state (the counts of `rollingMetrics`, and the states of
 *   its error metrics' window, EWMA and total: see `MetricsTrackerState`);
 * - `drift`: the drift detector's state (`pageHinkley`, `adwin` …);
 * - `resetModel`: the state of the `resetModel` drift action (its seed, resets so far and
 *   generator), so that a resumed run redraws the same weights (absent in older files);
 * - `source`: where the samples come from and how far they were read, in the caller's words,
 *   such as `{ kind: 'csv', path: 'data.csv', position: 12000 }`;
 * - `run`: anything else the caller keeps with it, such as the options of the run.
 *
 * Numbers are written in full precision, so every value comes back exactly (JSON keeps no sign
 * of zero: -0 loads as 0). Make one with {@link toCheckpoint}, read one with
 * {@link parseCheckpoint} or {@link fromCheckpoint}, keep them with `checkpointStore`.
 *
 * @example
 * ```json
 * { "format": "streamprop-checkpoint", "version": 2, "savedAt": "2025-05-01T12:00:00.000Z",
 *   "samples": 12000, "model": { "format": "streamprop-model", "version": 1, "…": "…" },
 *   "controller": { "name": "boldDriver", "options": { "…": 1 }, "values": { "sum": 3.2, "count": 400, "previous": 0.011 } },
 *   "source": { "kind": "csv", "path": "data.csv", "position": 12000 } }
 * ```
 */
export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * A JSON object, as the `source` and `run` fields of a {@link Checkpoint} hold.
 *
 * @example
 * ```ts
 * import type { CheckpointJson } from 'streamprop';
 * const source: CheckpointJson = { kind: 'csv', path: 'data.csv', position: 12000 };
 * ```
 */
export type CheckpointJson = NonNullable<Checkpoint['source']>;
