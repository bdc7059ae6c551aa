import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import type { Rejection } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import type { StepEvent } from './stepEvent.js';

/**
 * What the training operators emit for each sample. `forward` fills `seq`, `sample`,
 * `prediction` and `target`; `loss` fills `loss`; `backward` fills the network's gradients;
 * `update` fills `learningRate` and `updated`.
 *
 * The object and its arrays are lent, not given: one step object per subscription is reused
 * for every sample, so a step is **valid until the next emission**. Copy what you keep, arrays
 * included (`Array.from(step.prediction)`); a spread `{ ...step }` still shares the arrays.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, sgd, train } from 'streamprop';
 * import { from, map } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)] });
 * from([{ x: [1], y: 2 }, { x: [2], y: 4 }])
 *   .pipe(
 *     train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }),
 *     map((s) => ({ seq: s.seq, prediction: s.prediction[0], loss: s.loss })),
 *   )
 *   .subscribe(console.log);
 * ```
 */
export interface Step<S extends Sample = Sample> {
  /** The 0-based count of samples this subscription has seen before this one. */
  readonly seq: number;
  /** The input sample, untouched. */
  readonly sample: S;
  /** The network's output for `sample.x`, made before the weights change (prequential). */
  readonly prediction: Float64Array;
  /** The validated target, or `undefined` when the sample has none. */
  readonly target: Float64Array | undefined;
  /**
   * The prediction in the sample's real units: `prediction` itself unless the sample carries
   * a `scaler` (from `normalize()`), in which case the inverse-scaled prediction. It is held
   * within ±1e145 (`MAX_MAGNITUDE`, a copy when `prediction` is beyond), so that the error
   * metrics' sums of squares stay finite; NaN stays NaN.
   */
  readonly output: Float64Array;
  /** The target in real units, like {@link Step.output}; `undefined` without a target. */
  readonly actual: Float64Array | undefined;
  /** The loss of the prediction; `NaN` before `loss()`. */
  readonly loss: number;
  /** The learning rate `update()` used; `NaN` before `update()`. */
  readonly learningRate: number;
  /** Whether `update()` changed the weights on this sample (with `batchSize > 1` only every k-th). */
  readonly updated: boolean;
  /** The network that made the prediction. */
  readonly network: Network;
  /**
   * The working memory of the pass (inputs, activations, error terms): after `backward`,
   * `network.accumulateGradient(step.trace)` writes the gradient out.
   */
  readonly trace: Trace;
  /**
   * Why the sample was rejected (with `onInvalid: 'skip'`), or `undefined`. A rejected step
   * has a `NaN` prediction and loss and never reaches the weights.
   */
  readonly rejection: Rejection | undefined;
  /**
   * Whether the weights learn from this sample: false when it was rejected or held out (for
   * validation); `backward` and `update` pass such steps through untouched.
   */
  readonly learn: boolean;
  /** What happened at this step (rejection, divergence, rate change, drift …); lent. */
  readonly events: readonly StepEvent[];
}

/**
 * How far a step has gone through forward → loss → backward → update. A step that is not
 * learned from (`learn` false) stays at the stage where it was set aside.
 */
export const Stage = { Forwarded: 1, Scored: 2, Backpropagated: 3, Updated: 4 } as const;

/** @internal The mutable object behind {@link Step}, one per subscription of `forward`. */
export class StepContext<S extends Sample = Sample> implements Step<S> {
  seq = -1;
  sample!: S;
  target: Float64Array | undefined = undefined;
  loss = Number.NaN;
  learningRate = Number.NaN;
  updated = false;
  stage = 0;
  lossFunction: Loss | undefined = undefined;
  rejection: Rejection | undefined = undefined;
  output: Float64Array;
  actual: Float64Array | undefined = undefined;
  /** Real-unit buffers for scaled samples, allocated on the first one. */
  unscaled: { output: Float64Array; actual: Float64Array } | undefined = undefined;
  learn = true;
  readonly events: StepEvent[] = [];
  readonly prediction: Float64Array;
  readonly trace: Trace;
  /**
   * @internal Run once before {@link network} is next read, then dropped: byKey's slabs leave a
   * key's new weights in its slot and copy them into the working network only when a subscriber
   * reads `step.network` (most never do; see `SlabLearner`).
   */
  reveal: (() => void) | undefined = undefined;
  private readonly net: Network;

  /**
   * @param trace Where the forward and backward passes of `network` are written (default: a new
   * one); steps of networks of the same shape, used one after the other, may share one.
   */
  constructor(network: Network, trace: Trace = network.createTrace()) {
    this.net = network;
    this.trace = trace;
    this.prediction = this.trace.output;
    this.output = this.prediction;
  }

  /** The network that made the prediction (an accessor: see {@link reveal}). */
  get network(): Network {
    const reveal = this.reveal;
    if (reveal !== undefined) {
      this.reveal = undefined;
      reveal();
    }
    return this.net;
  }
}

/**
 * @internal Checks that `input` is a step of `forward` whose stage is within [min, max] and,
 * when `net` is given, that `net` predicted it; throws a TypeError naming `operator` otherwise.
 */
export function checkStep<S extends Sample>(
  operator: string,
  input: unknown,
  min: number,
  max: number,
  expected: string,
  net?: Network,
): StepContext<S> {
  if (!(input instanceof StepContext) || input.stage < min || input.stage > max) {
    throw new TypeError(`${operator}: expected ${expected}`);
  }
  if (net !== undefined && input.network !== net) {
    throw new TypeError(`${operator}: the step was predicted by another network than this one`);
  }
  return input as StepContext<S>;
}
