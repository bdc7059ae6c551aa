import type { Sample } from '../samples/sample.js';
import type { SharedCounters } from './sharedCounters.js';

/** How long the learner works through queued samples before it yields to the event loop, in ms. */
export const SLICE_MS = 5;

/** One message of samples from the socket worker, and how far it has been handed on. */
interface Parcel {
  readonly samples: readonly Sample[];
  readonly bytes: number;
}

/**
 * @internal The learner's end of the ingest queue (the socket worker's end is `IngestGate`): it
 * hands the samples producers sent to the learner in slices of at most {@link SLICE_MS} ms of
 * work, yielding to the event loop between slices (`setImmediate`), so that timers — the
 * metrics snapshots, the 10 ms posting of predictions, a checkpoint timer — keep their period
 * however fast producers send and however slow the learner is. What it has handed on is added,
 * after each slice, to the totals in shared memory that the socket worker reads to know how
 * much is queued (and to pause or resume the producers).
 *
 * A sample that fails in `deliver` is reported to `onError` and the rest go on.
 */
export class IngestDrain {
  private readonly parcels: Parcel[] = [];
  /** The index, in the first parcel, of the next sample to hand on. */
  private next = 0;
  private scheduled = false;
  private stopped = false;
  private queuedSamples = 0;

  constructor(
    private readonly counters: SharedCounters,
    private readonly deliver: (sample: Sample) => void,
    private readonly onError: (error: unknown) => void,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** Samples received from the socket worker and not handed on yet. */
  get queued(): number {
    return this.queuedSamples;
  }

  /**
   * Queues a message of samples from the socket worker (`bytes`: the size of their frames).
   * Once stopped, they are counted as dropped instead.
   */
  push(samples: readonly Sample[], bytes: number): void {
    if (this.stopped) {
      this.discard(samples.length, bytes);
      return;
    }
    this.parcels.push({ samples, bytes });
    this.queuedSamples += samples.length;
    this.schedule();
  }

  /**
   * Stops handing samples on: those still queued, and any that arrive later, are counted as
   * dropped (`samplesDropped`) — never learned, never lost silently.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    let bytes = 0;
    for (const parcel of this.parcels) bytes += parcel.bytes;
    this.discard(this.queuedSamples, bytes);
    this.parcels.length = 0;
    this.next = 0;
    this.queuedSamples = 0;
  }

  private discard(samples: number, bytes: number): void {
    this.counters.add('samplesDropped', samples);
    this.counters.addTotal('consumedSamples', samples);
    this.counters.addTotal('consumedBytes', bytes);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  /** Hands samples on for at most one slice, then yields if any are left. */
  private slice(): void {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    let handed = 0;
    let bytes = 0;
    while (this.parcels.length > 0 && !this.stopped) {
      const parcel = this.parcels[0];
      const samples = parcel.samples;
      while (this.next < samples.length) {
        const sample = samples[this.next++];
        this.queuedSamples--;
        handed++;
        try {
          this.deliver(sample);
        } catch (error) {
          this.onError(error);
        }
        // stop() (a close from within the learner) has discarded the rest, this parcel too.
        if (this.stopped || performance.now() >= deadline) break;
      }
      if (this.stopped || this.next < samples.length) break;
      this.parcels.shift();
      this.next = 0;
      bytes += parcel.bytes;
      if (performance.now() >= deadline) break;
    }
    this.counters.addTotal('consumedSamples', handed);
    this.counters.addTotal('consumedBytes', bytes);
    if (this.parcels.length > 0) this.schedule();
  }
}
