import { checkInterval } from '../checks/argumentChecks.js';
import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link momentum} and {@link nesterov}. */
export interface MomentumOptions {
  /** η (default 0.01). */
  readonly learningRate?: number;
  /** α, the share of the previous change carried over, in [0, 1) (default 0.9). */
  readonly momentum?: number;
}

class Momentum extends BufferedOptimizer {
  private readonly alpha: number;
  constructor(options: MomentumOptions) {
    const alpha = checkInterval('momentum', 'momentum', options.momentum ?? 0.9, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    super('momentum', options.learningRate ?? 0.01, { momentum: alpha }, ['velocity']);
    this.alpha = alpha;
  }
  protected readonly code = 1;
  protected hyper(_t: number, into: Float64Array): void {
    into[0] = this.rate;
    into[1] = this.alpha;
  }
  protected kernel(
    p: Float64Array,
    at: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
  ): void {
    const rate = this.rate;
    const v = this.buffers[0];
    const alpha = this.alpha;
    const n = input.length;
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      for (let i = 0; i < n; i++, at++) {
        v[at] = alpha * v[at] - rate * (d * input[i]);
        p[at] += v[at];
      }
      const b = biasesAt + j;
      v[b] = alpha * v[b] - rate * d;
      p[b] += v[b];
    }
  }
}

/**
 * Gradient descent with momentum, exactly as the BP literature writes it:
 * `Δw(t) = -η ∂E/∂w + α Δw(t-1)`, `w ← w + Δw(t)`.
 *
 * @throws RangeError for a learning rate or momentum out of range.
 *
 * @example
 * ```ts
 * import { momentum } from 'streamprop';
 * const optimizer = momentum({ learningRate: 0.1, momentum: 0.9 });
 * ```
 */
export function momentum(options: MomentumOptions = {}): Optimizer {
  return new Momentum(options);
}
