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

/** The values of a slot's record, and their places in it. */
const RECORD = 8;
const RATE = 0;
const STEPS = 1;
const SEQ = 2;
const SEEN = 3;
const PREV = 4;
const NEXT = 5;

/**
 * @internal The state of byKey with a `keyedTrain` learner, per subscription: one working
 * network, optimizer, trace and step for all keys; each key's weights and optimizer state in the
 * {@link Slabs}, its learning rate, step count, `seq`, last-seen time and place in least-recently-used
 * order (a doubly linked list over the slots) in one record per slot (no Map
 * reordering per sample). A sample of a key: its state in, forward → loss → backward → update
 * exactly as `train` does them, its state out.
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
  /**
   * Per slot, one record of {@link RECORD} values (64 bytes: one cache line touched per sample,
   * not one in each of six arrays): its learning rate, step count, next `seq`, last-seen time,
   * and its neighbours in least-recently-used order (the previous and next slot, -1 at the ends).
   */
  private records = new Float64Array(0);
  private oldest = -1;
  private newest = -1;
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
    return this.oldest === -1 ? undefined : this.keys[this.oldest];
  }

  /** When the least recently used key saw its last sample. */
  get oldestSeen(): number {
    return this.oldest === -1
      ? Number.POSITIVE_INFINITY
      : this.records[this.oldest * RECORD + SEEN];
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
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      if (this.slotOf.size >= maxModels) evict(this.keys[this.oldest] as K);
      slot = this.open(key);
    } else this.touch(slot);
    const records = this.records;
    const r = slot * RECORD;
    if (this.stamp) records[r + SEEN] = this.scheduler.now();
    const optimizer = this.optimizer;
    const inPlace = this.inPlace;
    if (inPlace) this.slabs.point(slot);
    else this.slabs.load(slot);
    optimizer.resume(records[r + RATE], records[r + STEPS]);
    let step: StepContext<S>;
    try {
      step = this.step(slot, sample);
    } finally {
      if (inPlace) this.slabs.unpoint();
    }
    // The key's weights go out with its step (`step.network`); with metrics the steps stay in
    // here (only snapshots go out, which hold no weights), so nothing is copied.
    if (inPlace) {
      if (!this.metered) this.slabs.show(slot);
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

  /** forward → loss → backward → update of one sample of the key in `slot`, as `train` does them. */
  private step(slot: number, sample: S): StepContext<S> {
    const forwarder = this.forwarder;
    const records = this.records;
    forwarder.seq = records[slot * RECORD + SEQ];
    // The per-slot arrays of normalizers and clocks are read only when they are filled (a read
    // past the end of an array is V8's slow path).
    const step = forwarder.next(
      this.normalizing
        ? ((this.normalizers[slot] as Normalizer<S>).next(sample) as unknown as S)
        : sample,
    );
    records[slot * RECORD + SEQ] = forwarder.seq;
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
    this.unlink(slot);
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
    if (slot * RECORD >= this.records.length) this.widen(this.slabs.capacity);
    this.slotOf.set(key, slot);
    this.keys[slot] = key;
    const r = slot * RECORD;
    this.records[r + RATE] = this.options.optimizer?.learningRate ?? 0;
    this.records[r + STEPS] = 0;
    this.records[r + SEQ] = 0;
    if (this.options.normalize !== undefined) {
      this.normalizers[slot] = normalizerOf<S>(this.options.normalize);
    }
    const m = this.metrics;
    if (m !== undefined) {
      this.clocks[slot] = new Clock(new MetricsTracker(m.window, m.alpha), m.every, this.scheduler);
    }
    this.link(slot);
    return slot;
  }

  /** Makes `slot` the most recently used. */
  private touch(slot: number): void {
    if (slot === this.newest) return;
    this.unlink(slot);
    this.link(slot);
  }

  private link(slot: number): void {
    const records = this.records;
    records[slot * RECORD + PREV] = this.newest;
    records[slot * RECORD + NEXT] = -1;
    if (this.newest !== -1) records[this.newest * RECORD + NEXT] = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: number): void {
    const records = this.records;
    const p = records[slot * RECORD + PREV];
    const n = records[slot * RECORD + NEXT];
    if (p !== -1) records[p * RECORD + NEXT] = n;
    else this.oldest = n;
    if (n !== -1) records[n * RECORD + PREV] = p;
    else this.newest = p;
  }

  /** Room for `capacity` slots in the records. */
  private widen(capacity: number): void {
    const wider = new Float64Array(capacity * RECORD);
    wider.set(this.records);
    this.records = wider;
  }
}
