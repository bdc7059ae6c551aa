import type { Optimizer } from './optimizer.js';
import { rmsprop } from './rmsprop.js';

/**
 * The one default optimizer of streamprop: what `train(net, { loss })` makes for each
 * subscription when no optimizer is named, and what `streamprop run` learns with when no
 * `--optimizer` is given — `rmsprop({ learningRate: 0.001, decay: 0.999 })`, or at
 * `learningRate` when one is given (`--lr`). Every weight moves by `η g / √(E[g²])`, so the
 * steps do not depend on the scale of the errors and stay bounded (see `train` for why it was
 * chosen). A new optimizer on every call: its state is its own.
 *
 * @example
 * ```ts
 * import { defaultOptimizer, dense, linear, mse, network, toJSON, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const optimizer = defaultOptimizer(); // the same as train's default, but yours to save
 * from([{ x: [1], y: 2 }]).pipe(train(net, { loss: mse(), optimizer })).subscribe();
 * console.log(toJSON(net, { optimizer }).optimizer?.name); // rmsprop
 * ```
 */
export function defaultOptimizer(learningRate = 0.001): Optimizer {
  return rmsprop({ learningRate, decay: 0.999 });
}
