import { checkInterval, checkOptions, checkPositiveNumber } from '../checks/argumentChecks.js';

/** Options of {@link hedge}. */
export interface HedgeOptions {
  /** The learning rate η of the weights (> 0, default 1). */
  readonly rate?: number;
  /** How much each older loss counts less than the next, in (0, 1) (default 0.995). */
  readonly discount?: number;
}

/**
 * How `ensemble` weighs its candidates: Hedge, exponentially weighted averaging of their recent
 * losses. A value, made by {@link hedge}.
 */
export interface Weighting {
  readonly name: 'hedge';
  /** η. */
  readonly rate: number;
  /** γ. */
  readonly discount: number;
}

/**
 * Hedge (exponentially weighted averaging, Freund & Schapire; Cesa-Bianchi & Lugosi ch. 2): before
 * each sample, candidate i has the weight `w_i ∝ exp(−η L_i)`, where `L_i = Σ_s γ^(t−s) ℓ_i(s)`
 * is its discounted sum of past losses, and the ensemble forecasts `Σ w_i f_i`.
 *
 * **The loss.** `ℓ_i = e_i² / (e_i² + 4 S)`, where `e_i` is the candidate's error and `S` the
 * recent mean squared error of the best candidate (a discounted mean, like `L`): a loss in
 * [0, 1) that does not depend on the units of the series — ¼ … ⅕ for an error of the best
 * candidate's typical size, near 1 for a blunder, 0 for a perfect forecast.
 *
 * **The bound.** For losses in [0, 1] and no discount (γ → 1), Hedge with rate η guarantees
 * that after T samples its expected loss is at most the best candidate's plus `ln N / η + η T /
 * 8` for N candidates, whatever the series (the regret bound; η = √(8 ln N / T) makes it
 * `√(T ln N / 2)`, so the mean regret per sample falls as 1/√T). With the discount γ the same
 * holds over every stretch of about `1/(1 − γ)` samples (200 with the default 0.995), so the
 * weights follow the candidate that is best *now* on a stream whose best changes — the young
 * network that overtakes the naive forecasts, the naive forecast after a break. Since the
 * squared error is convex, the weighted mean forecast is never worse than that expectation.
 * Default η = 1: larger than the worst-case optimum, because the weights must settle within a
 * few hundred samples (by measurement, `npm run bench:quality`).
 *
 * @throws RangeError or TypeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { ensemble, hedge, lastValue, runningMean } from 'streamprop';
 * const op = ensemble({ last: lastValue(), mean: runningMean() }, { weighting: hedge({ rate: 2, discount: 0.99 }) });
 * ```
 */
export function hedge(options: HedgeOptions = {}): Weighting {
  const o = checkOptions('hedge', options);
  const rate = checkPositiveNumber('hedge', 'rate', o.rate ?? 1);
  const discount = checkInterval('hedge', 'discount', o.discount ?? 0.995, {
    min: 0,
    max: 1,
    minOpen: true,
    maxOpen: true,
  });
  return Object.freeze({ name: 'hedge', rate, discount });
}
