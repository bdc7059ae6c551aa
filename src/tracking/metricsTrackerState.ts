import { z } from 'zod';
import { describeValue } from '../checks/describeValue.js';
import { type EwmaState, ewmaStateSchema } from '../metrics/ewma.js';
import type { RejectionCounts } from '../metrics/metricsSnapshot.js';
import { savedNumberSchema } from '../metrics/savedNumber.js';
import { type TotalState, totalStateSchema } from '../metrics/total.js';
import { type WindowedState, windowedStateSchema } from '../metrics/windowedState.js';
import { REJECTION_REASONS } from '../samples/rejection.js';
import { type ErrorMetricsState, errorMetricGroup } from './errorFigures.js';

/**
 * The saved error metrics of a `MetricsTracker`: its three aggregations of the same metrics.
 *
 * @example
 * ```ts
 * import { metricsTracker, type TrackedErrorsState } from 'streamprop';
 * const errors: TrackedErrorsState = metricsTracker({ window: 100 }).state().errors;
 * console.log(errors.window.size, errors.ewma.count, errors.total.count); // 100 0 0
 * ```
 */
export interface TrackedErrorsState {
  /** The sliding window of the top-level figures (its ring of pairs and its metrics). */
  readonly window: WindowedState<ErrorMetricsState>;
  /** The exponentially weighted figures. */
  readonly ewma: EwmaState<ErrorMetricsState>;
  /** The figures since the start. */
  readonly total: TotalState<ErrorMetricsState>;
}

/**
 * The saved state of a `MetricsTracker`, as plain JSON values (JSON has no NaN: what does not
 * exist yet, and a sum that overflowed, is `null`). `restore` refuses a state saved with another
 * `window` or `alpha`.
 *
 * @example
 * ```ts
 * import { metricsTracker, type MetricsTrackerState } from 'streamprop';
 * const saved: MetricsTrackerState = JSON.parse(JSON.stringify(metricsTracker({ window: 100 }).state()));
 * console.log(saved.window, saved.samples, saved.outputs); // 100 0 0
 * ```
 */
export interface MetricsTrackerState {
  /** The window it was made with (after a merge, the sum of both). */
  readonly window: number;
  /** The EWMA weight it was made with. */
  readonly alpha: number;
  /** Steps counted, rejected ones included. */
  readonly samples: number;
  /** The `seq` of the last step counted (-1 before the first). */
  readonly seq: number;
  /** The `key` of the last step's sample (`null` when it had none). */
  readonly key: string | number | null;
  /** The learning rate at the last step (`null` before `update` ran). */
  readonly learningRate: number | null;
  /** Rejected steps. */
  readonly rejected: number;
  /** Rejected steps, by reason. */
  readonly rejectedByReason: RejectionCounts;
  /** `drift` events seen. */
  readonly drifts: number;
  /** The steps' number of outputs (0 before the first step). */
  readonly outputs: number;
  /** The error metrics over the window, as an EWMA and since the start. */
  readonly errors: TrackedErrorsState;
}

const count = z.number().int().nonnegative();
const errorsSchema = errorMetricGroup().stateSchema();

/**
 * @internal The schema of a {@link MetricsTrackerState}: every field, and that they agree (the
 * window and EWMA of `errors` are those of `window` and `alpha`; the counts add up; no more
 * pairs scored than steps not rejected). With `settings`, the `window` and `alpha` must be
 * those (a tracker's own).
 */
export function metricsTrackerStateSchema(settings?: {
  readonly window: number;
  readonly alpha: number;
}): z.ZodType<MetricsTrackerState> {
  const advice = 'make it with metricsTracker({ window, alpha }) as saved';
  const setting = <T extends z.ZodNumber>(key: 'window' | 'alpha', base: T) =>
    settings === undefined
      ? base
      : base.refine((v) => v === settings[key], {
          error: (issue) =>
            `is ${describeValue(issue.input)}, this tracker's is ${settings[key]}; ${advice}`,
        });
  return z
    .object({
      window: setting('window', z.number().int().positive()),
      alpha: setting('alpha', z.number().gt(0).lte(1)),
      samples: count,
      seq: z.number().int().gte(-1),
      key: z.union([z.string(), z.number(), z.null()]),
      learningRate: savedNumberSchema.refine((v) => v === null || v >= 0, 'must be >= 0 or null'),
      rejected: count,
      // A state saved before a reason existed has no count for it: none were rejected so.
      rejectedByReason: z.object(
        Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, count.default(0)])) as Record<
          keyof RejectionCounts,
          z.ZodDefault<typeof count>
        >,
      ),
      drifts: count,
      outputs: count,
      errors: z.object({
        window: windowedStateSchema(errorsSchema),
        ewma: ewmaStateSchema(errorsSchema),
        total: totalStateSchema(errorsSchema),
      }),
    })
    .superRefine((state, context) => {
      const issue = (path: (string | number)[], message: string): void => {
        context.addIssue({ code: 'custom', path, message });
      };
      const { samples, rejected, outputs, errors } = state;
      if (rejected > samples)
        issue(['rejected'], `is ${rejected}, more than the ${samples} samples`);
      const sum = REJECTION_REASONS.reduce((s, r) => s + state.rejectedByReason[r], 0);
      if (sum !== rejected) {
        issue(['rejectedByReason'], `adds up to ${sum}, but rejected is ${rejected}`);
      }
      if (samples > 0 && outputs === 0)
        issue(['outputs'], `must be at least 1 after ${samples} steps`);
      if (errors.window.size !== state.window) {
        issue(
          ['errors', 'window', 'size'],
          `is ${errors.window.size}, but window is ${state.window}`,
        );
      }
      if (errors.ewma.alpha !== state.alpha) {
        issue(['errors', 'ewma', 'alpha'], `is ${errors.ewma.alpha}, but alpha is ${state.alpha}`);
      }
      const scored = errors.total.count;
      if (scored > samples - rejected) {
        issue(
          ['errors', 'total', 'count'],
          `is ${scored}, more than the ${samples - rejected} steps that were not rejected`,
        );
      }
      if (errors.ewma.count !== scored) {
        issue(
          ['errors', 'ewma', 'count'],
          `is ${errors.ewma.count}, but errors.total.count is ${scored}`,
        );
      }
      if (errors.window.count > scored) {
        issue(
          ['errors', 'window', 'count'],
          `is ${errors.window.count}, more than the ${scored} scored`,
        );
      }
      // The three take their settings (R²'s outputs and shift) from the same first pair.
      const settings = (r2: { outputs: number; shift: readonly (number | null)[] }): string =>
        JSON.stringify([r2.outputs, r2.shift]);
      const first = settings(errors.total.metric.r2);
      for (const part of ['window', 'ewma'] as const) {
        if (settings(errors[part].metric.r2) !== first) {
          issue(
            ['errors', part, 'metric', 'r2', 'shift'],
            'must be that of errors.total.metric.r2, with as many outputs (the three take it from the same first pair)',
          );
        }
      }
      if (errors.window.count > 0 && errors.window.outputs !== outputs) {
        issue(
          ['errors', 'window', 'outputs'],
          `is ${errors.window.outputs}, but outputs is ${outputs}`,
        );
      }
    });
}
