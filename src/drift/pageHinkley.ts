import { z } from 'zod';
import {
  checkBoundedNumber,
  checkInterval,
  checkNonNegativeNumber,
  checkOptions,
  checkPositiveInteger,
  checkPositiveNumber,
} from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';
import {
  type DriftDetector,
  type DriftDetectorState,
  detectorStateSchema,
} from './driftDetector.js';

/** Options of {@link pageHinkley}; every one has a default. */
export interface PageHinkleyOptions {
  /**
   * δ, the tolerated increase of the mean, in the units of the values (default 0.02): each
   * value counts towards a change by how much it exceeds the running mean plus δ.
   */
  readonly delta?: number;
  /**
   * λ, the alarm threshold, in the units of the values (default 10): a change is signalled
   * when the cumulative excess `m` has risen more than λ above its lowest point.
   */
  readonly threshold?: number;
  /**
   * α, the fading factor of the cumulative excess, in (0, 1] (default 0.9999): 1 is the
   * classic test; below 1 old evidence fades, with a memory of about 1 / (1 − α) values.
   */
  readonly alpha?: number;
  /** No change is signalled before this many values since the test (re)started (default 30). */
  readonly minSamples?: number;
}

/** The Page-Hinkley detector that {@link pageHinkley} returns. */
export interface PageHinkley extends DriftDetector {
  /**
   * How many values the current estimate rests on: the values since the test last started over.
   */
  readonly width: number;
  /** The estimated mean of the stream over those {@link PageHinkley.width} values (0 when empty). */
  readonly mean: number;
  /** Forgets every value seen; the settings stay. */
  reset(): void;
  /** The test statistic PH = m − M after the last value (0 when the test has just started). */
  readonly statistic: number;
  clone(): PageHinkley;
}

/** The schemas of this kind's states, by settings: made once (see `SchemaCache`). */
const STATE_SCHEMAS = new SchemaCache<z.ZodType>();

class PageHinkleyDetector implements PageHinkley {
  readonly name = 'pageHinkley';
  private readonly delta: number;
  private readonly threshold: number;
  private readonly alpha: number;
  private readonly minSamples: number;
  private n = 0;
  private average = 0;
  private ph = 0;

  constructor(delta: number, threshold: number, alpha: number, minSamples: number) {
    this.delta = delta;
    this.threshold = threshold;
    this.alpha = alpha;
    this.minSamples = minSamples;
  }

  get width(): number {
    return this.n;
  }

  get mean(): number {
    return this.average;
  }

  get statistic(): number {
    return this.ph;
  }

  update(value: number): boolean {
    checkBoundedNumber(this.name, 'value', value);
    this.n++;
    this.average += (value - this.average) / this.n;
    const ph = this.alpha * this.ph + (value - this.average - this.delta);
    this.ph = ph > 0 ? ph : 0;
    if (this.n >= this.minSamples && this.ph > this.threshold) {
      this.reset();
      return true;
    }
    return false;
  }

  reset(): void {
    this.n = 0;
    this.average = 0;
    this.ph = 0;
  }

  clone(): PageHinkley {
    const copy = new PageHinkleyDetector(this.delta, this.threshold, this.alpha, this.minSamples);
    copy.n = this.n;
    copy.average = this.average;
    copy.ph = this.ph;
    return copy;
  }

  private settings(): Record<string, number> {
    return {
      delta: this.delta,
      threshold: this.threshold,
      alpha: this.alpha,
      minSamples: this.minSamples,
    };
  }

  state(): DriftDetectorState {
    return {
      name: this.name,
      settings: this.settings(),
      values: { count: this.n, mean: this.average, statistic: this.ph },
    };
  }

  /** @internal The schema of this detector's saved state (see `detectorStateSchema`). */
  stateSchema() {
    return STATE_SCHEMAS.get(JSON.stringify(this.settings()), () =>
      this.makeStateSchema(),
    ) as ReturnType<PageHinkleyDetector['makeStateSchema']>;
  }

  private makeStateSchema() {
    return detectorStateSchema(this.name, this.settings(), {
      count: z.number().int().nonnegative(),
      mean: z.number(),
      statistic: z.number().nonnegative(),
    });
  }

  restore(state: DriftDetectorState): void {
    this.load(parseDocument(`${this.name}.restore`, this.stateSchema(), state));
  }

  /** @internal Restores a state already read with {@link stateSchema}. */
  load({ values }: z.output<ReturnType<PageHinkleyDetector['makeStateSchema']>>): void {
    this.n = values.count;
    this.average = values.mean;
    this.ph = values.statistic;
  }
}

/**
 * The Page-Hinkley test (Page 1954; Hinkley 1971) for an increase of the mean — in streamprop,
 * of the prequential loss. With the values x₁, x₂, … since the test started:
 *
 * ```text
 * n  ← n + 1
 * x̄  ← x̄ + (x − x̄) / n           the running mean
 * m  ← α·m + (x − x̄ − δ)          the cumulative excess over mean + δ     (m₀ = 0)
 * M  ← min(α·M, m)                 its (faded) lowest point                (M₀ = 0)
 * PH = m − M
 * ```
 *
 * and a change is signalled when `n ≥ minSamples` and `PH > λ`; then the test starts over
 * (n, x̄ and PH back to 0). Subtracting the two middle lines gives the form that is computed,
 * one number that stays small instead of two that sink without bound (with α = 1):
 *
 * ```text
 * PH ← max(0, α·PH + x − x̄ − δ)     (PH₀ = 0)
 * ```
 *
 * With α = 1 it is the classic test. The minimum fades with m: were it not faded, m would
 * relax towards its fixed point after the high losses of the first samples, far above the
 * unfaded minimum, and raise an alarm with no change. While the mean holds, x − x̄ − δ is
 * negative on average and PH stays near 0; after an increase of the mean by Δ > δ, PH grows by
 * about Δ − δ per value, so the change is found after about λ / (Δ − δ) values. Decreases are
 * never signalled.
 *
 * δ and λ are in the units of the values, and the test is scale-free in this sense: values
 * multiplied by c, with δ and λ multiplied by c, raise the same alarms. The defaults suit the
 * `mse()` loss stream of a model that has learnt its task reasonably on targets of unit scale
 * (such as targets scaled by `normalize`): a mean loss up to about 0.15. On a seeded
 * sine-forecasting stream with such losses they raised no alarm in 100,000 samples and found a
 * sign flip of the target within 2 to 6 samples. Small increases of the loss that online
 * learning absorbs by itself within a few tens of samples go unsignalled, by design. For
 * losses on another scale, multiply δ and λ by the same factor.
 *
 * @throws RangeError at once for an option out of range (delta a finite number ≥ 0, threshold
 * a finite number > 0, alpha in (0, 1], minSamples a positive integer).
 *
 * @example
 * ```ts
 * import { pageHinkley } from 'streamprop';
 * const detector = pageHinkley({ delta: 0.005, threshold: 1 });
 * for (let i = 0; i < 300; i++) {
 *   const loss = i < 200 ? 0.01 : 0.2; // the mean loss jumps at i = 200
 *   if (detector.update(loss)) console.log(`change detected at ${i}`); // at 205
 * }
 * ```
 */
export function pageHinkley(options: PageHinkleyOptions = {}): PageHinkley {
  const o = checkOptions<PageHinkleyOptions>('pageHinkley', options);
  const delta = checkNonNegativeNumber('pageHinkley', 'delta', o.delta ?? 0.02);
  const threshold = checkPositiveNumber('pageHinkley', 'threshold', o.threshold ?? 10);
  const alpha = checkInterval('pageHinkley', 'alpha', o.alpha ?? 0.9999, {
    min: 0,
    max: 1,
    minOpen: true,
  });
  const minSamples = checkPositiveInteger('pageHinkley', 'minSamples', o.minSamples ?? 30);
  return new PageHinkleyDetector(delta, threshold, alpha, minSamples);
}
