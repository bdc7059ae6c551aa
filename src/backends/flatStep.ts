import { type KernelHeap, kernelHeap } from './kernelHeap.js';

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
