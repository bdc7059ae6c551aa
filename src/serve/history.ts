import type { PredictionSlot, WireKey } from './frames.js';
import { PROTOCOL_VERSION, type Topic } from './protocol.js';

/** How much a {@link History} keeps, across all keys. */
export interface HistoryLimits {
  /** Prediction messages kept (default 2,000). */
  readonly predictions?: number;
  /** Metrics messages kept (default 1,000). */
  readonly metrics?: number;
  /**
   * Event messages kept (default 100) — and as many again of the rejected samples, kept apart
   * so that a stream of bad records never pushes the rarer events (drifts, rate changes) out.
   */
  readonly events?: number;
  /** At most one prediction of a key kept per this many ms (default 50: 20 a second). */
  readonly predictionEveryMs?: number;
}

/** One kept message: its key, its JSON text, and its place among all the messages kept. */
interface Kept {
  readonly key: WireKey;
  readonly text: string;
  readonly order: number;
}

/**
 * A bounded list of recent messages, oldest first: trimmed in batches (amortised O(1)).
 */
class Recent {
  private items: Kept[] = [];

  constructor(private readonly capacity: number) {}

  push(item: Kept): void {
    this.items.push(item);
    if (this.items.length >= 2 * this.capacity) this.items = this.items.slice(-this.capacity);
  }

  /** The newest `capacity` items whose key `wanted` accepts, oldest first. */
  kept(wanted: (key: WireKey) => boolean): Kept[] {
    const from = Math.max(0, this.items.length - this.capacity);
    const kept: Kept[] = [];
    for (let i = from; i < this.items.length; i++) {
      if (wanted(this.items[i].key)) kept.push(this.items[i]);
    }
    return kept;
  }
}

/**
 * @internal What a client that connects gets first: the recent points of every series — the
 * predictions (at most 20 a second per key), the metrics snapshots — and the last events, in
 * the order they came, so that a page opened late shows the run so far, not an empty chart.
 * Kept by the socket worker, across keys, bounded ({@link HistoryLimits}); sent as one
 * `history` message after each `subscribe`, holding only the topics and keys subscribed to.
 */
export class History {
  private readonly predictions: Recent;
  private readonly metrics: Recent;
  private readonly events: Recent;
  private readonly rejections: Recent;
  private order = 0;
  private readonly predictionEveryMs: number;
  private readonly predictedAt = new Map<WireKey, number>();

  constructor(limits: HistoryLimits = {}) {
    this.predictions = new Recent(limits.predictions ?? 2000);
    this.metrics = new Recent(limits.metrics ?? 1000);
    this.events = new Recent(limits.events ?? 100);
    this.rejections = new Recent(limits.events ?? 100);
    this.predictionEveryMs = limits.predictionEveryMs ?? 50;
  }

  /** Keeps the latest prediction of a slot, unless one of its key was kept less than the interval ago. */
  recordPrediction(slot: PredictionSlot, now: number): void {
    const at = this.predictedAt.get(slot.key);
    if (at !== undefined && now - at < this.predictionEveryMs) return;
    this.predictedAt.set(slot.key, now);
    this.predictions.push({ key: slot.key, text: slot.text(), order: this.order++ });
  }

  /** Keeps a metrics message (serialised). */
  recordMetrics(key: WireKey, text: string): void {
    this.metrics.push({ key, text, order: this.order++ });
  }

  /** Keeps an event message (serialised). */
  recordEvent(key: WireKey, text: string): void {
    const kept = { key, text, order: this.order++ };
    if (text.includes('"event":{"type":"rejected"')) this.rejections.push(kept);
    else this.events.push(kept);
  }

  /** Forgets the prediction pace of a key that was evicted. */
  forget(key: WireKey): void {
    this.predictedAt.delete(key);
  }

  /**
   * The `history` message for a client subscribed to `topics` and `keys` (all keys when
   * `undefined`), serialised from the kept texts without parsing them again.
   */
  message(topics: ReadonlySet<Topic>, keys: ReadonlySet<WireKey> | undefined): string {
    const wanted = (key: WireKey): boolean => keys === undefined || keys.has(key);
    const texts = (kept: Kept[]): string => kept.map((k) => k.text).join(',');
    const predictions = topics.has('prediction') ? this.predictions.kept(wanted) : [];
    const metrics = topics.has('metrics') ? this.metrics.kept(wanted) : [];
    const events = topics.has('event')
      ? [...this.events.kept(wanted), ...this.rejections.kept(wanted)].sort(
          (a, b) => a.order - b.order,
        )
      : [];
    return `{"type":"history","v":${PROTOCOL_VERSION},"predictions":[${texts(predictions)}],"metrics":[${texts(metrics)}],"events":[${texts(events)}]}`;
  }
}
