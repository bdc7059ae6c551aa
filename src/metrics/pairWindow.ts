import { PairRing } from './pairRing.js';
import { loadedNumber, savedNumber } from './savedNumber.js';
import type { WindowedState } from './windowedState.js';

/** Before the first pair: one empty array for every window, not two each. */
const EMPTY: Float64Array = new Float64Array(0);

/**
 * @internal What a {@link PairWindow} hands the pairs waiting to, run by run, in order: each run
 * is slots in a row, split where the ring ends and where a recount falls.
 */
export interface RunSink {
  /**
   * Counts pairs `from … from + count − 1` of the ring; when `leaving`, the pairs of slots
   * `out …` (as many, `size` pairs older) leave the window as they come.
   */
  run(from: number, out: number, count: number, leaving: boolean): void;
  /**
   * Counts the window again from its pairs — slots `first … first + count − 1`, then
   * `0 … rest − 1` — so that rounding never builds up (once every `size` pairs).
   */
  recount(first: number, count: number, rest: number): void;
}

/**
 * @internal The pairs of a sliding window of `size` pairs, for aggregations that count lazily: a
 * ring of `2 · size` slots, where pair `i` (the `i`-th since the ring was laid out) is in slot
 * `i mod 2·size`. `entered` pairs came; the first `counted` are counted. A pair leaves the
 * window when the one `size` later comes, and the window is counted again each time `entered`
 * reaches a multiple of `size` — whenever the pairs waiting are counted, the same additions in
 * the same order.
 */
export class PairWindow {
  size: number;
  ring: PairRing;
  entered = 0;
  counted = 0;
  /** The slot of the next pair: `entered mod 2·size`, kept as pairs come (no division per pair). */
  private next = 0;
  /** One pair, copied out of the ring. */
  prediction = EMPTY;
  target = EMPTY;

  constructor(size: number) {
    this.size = size;
    this.ring = new PairRing(2 * size);
  }

  /** The pairs the window holds. */
  get held(): number {
    return Math.min(this.entered, this.size);
  }

  /** Whether the pairs waiting must be counted before another comes (it would overwrite one). */
  get full(): boolean {
    return this.entered - this.counted === this.size;
  }

  /**
   * Readies the ring for pairs like this one: laid out for their outputs when it holds none.
   *
   * @throws RangeError naming `owner` for a prediction and target of other lengths, or a pair
   * of other outputs than the pairs held.
   */
  fit(owner: string, prediction: ArrayLike<number>, target: ArrayLike<number>): void {
    const m = target.length;
    if (m === this.ring.outputs && prediction.length === m) return;
    if (prediction.length !== m) {
      throw new RangeError(
        `${owner}: prediction and target must hold as many values, got ${prediction.length} and ${m}`,
      );
    }
    if (this.held > 0) {
      throw new RangeError(
        `${owner}: the pair has ${m} outputs, the pairs held ${this.ring.outputs}`,
      );
    }
    this.ring.shape(m);
    this.scratch(m);
  }

  /** Puts a pair in (after {@link PairWindow.fit}, and counting the pairs waiting if `full`). */
  put(prediction: ArrayLike<number>, target: ArrayLike<number>, weight: number): void {
    this.ring.write(this.next, prediction, target, weight);
    this.entered++;
    if (++this.next === this.ring.capacity) this.next = 0;
  }

  /** Hands the pairs waiting to `sink`, run by run; they are then counted. */
  count(sink: RunSink): void {
    const C = this.size;
    const R = this.ring.capacity;
    let i = this.counted;
    while (i < this.entered) {
      const s = i % R;
      let end = Math.min(this.entered, i - (i % C) + C, i + R - s);
      const out = i >= C ? (i - C) % R : 0;
      if (i >= C) end = Math.min(end, i + R - out);
      sink.run(s, out, end - i, i >= C);
      i = end;
      if (i % C === 0) {
        const first = (i - C) % R;
        const count = Math.min(C, R - first);
        sink.recount(first, count, C - count);
      }
    }
    this.counted = this.entered;
  }

  /** Copies pair `i` into `prediction` and `target`; returns its weight. */
  read(i: number): number {
    return this.ring.read(i % this.ring.capacity, this.prediction, this.target);
  }

  /** Forgets every pair; the ring stays laid out. */
  reset(): void {
    this.entered = 0;
    this.counted = 0;
    this.next = 0;
  }

  /** The pairs held (all counted), as a window's state saves them (by head, slot after slot). */
  state(): Omit<WindowedState<unknown>, 'metric'> {
    const n = this.held;
    const m = n > 0 ? this.ring.outputs : 0;
    const predictions: (number | null)[] = [];
    const targets: (number | null)[] = [];
    const weights: (number | null)[] = [];
    for (let slot = 0; slot < n; slot++) {
      const s = this.pairIn(slot) % this.ring.capacity;
      for (let j = 0; j < m; j++) {
        predictions.push(savedNumber(this.ring.predictions[s * m + j]));
        targets.push(savedNumber(this.ring.targets[s * m + j]));
      }
      weights.push(savedNumber(this.ring.weights[s]));
    }
    const head = this.entered % this.size;
    return { size: this.size, outputs: m, head, count: n, predictions, targets, weights };
  }

  /**
   * Takes the pairs of a saved window (of this size, checked), all counted: numbered as if the
   * window had been counting all along, so that recounts fall where they would have.
   */
  load(state: Omit<WindowedState<unknown>, 'metric'>): void {
    const m = state.outputs;
    const n = state.count;
    this.ring.shape(m);
    this.scratch(m);
    this.entered = n < this.size ? n : this.size + state.head;
    this.counted = this.entered;
    this.next = this.entered % this.ring.capacity;
    for (let slot = 0; slot < n; slot++) {
      const s = this.pairIn(slot) % this.ring.capacity;
      for (let j = 0; j < m; j++) {
        this.ring.predictions[s * m + j] = loadedNumber(state.predictions[slot * m + j]);
        this.ring.targets[s * m + j] = loadedNumber(state.targets[slot * m + j]);
      }
      this.ring.weights[s] = loadedNumber(state.weights[slot]);
    }
  }

  /**
   * Becomes a window of both sizes holding the pairs of both (this one's, then the other's,
   * each oldest first), all counted. Both must have counted their pairs.
   *
   * @throws RangeError naming `owner` when both hold pairs of other outputs.
   */
  join(owner: string, other: PairWindow): void {
    const [a, b] = [this.held, other.held];
    if (a > 0 && b > 0 && other.ring.outputs !== this.ring.outputs) {
      throw new RangeError(
        `${owner}: other holds pairs of ${other.ring.outputs} outputs, this one of ${this.ring.outputs}`,
      );
    }
    const m = a > 0 || b === 0 ? this.ring.outputs || other.ring.outputs : other.ring.outputs;
    const ring = new PairRing(2 * (this.size + other.size));
    ring.shape(m);
    let n = 0;
    for (const window of [this, other]) {
      for (let k = 0; k < window.held; k++, n++) {
        const weight = window.read(window.entered - window.held + k);
        ring.write(n, window.prediction, window.target, weight);
      }
    }
    this.size += other.size;
    this.ring = ring;
    this.scratch(m);
    this.entered = n;
    this.counted = n;
    this.next = n % ring.capacity;
  }

  /** The number of the pair in slot `slot` of the window's state (the `slot`-th held, by head). */
  private pairIn(slot: number): number {
    const C = this.size;
    if (this.entered < C) return slot;
    const head = this.entered % C;
    return this.entered - C + ((slot - head + C) % C);
  }

  private scratch(m: number): void {
    if (this.prediction.length !== m) {
      this.prediction = new Float64Array(m);
      this.target = new Float64Array(m);
    }
  }
}
