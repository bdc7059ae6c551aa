import { type OperatorFunction, pipe } from 'rxjs';
import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkLoss, checkNetwork, checkOptimizer } from './argumentChecks.js';
import { backward } from './backward.js';
import { forward } from './forward.js';
import type { InvalidSampleOptions } from './invalidSamples.js';
import { loss } from './loss.js';
import type { Sample } from './sample.js';
import type { Step } from './step.js';
import { type UpdateOptions, update } from './update.js';

/** Options of {@link train}. */
export interface TrainOptions extends UpdateOptions, InvalidSampleOptions {
  /** The loss to minimise, such as `mse()`. */
  readonly loss: Loss;
  /** The optimizer that changes the weights, such as `sgd({ learningRate: 0.1 })`. */
  readonly optimizer: Optimizer;
}

/**
 * Online training: exactly `pipe(forward(net, options), loss(options.loss, options),
 * backward(net), update(net, options.optimizer, options))`. Each emitted step carries the prequential
 * prediction (made before learning from the sample), its loss and the learning rate used.
 *
 * @throws TypeError or RangeError at once for a wrong argument.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, sgd, tanh, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 3 });
 * const samples = Array.from({ length: 1000 }, (_, i) => ({ x: [i / 1000], y: Math.sin(6 * i / 1000) }));
 * from(samples)
 *   .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }))
 *   .subscribe((step) => { if (step.seq % 100 === 0) console.log(step.seq, step.loss); });
 * ```
 */
export function train<S extends Sample>(
  net: Network,
  options: TrainOptions,
): OperatorFunction<S, Step<S>> {
  checkNetwork('train', net);
  if (options === null || typeof options !== 'object') {
    throw new TypeError('train: options must be an object { loss, optimizer, batchSize? }');
  }
  checkLoss('train', options.loss);
  checkOptimizer('train', options.optimizer);
  return pipe(
    forward<S>(net, options),
    loss<S>(options.loss, options),
    backward<S>(net),
    update<S>(net, options.optimizer, options),
  );
}
