import type { Duplex } from 'node:stream';
import type { PredictionSlot, WireKey } from './frames.js';
import type { Topic } from './protocol.js';

/** How many event frames a client may have waiting; beyond it the oldest are dropped. */
export const MAX_QUEUED_EVENTS = 256;

/** The default `maxRateHz` of a subscription. */
export const DEFAULT_RATE_HZ = 10;

const sendOptions = { binary: false } as const;

/**
 * @internal The part of a `ws` WebSocket that a {@link ClientQueue} and the socket server use.
 * Structural, so that the package's type declarations never import `ws` (whose types are not
 * among the package's dependencies).
 */
export interface ClientSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer | string, options: { readonly binary: boolean }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  /** Stops reading from the client (TCP backpressure); frames already read still arrive. */
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * @internal One connected client and its bounded queue: the latest metrics frame per key
 * (latest wins), up to {@link MAX_QUEUED_EVENTS} event frames (oldest dropped), and, for
 * predictions, nothing but the version of each key's slot it was last sent — a due client is
 * sent each slot that changed since, at most `maxRateHz` times per second. Frames are shared
 * buffers, serialised once for all clients; nothing is written while the socket's
 * `bufferedAmount` is at or over the limit.
 */
export class ClientQueue {
  readonly topics = new Set<Topic>();
  keys: Set<WireKey> | undefined = undefined;
  intervalMs = 1000 / DEFAULT_RATE_HZ;
  /** When the client is next due for a flush (ms since the epoch). */
  nextDueAt = 0;
  /** When bufferedAmount went over the limit and stayed there; -1 while under it. */
  overSince = -1;
  /** Malformed or forbidden messages so far. */
  offences = 0;
  /** Whether a pong came since the last ping. */
  alive = true;
  /** Set once the server gave up on the client (closing, then terminating). */
  dropped = false;
  /** Event frames dropped because the queue was full. */
  droppedEvents = 0;
  private readonly sent = new Map<PredictionSlot, number>();
  /** The `changes` of the last turn that looked at the slots (-1: none since the last clear). */
  private changesSeen = -1;
  private readonly metrics = new Map<WireKey, Buffer>();
  private readonly events: Buffer[] = [];

  /**
   * @param socket The client's WebSocket, for replies, pings and closing.
   * @param raw The TCP socket under it: shared frames (see `wireFrame`) are written to it
   * directly, already framed, in order with what `ws` writes (it writes at once, compression
   * being off).
   */
  constructor(
    readonly socket: ClientSocket,
    private readonly raw: Duplex,
    readonly producer: boolean,
    private readonly limit: number,
  ) {}

  /** Whether the client wants `topic` for `key`. */
  wants(topic: Topic, key: WireKey): boolean {
    return this.topics.has(topic) && (this.keys === undefined || this.keys.has(key));
  }

  /** Whether a frame may be written now: open, and under the buffered-bytes limit. */
  writable(): boolean {
    return !this.dropped && this.socket.readyState === 1 && this.socket.bufferedAmount < this.limit;
  }

  /** Sends a message at once through `ws` if the socket can take it (replies: `hello`, `error`). */
  send(frame: Buffer | string): boolean {
    if (!this.writable()) return false;
    this.socket.send(frame, sendOptions);
    return true;
  }

  /** Queues a metrics frame of `key`, replacing any older one; sent when the client is next due. */
  offerMetrics(key: WireKey, frame: Buffer): void {
    this.metrics.set(key, frame);
  }

  /** Queues an event frame (dropping the oldest beyond the bound); sent when the client is next due. */
  offerEvent(frame: Buffer): void {
    if (this.events.length >= MAX_QUEUED_EVENTS) {
      this.events.shift();
      this.droppedEvents++;
    }
    this.events.push(frame);
  }

  /**
   * When due at `now` (every `1000 / maxRateHz` ms), writes the queued events and metrics and
   * every wanted prediction slot that changed since it was last sent — so that what a client
   * gets in one turn leaves in one burst, at most `maxRateHz` times per second. A due client
   * that had nothing to be sent keeps its turn until something comes.
   *
   * @param slots The latest prediction of every key, by key.
   * @param changes A number that changes whenever any slot does: while it is the one of the
   * client's last complete look at the slots, they are not looked at again.
   */
  flush(now: number, slots: ReadonlyMap<WireKey, PredictionSlot>, changes: number): void {
    if (now < this.nextDueAt) return;
    const look = this.topics.has('prediction') && changes !== this.changesSeen;
    if (!look && this.events.length === 0 && this.metrics.size === 0) return;
    // Corked: what leaves in this turn goes in one system call (writev), not one per frame.
    this.raw.cork();
    let sent = 0;
    try {
      sent = this.flushQueued();
      if (look) {
        sent += this.flushPredictions(slots);
        // Still writable: every slot was looked at (else they are, again, next time).
        if (this.writable()) this.changesSeen = changes;
      }
    } finally {
      this.raw.uncork();
    }
    if (sent === 0) return;
    this.nextDueAt += this.intervalMs;
    if (this.nextDueAt <= now) this.nextDueAt = now + this.intervalMs;
  }

  /** Writes queued events, then queued metrics, while the socket can take them; returns how many. */
  flushQueued(): number {
    let sent = 0;
    while (this.events.length > 0 && this.writable()) {
      this.raw.write(this.events.shift() as Buffer);
      sent++;
    }
    if (this.metrics.size === 0) return sent;
    for (const [key, frame] of this.metrics) {
      if (!this.writable()) return sent;
      this.raw.write(frame);
      this.metrics.delete(key);
      sent++;
    }
    return sent;
  }

  /** Sends every wanted slot that changed since it was last sent, while the socket takes frames; returns how many. */
  private flushPredictions(slots: ReadonlyMap<WireKey, PredictionSlot>): number {
    let sent = 0;
    const keys = this.keys;
    if (keys !== undefined && keys.size < slots.size) {
      // A few keys among many: look up those.
      for (const key of keys) {
        const slot = slots.get(key);
        if (slot === undefined || !this.due(slot)) continue;
        if (!this.write(slot)) return sent;
        sent++;
      }
      return sent;
    }
    for (const slot of slots.values()) {
      if (keys !== undefined && !keys.has(slot.key)) continue;
      if (!this.due(slot)) continue;
      if (!this.write(slot)) return sent;
      sent++;
    }
    return sent;
  }

  /** Whether `slot` holds a prediction this client was not sent yet. */
  private due(slot: PredictionSlot): boolean {
    const version = slot.version;
    return version !== 0 && this.sent.get(slot) !== version; // 0: no prediction yet
  }

  /** Writes the latest prediction of `slot`, if the socket takes it. */
  private write(slot: PredictionSlot): boolean {
    if (!this.writable()) return false;
    this.raw.write(slot.bytes());
    this.sent.set(slot, slot.version);
    return true;
  }

  /** Forgets a slot the server evicted. */
  forget(slot: PredictionSlot): void {
    this.sent.delete(slot);
  }

  /** Empties the queue (on unsubscribe or close). */
  clear(topics: Iterable<Topic> = ['prediction', 'metrics', 'event']): void {
    for (const topic of topics) {
      if (topic === 'metrics') this.metrics.clear();
      if (topic === 'event') this.events.length = 0;
      if (topic === 'prediction') {
        this.sent.clear();
        this.changesSeen = -1;
      }
    }
  }
}
