import { BUILT_IN_ACTIVATIONS, linear } from '../core/activations.js';
import type { Loss } from '../core/losses.js';
import { Trace, traceLayout } from '../core/trace.js';
import { fusedKernels } from './fusedKernels.js';
import { accumulateInto, sumGradients } from './jsKernels.js';
import { type KernelExports, type KernelHeap, kernelHeap, kernelsMissing } from './kernelHeap.js';
import type { NetworkKernels, NetworkShape } from './networkKernels.js';

/** The activation codes of assembly/layout.ts, by name. */
const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  leakyRelu: 4,
  softplus: 5,
  elu: 6,
  softmax: 7,
};

// The layer table of assembly/layout.ts: a 16-byte header, then 64 bytes per layer.
const HEADER = 16;
const STRIDE = 64;

/**
 * @internal The WebAssembly backend's kernels for one network: its layer table, parameters and
 * gradients in one block of the kernels' memory, traces in blocks of their own, and the passes
 * as calls into assembly/. Each call passes addresses only: nothing is copied per sample.
 */
export class WasmKernels implements NetworkKernels {
  readonly wasm = true;
  readonly parameters: Float64Array;
  readonly gradients: Float64Array;
  /** Addresses, in bytes: the layer table, the parameters, the gradients. */
  readonly table: number;
  readonly params: number;
  private readonly grads: number;
  private readonly heap: KernelHeap;
  private readonly exports: KernelExports;
  /** The mini-batch passes' kernels: {@link exports}, or their fused twins (`fusedMultiplyAdd`). */
  private readonly batch: KernelExports;
  private readonly fast: number;
  /** The bytes from one trace to the next in a mini-batch block. */
  private readonly stride: number;
  private readonly block: { readonly at: number; readonly bytes: number; holders: object[] };
  /** The parameters the passes run on: {@link params}, or a key's slot (see {@link retarget}). */
  private paramsAt: number;
  /** While retargeted: the slot's optimizer state buffers (0 for none). */
  private stateAt = 0;
  private secondStateAt = 0;
  private away = false;

  constructor(private readonly shape: NetworkShape) {
    const heap = kernelHeap();
    if (heap === undefined) {
      throw new Error(`network: the wasm backend cannot run here: ${kernelsMissing()}`);
    }
    for (const [k, layer] of shape.layers.entries()) {
      if (!BUILT_IN_ACTIVATIONS.has(layer.activation)) {
        throw new TypeError(
          `network: layers[${k}]: the WebAssembly backend runs the built-in activations only; use jsBackend() for ${layer.activation.name}`,
        );
      }
    }
    this.heap = heap;
    this.exports = heap.exports;
    this.batch = shape.fusedMultiplyAdd ? fusedOrThrow(heap) : heap.exports;
    this.fast = shape.fastMath ? 1 : 0;
    this.stride =
      traceLayout(
        shape.inputs,
        shape.layers.map((l) => l.units),
      ).size * 8;
    const tableBytes = HEADER + STRIDE * shape.layers.length;
    const paramBytes = align(shape.size * 8);
    const bytes = tableBytes + 2 * paramBytes;
    const at = heap.allocate(bytes);
    this.table = at;
    this.params = at + tableBytes;
    this.paramsAt = this.params;
    this.grads = this.params + paramBytes;
    this.parameters = heap.doubles(this.params, shape.size);
    this.gradients = heap.doubles(this.grads, shape.size);
    this.writeTable();
    this.block = { at, bytes, holders: [this, this.parameters, this.gradients] };
  }

  /**
   * @internal byKey's slabs: until {@link comeHome}, the passes and the built-in optimizers' steps
   * run in place on the parameters at `params` and the optimizer state at `state` and
   * `secondState` (addresses in the kernels' memory, laid out like {@link parameters}; 0 for a
   * buffer the rule does not have) instead of this network's own — no copy of a key's model in
   * and out around its sample. `parameters` still views the network's own block.
   */
  retarget(params: number, state: number, secondState: number): void {
    this.paramsAt = params;
    this.stateAt = state;
    this.secondStateAt = secondState;
    this.away = true;
  }

  /** @internal Back to this network's own parameters and the optimizers' own state. */
  comeHome(): void {
    this.paramsAt = this.params;
    this.away = false;
  }

  private writeTable(): void {
    const { inputs, layers } = this.shape;
    const layout = traceLayout(
      inputs,
      layers.map((l) => l.units),
    );
    const ints = this.heap.ints(this.table, (HEADER + STRIDE * layers.length) / 4);
    const doubles = this.heap.doubles(this.table, (HEADER + STRIDE * layers.length) / 8);
    ints[0] = layers.length;
    ints[1] = inputs;
    layers.forEach((layer, k) => {
      const r = (HEADER + STRIDE * k) / 4;
      ints[r] = layer.units;
      ints[r + 1] = layer.fanIn;
      ints[r + 2] = ACTIVATION_CODES[layer.activation.name];
      ints[r + 3] = layer.offset * 8;
      ints[r + 4] = (layer.offset + layer.units * layer.fanIn) * 8;
      ints[r + 5] = (k === 0 ? layout.input : layout.y[k - 1]) * 8;
      ints[r + 6] = layout.z[k] * 8;
      ints[r + 7] = layout.y[k] * 8;
      ints[r + 8] = layout.dy[k] * 8;
      ints[r + 9] = layout.delta[k] * 8;
      doubles[(HEADER + STRIDE * k + 40) / 8] = layer.activation.alpha ?? 0;
    });
  }

  adopt(views: readonly object[]): void {
    this.block.holders.push(...views);
    if (this.block.holders.length > 0) {
      // Registered once the network has handed over every array it made.
      this.heap.own(this.block.holders, this.block.at, this.block.bytes);
      this.block.holders = [];
    }
  }

  createTrace(): Trace {
    const units = this.shape.layers.map((l) => l.units);
    const size = traceLayout(this.shape.inputs, units).size;
    const at = this.heap.allocate(size * 8);
    const trace = new Trace(this.shape.inputs, units, this.heap.doubles(at, size), at);
    this.heap.own([trace, ...trace.views()], at, size * 8);
    return trace;
  }

  /**
   * The traces of a block one after another, then the scratch memory of the batch kernels
   * (see {@link scratchOf}): both given back when the traces are collected.
   */
  createBatch(count: number): readonly Trace[] {
    const units = this.shape.layers.map((l) => l.units);
    const size = traceLayout(this.shape.inputs, units).size;
    const bytes = count * size * 8 + this.exports.batchScratchBytes(this.table);
    const at = this.heap.allocate(bytes);
    const traces = Array.from(
      { length: count },
      (_, s) =>
        new Trace(
          this.shape.inputs,
          units,
          this.heap.doubles(at + s * size * 8, size),
          at + s * size * 8,
        ),
    );
    this.heap.own([...traces, ...traces.flatMap((t) => t.views())], at, bytes);
    return traces;
  }

  /** The scratch memory after the traces of a {@link createBatch} block. */
  private scratchOf(traces: readonly Trace[]): number {
    return traces[0].at + traces.length * this.stride;
  }

  forwardBatch(traces: readonly Trace[], n: number): void {
    if (n > 0)
      this.batch.batchForward(
        this.table,
        this.paramsAt,
        traces[0].at,
        this.stride,
        n,
        this.fast,
        this.scratchOf(traces),
      );
  }

  backwardBatch(traces: readonly Trace[], n: number, loss: Loss): void {
    let ready = 1;
    for (let s = 0; s < n; s++) ready = this.lossPart(traces[s], loss);
    if (n > 0)
      this.batch.batchBackward(
        this.table,
        this.paramsAt,
        traces[0].at,
        this.stride,
        n,
        ready,
        this.scratchOf(traces),
      );
  }

  accumulateBatch(traces: readonly Trace[], n: number, into: Float64Array, scale: number): void {
    if (this.heap.holds(into) && n > 0) {
      this.batch.batchGradient(
        this.table,
        traces[0].at,
        this.stride,
        n,
        into.byteOffset,
        scale,
        this.scratchOf(traces),
      );
      return;
    }
    sumGradients(this.shape.layers, traces, n, into);
    for (let i = 0; i < into.length; i++) into[i] *= scale;
  }

  forward(trace: Trace): void {
    this.exports.forward(this.table, this.paramsAt, trace.at, this.fast);
  }

  backward(trace: Trace, loss: Loss): void {
    this.exports.backward(this.table, this.paramsAt, trace.at, this.lossPart(trace, loss));
  }

  /**
   * The loss's part of the backward pass — small, and the loss a value of its own, so it runs
   * here: writes δ of the last layer (1), or ∂L/∂y for the kernels to take through the
   * activation (0).
   */
  private lossPart(trace: Trace, loss: Loss): number {
    const last = this.shape.layers.length - 1;
    const top = this.shape.layers[last].activation;
    if (top === linear) {
      loss.gradient(trace.output, trace.target, trace.delta[last]);
      return 1;
    }
    if (loss.outputDelta?.(top, trace.output, trace.target, trace.delta[last])) return 1;
    loss.gradient(trace.output, trace.target, trace.dy[last]);
    return 0;
  }

  /**
   * @internal One sample's learning in one call into the kernels (`train`'s fast path): the
   * backward pass of {@link backward}, the gradient's norm and, when it is at most `limit`, the
   * step of built-in optimizer `code` as {@link optimizerStep} makes it. Writes the norm to
   * `norm[0]` (a number returned would be boxed).
   */
  learn(
    trace: Trace,
    loss: Loss,
    limit: number,
    code: number,
    h: Float64Array,
    state: readonly Float64Array[],
    norm: Float64Array,
  ): void {
    const away = this.away;
    const s = away ? this.stateAt : state.length > 0 ? state[0].byteOffset : 0;
    const u = away ? this.secondStateAt : state.length > 1 ? state[1].byteOffset : 0;
    norm[0] = this.exports.learnStep(
      code,
      this.table,
      this.paramsAt,
      trace.at,
      this.lossPart(trace, loss),
      limit,
      s,
      u,
      h[0],
      h[1],
      h[2],
      h[3],
      h[4],
      h[5],
    );
  }

  accumulateGradient(trace: Trace, into: Float64Array, scale: number): void {
    // An array of the kernels' memory is written by the kernel; any other by the JavaScript loop.
    if (this.heap.holds(into))
      this.exports.accumulate(this.table, trace.at, into.byteOffset, scale);
    else accumulateInto(this.shape.layers, trace, into, scale);
  }

  gradientNorm(trace: Trace): number {
    return this.exports.gradientNorm(this.table, trace.at);
  }

  gradientNormInto(trace: Trace, out: Float64Array): void {
    out[0] = this.exports.gradientNorm(this.table, trace.at);
  }

  scaleGradient(trace: Trace, factor: number): void {
    this.exports.scaleGradient(this.table, trace.at, factor);
  }

  stateBuffer(length: number): Float64Array {
    return kernelStateBuffer(length);
  }

  holds(array: Float64Array): boolean {
    return this.heap.holds(array);
  }

  optimizerStep(
    code: number,
    h: Float64Array,
    state: readonly Float64Array[],
    trace: Trace | undefined,
    grads: Float64Array | undefined,
  ): void {
    const away = this.away;
    const s = away ? this.stateAt : state.length > 0 ? state[0].byteOffset : 0;
    const u = away ? this.secondStateAt : state.length > 1 ? state[1].byteOffset : 0;
    const g = grads === undefined ? 0 : grads.byteOffset;
    const n = grads === undefined ? 0 : grads.length;
    const t = trace === undefined ? 0 : trace.at;
    this.exports.optimizerStep(
      code,
      this.table,
      this.paramsAt,
      t,
      g,
      n,
      s,
      u,
      h[0],
      h[1],
      h[2],
      h[3],
      h[4],
      h[5],
    );
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}

/** @internal Whether `array` views the WebAssembly kernels' memory. */
export function inKernelMemory(array: Float64Array): boolean {
  return array.buffer instanceof SharedArrayBuffer && kernelHeap()?.holds(array) === true;
}

/**
 * @internal A zeroed array of `length` values in the kernels' memory, given back when it has been
 * garbage-collected.
 */
export function kernelStateBuffer(length: number): Float64Array {
  const heap = kernelHeap() as KernelHeap;
  const at = heap.allocate(length * 8);
  const buffer = heap.doubles(at, length);
  heap.own([buffer], at, length * 8);
  return buffer;
}

/** The fused twins of the heap's kernels, or an Error saying why they cannot run here. */
function fusedOrThrow(heap: KernelHeap): KernelExports {
  const fused = fusedKernels(heap);
  if (typeof fused === 'string') {
    throw new Error(`network: fusedMultiplyAdd cannot run here: ${fused}`);
  }
  return fused;
}
