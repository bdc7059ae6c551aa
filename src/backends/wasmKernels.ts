import { BUILT_IN_ACTIVATIONS } from '../core/activations.js';
import type { Loss } from '../core/losses.js';
import { Trace, traceLayout } from '../core/trace.js';
import { accumulateInto } from './jsKernels.js';
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
  private readonly fast: number;
  private readonly block: { readonly at: number; readonly bytes: number; holders: object[] };

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
    this.fast = shape.fastMath ? 1 : 0;
    const tableBytes = HEADER + STRIDE * shape.layers.length;
    const paramBytes = align(shape.size * 8);
    const bytes = tableBytes + 2 * paramBytes;
    const at = heap.allocate(bytes);
    this.table = at;
    this.params = at + tableBytes;
    this.grads = this.params + paramBytes;
    this.parameters = heap.doubles(this.params, shape.size);
    this.gradients = heap.doubles(this.grads, shape.size);
    this.writeTable();
    this.block = { at, bytes, holders: [this, this.parameters, this.gradients] };
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

  forward(trace: Trace): void {
    this.exports.forward(this.table, this.params, trace.at, this.fast);
  }

  backward(trace: Trace, loss: Loss): void {
    const layers = this.shape.layers;
    const last = layers.length - 1;
    const top = layers[last].activation;
    // The loss's part is small and the loss a value of its own: it runs here, writing δ of the
    // last layer (or ∂L/∂y, for the kernels to take through the activation).
    let ready = 1;
    if (top.name === 'linear') {
      loss.gradient(trace.output, trace.target, trace.delta[last]);
    } else if (!loss.outputDelta(top, trace.output, trace.target, trace.delta[last])) {
      loss.gradient(trace.output, trace.target, trace.dy[last]);
      ready = 0;
    }
    this.exports.backward(this.table, this.params, trace.at, ready);
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
    const s = state.length > 0 ? state[0].byteOffset : 0;
    const u = state.length > 1 ? state[1].byteOffset : 0;
    const g = grads === undefined ? 0 : grads.byteOffset;
    const n = grads === undefined ? 0 : grads.length;
    const t = trace === undefined ? 0 : trace.at;
    this.exports.optimizerStep(
      code,
      this.table,
      this.params,
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

/**
 * @internal One step of built-in optimizer `code` along the gradient `grads` written out, all of
 * `params`, `grads` and `state` in the kernels' memory.
 */
export function flatStep(
  code: number,
  h: Float64Array,
  state: readonly Float64Array[],
  params: Float64Array,
  grads: Float64Array,
): void {
  const s = state.length > 0 ? state[0].byteOffset : 0;
  const u = state.length > 1 ? state[1].byteOffset : 0;
  (kernelHeap() as KernelHeap).exports.optimizerStep(
    code,
    0,
    params.byteOffset,
    0,
    grads.byteOffset,
    grads.length,
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
