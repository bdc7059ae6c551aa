import { kernelHeap } from '../backends/kernelHeap.js';
import type { WasmKernels } from '../backends/wasmKernels.js';
import type { Network } from '../core/network.js';

/** Slots per chunk of the slabs: memory grows a chunk at a time. */
const CHUNK = 256;

/**
 * @internal The per-key memory of byKey's slab learner: for each slot, a key's parameters and
 * its optimizer's state buffers side by side, in chunks of {@link CHUNK} slots. On the
 * WebAssembly backend they are in the kernels' memory and the working network's kernels run on
 * the key's slot itself ({@link load} points them there: nothing is copied); on the JavaScript
 * backend a key's state is copied into the working network and the optimizer's buffers before
 * its sample ({@link load}) and back after it ({@link save}). Nothing is allocated per sample.
 */
export class Slabs {
  /** Values per slot: the parameters, then each state buffer. */
  private readonly width: number;
  private readonly size: number;
  private readonly chunks: Float64Array[] = [];
  /**
   * On the WebAssembly backend: the working network's kernels (pointed at each key's slot in
   * turn), and where each chunk starts in their memory, in bytes.
   */
  private readonly kernels: WasmKernels | undefined;
  private readonly starts: number[] = [];
  private readonly free: number[] = [];
  private slots = 0;

  constructor(
    private readonly net: Network,
    private readonly state: readonly Float64Array[],
    private readonly initial: Float64Array,
  ) {
    this.size = net.parameters.length;
    this.width = this.size * (1 + state.length);
    this.kernels = net.kernels.wasm ? (net.kernels as WasmKernels) : undefined;
  }

  /** A slot for a new key: the initial weights, zero optimizer state. */
  open(): number {
    const slot = this.free.pop() ?? this.grow();
    const [chunk, at] = this.where(slot);
    chunk.set(this.initial, at);
    chunk.fill(0, at + this.size, at + this.width);
    return slot;
  }

  /** Gives a slot back for a later key. */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** The number of slots made so far (used or free). */
  get capacity(): number {
    return this.slots;
  }

  /** Copies the slot's parameters and state into the working network and optimizer. */
  load(slot: number): void {
    const size = this.size;
    const kernels = this.kernels;
    if (kernels !== undefined) {
      // The kernels run on the slot itself: nothing to copy in, nor out.
      const at = this.starts[slot >> 8] + (slot & (CHUNK - 1)) * this.width * 8;
      kernels.rebase(at, this.state.length > 0 ? at + size * 8 : -1);
      return;
    }
    const chunk = this.chunks[slot >> 8];
    const from = (slot & (CHUNK - 1)) * this.width;
    copy(chunk, from, this.net.parameters, 0, size);
    for (let b = 0; b < this.state.length; b++) {
      copy(chunk, from + size * (b + 1), this.state[b], 0, size);
    }
  }

  /** Copies the working network's parameters and the optimizer's state into the slot. */
  save(slot: number): void {
    const size = this.size;
    if (this.kernels !== undefined) return;
    const chunk = this.chunks[slot >> 8];
    const to = (slot & (CHUNK - 1)) * this.width;
    copy(this.net.parameters, 0, chunk, to, size);
    for (let b = 0; b < this.state.length; b++)
      copy(this.state[b], 0, chunk, to + size * (b + 1), size);
  }

  /** The chunk of a slot and where the slot starts in it. */
  private where(slot: number): [Float64Array, number] {
    return [this.chunks[slot >> 8], (slot & (CHUNK - 1)) * this.width];
  }

  /** A new chunk of slots; returns its first. */
  private grow(): number {
    const values = CHUNK * this.width;
    const heap = this.net.kernels.wasm ? kernelHeap() : undefined;
    if (heap === undefined) {
      this.chunks.push(new Float64Array(values));
    } else {
      const at = heap.allocate(values * 8);
      const chunk = heap.doubles(at, values);
      heap.own([this, chunk], at, values * 8);
      this.chunks.push(chunk);
      this.starts.push(at);
    }
    const first = this.slots;
    this.slots += CHUNK;
    for (let s = this.slots - 1; s > first; s--) this.free.push(s);
    return first;
  }
}

/** to[toAt …] = from[fromAt …], `n` values, without allocating. */
function copy(from: Float64Array, fromAt: number, to: Float64Array, toAt: number, n: number): void {
  for (let i = 0; i < n; i++) to[toAt + i] = from[fromAt + i];
}
