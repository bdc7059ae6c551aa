/**
 * @internal Recursive least squares with an intercept: after each `learn`, the weights are the
 * least-squares fit of every (x, y) learned so far, weighted by `forgetting^age`, with a ridge
 * prior `‖w‖² / p0` — the closed-form solution kept up to date in O(n²) per sample through the
 * inverse of the (weighted) Gram matrix (Sherman–Morrison), never a matrix inversion. With
 * forgetting < 1 the inverse grows in directions the data no longer excite ("wind-up"); its
 * trace is kept at most `n · p0` so it never overflows. Allocates nothing per sample. P is
 * symmetric and kept so exactly: only its upper triangle is stored, row after row (n(n+1)/2
 * numbers, half the memory of the square).
 */
export class RecursiveLeastSquares {
  /** The weights, the intercept last. */
  readonly weights: Float64Array;
  /** The upper triangle of P, row after row: (i, j ≥ i) at `diagonal(i) + j − i`. */
  private readonly p: Float64Array;
  private readonly px: Float64Array;
  private readonly row: Float64Array;
  private readonly n: number;

  constructor(
    inputs: number,
    private readonly forgetting: number,
    private readonly p0: number,
  ) {
    const n = inputs + 1;
    this.n = n;
    this.weights = new Float64Array(n);
    this.p = new Float64Array((n * (n + 1)) / 2);
    this.px = new Float64Array(n);
    this.row = new Float64Array(n);
    for (let i = 0; i < n; i++) this.p[diagonal(n, i)] = p0;
  }

  /** The fit's prediction for `x` (of `inputs` values). */
  predict(x: ArrayLike<number>): number {
    const w = this.weights;
    const n = this.n - 1;
    let s = w[n];
    for (let i = 0; i < n; i++) s += w[i] * x[i];
    return s;
  }

  /** Adds (x, y): the weights become the fit with it. */
  learn(x: ArrayLike<number>, y: number): void {
    const n = this.n;
    const row = this.row;
    for (let i = 0; i < n - 1; i++) row[i] = x[i];
    row[n - 1] = 1;
    const p = this.p;
    const px = this.px;
    let xpx = 0;
    for (let i = 0; i < n; i++) {
      // Row i of P: (j, i) of the triangle for j < i, then (i, j) for j ≥ i; in the order j.
      let s = 0;
      let at = i;
      for (let j = 0; j < i; j++) {
        s += p[at] * row[j];
        at += n - j - 1;
      }
      for (let j = i; j < n; j++, at++) s += p[at] * row[j];
      px[i] = s;
      xpx += row[i] * s;
    }
    const lambda = this.forgetting;
    const denominator = lambda + xpx;
    const error = y - this.predict(x);
    const w = this.weights;
    for (let i = 0; i < n; i++) w[i] += (px[i] / denominator) * error;
    // P ← (P − P x xᵀ P / (λ + xᵀ P x)) / λ, on the upper triangle, which is all there is of
    // it, so that P stays exactly symmetric (rounding would otherwise make it drift from
    // symmetric and positive definite, the classic instability of recursive least squares).
    const scale = 1 / lambda;
    let trace = 0;
    for (let i = 0, at = 0; i < n; i++) {
      const d = at;
      const ki = px[i] / denominator;
      for (let j = i; j < n; j++, at++) p[at] = (p[at] - ki * px[j]) * scale;
      if (!(p[d] > 0)) p[d] = 1e-12 * this.p0; // a diagonal never goes below 0
      trace += p[d];
    }
    const cap = n * this.p0;
    if (!(trace <= cap)) {
      const f = Number.isFinite(trace) && trace > 0 ? cap / trace : 0;
      if (f === 0) this.reset();
      else for (let i = 0; i < p.length; i++) p[i] *= f;
    }
  }

  /** A JSON-ready copy of the fit: the weights and the packed triangle of P. */
  state(): { weights: number[]; p: number[] } {
    return { weights: Array.from(this.weights), p: Array.from(this.p) };
  }

  /** Restores what {@link state} returned (of the same number of inputs; checked by the caller). */
  load(saved: { readonly weights: readonly number[]; readonly p: readonly number[] }): void {
    this.weights.set(saved.weights);
    this.p.set(saved.p);
  }

  /** Forgets everything: weights 0, the prior again. */
  reset(): void {
    const n = this.n;
    this.weights.fill(0);
    this.p.fill(0);
    for (let i = 0; i < n; i++) this.p[diagonal(n, i)] = this.p0;
  }
}

/** Where (i, i) is in the packed upper triangle of an n × n matrix. */
function diagonal(n: number, i: number): number {
  return i * n - (i * (i - 1)) / 2;
}
