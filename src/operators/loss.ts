import type { OperatorFunction } from 'rxjs';
import type { Loss } from '../core/losses.js';
import { checkLoss } from '../core/losses.js';
import type { Sample } from '../samples/sample.js';
import { SampleError } from '../samples/sampleError.js';
import {
  type InvalidSampleOptions,
  type OnInvalid,
  readOnInvalid,
  reject,
} from '../steps/invalidSamples.js';
import { checkStep, Stage, type Step, type StepContext } from '../steps/step.js';
import { statefulMap } from './statefulMap.js';

/**
 * Scores each prediction against its target with `lossFn` and records which loss the
 * backward pass must differentiate. A sample without a target fails the stream with a
 * {@link SampleError} naming `loss`, the `seq` and the field `y` (with `{ onInvalid: 'skip' }`
 * it becomes a rejected step). Steps already rejected pass through.
 *
 * @throws TypeError at once when `lossFn` is not a loss.
 *
 * @example
 * ```ts
 * import { dense, forward, linear, loss, mse, network } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1], y: 2 }).pipe(forward(net), loss(mse())).subscribe((s) => console.log(s.loss));
 * ```
 */
export function loss<S extends Sample>(
  lossFn: Loss,
  options: InvalidSampleOptions = {},
): OperatorFunction<Step<S>, Step<S>> {
  checkLoss('loss', lossFn, 'lossFn');
  const onInvalid = readOnInvalid('loss', options);
  return statefulMap(() => ({
    next(input: Step<S>): Step<S> {
      const step = checkStep<S>(
        'loss',
        input,
        Stage.Forwarded,
        Stage.Updated,
        'the steps of forward(net); put forward(net) before loss',
      );
      scoreStep(step, lossFn, onInvalid);
      return step;
    },
  }));
}

/**
 * @internal What {@link loss} does to a step of `forward` (`train` calls it directly): scores
 * it, rejects it when it has no target, or lets a rejected step pass.
 */
export function scoreStep<S extends Sample>(
  step: StepContext<S>,
  lossFn: Loss,
  onInvalid: OnInvalid,
): void {
  if (step.rejection !== undefined) return;
  if (step.target === undefined) {
    const error = new SampleError(
      'loss',
      step.seq,
      'y',
      step.sample.y,
      'is needed to compute the loss',
    );
    if (onInvalid === 'error') throw error;
    reject(step, error);
    return;
  }
  step.loss = lossFn.value(step.prediction, step.target);
  step.lossFunction = lossFn;
  step.stage = Stage.Scored;
}
