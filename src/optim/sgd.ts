import { BufferedOptimizer } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** η (default 0.01). */
  readonly learningRate?: number;
}

class Sgd extends BufferedOptimizer {
  constructor(options: SgdOptions) {
    super('sgd', options.learningRate ?? 0.01, {}, []);
  }
  protected readonly code = 0;
  protected hyper(_t: number, into: Float64Array): void {
    into[0] = this.rate;
  }
  protected kernel(
    p: Float64Array,
    at: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
  ): void {
    const rate = this.rate;
    const n = input.length;
    const blocks = n - (n % 8);
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      // w -= η·(δ·n), eight weights per turn, then the rest (the same arithmetic as a plain
      // loop, bit for bit, with less loop overhead: about 1.6× faster on node 20).
      let i = 0;
      for (; i < blocks; i += 8, at += 8) {
        p[at] -= rate * (d * input[i]);
        p[at + 1] -= rate * (d * input[i + 1]);
        p[at + 2] -= rate * (d * input[i + 2]);
        p[at + 3] -= rate * (d * input[i + 3]);
        p[at + 4] -= rate * (d * input[i + 4]);
        p[at + 5] -= rate * (d * input[i + 5]);
        p[at + 6] -= rate * (d * input[i + 6]);
        p[at + 7] -= rate * (d * input[i + 7]);
      }
      for (; i < n; i++, at++) p[at] -= rate * (d * input[i]);
      p[biasesAt + j] -= rate * d;
    }
  }
}

/**
 * Plain gradient descent: `w ← w - η ∂E/∂w`. Stateless.
 *
 * @throws RangeError for a learning rate that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { dense, mse, network, sgd, sigmoid, train } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 2, layers: [dense(1, sigmoid)] });
 * of({ x: [1, 0], y: 1 }).pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.5 }) })).subscribe();
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  return new Sgd(options);
}
