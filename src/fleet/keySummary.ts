import { z } from 'zod';
import type { ErrorMetrics, MetricsSnapshot } from '../metrics/metricsSnapshot.js';

const count = z.number().int().nonnegative();
const figure = z.number().nullable();
const errorSums = z.object({ count, mse: figure, mae: figure });

/** The schema of {@link KeySummary}: what a checkpoint records of each key, for `status` and the fleet view. */
export const keySummarySchema = z.object({
  learned: count,
  rejected: count,
  drifts: count.default(0),
  learningRate: figure.default(null),
  /** The worker that wrote it, and when (ms since the epoch). */
  worker: z.string().default(''),
  at: z.number().default(0),
  /** The key's error figures over its sliding window and since its start (in real units). */
  window: errorSums.optional(),
  total: errorSums.optional(),
});

/**
 * What a shard's checkpoint records of each of its keys, next to the key's whole state: the
 * samples learned and rejected, drifts, the learning rate, and the error figures (count, MSE,
 * MAE) over the key's window and since its start — the sufficient statistics the fleet view
 * merges across keys and workers (means weighted by their counts).
 *
 * @example
 * ```ts
 * import type { KeySummary } from 'streamprop/fleet';
 * const s: KeySummary = { learned: 1200, rejected: 3, drifts: 0, learningRate: 0.001, worker: 'w1', at: 0,
 *   window: { count: 500, mse: 0.09, mae: 0.24 }, total: { count: 1200, mse: 0.12, mae: 0.27 } };
 * ```
 */
export type KeySummary = z.infer<typeof keySummarySchema>;

/** @internal The summary of a key from its counts and its tracker's latest snapshot. */
export function summaryOf(
  learned: number,
  rejected: number,
  snapshot: MetricsSnapshot,
  worker: string,
  at: number,
): KeySummary {
  const sums = (m: ErrorMetrics) => ({ count: m.count, mse: m.mse ?? null, mae: m.mae ?? null });
  return {
    learned,
    rejected,
    drifts: snapshot.drifts,
    learningRate: snapshot.learningRate ?? null,
    worker,
    at,
    window: sums(snapshot),
    total: sums(snapshot.total),
  };
}

/**
 * Reads a summary as stored; `undefined` for one that does not parse (it is then left out, and
 * counted by the caller).
 */
export function parseKeySummary(text: string): KeySummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = keySummarySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Figures merged over several keys: counts added, MSE and MAE as means weighted by their
 * counts (each key's mean over its own samples, so the merge is the mean over all of them).
 *
 * @example
 * ```ts
 * import { mergeSummaries } from 'streamprop/fleet';
 * const merged = mergeSummaries([
 *   { learned: 10, rejected: 0, drifts: 0, learningRate: null, worker: 'a', at: 0, total: { count: 10, mse: 1, mae: 1 } },
 *   { learned: 30, rejected: 1, drifts: 1, learningRate: null, worker: 'b', at: 0, total: { count: 30, mse: 3, mae: 2 } },
 * ]);
 * console.log(merged.learned, merged.total.mse); // 40 2.5
 * ```
 */
export function mergeSummaries(summaries: Iterable<KeySummary>): MergedSummary {
  let learned = 0;
  let rejected = 0;
  let drifts = 0;
  let keys = 0;
  const window = new WeightedMeans();
  const total = new WeightedMeans();
  for (const s of summaries) {
    keys++;
    learned += s.learned;
    rejected += s.rejected;
    drifts += s.drifts;
    if (s.window) window.add(s.window);
    if (s.total) total.add(s.total);
  }
  return { keys, learned, rejected, drifts, window: window.result(), total: total.result() };
}

/** What {@link mergeSummaries} gives. */
export interface MergedSummary {
  readonly keys: number;
  readonly learned: number;
  readonly rejected: number;
  readonly drifts: number;
  readonly window: MergedErrors;
  readonly total: MergedErrors;
}

/** Merged error figures: the count and the count-weighted mean MSE and MAE (`null` with none). */
export interface MergedErrors {
  readonly count: number;
  readonly mse: number | null;
  readonly rmse: number | null;
  readonly mae: number | null;
}

class WeightedMeans {
  private n = 0;
  private mseWeight = 0;
  private mse = 0;
  private maeWeight = 0;
  private mae = 0;

  add(e: { count: number; mse: number | null; mae: number | null }): void {
    this.n += e.count;
    if (e.mse !== null && e.count > 0) {
      this.mse += e.mse * e.count;
      this.mseWeight += e.count;
    }
    if (e.mae !== null && e.count > 0) {
      this.mae += e.mae * e.count;
      this.maeWeight += e.count;
    }
  }

  result(): MergedErrors {
    const mse = this.mseWeight > 0 ? this.mse / this.mseWeight : null;
    return {
      count: this.n,
      mse,
      rmse: mse === null ? null : Math.sqrt(mse),
      mae: this.maeWeight > 0 ? this.mae / this.maeWeight : null,
    };
  }
}
