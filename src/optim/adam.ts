import { checkInterval } from '../checks/argumentChecks.js';
import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link adam}. */
export interface AdamOptions {
  /** η (default 0.001). */
  readonly learningRate?: number;
  /** β₁, the decay of the first moment, in [0, 1) (default 0.9). */
  readonly beta1?: number;
  /** β₂, the decay of the second moment, in [0, 1) (default 0.999). */
  readonly beta2?: number;
  /** ε (default 1e-8). */
  readonly epsilon?: number;
}

class Adam extends BufferedOptimizer {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  constructor(options: AdamOptions) {
    const beta1 = checkInterval('adam', 'beta1', options.beta1 ?? 0.9, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    const beta2 = checkInterval('adam', 'beta2', options.beta2 ?? 0.999, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    const epsilon = checkInterval('adam', 'epsilon', options.epsilon ?? 1e-8, { min: 0, max: 1 });
    super('adam', options.learningRate ?? 0.001, { beta1, beta2, epsilon }, ['m', 'v']);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }
  protected readonly code = 5;
  protected hyper(t: number, into: Float64Array): void {
    into[0] = this.rate;
    into[1] = this.beta1;
    into[2] = this.beta2;
    into[3] = this.epsilon;
    into[4] = 1 / (1 - this.beta1 ** t);
    into[5] = 1 / (1 - this.beta2 ** t);
  }
  protected kernel(
    p: Float64Array,
    at: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
    t: number,
  ): void {
    const rate = this.rate;
    const m = this.buffers[0];
    const v = this.buffers[1];
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.epsilon;
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    const n = input.length;
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      for (let i = 0; i < n; i++, at++) {
        const g = d * input[i];
        m[at] = b1 * m[at] + (1 - b1) * g;
        v[at] = b2 * v[at] + (1 - b2) * g * g;
        p[at] -= (rate * (m[at] * c1)) / (Math.sqrt(v[at] * c2) + eps);
      }
      const b = biasesAt + j;
      m[b] = b1 * m[b] + (1 - b1) * d;
      v[b] = b2 * v[b] + (1 - b2) * d * d;
      p[b] -= (rate * (m[b] * c1)) / (Math.sqrt(v[b] * c2) + eps);
    }
  }
}

/**
 * Adam with bias correction: `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`,
 * `w ← w - η m̂ / (√v̂ + ε)` with `m̂ = m / (1-β₁ᵗ)`, `v̂ = v / (1-β₂ᵗ)`.
 *
 * @throws RangeError for a hyper-parameter out of range.
 *
 * @example
 * ```ts
 * import { adam } from 'streamprop';
 * const optimizer = adam({ learningRate: 1e-3 });
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  return new Adam(options);
}
