import { Subject, type Subscription } from 'rxjs';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import type { MetricsTracker } from '../tracking/metricsTracker.js';
import type { KeyModel } from './keyModel.js';
import type { Offset } from './offset.js';
import type { Lease } from './shardedLog.js';

/** @internal One key's live model on a worker: its pipeline, tracker and counts. */
export class KeyState {
  readonly input = new Subject<Sample>();
  readonly subscription: Subscription;
  /** The step of the sample just sent in (set synchronously by the pipeline). */
  step: Step | undefined = undefined;
  learned = 0;
  rejected = 0;
  /** Samples since the last metrics emission. */
  fresh = 0;
  /** The offset of the last sample applied. */
  offset: Offset;

  constructor(
    readonly key: string,
    readonly model: KeyModel,
    readonly tracker: MetricsTracker,
    offset: Offset,
    onError: (error: unknown) => void,
  ) {
    this.offset = offset;
    this.subscription = model.pipeline(this.input).subscribe({
      next: (step) => {
        this.step = step;
      },
      error: onError,
    });
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}

/** @internal A shard a worker holds: its lease, position, keys and what changed since the checkpoint. */
export class ShardState {
  readonly keys = new Map<string, KeyState>();
  /** The keys' saved states not yet made into live models (restored on their first sample). */
  readonly saved: Map<string, string>;
  readonly dirty = new Set<string>();
  /** Entries applied since the last checkpoint write that succeeded. */
  sinceCheckpoint = 0;
  checkpointedAt: number;
  renewedAt: number;

  constructor(
    readonly shard: number,
    public lease: Lease,
    public offset: Offset,
    public applied: number,
    saved: ReadonlyMap<string, string>,
    now: number,
  ) {
    this.saved = new Map(saved);
    this.checkpointedAt = now;
    this.renewedAt = now;
  }

  close(): void {
    for (const state of this.keys.values()) state.close();
    this.keys.clear();
  }
}
