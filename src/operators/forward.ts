import type { OperatorFunction } from 'rxjs';
import type { Network } from '../core/network.js';
import { checkNetwork } from './argumentChecks.js';
import { type InvalidSampleOptions, readOnInvalid, reject } from './invalidSamples.js';
import { readSample } from './readSample.js';
import type { Sample } from './sample.js';
import { statefulMap } from './statefulMap.js';
import { Stage, type Step, StepContext } from './step.js';

/**
 * Predicts each sample with `net` — the first stage of training. The prediction is made before
 * any later `update` changes the weights, so every loss downstream is prequential (an honest
 * test on a sample the network has not yet learned).
 *
 * A sample whose `x` has the wrong length or a non-finite value, or whose `y` is malformed,
 * fails the stream with a {@link SampleError} naming `forward`, the `seq`, the field and the
 * value; with `{ onInvalid: 'skip' }` it is emitted as a rejected step instead (see
 * `Step.rejection`), which no later operator learns from. A missing `y` is allowed here;
 * `loss` needs it.
 *
 * Emits one reused {@link Step} per subscription: valid until the next emission.
 *
 * @throws TypeError at once when `net` is not a network.
 *
 * @example
 * ```ts
 * import { backward, dense, forward, linear, loss, mse, network, sgd, tanh, update } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 2, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = sgd({ learningRate: 0.05 });
 * from([{ x: [0, 1], y: 1 }, { x: [1, 0], y: -1 }])
 *   .pipe(forward(net), loss(mse()), backward(net), update(net, optimizer))
 *   .subscribe((step) => console.log(step.seq, step.loss));
 * ```
 */
export function forward<S extends Sample>(
  net: Network,
  options: InvalidSampleOptions = {},
): OperatorFunction<S, Step<S>> {
  checkNetwork('forward', net);
  const onInvalid = readOnInvalid('forward', options);
  return statefulMap(() => {
    const step = new StepContext<S>(net);
    const trace = step.trace;
    let seq = 0;
    return {
      next(sample: S): Step<S> {
        const n = seq++;
        step.seq = n;
        step.sample = sample;
        step.loss = Number.NaN;
        step.learningRate = Number.NaN;
        step.updated = false;
        step.lossFunction = undefined;
        step.rejection = undefined;
        step.learn = true;
        if (step.events.length !== 0) step.events.length = 0;
        step.stage = Stage.Forwarded;
        try {
          step.target = readSample('forward', n, sample, trace, true) ? trace.target : undefined;
        } catch (e) {
          if (onInvalid === 'error') throw e;
          step.target = undefined;
          reject(step, e);
          return step;
        }
        net.forward(trace);
        const scaler = sample.scaler;
        if (scaler === undefined) {
          step.output = step.prediction;
          step.actual = step.target;
        } else {
          step.unscaled ??= {
            output: new Float64Array(net.outputs),
            actual: new Float64Array(net.outputs),
          };
          scaler.inverseTargets(step.prediction, step.unscaled.output);
          step.output = step.unscaled.output;
          if (step.target === undefined) {
            step.actual = undefined;
          } else {
            scaler.inverseTargets(step.target, step.unscaled.actual);
            step.actual = step.unscaled.actual;
          }
        }
        return step;
      },
    };
  });
}
