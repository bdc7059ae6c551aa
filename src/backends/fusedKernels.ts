import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { KernelExports, KernelHeap, WasmApi } from './kernelHeap.js';
import { missingExports } from './kernelHeap.js';

/** Where kernels-fused.wasm is: dist/wasm/, seen from dist/src/backends/ or from src/backends/. */
const CANDIDATES = ['../../wasm/kernels-fused.wasm', '../../dist/wasm/kernels-fused.wasm'];

const wasm = (globalThis as { WebAssembly?: WasmApi & { validate(bytes: Uint8Array): boolean } })
  .WebAssembly;

/** Per heap: the fused kernels on its memory, or why there are none. */
const made = new WeakMap<KernelHeap, KernelExports | string>();

/**
 * @internal The kernels of dist/wasm/kernels-fused.wasm — the same kernels as the heap's own,
 * built with relaxed SIMD so that the mini-batch products use fused multiply-adds — instantiated
 * on `heap`'s memory (made on first use), or a sentence saying why they cannot run here.
 *
 * Node 20's V8 (11.3) has WebAssembly relaxed SIMD behind `--experimental-wasm-relaxed-simd`:
 * when the module does not validate as it is, that flag is set at run time (`v8.setFlagsFromString`,
 * before the module is compiled) and validation tried again; a runtime with relaxed SIMD on by
 * default is left alone. Only networks made with `fusedMultiplyAdd: true` call this.
 */
export function fusedKernels(heap: KernelHeap): KernelExports | string {
  const known = made.get(heap);
  if (known !== undefined) return known;
  const result = instantiate(heap);
  made.set(heap, result);
  return result;
}

function instantiate(heap: KernelHeap): KernelExports | string {
  if (wasm === undefined) return 'this runtime has no WebAssembly';
  const path = CANDIDATES.map((c) => new URL(c, import.meta.url)).find((u) => existsSync(u));
  if (path === undefined) {
    return 'the compiled kernels (dist/wasm/kernels-fused.wasm) are missing; run npm run build';
  }
  const bytes = readFileSync(path);
  if (!wasm.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!wasm.validate(bytes)) return 'this runtime has no WebAssembly relaxed SIMD';
  const module = new wasm.Module(bytes);
  const missing = missingExports(wasm, module);
  if (missing.length > 0) {
    return `the compiled kernels (dist/wasm/kernels-fused.wasm) are out of date: they lack ${missing.join(', ')}; run npm run build`;
  }
  // Instantiating writes the module's constants into the memory: first into a page of its own,
  // to see that they end where the heap's own module's do (twins of one build), then for real.
  const trial = new wasm.Instance(module, {
    env: { memory: new wasm.Memory({ initial: 1, maximum: 1, shared: true }) },
  }).exports as unknown as KernelExports;
  if (trial.heapBase() !== heap.exports.heapBase()) {
    return 'the compiled kernels (dist/wasm/kernels.wasm and kernels-fused.wasm) are from different builds; run npm run build';
  }
  return new wasm.Instance(module, { env: { memory: heap.memory } })
    .exports as unknown as KernelExports;
}
