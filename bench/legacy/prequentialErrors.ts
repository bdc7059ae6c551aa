// The hand-unrolled accumulator that MetricsTracker counted with before the metric values (as it
// was, its state and restore left out): the reference that test/tracking/oldVsNew.test.ts
// compares the figures users see against, and that bench/rollingMetrics.ts times the metric
// values against, in the same run. Not part of the library.
import type { ErrorMetrics } from '../../src/metrics/metricsSnapshot.js';
import { noErrorMetrics } from '../../src/tracking/errorFigures.js';

/** Probabilities are clipped to [P_MIN, 1 − P_MIN] before a logarithm. */
const P_MIN = 1e-15;
/** How far from 1 a target (or a softmax output) may sum and still count as a distribution. */
const TARGET_SUM_TOLERANCE = 1e-9;
const OUTPUT_SUM_TOLERANCE = 1e-6;
/** A target spread below this share of its second moment counts as no spread at all. */
const RELATIVE_SPREAD_FLOOR = 1e-12;

/**
 * The accumulator that was behind `rollingMetrics`: the {@link ErrorMetrics} of a stream of
 * (output, actual) pairs over a sliding window, as an EWMA and since the start. Pure, no RxJS.
 * Every buffer is allocated in the constructor; {@link PrequentialErrors.add} allocates
 * nothing. The window keeps running sums (added and taken out as samples come and go) and
 * recomputes them from its ring each time the ring wraps, so rounding never builds up; the
 * targets are summed shifted by the first target seen, so a large offset costs no precision.
 */
export class PrequentialErrors {
  readonly outputs: number;
  readonly window: number;
  readonly alpha: number;
  /** Whether accuracy / log-loss still apply (cleared for good by the first sample that breaks the rule). */
  private classification = true;
  private probabilities = true;

  // The window: a ring of `window` samples, `head` the next slot, `size` the samples held.
  private head = 0;
  private size = 0;
  private readonly ringSq: Float64Array;
  private readonly ringAbs: Float64Array;
  private readonly ringCorrect: Float64Array;
  private readonly ringLogLoss: Float64Array;
  /** Per (sample, output): r² and the target minus `shift`. */
  private readonly ringResidual2: Float64Array;
  private readonly ringTarget: Float64Array;
  private sumSq = 0;
  private sumAbs = 0;
  private sumCorrect = 0;
  private sumLogLoss = 0;
  private readonly sumResidual2: Float64Array;
  private readonly sumTarget: Float64Array;
  private readonly sumTarget2: Float64Array;
  private readonly shift: Float64Array;

  // The EWMA.
  private ewSq = 0;
  private ewAbs = 0;
  private ewCorrect = 0;
  private ewLogLoss = 0;
  private readonly ewResidual2: Float64Array;
  private readonly ewMean: Float64Array;
  private readonly ewVariance: Float64Array;

  // Since the start (Welford's mean and sum of squared deviations for the targets).
  private count = 0;
  private totalSq = 0;
  private totalAbs = 0;
  private totalCorrect = 0;
  private totalLogLoss = 0;
  private readonly totalResidual2: Float64Array;
  private readonly totalMean: Float64Array;
  private readonly totalM2: Float64Array;

  /**
   * @param outputs - values per sample (the network's outputs), ≥ 1.
   * @param window - samples in the sliding window, ≥ 1.
   * @param alpha - the EWMA weight of the newest sample, in (0, 1].
   */
  constructor(outputs: number, window: number, alpha: number) {
    this.outputs = outputs;
    this.window = window;
    this.alpha = alpha;
    this.ringSq = new Float64Array(window);
    this.ringAbs = new Float64Array(window);
    this.ringCorrect = new Float64Array(window);
    this.ringLogLoss = new Float64Array(window);
    this.ringResidual2 = new Float64Array(window * outputs);
    this.ringTarget = new Float64Array(window * outputs);
    this.sumResidual2 = new Float64Array(outputs);
    this.sumTarget = new Float64Array(outputs);
    this.sumTarget2 = new Float64Array(outputs);
    this.shift = new Float64Array(outputs);
    this.ewResidual2 = new Float64Array(outputs);
    this.ewMean = new Float64Array(outputs);
    this.ewVariance = new Float64Array(outputs);
    this.totalResidual2 = new Float64Array(outputs);
    this.totalMean = new Float64Array(outputs);
    this.totalM2 = new Float64Array(outputs);
  }

  /** Scored samples since the start. */
  get scored(): number {
    return this.count;
  }

  /** Counts a pair (unless it has a residual that is not finite); whether it was counted. */
  add(output: Float64Array, actual: Float64Array): boolean {
    const m = this.outputs;
    let sq = 0;
    let abs = 0;
    for (let j = 0; j < m; j++) {
      const r = actual[j] - output[j];
      if (!Number.isFinite(r)) return false;
      sq += r * r;
      abs += r < 0 ? -r : r;
    }
    sq /= m;
    abs /= m;
    const correct = this.classification ? this.correct(output, actual) : 0;
    const logLoss = this.probabilities ? this.logLoss(output, actual) : 0;
    if (this.count === 0) {
      for (let j = 0; j < m; j++) this.shift[j] = actual[j];
    }
    this.addToWindow(output, actual, sq, abs, correct, logLoss);
    this.addToEwma(output, actual, sq, abs, correct, logLoss);
    this.addToTotal(output, actual, sq, abs, correct, logLoss);
    return true;
  }

  /** The figures over the last `window` scored samples. */
  windowMetrics(): ErrorMetrics {
    const n = this.size;
    if (n === 0) return noErrorMetrics();
    const r2 = n >= 2 ? this.windowR2(n) : undefined;
    return this.figures(
      n,
      this.sumSq / n,
      this.sumAbs / n,
      r2,
      this.sumCorrect / n,
      this.sumLogLoss / n,
    );
  }

  /** The figures as exponentially weighted moving averages (seeded with the first sample). */
  ewmaMetrics(): ErrorMetrics {
    const n = this.count;
    if (n === 0) return noErrorMetrics();
    let sum = 0;
    for (let j = 0; j < this.outputs; j++) {
      const v = this.ewVariance[j];
      if (!(v > 0)) {
        sum = Number.NaN;
        break;
      }
      sum += 1 - this.ewResidual2[j] / v;
    }
    const r2 = Number.isNaN(sum) ? undefined : sum / this.outputs;
    return this.figures(n, this.ewSq, this.ewAbs, r2, this.ewCorrect, this.ewLogLoss);
  }

  /** The figures over every scored sample since the start. */
  totalMetrics(): ErrorMetrics {
    const n = this.count;
    if (n === 0) return noErrorMetrics();
    let sum = 0;
    for (let j = 0; j < this.outputs; j++) {
      const ssTot = this.totalM2[j];
      if (n < 2 || !(ssTot > 0)) {
        sum = Number.NaN;
        break;
      }
      sum += 1 - this.totalResidual2[j] / ssTot;
    }
    const r2 = Number.isNaN(sum) ? undefined : sum / this.outputs;
    return this.figures(
      n,
      this.totalSq / n,
      this.totalAbs / n,
      r2,
      this.totalCorrect / n,
      this.totalLogLoss / n,
    );
  }

  /** R² of the window's `n` samples, averaged over the outputs; undefined if a target is flat. */
  private windowR2(n: number): number | undefined {
    let sum = 0;
    for (let j = 0; j < this.outputs; j++) {
      const s = this.sumTarget[j];
      const s2 = this.sumTarget2[j];
      const ssTot = s2 - (s * s) / n;
      if (!(ssTot > RELATIVE_SPREAD_FLOOR * s2)) return undefined;
      sum += 1 - nonNegative(this.sumResidual2[j]) / ssTot;
    }
    return sum / this.outputs;
  }

  /** A new figures object from the means over `count` samples. */
  private figures(
    count: number,
    mse: number,
    mae: number,
    r2: number | undefined,
    accuracy: number,
    logLoss: number,
  ): ErrorMetrics {
    const squared = nonNegative(mse);
    return {
      count,
      mse: squared,
      rmse: Math.sqrt(squared),
      mae: nonNegative(mae),
      r2,
      accuracy: this.classification ? clamp01(accuracy) : undefined,
      logLoss: this.probabilities ? nonNegative(logLoss) : undefined,
    };
  }

  /** 1 or 0 when the target is a class (0/1, or one-hot), clearing `classification` otherwise. */
  private correct(output: Float64Array, actual: Float64Array): number {
    const m = this.outputs;
    if (m === 1) {
      const t = actual[0];
      if (t !== 0 && t !== 1) {
        this.classification = false;
        return 0;
      }
      return (output[0] >= 0.5 ? 1 : 0) === t ? 1 : 0;
    }
    let hot = -1;
    let best = 0;
    for (let j = 0; j < m; j++) {
      const t = actual[j];
      if (t === 1 && hot === -1) hot = j;
      else if (t !== 0) {
        this.classification = false;
        return 0;
      }
      if (output[j] > output[best]) best = j;
    }
    if (hot === -1) {
      this.classification = false;
      return 0;
    }
    return best === hot ? 1 : 0;
  }

  /** The cross entropy of a probability pair, clearing `probabilities` for any other pair. */
  private logLoss(output: Float64Array, actual: Float64Array): number {
    const m = this.outputs;
    if (m === 1) {
      const t = actual[0];
      const y = output[0];
      if (!(t >= 0 && t <= 1 && y >= 0 && y <= 1)) {
        this.probabilities = false;
        return 0;
      }
      const p = clipProbability(y);
      return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    }
    let targetSum = 0;
    let outputSum = 0;
    let loss = 0;
    for (let j = 0; j < m; j++) {
      const t = actual[j];
      const y = output[j];
      if (!(t >= 0 && y >= 0 && y <= 1)) {
        this.probabilities = false;
        return 0;
      }
      targetSum += t;
      outputSum += y;
      if (t !== 0) loss -= t * Math.log(clipProbability(y));
    }
    if (
      Math.abs(targetSum - 1) > TARGET_SUM_TOLERANCE ||
      Math.abs(outputSum - 1) > OUTPUT_SUM_TOLERANCE
    ) {
      this.probabilities = false;
      return 0;
    }
    return loss;
  }

  private addToWindow(
    output: Float64Array,
    actual: Float64Array,
    sq: number,
    abs: number,
    correct: number,
    logLoss: number,
  ): void {
    const m = this.outputs;
    const h = this.head;
    const at = h * m;
    if (this.size === this.window) {
      this.sumSq -= this.ringSq[h];
      this.sumAbs -= this.ringAbs[h];
      this.sumCorrect -= this.ringCorrect[h];
      this.sumLogLoss -= this.ringLogLoss[h];
      for (let j = 0; j < m; j++) {
        const y = this.ringTarget[at + j];
        this.sumResidual2[j] -= this.ringResidual2[at + j];
        this.sumTarget[j] -= y;
        this.sumTarget2[j] -= y * y;
      }
    } else {
      this.size++;
    }
    this.ringSq[h] = sq;
    this.ringAbs[h] = abs;
    this.ringCorrect[h] = correct;
    this.ringLogLoss[h] = logLoss;
    this.sumSq += sq;
    this.sumAbs += abs;
    this.sumCorrect += correct;
    this.sumLogLoss += logLoss;
    for (let j = 0; j < m; j++) {
      const r = actual[j] - output[j];
      const y = actual[j] - this.shift[j];
      this.ringResidual2[at + j] = r * r;
      this.ringTarget[at + j] = y;
      this.sumResidual2[j] += r * r;
      this.sumTarget[j] += y;
      this.sumTarget2[j] += y * y;
    }
    this.head = h + 1 === this.window ? 0 : h + 1;
    if (this.head === 0) this.resum();
  }

  /** Recomputes the window's sums from its ring (a full ring: it has just wrapped). */
  private resum(): void {
    const m = this.outputs;
    let sq = 0;
    let abs = 0;
    let correct = 0;
    let logLoss = 0;
    for (let i = 0; i < this.size; i++) {
      sq += this.ringSq[i];
      abs += this.ringAbs[i];
      correct += this.ringCorrect[i];
      logLoss += this.ringLogLoss[i];
    }
    this.sumSq = sq;
    this.sumAbs = abs;
    this.sumCorrect = correct;
    this.sumLogLoss = logLoss;
    this.sumResidual2.fill(0);
    this.sumTarget.fill(0);
    this.sumTarget2.fill(0);
    for (let i = 0; i < this.size; i++) {
      for (let j = 0; j < m; j++) {
        const y = this.ringTarget[i * m + j];
        this.sumResidual2[j] += this.ringResidual2[i * m + j];
        this.sumTarget[j] += y;
        this.sumTarget2[j] += y * y;
      }
    }
  }

  private addToEwma(
    output: Float64Array,
    actual: Float64Array,
    sq: number,
    abs: number,
    correct: number,
    logLoss: number,
  ): void {
    const m = this.outputs;
    if (this.count === 0) {
      this.ewSq = sq;
      this.ewAbs = abs;
      this.ewCorrect = correct;
      this.ewLogLoss = logLoss;
      for (let j = 0; j < m; j++) {
        const r = actual[j] - output[j];
        this.ewResidual2[j] = r * r;
        this.ewMean[j] = actual[j];
        this.ewVariance[j] = 0;
      }
      return;
    }
    const a = this.alpha;
    this.ewSq += a * (sq - this.ewSq);
    this.ewAbs += a * (abs - this.ewAbs);
    this.ewCorrect += a * (correct - this.ewCorrect);
    this.ewLogLoss += a * (logLoss - this.ewLogLoss);
    for (let j = 0; j < m; j++) {
      const r = actual[j] - output[j];
      this.ewResidual2[j] += a * (r * r - this.ewResidual2[j]);
      // The exponentially weighted variance: d from the old mean, v ← (1 − α)(v + α d²).
      const d = actual[j] - this.ewMean[j];
      this.ewMean[j] += a * d;
      this.ewVariance[j] = (1 - a) * (this.ewVariance[j] + a * d * d);
    }
  }

  private addToTotal(
    output: Float64Array,
    actual: Float64Array,
    sq: number,
    abs: number,
    correct: number,
    logLoss: number,
  ): void {
    const n = ++this.count;
    this.totalSq += sq;
    this.totalAbs += abs;
    this.totalCorrect += correct;
    this.totalLogLoss += logLoss;
    for (let j = 0; j < this.outputs; j++) {
      const r = actual[j] - output[j];
      this.totalResidual2[j] += r * r;
      const d = actual[j] - this.totalMean[j];
      this.totalMean[j] += d / n;
      this.totalM2[j] += d * (actual[j] - this.totalMean[j]);
    }
  }
}

/** Running sums can come out a rounding error below 0; such a figure is 0. */
function nonNegative(value: number): number {
  return value < 0 ? 0 : value;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

function clipProbability(p: number): number {
  return p < P_MIN ? P_MIN : p > 1 - P_MIN ? 1 - P_MIN : p;
}
