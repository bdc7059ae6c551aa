import type { NetworkKernels } from '../backends/networkKernels.js';
import type { Trace } from '../core/trace.js';

/** @internal The working memory of one mini-batch learner: its rows and their gradients' sum. */
export interface BatchRows {
  /** `count` traces in one block (`NetworkKernels.createBatch`). */
  readonly rows: readonly Trace[];
  /** The mean gradient of a batch, where the backend's optimizer kernels read it. */
  readonly sum: Float64Array;
}

/** Blocks given back, per network's kernels and per count: a few are enough. */
const KEPT = 4;
const pools = new WeakMap<NetworkKernels, Map<number, BatchRows[]>>();

/**
 * @internal The rows of a mini-batch of `count` samples for the network whose kernels these
 * are: one given back before ({@link giveBackRows}) if there is one, else new. Making them is
 * what costs (on the WebAssembly backend each row is a dozen views into the kernels' memory,
 * each registered to give the memory back: about 5 ms for 256 rows of 32-128-64-4), and
 * `train(net, { batchSize })` needs them afresh at every subscription.
 */
export function borrowRows(kernels: NetworkKernels, count: number, size: number): BatchRows {
  const kept = pools.get(kernels)?.get(count)?.pop();
  if (kept !== undefined) return kept;
  return { rows: kernels.createBatch(count), sum: kernels.stateBuffer(size) };
}

/**
 * @internal Gives rows from {@link borrowRows} back for the next learner of the same network
 * and count (their contents are overwritten before they are read again).
 */
export function giveBackRows(kernels: NetworkKernels, rows: BatchRows): void {
  let byCount = pools.get(kernels);
  if (byCount === undefined) {
    byCount = new Map();
    pools.set(kernels, byCount);
  }
  const list = byCount.get(rows.rows.length);
  if (list === undefined) byCount.set(rows.rows.length, [rows]);
  else if (list.length < KEPT) list.push(rows);
}
