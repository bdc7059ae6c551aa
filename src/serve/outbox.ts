import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import type { CandidateScore, EnsembleStep } from '../operators/ensemble.js';
import type { Step } from '../steps/step.js';
import type { StepEvent } from '../steps/stepEvent.js';
import { MAX_QUEUED_EVENTS } from './clientQueue.js';
import { eventText, metricsText, PredictionSlot, type WireKey } from './frames.js';
import type { Batch, ModelSummary } from './workerMessages.js';

/** One event waiting for the next batch (events are new objects: they may be kept). */
interface PendingEvent {
  readonly event: StepEvent;
  readonly t: number;
  readonly key: WireKey;
}

/**
 * @internal What the learner's thread has to tell the socket worker, gathered between two
 * batches: the latest prediction of each key (copied out of the lent steps), the latest metrics
 * snapshot of each key, the newest events, new and evicted keys, the model summary — whether or
 * not a client is connected, since the worker keeps the recent ones for the clients to come
 * (see `History`). {@link take} serialises each message once.
 */
export class Outbox {
  private readonly slots = new Map<WireKey, PredictionSlot>();
  private nextId = 0;
  private dirty: PredictionSlot[] = [];
  private added: [number, WireKey][] = [];
  private evicted: number[] = [];
  private readonly metrics = new Map<WireKey, MetricsSnapshot>();
  /** The candidates of each key's ensemble (the step's own array, updated in place). */
  private readonly candidates = new Map<WireKey, readonly CandidateScore[]>();
  private events: PendingEvent[] = [];
  private model: ModelSummary | undefined = undefined;

  /** @param maxKeys At most this many keys get prediction slots (the oldest are evicted). */
  constructor(private readonly maxKeys: number) {}

  /** The keys that have a prediction slot, oldest first. */
  keys(): IterableIterator<WireKey> {
    return this.slots.keys();
  }

  /** Keeps the prediction of a step whose prediction can be sent (allocates nothing once its key has a slot). */
  recordPrediction(key: WireKey, step: Step): void {
    const slot = this.slotOf(key);
    if (!slot.dirty) this.dirty.push(slot);
    slot.record(step);
  }

  /** Keeps the step's events (the newest beyond the bound); the worker keeps the last ones for clients to come. */
  recordEvents(key: WireKey, step: Step): void {
    const events = step.events;
    const sampleT = (step.sample as { t?: unknown }).t;
    const t = typeof sampleT === 'number' && Number.isFinite(sampleT) ? sampleT : Date.now();
    for (let i = 0; i < events.length; i++) this.events.push({ event: events[i], t, key });
    if (this.events.length > 2 * MAX_QUEUED_EVENTS) {
      this.events = this.events.slice(-MAX_QUEUED_EVENTS);
    }
  }

  /** Keeps a metrics snapshot (latest per key wins); the worker keeps the recent ones for clients to come. */
  /** Notes the candidates of a step of an ensemble, sent with its key's next metrics. */
  recordCandidates(key: WireKey, step: Step): void {
    const candidates = (step as Partial<EnsembleStep>).candidates;
    if (candidates !== undefined && this.candidates.get(key) !== candidates) {
      if (!this.candidates.has(key) && this.candidates.size >= this.maxKeys) {
        this.candidates.delete(this.candidates.keys().next().value as WireKey);
      }
      this.candidates.set(key, candidates);
    }
  }

  recordMetrics(snapshot: MetricsSnapshot): void {
    this.metrics.set(snapshot.key === undefined ? null : snapshot.key, snapshot);
  }

  /** Sets the model summary, sent with the next batch. */
  setModel(model: ModelSummary): void {
    this.model = model;
  }

  /** The batch of what was gathered since the last one (serialised now), or undefined if there is nothing to send. */
  take(): Batch | undefined {
    const batch: { -readonly [K in keyof Batch]: Batch[K] } = { type: 'batch' };
    let empty = true;
    if (this.model !== undefined) {
      batch.model = this.model;
      this.model = undefined;
      empty = false;
    }
    if (this.added.length > 0) {
      batch.added = this.added;
      this.added = [];
      empty = false;
    }
    if (this.evicted.length > 0) {
      batch.evicted = this.evicted;
      this.evicted = [];
      empty = false;
    }
    if (this.dirty.length > 0) {
      let length = 0;
      for (const slot of this.dirty) if (slot.dirty) length += slot.packedLength();
      const packed = new Float64Array(length);
      let at = 0;
      for (const slot of this.dirty) if (slot.dirty) at = slot.packInto(packed, at);
      this.dirty.length = 0;
      if (length > 0) {
        batch.predictions = packed;
        empty = false;
      }
    }
    if (this.metrics.size > 0) {
      const metrics: [WireKey, string][] = [];
      for (const [key, snapshot] of this.metrics) {
        metrics.push([key, metricsText(snapshot, this.candidates.get(key))]);
      }
      this.metrics.clear();
      batch.metrics = metrics;
      empty = false;
    }
    if (this.events.length > 0) {
      const from = Math.max(0, this.events.length - MAX_QUEUED_EVENTS);
      const events: [WireKey, string][] = [];
      for (let i = from; i < this.events.length; i++) {
        const { event, t, key } = this.events[i];
        events.push([key, eventText(event, t, key)]);
      }
      this.events = [];
      batch.events = events;
      empty = false;
    }
    return empty ? undefined : batch;
  }

  private slotOf(key: WireKey): PredictionSlot {
    let slot = this.slots.get(key);
    if (slot !== undefined) return slot;
    if (this.slots.size >= this.maxKeys) {
      const [oldestKey, oldest] = this.slots.entries().next().value as [WireKey, PredictionSlot];
      this.slots.delete(oldestKey);
      oldest.dirty = false; // never packed again
      this.evicted.push(oldest.id);
    }
    slot = new PredictionSlot(key, this.nextId++);
    this.slots.set(key, slot);
    this.added.push([slot.id, key]);
    return slot;
  }
}
