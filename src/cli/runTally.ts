import type { RejectionCounts } from '../metrics/metricsSnapshot.js';
import { REJECTION_REASONS, type RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';

/**
 * What one `streamprop run` did with the records of its source, for its summary: every record
 * read in this run, learned or rejected (by reason), and the prequential error of the learned
 * ones over the whole run, in the target's own units — `rmse` and `mae` over every scored
 * sample (each predicted before it was learned), averaged over the outputs. Allocates nothing
 * per step.
 *
 * @example
 * ```ts
 * import { RunTally } from './runTally.js';
 * const tally = new RunTally();
 * // for each step of the learner: tally.add(step)
 * console.log(tally.records, tally.learned, tally.rmse); // 0 0 undefined
 * ```
 */
export class RunTally {
  /** Records read in this run (every step, and the items no pipeline was built for). */
  records = 0;
  /** Records rejected in this run. */
  rejected = 0;
  private readonly byReason = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as {
    [reason in RejectionReason]: number;
  };
  private scored = 0;
  private sumSq = 0;
  private sumAbs = 0;

  /** Records learned from (read, not rejected) in this run. */
  get learned(): number {
    return this.records - this.rejected;
  }

  /** The prequential root mean squared error of this run, `undefined` before one is scored. */
  get rmse(): number | undefined {
    return this.scored === 0 ? undefined : Math.sqrt(this.sumSq / this.scored);
  }

  /** The prequential mean absolute error of this run, `undefined` before one is scored. */
  get mae(): number | undefined {
    return this.scored === 0 ? undefined : this.sumAbs / this.scored;
  }

  /** The rejections of this run by reason (a new object). */
  rejectedByReason(): RejectionCounts {
    return { ...this.byReason };
  }

  /** Counts one step of the learner. */
  add(step: Step<Sample>): void {
    this.records++;
    const rejection = step.rejection;
    if (rejection !== undefined) {
      this.reject(rejection.reason);
      return;
    }
    const actual = step.actual;
    if (actual === undefined) return;
    const output = step.output;
    const m = output.length;
    let sq = 0;
    let abs = 0;
    for (let j = 0; j < m; j++) {
      const r = actual[j] - output[j];
      sq += r * r;
      abs += r < 0 ? -r : r;
    }
    if (!Number.isFinite(sq)) return; // a NaN prediction (a diverged network) is not scored
    this.scored++;
    this.sumSq += sq / m;
    this.sumAbs += abs / m;
  }

  /**
   * Counts an item that never reached a learner (the source ended before any item showed the
   * shape of the samples): rejected, for the reason the learner would have given.
   */
  addUnshaped(sample: Sample): void {
    this.records++;
    this.reject(reasonWithoutShape(sample));
  }

  private reject(reason: RejectionReason): void {
    this.rejected++;
    this.byReason[reason]++;
  }
}

/** Why `forward` would reject an item that shows no shape (no `x` and `y` of numbers). */
function reasonWithoutShape(sample: Sample): RejectionReason {
  if (sample === null || typeof sample !== 'object') return 'notObject';
  const malformed = sample.malformed;
  if (malformed !== undefined) return malformed?.reason === 'tooLarge' ? 'tooLarge' : 'malformed';
  const x = sample.x as unknown;
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number') {
    return 'notNumber';
  }
  if ((x as ArrayLike<number>).length === 0) return 'length';
  return sample.y === undefined ? 'missingTarget' : 'notNumber';
}
