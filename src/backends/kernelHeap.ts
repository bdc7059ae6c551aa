import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The functions of dist/wasm/kernels.wasm (built from assembly/ by `npm run build`). */
export interface KernelExports {
  heapBase(): number;
  copy(to: number, from: number, bytes: number): void;
  forward(table: number, params: number, trace: number, fast: number): void;
  backward(table: number, params: number, trace: number, topReady: number): void;
  gradientNorm(table: number, trace: number): number;
  scaleGradient(table: number, trace: number, factor: number): void;
  accumulate(table: number, trace: number, into: number, scale: number): void;
  batchForward(
    table: number,
    params: number,
    traces: number,
    stride: number,
    count: number,
    fast: number,
    scratch: number,
  ): void;
  batchBackward(
    table: number,
    params: number,
    traces: number,
    stride: number,
    count: number,
    topReady: number,
    scratch: number,
  ): void;
  batchGradient(
    table: number,
    traces: number,
    stride: number,
    count: number,
    into: number,
    scale: number,
    scratch: number,
  ): void;
  /** The scratch bytes the batch passes need for the network of `table`. */
  batchScratchBytes(table: number): number;
  optimizerStep(
    code: number,
    table: number,
    params: number,
    trace: number,
    grads: number,
    n: number,
    s: number,
    u: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    h4: number,
    h5: number,
  ): void;
  learnStep(
    code: number,
    table: number,
    params: number,
    trace: number,
    topReady: number,
    limit: number,
    s: number,
    u: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    h4: number,
    h5: number,
  ): number;
}

/**
 * Every function of {@link KernelExports}, by name: a module that lacks one was built from older
 * sources than this code (a stale dist/wasm/kernels.wasm), and is refused with a message saying
 * so, instead of failing later, deep in a pass, or computing with other arguments than it takes.
 */
const EXPORT_NAMES: Readonly<Record<keyof KernelExports, true>> = {
  heapBase: true,
  copy: true,
  forward: true,
  backward: true,
  gradientNorm: true,
  scaleGradient: true,
  accumulate: true,
  learnStep: true,
  batchForward: true,
  batchBackward: true,
  batchGradient: true,
  batchScratchBytes: true,
  optimizerStep: true,
};

/** @internal The functions of {@link KernelExports} that `module` does not export. */
export function missingExports(api: WasmApi, module: object): string[] {
  const names = new Set(api.Module.exports(module).map((e) => e.name));
  return Object.keys(EXPORT_NAMES).filter((name) => !names.has(name));
}

/** What this module uses of the WebAssembly API (not in the ES library typings). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: {
    new (bytes: Uint8Array): object;
    exports(module: object): readonly { readonly name: string }[];
  };
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The most the kernels' memory may grow to: all a 32-bit WebAssembly memory can address. */
const MAX_PAGES = 65536;
const PAGE = 65536;

/**
 * @internal The memory of the WebAssembly kernels, one per thread, shared by every network,
 * trace and optimizer state of the WebAssembly backend, and what allocates in it.
 *
 * The memory is a *shared* WebAssembly memory: growing it never detaches the arrays already
 * viewing it (a non-shared memory would detach every `Float64Array` over it at each growth), so
 * `net.parameters` and every trace stay valid as other networks are made. Blocks are handed out
 * by size (16-byte aligned), zeroed, and given back when every array viewing the block has been
 * garbage-collected ({@link own}); a block of a size freed before is reused first.
 */
export class KernelHeap {
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  private buffer: ArrayBufferLike;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly registry = new FinalizationRegistry<Owner>((owner) => {
    if (--owner.alive === 0) this.release(owner.at, owner.bytes);
  });

  constructor(api: WasmApi, module: object) {
    this.memory = new api.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
    this.top = align(this.exports.heapBase());
  }

  /** A zeroed block of at least `bytes` bytes, 16-byte aligned; its address. */
  allocate(bytes: number): number {
    const size = align(Math.max(bytes, 16));
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) {
      new Uint8Array(this.buffer, reused, size).fill(0);
      return reused;
    }
    const at = this.top;
    const end = at + size;
    if (end > this.buffer.byteLength) {
      const pages = Math.ceil((end - this.buffer.byteLength) / PAGE);
      const wanted = Math.max(pages, Math.ceil(this.buffer.byteLength / PAGE / 4)); // grow by ≥ 25 %
      const current = this.buffer.byteLength / PAGE;
      if (current + pages > MAX_PAGES) {
        throw new RangeError(
          `streamprop: the WebAssembly kernels' memory is full (${MAX_PAGES * (PAGE / 2 ** 20)} MiB)`,
        );
      }
      this.memory.grow(Math.min(wanted, MAX_PAGES - current));
      this.buffer = this.memory.buffer;
      this.buffers.add(this.buffer);
    }
    this.top = end;
    return at;
  }

  /** `n` float64 values from `at`, as an array viewing the kernels' memory. */
  doubles(at: number, n: number): Float64Array {
    return new Float64Array(this.buffer, at, n);
  }

  /** `n` int32 values from `at`. */
  ints(at: number, n: number): Int32Array {
    return new Int32Array(this.buffer, at, n);
  }

  /**
   * Gives the block at `at` (of `bytes` bytes) back once every one of `holders` has been
   * garbage-collected: the arrays viewing it and the objects that use its address.
   */
  own(holders: readonly object[], at: number, bytes: number): void {
    const owner: Owner = { at, bytes: align(Math.max(bytes, 16)), alive: holders.length };
    for (const holder of holders) this.registry.register(holder, owner);
  }

  /**
   * Whether `array` views this memory (then its `byteOffset` is its address). Each growth gives
   * the memory a new SharedArrayBuffer object over the same bytes; every one of them is known.
   */
  holds(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /** Bytes handed out and not given back, and the memory's size: for tests and the bench. */
  usage(): { readonly inUse: number; readonly size: number } {
    let freed = 0;
    for (const [size, list] of this.free) freed += size * list.length;
    return { inUse: this.top - freed, size: this.buffer.byteLength };
  }

  private release(at: number, bytes: number): void {
    if (at + bytes === this.top) {
      this.top = at;
      return;
    }
    const list = this.free.get(bytes);
    if (list === undefined) this.free.set(bytes, [at]);
    else list.push(at);
  }
}

interface Owner {
  readonly at: number;
  readonly bytes: number;
  alive: number;
}

function align(n: number): number {
  return (n + 15) & ~15;
}

/** Where the kernels are: dist/wasm/, seen from dist/src/backends/ or from src/backends/. */
const CANDIDATES = ['../../wasm/kernels.wasm', '../../dist/wasm/kernels.wasm'];

let heap: KernelHeap | undefined;
let failure: string | undefined;
let stale: string | undefined;

/**
 * @internal The kernels' memory of this thread, made on first use; undefined when WebAssembly
 * SIMD, shared memory or the compiled kernels are missing here ({@link kernelsMissing} says
 * which).
 */
export function kernelHeap(): KernelHeap | undefined {
  if (heap !== undefined || failure !== undefined) return heap;
  if (wasm === undefined) {
    failure = 'this runtime has no WebAssembly';
    return undefined;
  }
  try {
    const path = CANDIDATES.map((c) => new URL(c, import.meta.url)).find((u) => existsSync(u));
    if (path === undefined) {
      failure = 'the compiled kernels (dist/wasm/kernels.wasm) are missing; run npm run build';
      return undefined;
    }
    const module = new wasm.Module(readFileSync(path));
    const missing = missingExports(wasm, module);
    if (missing.length > 0) {
      stale = `the compiled kernels (${fileURLToPath(path)}) are out of date: they lack ${missing.join(', ')}; run npm run build`;
      failure = stale;
      return undefined;
    }
    heap = new KernelHeap(wasm, module);
  } catch (e) {
    failure = `this runtime cannot run them (${(e as Error).message})`;
  }
  return heap;
}

/**
 * @internal Why the compiled kernels are there but out of date (built from older sources than
 * this code), or undefined. Not a reason to fall back to the JavaScript backend quietly:
 * `network()` throws it even when no backend is named.
 */
export function kernelsStale(): string | undefined {
  kernelHeap();
  return stale;
}

/** @internal Why {@link kernelHeap} is undefined, or undefined when it is not. */
export function kernelsMissing(): string | undefined {
  kernelHeap();
  return failure;
}
