import type { OperatorFunction } from 'rxjs';
import type { WasmKernels } from '../backends/wasmKernels.js';
import { checkPositiveOrInfinity } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import {
  FUSED_LEARN,
  FUSED_STEP,
  type FusedStepOptimizer,
  fusedStepOf,
} from '../optim/fusedStep.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step, type StepContext } from '../steps/step.js';
import { backpropagateStep } from './backward.js';
import { statefulMap } from './statefulMap.js';

/** Options of {@link update} and `train`. */
export interface UpdateOptions {
  /**
   * Clip the gradient by norm: scale it down so its Euclidean norm is at most this
   * (default: no clipping).
   */
  readonly clipNorm?: number;
  /** Clip the gradient by value: clamp every component to [−clipValue, clipValue] (default: none). */
  readonly clipValue?: number;
  /** L2 weight decay λ: adds λ·w to the gradient of every weight, not of the biases (default 0). */
  readonly weightDecay?: number;
  /**
   * A gradient norm above this counts as exploding (default 1e6): like a non-finite loss or
   * gradient, it skips the update, multiplies the learning rate by `divergenceCut` and pushes a
   * `diverged` event, so the weights never become NaN or Infinity.
   */
  readonly maxGradientNorm?: number;
  /** What the learning rate is multiplied by when the update is skipped (default 0.5). */
  readonly divergenceCut?: number;
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
  const settings = readUpdateSettings(options);
  return statefulMap(() => {
    const updater = new Updater<S>(net, optimizer, settings);
    return {
      next(input: Step<S>): Step<S> {
        const step = checkStep<S>(
          'update',
          input,
          Stage.Forwarded,
          Stage.Backpropagated,
          'back-propagated steps; put backward(net) before update',
          net,
        );
        if (step.learn && step.stage !== Stage.Backpropagated) {
          throw new TypeError(
            'update: expected back-propagated steps; put backward(net) before update',
          );
        }
        return updater.next(step);
      },
      complete: updater.complete,
    };
  });
}

/** @internal The checked {@link UpdateOptions}, with their defaults filled in. */
export interface UpdateSettings {
  readonly batchSize: number;
  readonly clipNorm: number;
  readonly clipValue: number;
  readonly maxGradientNorm: number;
  readonly weightDecay: number;
  readonly divergenceCut: number;
}

/**
 * @internal Checks the options of {@link update} (and `train`), throwing a RangeError or
 * TypeError naming `update`.
 */
export function readUpdateSettings(options: UpdateOptions): UpdateSettings {
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
  const clipNorm = checkPositiveOrInfinity(
    'update',
    'clipNorm',
    options.clipNorm ?? Number.POSITIVE_INFINITY,
  );
  const clipValue = checkPositiveOrInfinity(
    'update',
    'clipValue',
    options.clipValue ?? Number.POSITIVE_INFINITY,
  );
  const maxGradientNorm = checkPositiveOrInfinity(
    'update',
    'maxGradientNorm',
    options.maxGradientNorm ?? 1e6,
  );
  const weightDecay = options.weightDecay ?? 0;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new RangeError(
      `update: weightDecay must be a finite number >= 0, got ${describeValue(weightDecay)}`,
    );
  }
  const divergenceCut = options.divergenceCut ?? 0.5;
  if (!(divergenceCut > 0 && divergenceCut <= 1)) {
    throw new RangeError(
      `update: divergenceCut must be in (0, 1], got ${describeValue(divergenceCut)}`,
    );
  }
  return { batchSize, clipNorm, clipValue, maxGradientNorm, weightDecay, divergenceCut };
}

/**
 * @internal The per-subscription state of {@link update} (`train` calls it directly): applies
 * each back-propagated step of `net`, guarding against divergence, clipping, decaying and
 * batching as the settings say. Steps that are not learned from pass through.
 */
export class Updater<S extends Sample> {
  /**
   * The completion hook, which applies a partial batch: only when the gradient is written
   * out, the only case that can hold one (so no extra stage per sample otherwise).
   */
  readonly complete: (() => void) | undefined;
  /**
   * Whether the gradient is written out: when a component-wise change or a batch needs it, or
   * the optimizer has no fast path (see `FUSED_STEP`).
   */
  private readonly writeOut: boolean;
  /** The optimizer when it has the fast path, which is used whenever the gradient is not written out. */
  private readonly fused: FusedStepOptimizer | undefined;
  private readonly sum: Float64Array;
  private count = 0;
  private readonly maxGradientNorm: number;
  /** The gradient's norm, written here by the kernels (a number returned would be boxed). */
  private readonly norm = new Float64Array(1);
  private readonly clipNorm: number;
  /** The optimizer when {@link learn} takes the one-call path of the WebAssembly backend. */
  private readonly fastLearn: Required<Pick<FusedStepOptimizer, typeof FUSED_LEARN>> | undefined;
  /** The norm up to which that path steps at once: `min(clipNorm, maxGradientNorm)`. */
  private readonly limit: number;

  constructor(
    private readonly net: Network,
    private readonly optimizer: Optimizer,
    private readonly settings: UpdateSettings,
  ) {
    const { batchSize, clipValue, weightDecay } = settings;
    this.fused = fusedStepOf(optimizer);
    this.writeOut =
      batchSize > 1 ||
      clipValue !== Number.POSITIVE_INFINITY ||
      weightDecay > 0 ||
      this.fused === undefined;
    // Where the backend's optimizer kernels read it (the WebAssembly kernels' memory there).
    this.sum = net.kernels.stateBuffer(this.writeOut ? net.parameters.length : 0);
    this.maxGradientNorm = settings.maxGradientNorm;
    this.clipNorm = settings.clipNorm;
    this.limit = Math.min(settings.clipNorm, settings.maxGradientNorm);
    const fused = this.fused;
    this.fastLearn =
      !this.writeOut && net.kernels.wasm && typeof fused?.[FUSED_LEARN] === 'function'
        ? (fused as Required<Pick<FusedStepOptimizer, typeof FUSED_LEARN>>)
        : undefined;
    this.complete = this.writeOut
      ? (): void => {
          if (this.count > 0) this.stepWrittenOut();
        }
      : undefined;
  }

  next(step: StepContext<S>): StepContext<S> {
    const optimizer = this.optimizer;
    step.learningRate = optimizer.learningRate;
    step.updated = false;
    if (!step.learn) return step;
    step.stage = Stage.Updated;
    this.net.kernels.gradientNormInto(step.trace, this.norm);
    return this.stepWith(step, this.norm[0]);
  }

  /**
   * `backpropagateStep` and then {@link next} (what `train` does per sample): on the WebAssembly
   * backend, with a built-in optimizer and nothing that needs the gradient written out, the
   * backward pass, the norm and the step are one call into the kernels (see `FUSED_LEARN`), with
   * the same results, bit for bit.
   */
  learn(step: StepContext<S>): StepContext<S> {
    const fast = this.fastLearn;
    if (fast === undefined || !step.learn || !Number.isFinite(step.loss)) {
      backpropagateStep(step, this.net);
      return this.next(step);
    }
    step.learningRate = this.optimizer.learningRate;
    step.updated = false;
    step.stage = Stage.Updated;
    const limit = this.limit;
    const kernels = this.net.kernels as WasmKernels;
    fast[FUSED_LEARN](kernels, step.trace, step.lossFunction as Loss, limit, this.norm);
    const norm = this.norm[0];
    if (norm <= limit) {
      step.updated = true;
      return step;
    }
    return this.stepWith(step, norm);
  }

  /** The rest of {@link next} once the gradient's norm is known. */
  private stepWith(step: StepContext<S>, norm: number): StepContext<S> {
    const optimizer = this.optimizer;
    const net = this.net;
    const trace = step.trace;
    if (!Number.isFinite(step.loss) || !(norm <= this.maxGradientNorm)) {
      optimizer.learningRate *= this.settings.divergenceCut;
      step.events.push({
        type: 'diverged',
        seq: step.seq,
        loss: step.loss,
        gradientNorm: norm,
        learningRate: optimizer.learningRate,
      });
      return step;
    }
    if (norm > this.clipNorm) net.scaleGradient(trace, this.clipNorm / norm);
    if (!this.writeOut) {
      (this.fused as FusedStepOptimizer)[FUSED_STEP](net, trace);
      step.updated = true;
      return step;
    }
    net.accumulateGradient(trace, this.sum);
    this.count++;
    step.updated = this.count === this.settings.batchSize;
    if (step.updated) this.stepWrittenOut();
    return step;
  }

  private stepWrittenOut(): void {
    const { sum } = this;
    const scale = 1 / this.count;
    for (let i = 0; i < sum.length; i++) sum[i] *= scale;
    stepAlong(this.net, this.optimizer, this.settings, sum);
    sum.fill(0);
    this.count = 0;
  }
}

/**
 * @internal One step of `optimizer` along the mean gradient `sum` written out: adds the weight
 * decay and clips by value as the settings say (changing `sum`), then steps.
 */
export function stepAlong(
  net: Network,
  optimizer: Optimizer,
  settings: UpdateSettings,
  sum: Float64Array,
): void {
  const { weightDecay, clipValue } = settings;
  const params = net.parameters;
  if (weightDecay > 0) {
    for (const layer of net.layers) {
      const end = layer.offset + layer.units * layer.fanIn;
      for (let i = layer.offset; i < end; i++) sum[i] += weightDecay * params[i];
    }
  }
  if (clipValue !== Number.POSITIVE_INFINITY) {
    for (let i = 0; i < sum.length; i++) {
      sum[i] = sum[i] > clipValue ? clipValue : sum[i] < -clipValue ? -clipValue : sum[i];
    }
  }
  optimizer.step(params, sum);
}
