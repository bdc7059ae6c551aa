import type { OperatorFunction } from 'rxjs';
import type { Network } from '../core/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkNetwork, checkOptimizer } from './argumentChecks.js';
import { describeValue } from './describeValue.js';
import type { Sample } from './sample.js';
import { statefulMap } from './statefulMap.js';
import { checkStep, Stage, type Step } from './step.js';

/** Options of {@link update} and `train`. */
export interface UpdateOptions {
  /**
   * Samples per weight change (default 1: incremental, per-sample learning). With `k > 1` the
   * mean gradient of `k` samples is accumulated and the optimizer steps once; a partial batch
   * left when the stream completes is applied then, as the mean of what it holds (after the
   * last step was emitted with `updated: false`); one left when the stream errors or is
   * unsubscribed is dropped.
   */
  readonly batchSize?: number;
}

/**
 * Changes the weights of `net` with `optimizer` after each back-propagated step — the only
 * writer of the weights. Sets `learningRate` (the rate used) and `updated` on the step.
 *
 * @throws RangeError at once for a `batchSize` that is not a positive integer; TypeError for a
 * wrong `net` or `optimizer`. The stream fails with a TypeError when the steps were not
 * back-propagated through the same network.
 *
 * @example
 * ```ts
 * import { adam, backward, dense, forward, linear, loss, mse, network, update } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1], y: 2 }, { x: [2], y: 4 })
 *   .pipe(forward(net), loss(mse()), backward(net), update(net, adam(), { batchSize: 2 }))
 *   .subscribe((s) => console.log(s.seq, s.updated)); // 0 false, 1 true
 * ```
 */
export function update<S extends Sample>(
  net: Network,
  optimizer: Optimizer,
  options: UpdateOptions = {},
): OperatorFunction<Step<S>, Step<S>> {
  checkNetwork('update', net);
  checkOptimizer('update', optimizer);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `update: options must be an object { batchSize? }, got ${describeValue(options)}`,
    );
  }
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `update: batchSize must be a positive integer, got ${describeValue(batchSize)}`,
    );
  }
  return statefulMap(() => {
    const params = net.parameters;
    const sum = new Float64Array(batchSize > 1 ? params.length : 0);
    let count = 0;
    const stepBatch = (): void => {
      const scale = 1 / count;
      for (let i = 0; i < sum.length; i++) sum[i] *= scale;
      optimizer.step(params, sum);
      sum.fill(0);
      count = 0;
    };
    return {
      next(input: Step<S>): Step<S> {
        const step = checkStep<S>(
          'update',
          input,
          Stage.Backpropagated,
          Stage.Backpropagated,
          'back-propagated steps; put backward(net) before update',
          net,
        );
        step.learningRate = optimizer.learningRate;
        if (batchSize === 1) {
          optimizer.stepFrom(net, step.trace);
          step.updated = true;
        } else {
          net.accumulateGradient(step.trace, sum);
          count++;
          step.updated = count === batchSize;
          if (step.updated) stepBatch();
        }
        step.stage = Stage.Updated;
        return step;
      },
      complete(): void {
        if (count > 0) stepBatch();
      },
    };
  });
}
