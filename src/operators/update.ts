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
  const clipNorm = positive('clipNorm', options.clipNorm ?? Number.POSITIVE_INFINITY);
  const clipValue = positive('clipValue', options.clipValue ?? Number.POSITIVE_INFINITY);
  const maxGradientNorm = positive('maxGradientNorm', options.maxGradientNorm ?? 1e6);
  const weightDecay = options.weightDecay ?? 0;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new RangeError(
      `update: weightDecay must be a finite number >= 0, got ${describeValue(weightDecay)}`,
    );
  }
  const cut = options.divergenceCut ?? 0.5;
  if (!(cut > 0 && cut <= 1)) {
    throw new RangeError(`update: divergenceCut must be in (0, 1], got ${describeValue(cut)}`);
  }
  // The gradient is written out only when a component-wise change or a batch needs it.
  const writeOut = batchSize > 1 || clipValue !== Number.POSITIVE_INFINITY || weightDecay > 0;
  return statefulMap(() => {
    const params = net.parameters;
    const sum = new Float64Array(writeOut ? params.length : 0);
    let count = 0;
    const stepWrittenOut = (): void => {
      const scale = 1 / count;
      for (let i = 0; i < sum.length; i++) sum[i] *= scale;
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
      sum.fill(0);
      count = 0;
    };
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
        step.learningRate = optimizer.learningRate;
        step.updated = false;
        if (!step.learn) return step;
        if (step.stage !== Stage.Backpropagated) {
          throw new TypeError(
            'update: expected back-propagated steps; put backward(net) before update',
          );
        }
        step.stage = Stage.Updated;
        const norm = net.gradientNorm(step.trace);
        if (!Number.isFinite(step.loss) || !(norm <= maxGradientNorm)) {
          optimizer.learningRate *= cut;
          step.events.push({
            type: 'diverged',
            seq: step.seq,
            loss: step.loss,
            gradientNorm: norm,
            learningRate: optimizer.learningRate,
          });
          return step;
        }
        if (norm > clipNorm) net.scaleGradient(step.trace, clipNorm / norm);
        if (!writeOut) {
          optimizer.stepFrom(net, step.trace);
          step.updated = true;
          return step;
        }
        net.accumulateGradient(step.trace, sum);
        count++;
        step.updated = count === batchSize;
        if (step.updated) stepWrittenOut();
        return step;
      },
      // Only a written-out gradient can hold a partial batch; without one, no completion hook
      // (and no extra stage per sample).
      complete: writeOut
        ? (): void => {
            if (count > 0) stepWrittenOut();
          }
        : undefined,
    };
  });
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new RangeError(`update: ${name} must be a number > 0, got ${describeValue(value)}`);
  }
  return value;
}
