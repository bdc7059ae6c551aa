/**
 * @internal The mean of the last `size` numbers pushed: a ring buffer allocated once and a
 * running sum, recomputed from the ring each time the ring wraps so that rounding (or an
 * Infinity that has since left the window) never lingers. `push` allocates nothing.
 */
export class RollingMean {
  readonly size: number;
  private readonly ring: Float64Array;
  private head = 0;
  private held = 0;
  private sum = 0;

  /** @param size - how many of the latest values the mean covers, ≥ 1. */
  constructor(size: number) {
    this.size = size;
    this.ring = new Float64Array(size);
  }

  /** How many values the mean covers now (at most `size`). */
  get count(): number {
    return this.held;
  }

  /** Whether `size` values have been pushed. */
  get full(): boolean {
    return this.held === this.size;
  }

  /** The mean of the values held; `NaN` when there is none. */
  get mean(): number {
    return this.held === 0 ? Number.NaN : this.sum / this.held;
  }

  push(value: number): void {
    const h = this.head;
    if (this.held === this.size) this.sum -= this.ring[h];
    else this.held++;
    this.ring[h] = value;
    this.sum += value;
    this.head = h + 1 === this.size ? 0 : h + 1;
    if (this.head === 0) {
      let sum = 0;
      for (let i = 0; i < this.size; i++) sum += this.ring[i];
      this.sum = sum;
    }
  }
}
