import type { Sample } from '../samples/sample.js';
import type { ClientQueue } from './clientQueue.js';
import type { SharedCounters } from './sharedCounters.js';

/** The longest part of an invalid message a malformed sample keeps. */
const KEEP = 200;

/** The bounds of the ingest queue, in samples and in bytes of their frames. */
export interface IngestLimits {
  readonly samples: number;
  readonly bytes: number;
}

/**
 * @internal The socket worker's end of the ingest queue: the samples producers send, on their
 * way to the learner's thread, bounded in samples and in bytes (those of the frames they came
 * in). What is queued is counted on both sides in shared memory: the worker adds what it
 * posts, the learner's thread what it has handed to the learner.
 *
 * - Up to `limits`: samples are queued and posted, those of one event-loop turn in one message.
 * - At `limits`: every producer socket is paused — nothing more is read from it, so its TCP
 *   window fills and the producer's writes block (backpressure); a producer that connects
 *   meanwhile starts paused. They are resumed once the queue is down to half.
 * - Frames already read when the sockets were paused still arrive (a chunk of up to 64 KiB per
 *   socket). They are queued up to twice the limits; beyond, a sample is dropped and counted
 *   (`samplesDropped`): memory stays bounded whatever the producers do.
 */
export class IngestGate {
  private pending: Sample[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private paused = false;

  constructor(
    private readonly counters: SharedCounters,
    private readonly limits: IngestLimits,
    private readonly post: (samples: Sample[], bytes: number) => void,
    private readonly producers: () => Iterable<ClientQueue>,
  ) {}

  /** Whether the producer sockets are paused now. */
  get holding(): boolean {
    return this.paused;
  }

  /**
   * Takes a sample that came in a frame of `bytes` bytes.
   * @returns false when it was dropped (the queue is at twice its limits).
   */
  offer(sample: Sample, bytes: number): boolean {
    const samples = this.counters.queuedSamples + this.pending.length;
    const queuedBytes = this.counters.queuedBytes + this.pendingBytes;
    if (samples >= 2 * this.limits.samples || queuedBytes >= 2 * this.limits.bytes) {
      this.counters.add('samplesDropped', 1);
      return false;
    }
    this.pending.push(sample);
    this.pendingBytes += bytes;
    if (samples + 1 >= this.limits.samples || queuedBytes + bytes >= this.limits.bytes) {
      this.pause();
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /**
   * Takes the text of a producer's message that is not a valid sample, which came with
   * `problem`: queued as a malformed sample (see
   * `Sample.malformed`), so that the learner counts it where every source's bad records are
   * (`rejectedByReason.malformed`) — not lost when the error frame that answers it is.
   * @returns false when it was dropped (the queue is at twice its limits).
   */
  offerInvalid(text: string, problem: string): boolean {
    const value = text.length > KEEP ? `${text.slice(0, KEEP)}…` : text;
    return this.offer({ x: [], malformed: { field: 'sample', value, problem } }, text.length);
  }

  /** A producer that connects while the queue is full starts paused. */
  admit(client: ClientQueue): void {
    if (this.paused) client.socket.pause();
  }

  /** Resumes the producers once the queue is down to half its limits (called every tick). */
  check(): void {
    if (!this.paused) return;
    const samples = this.counters.queuedSamples + this.pending.length;
    const bytes = this.counters.queuedBytes + this.pendingBytes;
    if (samples > this.limits.samples / 2 || bytes > this.limits.bytes / 2) return;
    this.paused = false;
    for (const client of this.producers()) client.socket.resume();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.counters.add('producerPauses', 1);
    for (const client of this.producers()) client.socket.pause();
  }

  private flush(): void {
    this.scheduled = false;
    const samples = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (samples.length === 0) return;
    // Counted as posted before the learner's thread can count them as handed on.
    this.counters.addTotal('postedSamples', samples.length);
    this.counters.addTotal('postedBytes', bytes);
    this.post(samples, bytes);
  }
}
