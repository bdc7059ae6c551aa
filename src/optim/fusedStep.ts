import type { WasmKernels } from '../backends/wasmKernels.js';
import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import type { Optimizer } from './optimizer.js';

/**
 * @internal The key of the fast path of the built-in optimizers — not part of the
 * {@link Optimizer} interface a user implements, and not exported from the package.
 *
 * After `net.backward(trace, loss)` the error terms `δ(k)` of every layer define the whole
 * gradient: `∂L/∂W(k) = δ(k)·n(k-1)ᵀ` and `∂L/∂b(k) = δ(k)`, where `n(k-1)` is the layer's
 * input (`net.layerInput(trace, k)`). An optimizer that has a method under this key steps
 * `net.parameters` straight from them, in one pass over the weights, without writing the
 * gradient out; `update` calls it when nothing needs the written-out gradient (no batch, no
 * `clipValue`, no `weightDecay`).
 *
 * An optimizer without it — every optimizer a user writes — gets the written-out path:
 * `update` zeroes a buffer laid out like `net.parameters`, adds the gradient into it
 * (`net.accumulateGradient`) and calls `optimizer.step(net.parameters, gradients)`. The two
 * paths must give the same parameters, bit for bit: a fused kernel does, weight by weight, the
 * same floating-point operations in the same order as its `step` on the written-out gradient
 * (test/optim/fusedStep.test.ts checks every built-in optimizer, and test/operators/update's
 * custom-optimizer tests check that a wrapper with only the public interface learns exactly as
 * the built-in it wraps).
 *
 * To give an optimizer (say, a WebAssembly kernel) the fast path, implement
 * {@link FusedStepOptimizer}: the method under this key, with the contract of
 * `BufferedOptimizer`'s kernel — layer by layer, the weights at `layer.offset` (row-major, one
 * row of `layer.fanIn` per neuron), then the `layer.units` biases.
 *
 * @example
 * ```ts
 * const fused = fusedStepOf(optimizer);
 * if (fused !== undefined) fused[FUSED_STEP](net, trace); // after net.backward(trace, loss)
 * ```
 */
export const FUSED_STEP: unique symbol = Symbol('streamprop.fusedStep');

/**
 * @internal The key of the one-call learning of a built-in optimizer on the WebAssembly backend
 * (see {@link FusedStepOptimizer}); `train` uses it per sample when nothing needs the gradient
 * written out.
 */
export const FUSED_LEARN: unique symbol = Symbol('streamprop.fusedLearn');

/** @internal An optimizer with the fast path of {@link FUSED_STEP}. */
export interface FusedStepOptimizer extends Optimizer {
  /**
   * One step of `net.parameters` along the gradient of the last `net.backward(trace, …)`,
   * computed on the fly from the error terms: the same result, bit for bit, as `step` with the
   * written-out gradient. Allocates nothing after the first step.
   */
  [FUSED_STEP](net: Network, trace: Trace): void;
  /**
   * Optional, for the WebAssembly backend: the backward pass on `trace` (after the forward pass
   * and the loss), the gradient's norm and, when the norm is at most `limit`, this step — in one
   * call into the kernels (`kernels.learn`). Writes the norm to `norm[0]`. The same results, bit for bit, as
   * `net.backward(trace, loss)`, `net.gradientNorm(trace)` and then {@link FUSED_STEP} when the
   * norm is within the limit.
   */
  [FUSED_LEARN]?(
    kernels: WasmKernels,
    trace: Trace,
    loss: Loss,
    limit: number,
    norm: Float64Array,
  ): void;
}

/** @internal `optimizer` when it has the fast path of {@link FUSED_STEP}, else `undefined`. */
export function fusedStepOf(optimizer: Optimizer): FusedStepOptimizer | undefined {
  return typeof (optimizer as Partial<FusedStepOptimizer>)[FUSED_STEP] === 'function'
    ? (optimizer as FusedStepOptimizer)
    : undefined;
}
