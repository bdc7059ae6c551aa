import { BufferedOptimizer, type Optimizer } from './optimizer.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** η (default 0.01). */
  readonly learningRate?: number;
}

class Sgd extends BufferedOptimizer {
  readonly name = 'sgd' as const;
  constructor(options: SgdOptions) {
    super(options.learningRate ?? 0.01, {}, []);
  }
  protected kernel(
    p: Float64Array,
    at: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
    rate: number,
  ): void {
    const n = input.length;
    for (let j = 0; j < delta.length; j++) {
      const d = delta[j];
      for (let i = 0; i < n; i++) p[at++] -= rate * (d * input[i]);
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
