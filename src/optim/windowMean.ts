import { checkBoundedNumber } from '../checks/argumentChecks.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import { savedNumber } from './controllerStateChecks.js';

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

  /** Restores what {@link values} saved, checking it for the controller `name`. */
  restore(name: string, values: Readonly<Record<string, number | null>>, size = this.size): void {
    const count = savedNumber(name, values, 'count', {
      min: 0,
      max: size - 1,
      integer: true,
    }) as number;
    this.size = size;
    this.sum = savedNumber(name, values, 'sum') as number;
    this.count = count;
  }
}
