import type { Activation } from '../core/activations.js';
import type { Loss } from '../core/losses.js';
import type { Trace } from '../core/trace.js';

/** @internal One layer of a network as its backend sees it. */
export interface LayerShape {
  readonly units: number;
  readonly fanIn: number;
  readonly activation: Activation;
  /** Where the layer's weights start in the parameters (its biases follow them). */
  readonly offset: number;
}

/** @internal What a backend needs to know of a network to hold and run it. */
export interface NetworkShape {
  readonly inputs: number;
  readonly layers: readonly LayerShape[];
  /** The number of parameters. */
  readonly size: number;
  /** Cheaper tanh, sigmoid and exp (see `NetworkOptions.fastMath`). */
  readonly fastMath: boolean;
  /** Fused multiply-adds in the mini-batch products (see `NetworkOptions.fusedMultiplyAdd`). */
  readonly fusedMultiplyAdd: boolean;
}

/**
 * @internal What a backend does for one network: the memory of its parameters, gradients and
 * traces, and the passes `Network` delegates to (each documented there). Each allocates
 * nothing.
 */
export interface NetworkKernels {
  /** Whether these are the WebAssembly kernels (the optimizers then use theirs). */
  readonly wasm: boolean;
  readonly parameters: Float64Array;
  readonly gradients: Float64Array;
  createTrace(): Trace;
  forward(trace: Trace): void;
  backward(trace: Trace, loss: Loss): void;
  accumulateGradient(trace: Trace, into: Float64Array, scale: number): void;
  gradientNorm(trace: Trace): number;
  /**
   * Writes {@link gradientNorm} into `out[0]`: the hot path's form — a number returned from a
   * call that is not inlined is boxed (allocated), one written into a Float64Array is not.
   */
  gradientNormInto(trace: Trace, out: Float64Array): void;
  scaleGradient(trace: Trace, factor: number): void;
  /**
   * `count` traces laid out one after another in one block: the rows of a mini-batch (the
   * batch passes below are given the block's array itself and take its first `n`).
   */
  createBatch(count: number): readonly Trace[];
  /** The forward pass of traces[0..n) of one {@link createBatch} block. */
  forwardBatch(traces: readonly Trace[], n: number): void;
  /** The backward pass of traces[0..n) of one block, each against its own target. */
  backwardBatch(traces: readonly Trace[], n: number, loss: Loss): void;
  /**
   * into = scale · Σ of the gradients of traces[0..n) (after {@link backwardBatch}), the
   * samples added in order — as `into.fill(0)`, {@link accumulateGradient} of each, then
   * `into[i] *= scale` would give, bit for bit.
   */
  accumulateBatch(traces: readonly Trace[], n: number, into: Float64Array, scale: number): void;
  /** Arrays the network made over its parameters or gradients: the memory outlives them. */
  adopt(views: readonly object[]): void;
  /** A zeroed array of `length` values where this backend's optimizer kernels read state. */
  stateBuffer(length: number): Float64Array;
  /** Whether `array` is where this backend's optimizer kernels can read it. */
  holds(array: Float64Array): boolean;
  /**
   * One step of built-in optimizer `code` (the WebAssembly kernels only): from the error terms
   * in `trace`, or along `grads` when given. `hyper` holds h0…h5 of its rule.
   */
  optimizerStep(
    code: number,
    hyper: Float64Array,
    state: readonly Float64Array[],
    trace: Trace | undefined,
    grads: Float64Array | undefined,
  ): void;
}
