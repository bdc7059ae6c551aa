import { savedNumber } from './controllerStateChecks.js';

/**
 * @internal The running mean of consecutive windows of `size` losses, shared by the
 * loss-driven rate controllers: `add` returns the window's mean when a window closes and NaN
 * otherwise. Allocates nothing.
 */
export class WindowMean {
  /** The samples in the window under way (a controller may change it between windows). */
  size: number;
  private sum = 0;
  private count = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** Adds one loss; the mean of the window it closes, or NaN while the window is open. */
  add(loss: number): number {
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
