/**
 * The error that ends a `streamprop run` refused for its data — samples of another shape than
 * the network of the checkpoint it resumed — with exit status 2, writing no checkpoint.
 *
 * @example
 * ```ts
 * import { RefusedRun } from './refusedRun.js';
 * throw new RefusedRun('--resume: the samples have 3 inputs, the network 8');
 * ```
 */
export class RefusedRun extends Error {
  override readonly name = 'RefusedRun';
}
