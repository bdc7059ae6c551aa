import type { DriftAction } from '../drift/driftAction.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';

/**
 * A drift action that clears the accumulated state of `optimizer` (momentum velocities,
 * Adam's moment estimates and step count) with `optimizer.reset()`, keeping its learning rate,
 * so that what it learnt about the old stream stops steering the steps. Its `drift` event
 * says `optimizer state reset`.
 *
 * @throws TypeError at once when `optimizer` is not an optimizer.
 *
 * @example
 * ```ts
 * import { adam, dense, detectDrift, linear, mse, network, pageHinkley, resetOptimizer, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const optimizer = adam({ learningRate: 0.05 });
 * const samples = Array.from({ length: 400 }, (_, i) => ({ x: [1], y: i < 200 ? 0 : 3 }));
 * from(samples)
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     detectDrift(pageHinkley(), { onDrift: resetOptimizer(optimizer) }),
 *   )
 *   .subscribe((step) => step.events.forEach((e) => console.log(e)));
 * ```
 */
export function resetOptimizer(optimizer: Optimizer): DriftAction {
  checkOptimizer('resetOptimizer', optimizer);
  return {
    name: 'resetOptimizer',
    start: () => () => {
      optimizer.reset();
      return 'optimizer state reset';
    },
  };
}
