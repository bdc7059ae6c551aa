import { checkInteger, checkObject } from '../checks/argumentChecks.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import { rng } from '../core/rng.js';
import type { DriftAction } from '../drift/driftAction.js';

/** Options of {@link resetModel}. */
export interface ResetModelOptions {
  /** The seed of the generator the new weights are drawn from (default 1). */
  readonly seed?: number;
}

/**
 * A drift action that forgets what `net` has learnt: it redraws every weight with the
 * network's initialisers and sets the biases to 0 (`net.reinitialize`), drawing from a
 * generator `rng(seed)` made once per subscription. So the first reset gives exactly the
 * weights of `network({ …the same layers…, seed })`, the next ones continue the same sequence,
 * and the same run gives the same weights, bit for bit. Its `drift` event says
 * `weights redrawn (seed <seed>, reset <k>)`.
 *
 * Resetting the model suits an abrupt change after which the old weights are a worse start
 * than fresh ones; list `resetOptimizer(optimizer)` with it to drop the optimizer's memory of
 * the old weights too.
 *
 * @throws TypeError at once when `net` is not a network; RangeError when `seed` is not an
 * integer.
 *
 * @example
 * ```ts
 * import { adam, dense, detectDrift, linear, mse, network, pageHinkley, resetModel, resetOptimizer, tanh, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 7 });
 * const optimizer = adam({ learningRate: 0.002 });
 * const samples = Array.from({ length: 6000 }, (_, i) => {
 *   const x = Math.sin(i);
 *   return { x: [x], y: i < 3000 ? x * x : -x * x }; // the relation flips at sample 3000
 * });
 * from(samples)
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     detectDrift(pageHinkley(), {
 *       onDrift: [resetModel(net, { seed: 7 }), resetOptimizer(optimizer)],
 *     }),
 *   )
 *   .subscribe((step) => step.events.forEach((e) => console.log(e)));
 * ```
 */
export function resetModel(net: Network, options: ResetModelOptions = {}): DriftAction {
  checkNetwork('resetModel', net);
  checkObject('resetModel', 'options', options, 'an object { seed? }');
  const seed = checkInteger('resetModel', 'seed', options.seed ?? 1);
  return {
    name: `resetModel(seed ${seed})`,
    start: () => {
      const random = rng(seed);
      let resets = 0;
      return () => {
        net.reinitialize(random);
        resets++;
        return `weights redrawn (seed ${seed}, reset ${resets})`;
      };
    },
  };
}
