import { PairRing } from './pairRing.js';

/** @internal How many pairs an EWMA or a total keeps before it counts them. */
export const PENDING_CAPACITY = 128;

/**
 * @internal The pairs an {@link ewma} or a {@link total} has taken and not yet counted into its
 * metric (it counts them in a run when a figure is read, or when they fill the ring): the ring
 * and how many wait in it, from slot 0.
 */
export class Pending {
  readonly ring = new PairRing(PENDING_CAPACITY);
  waiting = 0;
  /** One pair, copied out of the ring for a metric of yours. */
  prediction = new Float64Array(0);
  target = new Float64Array(0);

  /** Whether a pair like this one can wait now (room, and the outputs of the pairs waiting). */
  fits(prediction: ArrayLike<number>, target: ArrayLike<number>): boolean {
    const m = target.length;
    if (m !== this.ring.outputs || prediction.length !== m) {
      if (this.waiting > 0) return false;
      this.ring.shape(m);
      if (this.prediction.length !== m) {
        this.prediction = new Float64Array(m);
        this.target = new Float64Array(m);
      }
    }
    return this.waiting < PENDING_CAPACITY;
  }

  /** Keeps a pair (after {@link Pending.fits} said there is room). */
  add(prediction: ArrayLike<number>, target: ArrayLike<number>, weight: number): void {
    this.ring.write(this.waiting++, prediction, target, weight);
  }

  /** Copies waiting pair `j` into `prediction` and `target`; returns its weight. */
  read(j: number): number {
    return this.ring.read(j, this.prediction, this.target);
  }
}
