import type { OperatorFunction } from 'rxjs';
import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step, type StepContext } from '../steps/step.js';
import { statefulMap } from './statefulMap.js';

/**
 * Back-propagates each scored step through `net`: computes the error terms
 * `δ(k) = ∂L/∂z(k)` of every layer, which define the gradient `∂L/∂W(k) = δ(k)·n(k-1)ᵀ`,
 * `∂L/∂b(k) = δ(k)` (no allocation; `update` applies it without writing it out, and
 * `net.accumulateGradient` writes it out for whoever needs it). It changes no weight. Steps
 * that are not learned from (rejected or held out) pass through.
 *
 * @throws TypeError at once when `net` is not a network; the stream fails with a TypeError
 * when the steps were not scored by `loss` or were predicted by another network.
 *
 * @example
 * ```ts
 * import { backward, dense, forward, linear, loss, mse, network } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1], y: 2 })
 *   .pipe(forward(net), loss(mse()), backward(net))
 *   .subscribe((step) => console.log(step.loss));
 * ```
 */
export function backward<S extends Sample>(net: Network): OperatorFunction<Step<S>, Step<S>> {
  checkNetwork('backward', net);
  return statefulMap(() => ({
    next(input: Step<S>): Step<S> {
      const step = checkStep<S>(
        'backward',
        input,
        Stage.Forwarded,
        Stage.Updated,
        'scored steps; put loss(lossFn) before backward',
        net,
      );
      if (step.learn && step.stage < Stage.Scored) {
        throw new TypeError('backward: expected scored steps; put loss(lossFn) before backward');
      }
      backpropagateStep(step, net);
      return step;
    },
  }));
}

/**
 * @internal What {@link backward} does to a scored step of `net` (`train` calls it directly):
 * computes the error terms, unless the step is not learned from.
 */
export function backpropagateStep<S extends Sample>(step: StepContext<S>, net: Network): void {
  if (!step.learn) return;
  net.backward(step.trace, step.lossFunction as Loss);
  step.stage = Stage.Backpropagated;
}
