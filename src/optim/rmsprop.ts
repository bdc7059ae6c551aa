import { checkInterval } from '../checks/argumentChecks.js';
import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  /** η (default 0.001). */
  readonly learningRate?: number;
  /** ρ, the decay of the running mean of squared gradients, in [0, 1) (default 0.9). */
  readonly decay?: number;
  /** ε, added to the root in the denominator (default 1e-8). */
  readonly epsilon?: number;
}

class Rmsprop extends BufferedOptimizer {
  private readonly decay: number;
  private readonly epsilon: number;
  constructor(options: RmspropOptions) {
    const decay = checkInterval('rmsprop', 'decay', options.decay ?? 0.9, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    const epsilon = checkInterval('rmsprop', 'epsilon', options.epsilon ?? 1e-8, {
      min: 0,
      max: 1,
    });
    super('rmsprop', options.learningRate ?? 0.001, { decay, epsilon }, ['meanSquares']);
    this.decay = decay;
    this.epsilon = epsilon;
  }
  protected readonly code = 4;
  protected hyper(_t: number, into: Float64Array): void {
    into[0] = this.rate;
    into[1] = this.decay;
    into[2] = 1 - this.decay;
    into[3] = this.epsilon;
  }
  protected kernel(
    p: Float64Array,
    at: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
  ): void {
    const rate = this.rate;
    const s = this.buffers[0];
    const rho = this.decay;
    const eps = this.epsilon;
    const n = input.length;
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      for (let i = 0; i < n; i++, at++) {
        const g = d * input[i];
        s[at] = rho * s[at] + (1 - rho) * g * g;
        p[at] -= (rate * g) / (Math.sqrt(s[at]) + eps);
      }
      const b = biasesAt + j;
      s[b] = rho * s[b] + (1 - rho) * d * d;
      p[b] -= (rate * d) / (Math.sqrt(s[b]) + eps);
    }
  }
}

/**
 * RMSProp: `E ← ρ E + (1 - ρ) g²`, `w ← w - η g / (√E + ε)`.
 *
 * @throws RangeError for a hyper-parameter out of range.
 *
 * @example
 * ```ts
 * import { rmsprop } from 'streamprop';
 * const optimizer = rmsprop({ learningRate: 1e-3, decay: 0.9 });
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  return new Rmsprop(options);
}
