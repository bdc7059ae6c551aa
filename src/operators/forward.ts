import type { OperatorFunction } from 'rxjs';
import { MAX_MAGNITUDE } from '../checks/maxMagnitude.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import { readSample } from '../samples/readSample.js';
import type { Sample } from '../samples/sample.js';
import {
  type InvalidSampleOptions,
  type OnInvalid,
  readOnInvalid,
  reject,
} from '../steps/invalidSamples.js';
import { Stage, type Step, StepContext } from '../steps/step.js';
import { statefulMap } from './statefulMap.js';

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
  return statefulMap(() => new Forwarder<S>(net, onInvalid));
}

/**
 * @internal The per-subscription state of {@link forward}: one reused step, filled from each
 * sample. `train` calls it directly, as the first of its four stages.
 */
export class Forwarder<S extends Sample> {
  private readonly step: StepContext<S>;
  /** @internal The seq of the next sample (byKey's slab learner keeps one per key). */
  seq = 0;

  /** @param trace The trace of its step (default: a new one; see `StepContext`). */
  constructor(
    private readonly net: Network,
    private readonly onInvalid: OnInvalid,
    trace?: Trace,
  ) {
    this.step = new StepContext<S>(net, trace);
  }

  /** @internal The trace of its step. */
  get trace(): Trace {
    return this.step.trace;
  }

  next(sample: S): StepContext<S> {
    const step = this.step;
    const n = this.seq++;
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
    const trace = step.trace;
    try {
      step.target = readSample('forward', n, sample, trace, true) ? trace.target : undefined;
    } catch (e) {
      if (this.onInvalid === 'error') throw e;
      step.target = undefined;
      reject(step, e);
      return step;
    }
    this.net.forward(trace);
    this.fillOutputs(step);
    return step;
  }

  /**
   * @internal Sets `output` and `actual` of a step whose prediction and target are in place: in
   * real units when the sample carries a scaler, held within ±MAX_MAGNITUDE (the mini-batch
   * path of `train` calls it as it emits each step).
   */
  fillOutputs(step: StepContext<S>): void {
    const scaler = step.sample.scaler;
    if (scaler === undefined) {
      step.output = bounded(step.prediction) ? step.prediction : this.boundedCopy(step);
      step.actual = step.target;
    } else {
      step.unscaled ??= {
        output: new Float64Array(this.net.outputs),
        actual: new Float64Array(this.net.outputs),
      };
      scaler.inverseTargets(step.prediction, step.unscaled.output);
      bound(step.unscaled.output);
      step.output = step.unscaled.output;
      if (step.target === undefined) {
        step.actual = undefined;
      } else {
        if (scaler.inverseActual !== undefined) {
          scaler.inverseActual(step.target, step.unscaled.actual);
        } else {
          scaler.inverseTargets(step.target, step.unscaled.actual);
        }
        step.actual = step.unscaled.actual;
      }
    }
  }

  /** The prediction copied into the real-unit buffer and held within ±MAX_MAGNITUDE. */
  private boundedCopy(step: StepContext<S>): Float64Array {
    step.unscaled ??= {
      output: new Float64Array(this.net.outputs),
      actual: new Float64Array(this.net.outputs),
    };
    const out = step.unscaled.output;
    out.set(step.prediction);
    bound(out);
    return out;
  }
}

/** Whether every value is within ±MAX_MAGNITUDE or NaN. */
function bounded(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > MAX_MAGNITUDE || v < -MAX_MAGNITUDE) return false;
  }
  return true;
}

/** Holds every value within ±MAX_MAGNITUDE (NaN stays NaN), so that squared errors sum finitely. */
function bound(values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > MAX_MAGNITUDE) values[i] = MAX_MAGNITUDE;
    else if (v < -MAX_MAGNITUDE) values[i] = -MAX_MAGNITUDE;
  }
}
