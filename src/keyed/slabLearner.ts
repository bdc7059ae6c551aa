import type { SchedulerLike } from 'rxjs';
import type { Loss } from '../core/losses.js';
import { type Network, network } from '../core/network.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { Forwarder } from '../operators/forward.js';
import { scoreStep } from '../operators/loss.js';
import { type Normalizer, normalizerOf } from '../operators/normalize.js';
import { Clock } from '../operators/rollingMetrics.js';
import { readUpdateSettings, Updater } from '../operators/update.js';
import type { BufferedOptimizer } from '../optim/bufferedOptimizer.js';
import type { Sample } from '../samples/sample.js';
import { type OnInvalid, readOnInvalid } from '../steps/invalidSamples.js';
import type { Step, StepContext } from '../steps/step.js';
import { MetricsTracker, trackerSettings } from '../tracking/metricsTracker.js';
import type { KeyedTrainOptions } from './keyedTrain.js';
import { Slabs } from './slabs.js';

/**
 * The values of a slot's record, kept in the slot right after its parameters and state
 * (`Slabs.recordOf`: in a line the passes read anyway, not one more from elsewhere), and their
 * places in it.
 */
const RECORD = 5;
const RATE = 0;
const STEPS = 1;
const SEQ = 2;
const SEEN = 3;
/** Where the slot's latest entry in the recency log is (-1 once its key is closed). */
const AT = 4;
/** The recency log's first length: it doubles when compacting leaves it more than ¼ full. */
const FIRST_LOG = 1024;

/**
 * @internal The state of byKey with a `keyedTrain` learner, per subscription: one working
 * network, optimizer, trace and step for all keys; each key's weights and optimizer state in the
 * {@link Slabs}, with its learning rate, step count, `seq`, last-seen time and place in the
 * recency log in a record at the end of its slot (no Map reordering per sample). A sample of
 * a key: its state in, forward → loss → backward → update exactly as `train` does them, its
 * state out.
 *
 * Least-recently-used order, exactly, without a linked list moved on every sample (which
 * touched the records of the slot's two neighbours, lines from anywhere in memory): each use
 * of a slot appends the slot to a log and notes in the slot's record where; an entry is live
 * when the slot's record still points at it. The least recently used key is the slot of the
 * first live entry. When the log is full, its live entries are moved to its front in order
 * (one entry per key; {@link compact}), so the log costs at most 32 bytes per key and its
 * upkeep is O(1) per sample, amortized. A key whose slot is already the newest adds nothing.
 */
export class SlabLearner<S extends Sample, K> {
  readonly net: Network;
  private readonly optimizer: BufferedOptimizer;
  private readonly loss: Loss;
  private readonly onInvalid: OnInvalid;
  private readonly forwarder: Forwarder<S>;
  private readonly updater: Updater<S>;
  private readonly slabs: Slabs;
  private readonly slotOf = new Map<K, number>();
  private keys: (K | undefined)[] = [];
  /** The recency log: slots in the order of their use; live entries from {@link head} on. */
  private log = new Int32Array(FIRST_LOG);
  private head = 0;
  /** Where the next entry goes. */
  private tail = 0;
  /**
   * A bit per slot: set for a slot not held (so that {@link compact} skips its entries), and
   * while compacting for a slot whose last entry has been kept.
   */
  private seen = new Int32Array(0);
  private normalizers: (Normalizer<S> | undefined)[] = [];
  private clocks: (Clock | undefined)[] = [];
  private readonly metrics: { window: number; alpha: number; every: number } | undefined;
  private readonly normalizing: boolean;
  private readonly metered: boolean;
  /**
   * Whether the keys learn in place in the slabs (no clipValue or weightDecay: nothing needs
   * the gradient written out against `net.parameters`), or each key's state is copied in and
   * out around its sample.
   */
  private readonly inPlace: boolean;
  /** The key of the last sample and its slot (-1 once it is closed). */
  private lastKey: K | undefined = undefined;
  private lastSlot = -1;
  /** The step out (the forwarder's one step object) and the slot whose weights it shows. */
  private out: StepContext<S> | undefined;
  private shown = -1;
  /** Copies them into the working network ({@link learn} lends it as the step's `reveal`). */
  private readonly revealWeights = (): void => this.slabs.show(this.shown);

  constructor(
    private readonly options: KeyedTrainOptions,
    private readonly scheduler: SchedulerLike,
    private readonly stamp: boolean,
  ) {
    this.net = network(options.network);
    this.optimizer = (options.optimizer as BufferedOptimizer).cloneSettings();
    this.loss = options.loss;
    this.onInvalid = readOnInvalid('keyedTrain', options);
    this.forwarder = new Forwarder<S>(this.net, this.onInvalid);
    const settings = readUpdateSettings(options);
    this.updater = new Updater<S>(this.net, this.optimizer, settings);
    this.inPlace = settings.clipValue === Number.POSITIVE_INFINITY && settings.weightDecay === 0;
    const state = this.optimizer.stateFor(this.net);
    this.slabs = new Slabs(
      this.net,
      state,
      Float64Array.from(this.net.parameters),
      this.inPlace ? this.optimizer : undefined,
      RECORD,
    );
    if (options.metrics !== undefined) {
      const { window, alpha } = trackerSettings('keyedTrain', options.metrics);
      this.metrics = { window, alpha, every: options.metrics.every ?? window };
    }
    this.normalizing = options.normalize !== undefined;
    this.metered = this.metrics !== undefined;
  }

  /** The number of keys held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** The least recently used key, or undefined when none is held. */
  get leastRecent(): K | undefined {
    const oldest = this.oldest();
    return oldest === -1 ? undefined : this.keys[oldest];
  }

  /** When the least recently used key saw its last sample. */
  get oldestSeen(): number {
    const oldest = this.oldest();
    const slabs = this.slabs;
    return oldest === -1
      ? Number.POSITIVE_INFINITY
      : slabs.chunkOf(oldest)[slabs.recordOf(oldest) + SEEN];
  }

  /**
   * Learns one sample of `key`; emits its step, or its snapshot when one is due. A new key
   * beyond `maxModels` first evicts the least recently used (`evict`).
   */
  learn(
    key: K,
    sample: S,
    emit: (value: Step<S> | MetricsSnapshot) => void,
    maxModels: number,
    evict: (key: K) => void,
  ): void {
    // A key that repeats is not looked up again (a hash, a bucket and an entry read per sample).
    let slot = key === this.lastKey && this.lastSlot !== -1 ? this.lastSlot : this.slotOf.get(key);
    if (slot === undefined) {
      if (this.slotOf.size >= maxModels) evict(this.keys[this.oldest()] as K);
      slot = this.open(key);
    } else this.touch(slot);
    this.lastKey = key;
    this.lastSlot = slot;
    const records = this.slabs.chunkOf(slot);
    const r = this.slabs.recordOf(slot);
    if (this.stamp) records[r + SEEN] = this.scheduler.now();
    const optimizer = this.optimizer;
    const inPlace = this.inPlace;
    const out = this.out;
    if (out !== undefined) out.reveal = undefined; // the previous step is no longer out
    if (inPlace) this.slabs.point(slot);
    else this.slabs.load(slot);
    optimizer.resume(records[r + RATE], records[r + STEPS]);
    let step: StepContext<S>;
    try {
      step = this.step(slot, records, r, sample);
    } finally {
      if (inPlace) this.slabs.unpoint();
    }
    // The key's weights go out with its step (`step.network`), copied into the working network
    // when a subscriber reads `step.network` (StepContext.reveal), not before: most never do.
    // With metrics the steps stay in here (only snapshots go out, which hold no weights).
    if (inPlace) {
      if (!this.metered) {
        this.shown = slot;
        step.reveal = this.revealWeights;
        this.out = step;
      }
    } else if (step.updated) this.slabs.save(slot);
    records[r + RATE] = optimizer.learningRate;
    records[r + STEPS] = optimizer.steps;
    if (!this.metered) {
      emit(step);
      return;
    }
    const clock = this.clocks[slot] as Clock;
    if (clock.add(step)) emit(clock.snapshot());
  }

  /**
   * forward → loss → backward → update of one sample of the key in `slot` (its record at `r` in
   * `records`), as `train` does them.
   */
  private step(slot: number, records: Float64Array, r: number, sample: S): StepContext<S> {
    const forwarder = this.forwarder;
    forwarder.seq = records[r + SEQ];
    // The per-slot arrays of normalizers and clocks are read only when they are filled (a read
    // past the end of an array is V8's slow path).
    const step = forwarder.next(
      this.normalizing
        ? ((this.normalizers[slot] as Normalizer<S>).next(sample) as unknown as S)
        : sample,
    );
    records[r + SEQ] = forwarder.seq;
    scoreStep(step, this.loss, this.onInvalid);
    // backward → update, in one call into the kernels where train makes it one (Updater.learn).
    return this.updater.learn(step);
  }

  /**
   * Drops `key` (evicted, or at completion); emits its last snapshot when metrics are kept and
   * a step arrived since the previous one.
   */
  close(key: K, emit: (value: Step<S> | MetricsSnapshot) => void): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    if (slot === this.lastSlot) this.lastSlot = -1;
    this.setLogPlace(slot, -1); // its entries in the log are dead
    this.seen[slot >> 5] |= 1 << (slot & 31);
    const clock = this.metered ? this.clocks[slot] : undefined;
    this.keys[slot] = undefined;
    if (this.normalizing) this.normalizers[slot] = undefined;
    if (this.metered) this.clocks[slot] = undefined;
    this.slabs.release(slot);
    if (clock?.changed) emit(clock.snapshot());
  }

  /** A slot for a new key, with the initial weights and fresh state. */
  private open(key: K): number {
    const slot = this.slabs.open();
    if (slot >= this.seen.length * 32) this.widen(this.slabs.capacity);
    this.slotOf.set(key, slot);
    this.keys[slot] = key;
    const records = this.slabs.chunkOf(slot);
    const r = this.slabs.recordOf(slot);
    records[r + RATE] = this.options.optimizer?.learningRate ?? 0;
    records[r + STEPS] = 0;
    records[r + SEQ] = 0;
    if (this.options.normalize !== undefined) {
      this.normalizers[slot] = normalizerOf<S>(this.options.normalize);
    }
    const m = this.metrics;
    if (m !== undefined) {
      this.clocks[slot] = new Clock(new MetricsTracker(m.window, m.alpha), m.every, this.scheduler);
    }
    this.seen[slot >> 5] &= ~(1 << (slot & 31)); // held again
    this.link(slot);
    return slot;
  }

  /** Makes `slot` the most recently used. */
  private touch(slot: number): void {
    if (this.logPlace(slot) !== this.tail - 1) {
      this.link(slot);
    }
  }

  /** Appends `slot` to the recency log. */
  private link(slot: number): void {
    if (this.tail === this.log.length) this.compact();
    const at = this.tail++;
    this.log[at] = slot;
    this.setLogPlace(slot, at);
  }

  /** The least recently used slot (the first live entry of the log), -1 when none is held. */
  private oldest(): number {
    const log = this.log;
    let head = this.head;
    while (head < this.tail && this.logPlace(log[head]) !== head) head++;
    this.head = head;
    return head < this.tail ? log[head] : -1;
  }

  /**
   * Moves the log's live entries to its front, in order; doubles the log while they fill more
   * than a quarter of it (so that compactions are at least ¾ of a log of samples apart, and
   * the log holds at most 8 entries per key). An entry
   * is live when it is the last of its slot and the slot is held: the log is read backwards,
   * each slot's first entry found there kept and marked in {@link seen} (a bit per slot, in the
   * first-level cache even for 100,000 keys), so no slot's record is read — only the kept
   * entries' records are written (where their entry now is).
   */
  private compact(): void {
    const seen = this.seen;
    let log = this.log;
    const tail = this.tail;
    let kept = tail;
    for (let at = tail - 1; at >= this.head; at--) {
      const slot = log[at];
      const bit = 1 << (slot & 31);
      if ((seen[slot >> 5] & bit) !== 0) continue;
      seen[slot >> 5] |= bit;
      log[--kept] = slot; // kept ≥ at: the entry there has been read already
    }
    const live = tail - kept;
    log.copyWithin(0, kept, tail);
    for (let at = 0; at < live; at++) {
      const slot = log[at];
      this.setLogPlace(slot, at);
      seen[slot >> 5] &= ~(1 << (slot & 31));
    }
    if (live * 4 > log.length) {
      let length = log.length * 2;
      while (live * 4 > length) length *= 2;
      log = new Int32Array(length);
      log.set(this.log.subarray(0, live));
      this.log = log;
    }
    this.head = 0;
    this.tail = live;
  }

  /** Where `slot`'s latest entry in the recency log is, from its record (-1: its key is closed). */
  private logPlace(slot: number): number {
    return this.slabs.chunkOf(slot)[this.slabs.recordOf(slot) + AT];
  }

  private setLogPlace(slot: number, at: number): void {
    this.slabs.chunkOf(slot)[this.slabs.recordOf(slot) + AT] = at;
  }

  /** Room for `capacity` slots in {@link seen}. */
  private widen(capacity: number): void {
    const seen = new Int32Array(Math.ceil(capacity / 32));
    seen.set(this.seen);
    this.seen = seen;
  }
}
