/** The integer counters, by name, and their slot in the shared memory. */
const SLOTS = {
  /** Clients connected now. */
  clients: 0,
  /** Clients subscribed to predictions now. */
  predictionClients: 1,
  /** Clients subscribed to metrics now. */
  metricsClients: 2,
  /** Clients subscribed to events now. */
  eventClients: 3,
  slowClientsDropped: 4,
  deadPeersTerminated: 5,
  offendersClosed: 6,
  /** Samples from producers dropped: past twice the ingest queue's bounds, or queued at close. */
  samplesDropped: 7,
  /** Times the producer sockets were paused because the ingest queue was full. */
  producerPauses: 8,
} as const;

/** The name of one integer counter of {@link SharedCounters}. */
export type CounterName = keyof typeof SLOTS;

const INTEGERS = 10;
/** The gauges: buffered bytes, then the ingest queue's four running totals. */
const FLOATS = 5;
const BYTES = INTEGERS * 4 + FLOATS * 8;

/**
 * The running totals of the ingest queue between the socket worker and the learner's thread:
 * the worker adds what it posts, the learner's thread what it has handed to the learner; the
 * difference is what is queued. Each total has one writer.
 */
export type IngestTotal = 'postedSamples' | 'postedBytes' | 'consumedSamples' | 'consumedBytes';
const TOTALS: Readonly<Record<IngestTotal, number>> = {
  postedSamples: 1,
  postedBytes: 2,
  consumedSamples: 3,
  consumedBytes: 4,
};

/**
 * @internal Counters the socket worker writes and the learner's thread reads, in memory both
 * threads share: a client count stored before the `hello` frame is written is seen by any code
 * that has received that frame, with no message in between. Integers are read and written
 * atomically; `bufferedBytes` is a gauge, rewritten every tick.
 */
export class SharedCounters {
  /** The shared memory, to hand to the other thread (`new SharedCounters(buffer)` there). */
  readonly buffer: SharedArrayBuffer;
  private readonly integers: Int32Array;
  private readonly gauge: Float64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(BYTES)) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== BYTES) {
      throw new TypeError(`SharedCounters: buffer must be a SharedArrayBuffer of ${BYTES} bytes`);
    }
    this.buffer = buffer;
    this.integers = new Int32Array(buffer, 0, INTEGERS);
    this.gauge = new Float64Array(buffer, INTEGERS * 4, FLOATS);
  }

  get(name: CounterName): number {
    return Atomics.load(this.integers, SLOTS[name]);
  }

  set(name: CounterName, value: number): void {
    Atomics.store(this.integers, SLOTS[name], value);
  }

  add(name: CounterName, delta: number): void {
    Atomics.add(this.integers, SLOTS[name], delta);
  }

  /** The sum of every client socket's `bufferedAmount` at the last tick, in bytes. */
  get bufferedBytes(): number {
    return this.gauge[0];
  }

  set bufferedBytes(bytes: number) {
    this.gauge[0] = bytes;
  }

  /** A running total of the ingest queue (see {@link IngestTotal}). */
  total(name: IngestTotal): number {
    return this.gauge[TOTALS[name]];
  }

  /** Adds to a running total of the ingest queue; only its one writer may. */
  addTotal(name: IngestTotal, delta: number): void {
    this.gauge[TOTALS[name]] += delta;
  }

  /** Samples posted to the learner's thread and not yet handed to the learner. */
  get queuedSamples(): number {
    return this.gauge[1] - this.gauge[3];
  }

  /** The bytes (of their frames) of {@link queuedSamples}. */
  get queuedBytes(): number {
    return this.gauge[2] - this.gauge[4];
  }
}
