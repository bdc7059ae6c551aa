import { checkInterval } from '../checks/argumentChecks.js';
import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { MomentumOptions } from './momentum.js';
import type { Optimizer } from './optimizer.js';

class Nesterov extends BufferedOptimizer {
  private readonly alpha: number;
  constructor(options: MomentumOptions) {
    const alpha = checkInterval('nesterov', 'momentum', options.momentum ?? 0.9, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    super('nesterov', options.learningRate ?? 0.01, { momentum: alpha }, ['velocity']);
    this.alpha = alpha;
  }
  protected readonly code = 2;
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
        const step = rate * (d * input[i]);
        v[at] = alpha * v[at] - step;
        p[at] += alpha * v[at] - step;
      }
      const b = biasesAt + j;
      const step = rate * d;
      v[b] = alpha * v[b] - step;
      p[b] += alpha * v[b] - step;
    }
  }
}

/**
 * Nesterov accelerated gradient in its usual online form (the gradient is taken at the
 * current weights, the look-ahead folded into the step):
 * `v ← α v - η g`, `w ← w + α v - η g`.
 *
 * @throws RangeError for a learning rate or momentum out of range.
 *
 * @example
 * ```ts
 * import { nesterov } from 'streamprop';
 * const optimizer = nesterov({ learningRate: 0.05, momentum: 0.9 });
 * ```
 */
export function nesterov(options: MomentumOptions = {}): Optimizer {
  return new Nesterov(options);
}
