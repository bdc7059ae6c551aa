import { checkInterval } from '../checks/argumentChecks.js';
import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link adagrad}. */
export interface AdagradOptions {
  /** η (default 0.01). */
  readonly learningRate?: number;
  /** ε, added to the root in the denominator (default 1e-8). */
  readonly epsilon?: number;
}

class Adagrad extends BufferedOptimizer {
  private readonly epsilon: number;
  constructor(options: AdagradOptions) {
    const epsilon = checkInterval('adagrad', 'epsilon', options.epsilon ?? 1e-8, {
      min: 0,
      max: 1,
    });
    super('adagrad', options.learningRate ?? 0.01, { epsilon }, ['sumSquares']);
    this.epsilon = epsilon;
  }
  protected readonly code = 3;
  protected hyper(_t: number, into: Float64Array): void {
    into[0] = this.rate;
    into[1] = this.epsilon;
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
    const eps = this.epsilon;
    const n = input.length;
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      for (let i = 0; i < n; i++, at++) {
        const g = d * input[i];
        s[at] += g * g;
        p[at] -= (rate * g) / (Math.sqrt(s[at]) + eps);
      }
      const b = biasesAt + j;
      s[b] += d * d;
      p[b] -= (rate * d) / (Math.sqrt(s[b]) + eps);
    }
  }
}

/**
 * AdaGrad: per-parameter rates shrinking with the sum of squared gradients:
 * `G ← G + g²`, `w ← w - η g / (√G + ε)`.
 *
 * @throws RangeError for a learning rate or epsilon out of range.
 *
 * @example
 * ```ts
 * import { adagrad } from 'streamprop';
 * const optimizer = adagrad({ learningRate: 0.1 });
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  return new Adagrad(options);
}
