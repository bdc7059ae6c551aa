import { type CheckpointStore, checkpointStore } from '../model/checkpointStore.js';
import { UsageError } from './usageError.js';

/**
 * The store of `path`, once a save there has been tried: a path that cannot be written (a
 * read-only file system, no space left, a directory in the way …) is refused before anything
 * starts.
 *
 * @throws UsageError (exit 2) naming the path and the error.
 *
 * @example
 * ```ts
 * import { writableStore } from './writableStore.js';
 * const store = writableStore('runs/a.ckpt');
 * ```
 */
export function writableStore(path: string): CheckpointStore {
  const store = checkpointStore(path);
  try {
    store.checkWritable();
  } catch (error) {
    throw new UsageError('run', [
      `--checkpoint: cannot write checkpoints to ${path}: ${(error as Error).message}`,
    ]);
  }
  return store;
}
