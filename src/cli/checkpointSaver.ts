import type { Checkpoint } from '../model/checkpoint.js';
import type { CheckpointStore } from '../model/checkpointStore.js';

/**
 * The checkpoints of one `streamprop run`: saves through a store and never lets a failed save
 * stop the run. A save that fails (a full disk, a read-only file system, the file replaced by a
 * directory, a checkpoint that cannot be taken) gives one warning line naming the file and the
 * error — one per streak of the same error, not one per attempt — and learning goes on; the
 * next save due retries, and a save that succeeds again says so. The run reads
 * {@link CheckpointSaver.lastFailed} at its end: its last save must have succeeded.
 *
 * @example
 * ```ts
 * import { checkpointStore } from 'streamprop';
 * import { CheckpointSaver } from './checkpointSaver.js';
 * declare const take: () => import('streamprop').Checkpoint;
 * const saver = new CheckpointSaver(checkpointStore('runs/a.ckpt'), (line) => console.error(line));
 * if (!saver.save(take, 12000)) console.error('not saved, will retry');
 * ```
 */
export class CheckpointSaver {
  /** Checkpoints written by this run. */
  written = 0;
  /** Saves of this run that failed. */
  failed = 0;
  /** Whether the last save failed. */
  lastFailed = false;
  /** The sample count of the last checkpoint written by this run. */
  savedAt: number | undefined = undefined;
  private streak = 0;
  private failure: string | undefined = undefined;

  constructor(
    private readonly store: CheckpointStore,
    private readonly warn: (line: string) => void,
  ) {}

  /** Where the checkpoints go. */
  get path(): string {
    return this.store.path;
  }

  /**
   * Takes a checkpoint with `take` and saves it; `samples` is its sample count.
   * @returns whether it was written.
   */
  save(take: () => Checkpoint, samples: number): boolean {
    try {
      this.store.save(take());
    } catch (error) {
      this.failed++;
      this.streak++;
      this.lastFailed = true;
      const message = String((error as Error)?.message ?? error).replace(/\s+/g, ' ');
      if (message !== this.failure) {
        this.warn(
          `streamprop: warning: the checkpoint could not be saved to ${this.store.path}: ${message}; learning goes on, the next save retries`,
        );
      }
      this.failure = message;
      return false;
    }
    this.written++;
    this.lastFailed = false;
    this.savedAt = samples;
    if (this.failure !== undefined) {
      this.warn(
        `streamprop: the checkpoint was saved to ${this.store.path} again, after ${this.streak} failed save${this.streak === 1 ? '' : 's'}`,
      );
    }
    this.failure = undefined;
    this.streak = 0;
    return true;
  }
}
