import type { JsKernels } from '../backends/jsKernels.js';
import { type KernelExports, kernelHeap } from '../backends/kernelHeap.js';
import type { WasmKernels } from '../backends/wasmKernels.js';
import type { Network } from '../core/network.js';
import type { BufferedOptimizer } from '../optim/bufferedOptimizer.js';

/** What byKey's slabs point at a key's slot to learn it in place. */
interface InPlace {
  readonly kernels: WasmKernels | JsKernels;
  readonly optimizer: BufferedOptimizer;
  /** The optimizer's own state buffers, given back after each sample. */
  readonly own: Float64Array[];
}

/** Slots per chunk of the slabs: memory grows a chunk at a time. */
const CHUNK = 256;
const SHIFT = 8; // log2(CHUNK)

/**
 * @internal The per-key memory of byKey's slab learner: for each slot, a key's parameters and
 * its optimizer's state buffers side by side, in chunks of {@link CHUNK} slots. Before a key's
 * sample its slot is copied into the working network and the optimizer's buffers
 * ({@link load}); after it they are copied back ({@link save}). The working network then *is*
 * the key's model while its step is emitted — `step.network.parameters` are the key's weights,
 * and every path of `train` (the divergence guard, clipping, weight decay) works on them
 * unchanged. When nothing needs the gradient written out against `net.parameters` (no
 * clipValue, no weightDecay), nothing is copied in: the kernels and the optimizer's fused step
 * run on the slot in place ({@link point}) and only the parameters are copied out to the
 * working network after ({@link show}; byKey does it when the step's `network` is read). On
 * the WebAssembly backend the slabs are in the kernels' memory and each copy is one
 * `memory.copy`. Nothing is allocated per sample.
 */
export class Slabs {
  /** Values per slot: the parameters, then each state buffer, then the record's values. */
  private readonly width: number;
  /** Where a slot's record begins in it (after its parameters and state). */
  private readonly record: number;
  private readonly size: number;
  private readonly chunks: Float64Array[] = [];
  /** On the WebAssembly backend: the kernels (for `copy`) and each chunk's address, in bytes. */
  private readonly kernels: KernelExports | undefined;
  private readonly starts: number[] = [];
  /** On the WebAssembly backend: the addresses of the parameters and of each state buffer. */
  private readonly homes: Int32Array;
  /**
   * On the JavaScript backend: per slot, an array viewing its parameters and one viewing each
   * state buffer (made with the chunk), so that a copy is one native `set`.
   */
  private readonly views: Float64Array[] = [];
  /** The working network's parameters, then the optimizer's state buffers. */
  private readonly working: readonly Float64Array[];
  private readonly free: number[] = [];
  private slots = 0;

  /** With {@link point}: what is pointed at a slot. */
  private readonly place: InPlace | undefined;
  /** On the JavaScript backend, with {@link point}: per slot, the arrays viewing its state. */
  private readonly states: Float64Array[][] = [];

  /**
   * `optimizer` given: the keys may learn in place ({@link point}); `state` is its own buffers,
   * from `stateFor(net)`.
   */
  constructor(
    net: Network,
    state: readonly Float64Array[],
    private readonly initial: Float64Array,
    optimizer?: BufferedOptimizer,
    recordValues = 0,
  ) {
    const kernels = net.kernels as WasmKernels | JsKernels;
    this.place = optimizer === undefined ? undefined : { kernels, optimizer, own: [...state] };
    this.size = net.parameters.length;
    this.record = this.size * (1 + state.length);
    this.width = this.record + recordValues;
    this.kernels = net.kernels.wasm ? kernelHeap()?.exports : undefined;
    this.working = [net.parameters, ...state];
    this.homes = Int32Array.from(this.working, (a) => a.byteOffset);
  }

  /** A slot for a new key: the initial weights, zero optimizer state. */
  open(): number {
    const slot = this.free.pop() ?? this.grow();
    const chunk = this.chunks[slot >> SHIFT];
    const at = (slot & (CHUNK - 1)) * this.width;
    chunk.set(this.initial, at);
    chunk.fill(0, at + this.size, at + this.width);
    return slot;
  }

  /** The array holding `slot` (its chunk), where its record is read at {@link recordOf}. */
  chunkOf(slot: number): Float64Array {
    return this.chunks[slot >> SHIFT];
  }

  /**
   * Where `slot`'s record (`recordValues` numbers of the constructor's, zero when opened) begins
   * in {@link chunkOf}: right after its parameters and state, so in a line the passes read
   * anyway (for SGD the last parameters' line), not one more from elsewhere.
   */
  recordOf(slot: number): number {
    return (slot & (CHUNK - 1)) * this.width + this.record;
  }

  /** Gives a slot back for a later key. */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** The number of slots made so far (used or free). */
  get capacity(): number {
    return this.slots;
  }

  /**
   * Points the working network's kernels (and on the JavaScript backend the optimizer) at the
   * slot, so that the passes and the optimizer's fused step run on the key's parameters and
   * state where they are (`WasmKernels.retarget`, `JsKernels.retarget`,
   * `BufferedOptimizer.useBuffers`); {@link unpoint}, then {@link show}, afterwards.
   */
  point(slot: number): void {
    const place = this.place as InPlace;
    if (this.kernels !== undefined) {
      const bytes = this.size * 8;
      const at = this.starts[slot >> SHIFT] + (slot & (CHUNK - 1)) * this.width * 8;
      const buffers = this.homes.length - 1;
      (place.kernels as WasmKernels).retarget(
        at,
        buffers > 0 ? at + bytes : 0,
        buffers > 1 ? at + 2 * bytes : 0,
      );
      return;
    }
    (place.kernels as JsKernels).retarget(this.views[slot * this.working.length]);
    if (this.working.length > 1) place.optimizer.useBuffers(this.states[slot]);
  }

  /** Back to the working network's own parameters and the optimizer's own state. */
  unpoint(): void {
    const place = this.place as InPlace;
    place.kernels.comeHome();
    if (this.kernels === undefined && this.working.length > 1) {
      place.optimizer.useBuffers(place.own);
    }
  }

  /**
   * After a sample learned in place ({@link point}): copies the slot's parameters into the
   * working network, which then is the key's model while its step is out (a copy of memory
   * just used, so cheap).
   */
  show(slot: number): void {
    const kernels = this.kernels;
    if (kernels !== undefined) {
      const at = this.starts[slot >> SHIFT] + (slot & (CHUNK - 1)) * this.width * 8;
      kernels.copy(this.homes[0], at, this.size * 8);
      return;
    }
    this.working[0].set(this.views[slot * this.working.length]);
  }

  /** Copies the slot's parameters and state into the working network and optimizer. */
  load(slot: number): void {
    const kernels = this.kernels;
    if (kernels !== undefined) {
      const bytes = this.size * 8;
      const at = this.starts[slot >> SHIFT] + (slot & (CHUNK - 1)) * this.width * 8;
      const homes = this.homes;
      for (let b = 0; b < homes.length; b++) kernels.copy(homes[b], at + b * bytes, bytes);
      return;
    }
    const working = this.working;
    const views = this.views;
    const first = slot * working.length;
    for (let b = 0; b < working.length; b++) working[b].set(views[first + b]);
  }

  /** Copies the working network's parameters and the optimizer's state into the slot. */
  save(slot: number): void {
    const kernels = this.kernels;
    if (kernels !== undefined) {
      const bytes = this.size * 8;
      const at = this.starts[slot >> SHIFT] + (slot & (CHUNK - 1)) * this.width * 8;
      const homes = this.homes;
      for (let b = 0; b < homes.length; b++) kernels.copy(at + b * bytes, homes[b], bytes);
      return;
    }
    const working = this.working;
    const views = this.views;
    const first = slot * working.length;
    for (let b = 0; b < working.length; b++) views[first + b].set(working[b]);
  }

  /** A new chunk of slots; returns its first. */
  private grow(): number {
    const values = CHUNK * this.width;
    const heap = this.kernels === undefined ? undefined : kernelHeap();
    if (heap === undefined) {
      const chunk = new Float64Array(values);
      this.chunks.push(chunk);
      const first = this.views.length;
      for (let s = 0; s < CHUNK; s++) {
        for (let b = 0; b < this.working.length; b++) {
          const at = s * this.width + b * this.size;
          this.views.push(chunk.subarray(at, at + this.size));
        }
        if (this.place !== undefined && this.working.length > 1) {
          const from = first + s * this.working.length;
          this.states.push(this.views.slice(from + 1, from + this.working.length));
        }
      }
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
