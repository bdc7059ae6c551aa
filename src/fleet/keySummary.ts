import { z } from 'zod';
import { REJECTION_REASONS } from '../samples/rejection.js';
import { type ErrorFigures, KeyErrors, type KeyErrorsState, MergedErrors } from './keyErrors.js';

const count = z.number().int().nonnegative();

/** The schema of {@link KeySummary}: what a checkpoint records of each key, for `status` and the fleet view. */
export const keySummarySchema = z.object({
  learned: count,
  rejected: count,
  /** The rejected samples by reason (a reason not listed: none). */
  rejectedByReason: z.partialRecord(z.enum(REJECTION_REASONS), count).default({}),
  drifts: count.default(0),
  learningRate: z.number().nullable().default(null),
  /** The worker that wrote it, and when (ms since the epoch). */
  worker: z.string().default(''),
  at: z.number().default(0),
  /** The key's error metrics: the state of its {@link KeyErrors} (checked by restoring it). */
  errors: z.looseObject({}),
});

/**
 * What a shard's checkpoint records of each of its keys, next to the key's whole state: the
 * samples learned and rejected (by reason), the drifts, the learning rate, who wrote it and
 * when, and the state of the key's error metrics ({@link KeyErrorsState}) — the sufficient
 * statistics that `status` and the fleet view merge across keys and workers.
 *
 * @example
 * ```ts
 * import type { KeySummary } from 'streamprop/fleet';
 * const share = (s: KeySummary) => s.rejected / Math.max(1, s.learned + s.rejected);
 * ```
 */
export type KeySummary = Omit<z.infer<typeof keySummarySchema>, 'errors'> & {
  readonly errors: KeyErrorsState;
};

/**
 * Reads a summary as stored, its error metrics' state checked whole; `undefined` for one that
 * does not parse (the caller leaves it out, and counts it).
 *
 * @example
 * ```ts
 * import { parseKeySummary } from 'streamprop/fleet';
 * parseKeySummary('{"learned":1}'); // undefined: no rejected count, no errors
 * ```
 */
export function parseKeySummary(text: string): KeySummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = keySummarySchema.safeParse(value);
  if (!parsed.success) return undefined;
  try {
    KeyErrors.of(parsed.data.errors);
  } catch {
    return undefined;
  }
  return parsed.data as unknown as KeySummary;
}

/**
 * What {@link mergeSummaries} gives: counts added up, and the error figures of the keys' merged
 * metrics (see {@link MergedErrors}).
 *
 * @example
 * ```ts
 * import type { MergedSummary } from 'streamprop/fleet';
 * const line = (m: MergedSummary) => `${m.keys} keys, RMSE ${m.total.rmse ?? '–'} over ${m.total.count}`;
 * ```
 */
export interface MergedSummary {
  readonly keys: number;
  readonly learned: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly drifts: number;
  /** Every prediction of the keys since their start: exactly the figure of all of them together. */
  readonly total: ErrorFigures;
  /** The keys' recent (EWMA) errors, merged. */
  readonly recent: ErrorFigures;
}

/**
 * Merges the summaries of several keys: counts added up, and each key's error metrics restored
 * from its state and merged with the metrics' own `merge`, so that `total` is the figure of
 * every prediction of those keys together.
 *
 * @example
 * ```ts
 * import { KeyErrors, mergeSummaries } from 'streamprop/fleet';
 * const summary = (worker: string, pairs: [number, number][]) => {
 *   const errors = new KeyErrors(0.1);
 *   for (const [p, t] of pairs) errors.update([p], [t]);
 *   const counts = { learned: pairs.length, rejected: 0, rejectedByReason: {}, drifts: 0 };
 *   return { ...counts, learningRate: null, worker, at: 0, errors: errors.state() };
 * };
 * const merged = mergeSummaries([summary('a', [[0, 1]]), summary('b', [[0, 3], [1, 1]])]);
 * console.log(merged.learned, merged.total.mse); // 3 3.3333333333333335 — (1 + 9 + 0) / 3
 * ```
 */
export function mergeSummaries(summaries: Iterable<KeySummary>): MergedSummary {
  let learned = 0;
  let rejected = 0;
  let drifts = 0;
  let keys = 0;
  const byReason: Record<string, number> = {};
  const errors = new MergedErrors();
  for (const s of summaries) {
    keys++;
    learned += s.learned;
    rejected += s.rejected;
    drifts += s.drifts;
    for (const [reason, n] of Object.entries(s.rejectedByReason)) {
      byReason[reason] = (byReason[reason] ?? 0) + (n ?? 0);
    }
    errors.add(KeyErrors.of(s.errors, 'mergeSummaries'));
  }
  const figures = errors.figures();
  return {
    keys,
    learned,
    rejected,
    rejectedByReason: byReason,
    drifts,
    total: figures.total,
    recent: figures.recent,
  };
}
