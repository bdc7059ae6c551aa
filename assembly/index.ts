// The WebAssembly kernels of streamprop (built by `npm run build` into dist/wasm/kernels.wasm;
// see src/backends/kernelModule.ts for how they are loaded and their memory shared).
export { accumulate, backward, gradientNorm, scaleGradient } from './backward';
export { affine, forward } from './forward';
export { optimizerStep } from './optimizers';

/** Where the memory the kernels do not use begins: after their static data. */
export function heapBase(): usize {
  return __heap_base;
}
export { batchBackward, batchForward } from './batch';
export { batchGradient, batchScratchBytes } from './batchGradient';

/** Copies `bytes` bytes from `from` to `to` (the regions may overlap). */
export function copy(to: usize, from: usize, bytes: usize): void {
  memory.copy(to, from, bytes);
}
export { learnStep } from './learn';
