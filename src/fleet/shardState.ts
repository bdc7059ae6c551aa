import { Observable, type Subscriber, type Subscription } from 'rxjs';
import type { RejectionReason } from '../samples/rejection.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import { saveKey } from './keyCheckpoint.js';
import type { KeyErrors, KeyErrorsState } from './keyErrors.js';
import type { KeyModel, KeyRecord } from './keyModel.js';
import type { KeySummary } from './keySummary.js';
import type { Offset } from './offset.js';
import type { CheckpointWrite, Lease } from './shardedLog.js';

/** @internal One key's live model on a worker: its pipeline, counts and error metrics. */
export class KeyState {
  readonly subscription: Subscription;
  /**
   * The subscribers of the key's input (the pipeline's; usually one). Not a `Subject`: rxjs's
   * `Subject.next` makes an iterator per value (≈ 230 bytes a sample), this loop nothing.
   */
  private readonly sinks: Subscriber<Sample>[] = [];
  /** The step of the sample just sent in (set synchronously by the pipeline). */
  step: Step | undefined = undefined;
  learned = 0;
  rejected = 0;
  /** Rejected samples by reason (only the reasons seen). */
  readonly rejectedByReason: Partial<Record<RejectionReason, number>> = {};
  drifts = 0;
  /** The learning rate at the last sample (`null` before the first). */
  learningRate: number | null = null;
  /** Samples since the last metrics emission. */
  fresh = 0;
  /** The offset of the last sample applied, or where it lies in a read's bytes (see {@link offsetAt}). */
  private offsetText: Offset;
  private offsetBytes: Buffer | undefined;
  private offsetStart = 0;
  private offsetEnd = 0;

  constructor(
    readonly key: string,
    readonly model: KeyModel,
    readonly errors: KeyErrors,
    offset: Offset,
    onError: (error: unknown) => void,
  ) {
    this.offsetText = offset;
    const input = new Observable<Sample>((sink) => {
      this.sinks.push(sink);
      return () => {
        this.sinks.splice(this.sinks.indexOf(sink), 1);
      };
    });
    this.subscription = model.pipeline(input).subscribe({
      next: (step) => {
        this.step = step;
      },
      error: onError,
    });
  }

  /** The offset of the last sample applied (its text is made when first asked for). */
  get offset(): Offset {
    if (this.offsetBytes !== undefined) {
      this.offsetText = this.offsetBytes.toString('latin1', this.offsetStart, this.offsetEnd);
      this.offsetBytes = undefined;
    }
    return this.offsetText;
  }

  /** Sets the offset of the last sample applied: `bytes` from `start` to `end` (kept, not copied). */
  offsetAt(bytes: Buffer, start: number, end: number): void {
    this.offsetBytes = bytes;
    this.offsetStart = start;
    this.offsetEnd = end;
  }

  /** Sends a sample into the key's pipeline; its step comes back, synchronously, in {@link step}. */
  send(sample: Sample): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].next(sample);
  }

  /** Takes the counts saved with the key's checkpoint. */
  resume(record: KeyRecord): void {
    this.learned = record.learned;
    this.rejected = record.rejected;
    Object.assign(this.rejectedByReason, record.rejectedByReason);
    this.drifts = record.drifts;
    this.learningRate = record.learningRate;
  }

  /** Counts a step of the key's pipeline: learned or rejected, drifts, its prediction's errors. */
  count(step: Step): void {
    const rejection = step.rejection;
    if (rejection === undefined) {
      this.learned++;
      if (step.actual !== undefined) this.errors.update(step.output, step.actual);
    } else {
      this.rejected++;
      this.rejectedByReason[rejection.reason] = (this.rejectedByReason[rejection.reason] ?? 0) + 1;
    }
    const events = step.events;
    for (let i = 0; i < events.length; i++) if (events[i].type === 'drift') this.drifts++;
    if (Number.isFinite(step.learningRate)) this.learningRate = step.learningRate;
    this.fresh++;
  }

  /** What the key's checkpoint records besides its model. */
  record(): KeyRecord {
    return {
      learned: this.learned,
      rejected: this.rejected,
      rejectedByReason: { ...this.rejectedByReason },
      drifts: this.drifts,
      learningRate: this.learningRate,
      errors: this.errors.state(),
    };
  }

  /** The key's summary as `status` and the fleet view read it (of `record`, when given). */
  summary(worker: string, at: number, record = this.record()): KeySummary {
    const { errors, ...counts } = record;
    return { ...counts, worker, at, errors: errors as KeyErrorsState };
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

  /**
   * The shard's checkpoint as of now: its offset and count, and the whole state (see `saveKey`)
   * and summary of every key that changed since the last one written — only those.
   */
  checkpointWrite(worker: string, at: number): CheckpointWrite {
    const models = new Map<string, string>();
    const summaries = new Map<string, string>();
    for (const key of this.dirty) {
      const k = this.keys.get(key);
      if (k === undefined) continue;
      const record = k.record();
      models.set(key, saveKey(key, k.model, record));
      summaries.set(key, JSON.stringify(k.summary(worker, at, record)));
    }
    return { offset: this.offset, applied: this.applied, models, summaries };
  }

  close(): void {
    for (const state of this.keys.values()) state.close();
    this.keys.clear();
  }
}
