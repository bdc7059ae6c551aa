import { defer, Observable, type OperatorFunction, pipe } from 'rxjs';
import { MiniBatchLearner } from '../batches/miniBatchLearner.js';
import { checkObject } from '../checks/argumentChecks.js';
import type { Loss } from '../core/losses.js';
import { checkLoss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import { defaultOptimizer } from '../optim/defaultOptimizer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import type { Sample } from '../samples/sample.js';
import { type InvalidSampleOptions, readOnInvalid } from '../steps/invalidSamples.js';
import type { Step } from '../steps/step.js';
import { backward } from './backward.js';
import { type EarlyStopOptions, earlyStop } from './earlyStop.js';
import { Forwarder, forward } from './forward.js';
import { loss, scoreStep } from './loss.js';
import { statefulMap } from './statefulMap.js';
import { readUpdateSettings, type UpdateOptions, Updater, update } from './update.js';

/** Options of {@link train}. */
export interface TrainOptions extends UpdateOptions, InvalidSampleOptions {
  /** The loss to minimise, such as `mse()`. */
  readonly loss: Loss;
  /**
   * The optimizer that changes the weights, such as `sgd({ learningRate: 0.1 })`. Omitted: the
   * default of {@link train}, `rmsprop({ learningRate: 0.001, decay: 0.999 })`, made afresh for
   * each subscription.
   */
  readonly optimizer?: Optimizer;
  /**
   * Stop early (see `earlyStop`): with it, `earlyStop(options.earlyStop)` sits between `loss`
   * and `backward`, so held-out samples are predicted but never learned.
   */
  readonly earlyStop?: EarlyStopOptions;
}

/**
 * Online training: exactly `pipe(forward(net, options), loss(options.loss, options),
 * backward(net), update(net, options.optimizer, options))` — with `earlyStop(options.earlyStop)`
 * between `loss` and `backward` when that option is given (without it, the four stages run
 * inside one operator, called in turn: the same steps, events and errors, at the cost of one
 * operator per sample instead of four). Each emitted step carries the
 * prequential prediction (made before learning from the sample), its loss and the learning
 * rate used.
 *
 * **Mini-batches.** With `batchSize: k > 1` (and no `earlyStop`), the k samples of a batch go
 * forward and backward together, as matrix products — blocked SIMD kernels on the WebAssembly
 * backend, several times faster per sample than one at a time. Each prediction is still made
 * before the network learns from its sample, and the losses, learning rates, events and the
 * step along the mean gradient are those of the explicit pipe (the results within 1e-12
 * relative); what differs is when the steps come out: the k steps of a batch are emitted
 * together once its last sample is in, with the weights already changed (the last one
 * `updated: true`). A partial batch is predicted, emitted and learned when the source completes;
 * when the source fails, what the batch holds is predicted and emitted, not learned. A sample the
 * divergence guard sets aside is left out of its batch's mean (the explicit pipe would fill its
 * place with the next sample). Use the explicit pipe for one step out per sample in.
 *
 * **The default.** With no `optimizer`, each subscription makes its own `defaultOptimizer()`
 * (also the default of `streamprop run`), `rmsprop({ learningRate: 0.001, decay: 0.999 })`: every weight moves by
 * `η g / √(E[g²])`, where `E[g²]` averages that weight's squared gradient over about the last
 * 1000 samples. The steps therefore do not depend on the scale of the errors, grow for a while
 * after the stream changes (the gradients are then larger than the average remembers), shrink
 * as the network settles, and stay bounded (at most `η / √(1 - 0.999) ≈ 0.03` per weight, the
 * size of the first steps, which fade over the first thousand samples) — so it learns a
 * drifting stream without tuning and does not diverge where plain SGD at a high rate does. It
 * was chosen by experiment (on a drifting synthetic sensor stream with abrupt
 * and gradual changes): it beats fixed-rate SGD at η = 0.01, 0.03 and 0.1 and Adam with its
 * defaults, and adding `boldDriver()` on top of it did not help (the window means of a noisy
 * stream are too noisy for the rule to gain anything). Scale the inputs and targets to about
 * [-1, 1] (`normalize()`) as for any optimizer. Name an optimizer to choose another, to keep
 * its state across subscriptions or to save it with `toJSON`.
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
 * // the default optimizer:
 * from(samples).pipe(train(net, { loss: mse() })).subscribe();
 * ```
 */
export function train<S extends Sample>(
  net: Network,
  options: TrainOptions,
): OperatorFunction<S, Step<S>> {
  checkNetwork('train', net);
  checkObject('train', 'options', options, 'an object { loss, optimizer?, batchSize? }');
  const lossFn = options.loss;
  checkLoss('train', lossFn, 'loss');
  const named = options.optimizer;
  if (named !== undefined) checkOptimizer('train', named);
  if (options.earlyStop !== undefined) earlyStop<S>(options.earlyStop); // checks it at once
  const forwardOnInvalid = readOnInvalid('forward', options);
  const lossOnInvalid = readOnInvalid('loss', options);
  const settings = readUpdateSettings(options);
  const steps = (optimizer: Optimizer): OperatorFunction<S, Step<S>> => {
    if (options.earlyStop !== undefined) {
      return pipe(
        forward<S>(net, options),
        loss<S>(lossFn, options),
        earlyStop<S>(options.earlyStop),
        backward<S>(net),
        update<S>(net, optimizer, options),
      );
    }
    if (settings.batchSize > 1) {
      return miniBatches<S>(
        () =>
          new MiniBatchLearner<S>(
            net,
            optimizer,
            lossFn,
            forwardOnInvalid,
            lossOnInvalid,
            settings,
          ),
      );
    }
    // The same four stages called in sequence inside one operator: the same steps, events and
    // errors as the explicit pipe, without three operators per sample in between.
    return statefulMap(() => {
      const forwarder = new Forwarder<S>(net, forwardOnInvalid);
      const updater = new Updater<S>(net, optimizer, settings);
      return {
        next(sample: S): Step<S> {
          const step = forwarder.next(sample);
          scoreStep(step, lossFn, lossOnInvalid);
          return updater.learn(step);
        },
        complete: updater.complete,
      };
    });
  };
  if (named !== undefined) return steps(named);
  return (source) => defer(() => source.pipe(steps(defaultOptimizer())));
}

/**
 * The operator of `train` with `batchSize > 1`: one {@link MiniBatchLearner} per subscription,
 * which emits the steps of a batch together once it is complete.
 */
function miniBatches<S extends Sample>(
  make: () => MiniBatchLearner<S>,
): OperatorFunction<S, Step<S>> {
  return (source) =>
    new Observable<Step<S>>((subscriber) => {
      const learner = make();
      const emit = (step: Step<S>): void => subscriber.next(step);
      const subscription = source.subscribe({
        next(sample) {
          try {
            learner.next(sample, emit);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error(error) {
          learner.flush(emit);
          subscriber.error(error);
        },
        complete() {
          try {
            learner.complete(emit);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        learner.release();
      };
    });
}
