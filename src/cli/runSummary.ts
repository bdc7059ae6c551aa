import type { RejectionCounts } from '../metrics/metricsSnapshot.js';

/**
 * How a `streamprop run` ended: what its summary lines say, and its exit status.
 *
 * @example
 * ```ts
 * import { type RunSummary, summaryLine } from './runSummary.js';
 * declare const summary: RunSummary;
 * process.stderr.write(`${summaryLine(summary)}\n`);
 * process.exitCode = summary.exitStatus;
 * ```
 */
export interface RunSummary {
  /** Samples counted since the learner started (resumed runs included), as the status shows. */
  readonly samples: number;
  /** Records read in this run. */
  readonly records: number;
  /** Records learned from in this run. */
  readonly learned: number;
  /** Records rejected in this run, and by reason. */
  readonly rejected: number;
  readonly rejectedByReason: RejectionCounts;
  /** Prequential RMSE and MAE over this run, in the target's units; `undefined` if none scored. */
  readonly rmse: number | undefined;
  readonly mae: number | undefined;
  /** Where checkpoints go, how many this run wrote and how many saves failed. */
  readonly checkpoint: string | undefined;
  readonly checkpointsWritten: number;
  readonly checkpointsFailed: number;
  /**
   * 0: the run ended well; 1: it failed — the source failed, its last checkpoint could not be
   * saved, or nothing was learned from a source that had records; 2: it was refused (a
   * checkpoint of another run).
   */
  readonly exitStatus: 0 | 1 | 2;
  /** Why the status is not 0, one line each. */
  readonly problems: readonly string[];
}

const count = (n: number): string => n.toLocaleString('en');
const figure = (v: number | undefined): string => (v === undefined ? '–' : v.toPrecision(4));

/**
 * The summary of a run on one line, as `streamprop run` writes it on standard error at its end:
 * `streamprop: stopped after 5,001 samples: 5,001 read this run, 5,000 learned, 1 rejected
 * (outOfRange 1); prequential RMSE 0.01256, MAE 0.009783; 3 checkpoints written to run.ckpt,
 * 0 failed`.
 *
 * @example
 * ```ts
 * import { summaryLine } from './runSummary.js';
 * declare const summary: import('./runSummary.js').RunSummary;
 * console.error(summaryLine(summary));
 * ```
 */
export function summaryLine(s: RunSummary): string {
  const reasons = Object.entries(s.rejectedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  const rejected = `${count(s.rejected)} rejected${reasons === '' ? '' : ` (${reasons})`}`;
  const checkpoints =
    s.checkpoint === undefined
      ? 'no checkpoint'
      : `${count(s.checkpointsWritten)} checkpoint${s.checkpointsWritten === 1 ? '' : 's'} written to ${s.checkpoint}, ${count(s.checkpointsFailed)} failed`;
  return `streamprop: stopped after ${count(s.samples)} samples: ${count(s.records)} read this run, ${count(s.learned)} learned, ${rejected}; prequential RMSE ${figure(s.rmse)}, MAE ${figure(s.mae)}; ${checkpoints}`;
}

/**
 * The last line of `--json` output, on standard output:
 * `{"type":"summary","samples":5000,"rejected":1,"rejectedByReason":{…},"rmse":0.0126,"mae":0.0098,…}`
 * — `samples` the records learned from in this run, `rejected` those rejected, `rmse` and `mae`
 * prequential over this run in the target's units (`null` when nothing was scored), then
 * `records`, `total` (the samples counted since the learner started, resumed runs included),
 * `checkpointsWritten`, `checkpointsFailed` and `exitStatus`.
 *
 * @example
 * ```ts
 * import { summaryJson } from './runSummary.js';
 * declare const summary: import('./runSummary.js').RunSummary;
 * const line = JSON.parse(summaryJson(summary)); // line.type === 'summary'
 * ```
 */
export function summaryJson(s: RunSummary): string {
  return JSON.stringify({
    type: 'summary',
    samples: s.learned,
    rejected: s.rejected,
    rejectedByReason: s.rejectedByReason,
    rmse: s.rmse ?? null,
    mae: s.mae ?? null,
    records: s.records,
    total: s.samples,
    checkpointsWritten: s.checkpointsWritten,
    checkpointsFailed: s.checkpointsFailed,
    exitStatus: s.exitStatus,
  });
}
