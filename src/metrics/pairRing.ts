const EMPTY: Float64Array = new Float64Array(0);

/**
 * @internal The pairs an aggregation has taken and not yet counted (or, for a window, the pairs
 * it holds): slot `s` holds `predictions[s · outputs …]`, `targets[s · outputs …]` and
 * `weights[s]`. Allocated when the first pair gives the number of outputs; writing a pair
 * allocates nothing.
 */
export class PairRing {
  outputs = 0;
  predictions = EMPTY;
  targets = EMPTY;
  weights = EMPTY;

  constructor(readonly capacity: number) {}

  /** Makes room for pairs of `m` outputs (keeping nothing), unless there is room already. */
  shape(m: number): void {
    if (m === this.outputs && this.weights.length === this.capacity) return;
    this.outputs = m;
    this.predictions = new Float64Array(this.capacity * m);
    this.targets = new Float64Array(this.capacity * m);
    this.weights = new Float64Array(this.capacity);
  }

  /** Writes a pair into slot `s`. */
  write(s: number, prediction: ArrayLike<number>, target: ArrayLike<number>, weight: number): void {
    const m = this.outputs;
    const at = s * m;
    for (let j = 0; j < m; j++) {
      this.predictions[at + j] = prediction[j];
      this.targets[at + j] = target[j];
    }
    this.weights[s] = weight;
  }

  /** Copies slot `s` into `prediction` and `target` (of `outputs` values each); returns its weight. */
  read(s: number, prediction: Float64Array, target: Float64Array): number {
    const m = this.outputs;
    const at = s * m;
    for (let j = 0; j < m; j++) {
      prediction[j] = this.predictions[at + j];
      target[j] = this.targets[at + j];
    }
    return this.weights[s];
  }
}
