import { z } from 'zod';
import { checkBoundedNumber } from '../checks/argumentChecks.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';

/**
 * @internal The running mean of consecutive windows of `size` losses, shared by the
 * loss-driven rate controllers: `add` returns the window's mean when a window closes and NaN
 * otherwise. Allocates nothing. A loss beyond ±1e145 (`MAX_MAGNITUDE`) is refused, so the sum
 * of a window stays finite.
 */
export class WindowMean {
  /** The samples in the window under way (a controller may change it between windows). */
  size: number;
  private sum = 0;
  private count = 0;

  /** @param owner - the controller, for the message of a loss out of range. */
  constructor(
    size: number,
    private readonly owner: string,
  ) {
    this.size = size;
  }

  /**
   * Adds one loss; the mean of the window it closes, or NaN while the window is open.
   * @throws RangeError (nothing added) for a loss that is not a finite number within ±1e145.
   */
  add(loss: number): number {
    if (!withinMaxMagnitude(loss)) checkBoundedNumber(this.owner, 'loss', loss);
    this.sum += loss;
    this.count++;
    if (this.count < this.size) return Number.NaN;
    const mean = this.sum / this.size;
    this.sum = 0;
    this.count = 0;
    return mean;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }

  /** The window under way, as a controller's saved values. */
  values(): { sum: number; count: number } {
    return { sum: this.sum, count: this.count };
  }

  /** Restores what {@link values} saved (read with {@link windowValues}), in a window of `size`. */
  load(values: { readonly sum: number; readonly count: number }, size = this.size): void {
    this.size = size;
    this.sum = values.sum;
    this.count = values.count;
  }
}

/**
 * @internal The schema of what {@link WindowMean.values} saves, for a controller's state: a
 * finite sum and a count of losses in [0, `size` − 1] (a window of `size` losses closes at
 * `size`; with no `size`, any count ≥ 0, for a controller that saves its window size and checks
 * the count against it).
 */
export function windowValues(size?: number) {
  const count = z.number().int().nonnegative();
  return { sum: z.number(), count: size === undefined ? count : count.max(size - 1) };
}
