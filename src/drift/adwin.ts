import type { z } from 'zod';
import {
  checkBoolean,
  checkBoundedNumber,
  checkInterval,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';
import { adwinStateSchema } from './adwinState.js';
import type { DriftDetector, DriftDetectorState } from './driftDetector.js';

/** Options of {@link adwin}; every one has a default. */
export interface AdwinOptions {
  /**
   * δ, the confidence parameter in (0, 1) (default 0.002): the bound is chosen so that, at
   * each value, a window whose mean did not change is cut with probability at most δ (the
   * bound is conservative: in practice far less often). Smaller: fewer false alarms, later
   * detections.
   */
  readonly delta?: number;
  /**
   * M, how many buckets of each size the window keeps (default 5, an integer ≥ 2): the window
   * of width W is held in at most M·(log₂ W + 1) buckets, and only the borders between buckets
   * are tried as cut points. Larger: finer cuts, more memory and work per value.
   */
  readonly maxBuckets?: number;
  /**
   * Both parts of a cut hold at least this many values (default 5, a positive integer), so
   * that a lone outlier cannot cut the window.
   */
  readonly minSubWindow?: number;
  /**
   * Whether {@link DriftDetector.update} also reports decreases of the mean (default false:
   * only increases, which is what a drift of an error stream looks like). The window is cut
   * on a change either way, so its mean always follows the stream.
   */
  readonly twoSided?: boolean;
}

/** The ADWIN detector that {@link adwin} returns. */
export interface Adwin extends DriftDetector {
  /**
   * How many values the current estimate rests on: the width of the window.
   */
  readonly width: number;
  /** The estimated mean of the stream over those {@link Adwin.width} values (0 when empty). */
  readonly mean: number;
  /** Forgets every value seen; the settings stay. */
  reset(): void;
  /** The variance of the values in the window (divided by the width; 0 when empty). */
  readonly variance: number;
  /** How many buckets hold the window: at most `maxBuckets`·(log₂ width + 1). */
  readonly buckets: number;
  clone(): Adwin;
}

/** Levels of bucket sizes 2⁰ … 2⁵⁹: more than any stream can fill. */
const LEVELS = 60;

/** The schemas of this kind's states, by settings: made once (see `SchemaCache`). */
const STATE_SCHEMAS = new SchemaCache<z.ZodType>();

class AdwinDetector implements Adwin {
  readonly name = 'adwin';
  private readonly delta: number;
  private readonly maxBuckets: number;
  private readonly minSubWindow: number;
  private readonly twoSided: boolean;
  /**
   * The sums of the buckets, `slots` per level: level i holds buckets of 2^i values, oldest
   * first, at `i·slots + 0 … i·slots + counts[i] − 1`.
   */
  private readonly sums: Float64Array;
  /** The sum of squared deviations from the bucket's own mean, per bucket, like `sums`. */
  private readonly m2s: Float64Array;
  private readonly counts = new Int32Array(LEVELS);
  /** The slots of a level: M + 1, as a level briefly holds one bucket too many. */
  private readonly slots: number;
  /** How many levels are in use (the highest non-empty level + 1). */
  private levels = 0;
  private total = 0;
  private sum = 0;
  private m2 = 0;
  private bucketCount = 0;
  /** How many of the oldest values in the window were there right after the last cut. */
  private keptAtCut = 0;

  constructor(delta: number, maxBuckets: number, minSubWindow: number, twoSided: boolean) {
    this.delta = delta;
    this.maxBuckets = maxBuckets;
    this.minSubWindow = minSubWindow;
    this.twoSided = twoSided;
    this.slots = maxBuckets + 1;
    this.sums = new Float64Array(LEVELS * this.slots);
    this.m2s = new Float64Array(LEVELS * this.slots);
  }

  get width(): number {
    return this.total;
  }

  get mean(): number {
    return this.total > 0 ? this.sum / this.total : 0;
  }

  get variance(): number {
    return this.total > 0 ? this.m2 / this.total : 0;
  }

  get buckets(): number {
    return this.bucketCount;
  }

  update(value: number): boolean {
    checkBoundedNumber(this.name, 'value', value);
    this.push(0, value, 0);
    for (let i = 0; this.counts[i] > this.maxBuckets; i++) this.mergeOldest(i);
    // Welford's update of the window's totals (merges leave them as they are)
    const before = this.total > 0 ? this.sum / this.total : 0;
    this.total++;
    this.sum += value;
    this.m2 += (value - before) * (value - this.sum / this.total);
    let droppedCount = 0;
    let droppedSum = 0;
    for (let cut = this.findCut(); cut > 0; cut = this.findCut()) {
      // Drop the older part W₀ of the cut, bucket by bucket, and look again.
      for (let dropped = 0; dropped < cut; ) {
        const level = this.levels - 1;
        dropped += 2 ** level;
        droppedSum += this.popOldest(level);
      }
      droppedCount += cut;
      this.summarise();
    }
    if (droppedCount === 0) return false;
    // A cut within the values kept at the previous cut drops what was left of the old regime
    // in a bucket that straddled that change: it completes that change, it is not a new one.
    const remnant = droppedCount <= this.keptAtCut;
    this.keptAtCut = this.total;
    if (remnant) return false;
    // An increase when what is kept has a higher mean than what was dropped.
    return this.twoSided || this.mean > droppedSum / droppedCount;
  }

  /** Appends a bucket as the newest of `level`. */
  private push(level: number, sum: number, m2: number): void {
    const at = level * this.slots + this.counts[level];
    this.sums[at] = sum;
    this.m2s[at] = m2;
    this.counts[level]++;
    this.bucketCount++;
    if (level >= this.levels) this.levels = level + 1;
  }

  /** Removes the oldest `k` buckets of `level`, moving the others down. */
  private shift(level: number, k: number): void {
    const base = level * this.slots;
    const count = this.counts[level];
    this.sums.copyWithin(base, base + k, base + count);
    this.m2s.copyWithin(base, base + k, base + count);
    this.counts[level] = count - k;
    this.bucketCount -= k;
  }

  /** Removes the oldest bucket of `level`; returns its sum. */
  private popOldest(level: number): number {
    const sum = this.sums[level * this.slots];
    this.shift(level, 1);
    while (this.levels > 0 && this.counts[this.levels - 1] === 0) this.levels--;
    return sum;
  }

  /**
   * Merges the two oldest buckets of `level` (2^level values each) into the newest bucket of
   * the next level, combining their squared deviations as Chan et al. do:
   * M2 = M2a + M2b + (μa − μb)²·na·nb / (na + nb), here with na = nb = 2^level.
   */
  private mergeOldest(level: number): void {
    const a = level * this.slots;
    const size = 2 ** level;
    const d = (this.sums[a] - this.sums[a + 1]) / size;
    const sum = this.sums[a] + this.sums[a + 1];
    const m2 = this.m2s[a] + this.m2s[a + 1] + (d * d * size) / 2;
    this.shift(level, 2);
    this.push(level + 1, sum, m2);
  }

  /** Recomputes the width, sum and squared deviations of the whole window from its buckets. */
  private summarise(): void {
    let n = 0;
    let sum = 0;
    let m2 = 0;
    let buckets = 0;
    for (let level = 0; level < this.levels; level++) {
      const size = 2 ** level;
      const base = level * this.slots;
      for (let at = base; at < base + this.counts[level]; at++) {
        const s = this.sums[at];
        if (n > 0) {
          const d = s / size - sum / n;
          m2 += (d * d * n * size) / (n + size);
        }
        m2 += this.m2s[at];
        sum += s;
        n += size;
        buckets++;
      }
    }
    this.total = n;
    this.sum = sum;
    this.m2 = m2;
    this.bucketCount = buckets;
  }

  /**
   * Tries every border between buckets, oldest first, as a cut of the window W into an older
   * part W₀ (n₀ values, mean μ₀) and a newer part W₁ (n₁, μ₁); returns n₀ of the first with
   * |μ₀ − μ₁| ≥ ε_cut, or 0 when there is none, where, as in Bifet & Gavaldà (2007), section 3:
   *
   *   m = 1 / (1/n₀ + 1/n₁),  δ' = δ / n,
   *   ε_cut = √((2/m)·σ²_W·ln(2/δ')) + (2 / (3m))·ln(2/δ')
   *
   * with n the width of W and σ²_W its variance.
   */
  private findCut(): number {
    const n = this.total;
    const min = this.minSubWindow;
    if (n < 2 * min) return 0;
    const log = Math.log((2 * n) / this.delta);
    // ε_cut = √(a/m) + b/m with 1/m = n / (n₀·n₁)
    const an = 2 * this.m2 * log;
    const bn = (2 / 3) * log * n;
    const total = this.sum;
    let n0 = 0;
    let s0 = 0;
    for (let level = this.levels - 1; level >= 0; level--) {
      const size = 2 ** level;
      const base = level * this.slots;
      for (let at = base; at < base + this.counts[level]; at++) {
        n0 += size;
        s0 += this.sums[at];
        const n1 = n - n0;
        if (n1 < min) return 0;
        if (n0 < min) continue;
        // |μ₀ − μ₁| ≥ √(a/m) + b/m, multiplied through by n₀·n₁ (no division in the loop)
        const gap = Math.abs(s0 * n1 - (total - s0) * n0) - bn;
        if (gap >= 0 && gap * gap >= an * n0 * n1) return n0;
      }
    }
    return 0;
  }

  reset(): void {
    this.keptAtCut = 0;
    this.counts.fill(0);
    this.levels = 0;
    this.summarise();
  }

  clone(): Adwin {
    const copy = new AdwinDetector(this.delta, this.maxBuckets, this.minSubWindow, this.twoSided);
    copy.sums.set(this.sums);
    copy.m2s.set(this.m2s);
    copy.counts.set(this.counts);
    copy.levels = this.levels;
    copy.keptAtCut = this.keptAtCut;
    copy.total = this.total;
    copy.sum = this.sum;
    copy.m2 = this.m2;
    copy.bucketCount = this.bucketCount;
    return copy;
  }

  private settings(): Record<string, number | boolean> {
    return {
      delta: this.delta,
      maxBuckets: this.maxBuckets,
      minSubWindow: this.minSubWindow,
      twoSided: this.twoSided,
    };
  }

  state(): DriftDetectorState {
    const levels: number[] = [];
    const sums: number[] = [];
    const m2s: number[] = [];
    for (let level = 0; level < this.levels; level++) {
      levels.push(this.counts[level]);
      for (let k = 0; k < this.counts[level]; k++) {
        const at = level * this.slots + k;
        sums.push(this.sums[at]);
        m2s.push(this.m2s[at]);
      }
    }
    return {
      name: this.name,
      settings: this.settings(),
      values: { levels, sums, m2s, sum: this.sum, m2: this.m2, keptAtCut: this.keptAtCut },
    };
  }

  /** @internal The schema of this detector's saved state (see `adwinStateSchema`). */
  stateSchema() {
    return STATE_SCHEMAS.get(JSON.stringify(this.settings()), () =>
      this.makeStateSchema(),
    ) as ReturnType<AdwinDetector['makeStateSchema']>;
  }

  private makeStateSchema() {
    return adwinStateSchema(this.settings(), this.maxBuckets, LEVELS);
  }

  restore(state: DriftDetectorState): void {
    this.load(parseDocument(`${this.name}.restore`, this.stateSchema(), state));
  }

  /** @internal Restores a state already read with {@link stateSchema}. */
  load({ values }: z.output<ReturnType<AdwinDetector['makeStateSchema']>>): void {
    const { levels, sums, m2s, sum, m2, keptAtCut } = values;
    this.counts.fill(0);
    this.levels = 0;
    let k = 0;
    levels.forEach((c, level) => {
      for (let j = 0; j < c; j++, k++) this.push(level, sums[k], m2s[k]);
    });
    while (this.levels > 0 && this.counts[this.levels - 1] === 0) this.levels--;
    this.summarise();
    // the totals as they were kept, not as summed again, so that it continues bit for bit
    this.sum = sum;
    this.m2 = m2;
    this.keptAtCut = keptAtCut;
  }
}

/**
 * ADWIN, adaptive windowing (Bifet & Gavaldà, "Learning from time-changing data with adaptive
 * windowing", SDM 2007): keeps a window of the most recent values that is as long as the mean
 * has not changed within it, and signals a change when it has to cut the window.
 *
 * The window is compressed as an exponential histogram (the paper's ADWIN2): buckets of 1, 2,
 * 4, … values, each holding its values' sum and squared deviations, at most `maxBuckets` of
 * each size; when one more arrives, the two oldest of that size merge into one of the next.
 * So the window of width W takes O(log W) buckets and each value O(log W) work, and nothing
 * is allocated per value. After each value, every border between buckets is tried as a cut
 * into an older and a newer part; when their means differ by at least
 *
 * ```text
 * ε_cut = √((2/m)·σ²_W·ln(2/δ')) + (2/(3m))·ln(2/δ'),   m = 1/(1/n₀ + 1/n₁),   δ' = δ/n
 * ```
 *
 * (the paper's variance-based form of its Hoeffding-style bound; n₀, n₁ the parts' widths,
 * n = n₀ + n₁, σ²_W the window's variance), the older part is dropped, and the rest is tried
 * again until no cut is found. A change is signalled when something was dropped, beyond what
 * was left in the window after the previous cut, and (unless `twoSided`) the mean of what
 * remains is higher than the mean of what was dropped. (A bucket can straddle a change; the
 * old values it holds are dropped by a later cut, which completes the change already signalled
 * rather than signalling a new one.)
 *
 * Unlike Page-Hinkley, ADWIN needs no threshold in the units of the values: its bound scales
 * with their spread. The constant term assumes values of about unit range, which makes it
 * cautious (slower to detect) on losses much smaller than 1 and less so on losses much larger.
 *
 * @throws RangeError at once for an option out of range (delta in (0, 1), maxBuckets an
 * integer ≥ 2, minSubWindow a positive integer); TypeError for a non-boolean twoSided.
 *
 * @example
 * ```ts
 * import { adwin } from 'streamprop';
 * const detector = adwin({ delta: 0.002 });
 * for (let i = 0; i < 2000; i++) {
 *   const loss = i < 1000 ? 0.01 * (1 + Math.sin(i)) : 0.5 * (1 + Math.sin(i)); // jumps at 1000
 *   if (detector.update(loss)) console.log(`change at ${i}; window now ${detector.width} wide`);
 *   // change at 1024; window now 29 wide
 * }
 * ```
 */
export function adwin(options: AdwinOptions = {}): Adwin {
  const o = checkOptions<AdwinOptions>('adwin', options);
  const delta = checkInterval('adwin', 'delta', o.delta ?? 0.002, {
    min: 0,
    max: 1,
    minOpen: true,
    maxOpen: true,
  });
  const maxBuckets = checkInterval('adwin', 'maxBuckets', o.maxBuckets ?? 5, {
    min: 2,
    max: Number.POSITIVE_INFINITY,
    integer: true,
  });
  const minSubWindow = checkPositiveInteger('adwin', 'minSubWindow', o.minSubWindow ?? 5);
  const twoSided = checkBoolean('adwin', 'twoSided', o.twoSided ?? false);
  return new AdwinDetector(delta, maxBuckets, minSubWindow, twoSided);
}
