import type {
  EventMessage,
  HelloMessage,
  MetricsMessage,
  PredictionMessage,
  SampleKey,
  ServerMessage,
} from './messages.js';
import { SeriesBuffer } from './seriesBuffer.js';

/**
 * The track of every message, whatever its key: what the page shows while no message has
 * had a key (the server sends `key: null` for samples without one).
 */
export const ALL_KEYS = '*';

/** Metrics points kept per key (20 minutes at the default two snapshots a second). */
const METRICS_CAPACITY = 2400;
/** Prediction points kept per key. */
const PREDICTION_CAPACITY = 600;
/** Drift markers kept per key. */
const DRIFT_CAPACITY = 200;
/** Lines of the event log. */
const LOG_CAPACITY = 100;

/** Columns of {@link Track.metrics}. */
export const MetricsColumn = {
  t: 0,
  rmse: 1,
  mae: 2,
  learningRate: 3,
  samplesPerSecond: 4,
  seq: 5,
};

/** What the page has received about one key (or about all of them). */
export interface Track {
  /** `t` (ms), rmse, mae, learning rate, samples/s, seq — one row per `metrics` frame. */
  readonly metrics: SeriesBuffer;
  /** seq, actual (first output), prediction (first output) — one row per `prediction` frame. */
  readonly predictions: SeriesBuffer;
  /** The `seq` of each drift event, oldest first. */
  readonly drifts: number[];
  /** The latest `metrics` frame. */
  last: MetricsMessage | undefined;
}

/** One line of the event log. */
export interface LogEntry {
  readonly seq: number | undefined;
  readonly key: SampleKey;
  readonly kind: string;
  readonly text: string;
  /** How many events of a run of `rejected` ones this line stands for. */
  readonly times?: number;
}

/**
 * Everything the page knows, fed one server message at a time: per key (and for all keys
 * together) the metrics and prediction series, the drift markers and the latest snapshot;
 * the keys seen (from `hello.keys` and from messages); the model summary; an event log.
 * No DOM: the view reads it.
 *
 * A series whose `seq` goes backwards (the learner restarted) starts afresh.
 *
 * @example
 * ```ts
 * const state = new DashboardState();
 * state.apply({ type: 'metrics', v: 1, seq: 99, t: 1, key: null, rmse: 0.1 });
 * state.track(ALL_KEYS).last?.rmse; // 0.1
 * ```
 */
export class DashboardState {
  /** The latest `hello`. */
  hello: HelloMessage | undefined = undefined;
  /** The key chosen in the selector, as a string (`undefined`: the first key seen). */
  selected: string | undefined = undefined;
  /** The event log, oldest first. */
  readonly log: LogEntry[] = [];
  /** Events received, by type (`drift`, `rejected` …). */
  readonly eventCounts = new Map<string, number>();
  private readonly keySet = new Set<string>();
  private readonly tracks = new Map<string, Track>();
  private lastKey: string | undefined = undefined;

  /** The keys seen so far, as strings, in the order first seen. */
  get keys(): readonly string[] {
    return [...this.keySet];
  }

  /** The track of a key ({@link ALL_KEYS} for all of them), created on first use. */
  track(key: string): Track {
    let track = this.tracks.get(key);
    if (track === undefined) {
      track = {
        metrics: new SeriesBuffer(6, METRICS_CAPACITY),
        predictions: new SeriesBuffer(3, PREDICTION_CAPACITY),
        drifts: [],
        last: undefined,
      };
      this.tracks.set(key, track);
    }
    return track;
  }

  /**
   * The key on show: the one selected, else the first key seen, else {@link ALL_KEYS}. Each
   * key has its own metrics (the server runs one `rollingMetrics` per key), so several keys
   * are never mixed on one chart.
   */
  get shownKey(): string {
    if (this.selected !== undefined && this.keySet.has(this.selected)) return this.selected;
    const first = this.keySet.values().next();
    return first.done === true ? ALL_KEYS : first.value;
  }

  /** The track on show (see {@link DashboardState.shownKey}). */
  get shown(): Track {
    return this.track(this.shownKey);
  }

  /**
   * The samples per second of all keys together: the sum of each key's latest rate, over the
   * keys heard from in the last 5 s of the newest snapshot (a key that went quiet stops
   * counting); the rate of the all-keys track when no message had a key.
   */
  get totalSamplesPerSecond(): number | undefined {
    let newest = Number.NEGATIVE_INFINITY;
    for (const key of this.keySet) newest = Math.max(newest, this.track(key).last?.t ?? newest);
    let total: number | undefined;
    for (const key of this.keySet) {
      const last = this.track(key).last;
      const rate = last?.samplesPerSecond;
      if (last === undefined || typeof rate !== 'number' || last.t < newest - 5000) continue;
      total = (total ?? 0) + rate;
    }
    return total ?? this.track(ALL_KEYS).last?.samplesPerSecond ?? undefined;
  }

  /** Forgets every series, key and log line (the `hello` stays): a `history` rebuilds them. */
  reset(): void {
    this.tracks.clear();
    this.keySet.clear();
    this.log.length = 0;
    this.eventCounts.clear();
    this.lastKey = undefined;
    for (const key of this.hello?.keys ?? []) this.keySet.add(String(key));
  }

  /** Takes one message in; returns whether the key list changed. */
  apply(message: ServerMessage): boolean {
    switch (message.type) {
      case 'history': {
        // What came before this connection, in order: the page starts again from it, so that
        // a reconnection does not show points twice.
        const before = this.keys.join('\u0000');
        this.reset();
        for (const m of message.metrics) this.apply(m);
        for (const m of message.predictions) this.apply(m);
        for (const m of message.events) this.apply(m);
        return this.keys.join('\u0000') !== before;
      }
      case 'hello': {
        this.hello = message;
        const before = this.keySet.size;
        for (const key of message.keys ?? []) this.keySet.add(String(key));
        return this.keySet.size !== before;
      }
      case 'metrics':
        return this.each(message.key, (track, sameKey) => addMetrics(track, message, sameKey));
      case 'prediction':
        return this.each(message.key, (track, sameKey) => addPrediction(track, message, sameKey));
      case 'event':
        this.count(message.event.type);
        this.addLog(message);
        return this.each(message.key, (track) => {
          if (message.event.type !== 'drift') return;
          track.drifts.push(message.seq);
          if (track.drifts.length > DRIFT_CAPACITY) track.drifts.shift();
        });
      case 'error':
        this.count('error');
        this.pushLog({
          seq: undefined,
          key: null,
          kind: 'error',
          text: `${message.code}: ${message.message}`,
        });
        return false;
    }
  }

  /** Runs `add` on the message's key's track and on the all-keys track. */
  private each(key: SampleKey, add: (track: Track, sameKey: boolean) => void): boolean {
    const name = key === null || key === undefined ? undefined : String(key);
    const sameKey = name === this.lastKey;
    this.lastKey = name;
    add(this.track(ALL_KEYS), sameKey);
    if (name === undefined) return false;
    add(this.track(name), true);
    if (this.keySet.has(name)) return false;
    this.keySet.add(name);
    return true;
  }

  private count(kind: string): void {
    this.eventCounts.set(kind, (this.eventCounts.get(kind) ?? 0) + 1);
  }

  private addLog(message: EventMessage): void {
    const kind = message.event.type;
    const entry = { seq: message.seq, key: message.key, kind, text: describeEvent(message.event) };
    const newest = this.log[this.log.length - 1];
    if (kind === 'rejected' && newest?.kind === 'rejected') {
      // A run of rejected samples is one line with a count, so it never buries the drifts.
      const times = (newest.times ?? 1) + 1;
      this.log[this.log.length - 1] = {
        ...entry,
        times,
        text: `${times} samples, the last: ${entry.text}`,
      };
      return;
    }
    this.pushLog(entry);
  }

  private pushLog(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_CAPACITY) this.log.shift();
  }
}

function addMetrics(track: Track, m: MetricsMessage, sameKey: boolean): void {
  const previous = track.last;
  if (sameKey && previous !== undefined && m.seq < previous.seq) restart(track);
  track.last = m;
  track.metrics.push([
    m.t,
    m.rmse ?? null,
    m.mae ?? null,
    m.learningRate ?? null,
    m.samplesPerSecond ?? null,
    m.seq,
  ]);
}

function addPrediction(track: Track, m: PredictionMessage, sameKey: boolean): void {
  const lastSeq = track.predictions.lastX;
  if (sameKey && lastSeq !== undefined && m.seq < lastSeq) restart(track);
  track.predictions.push([m.seq, m.y?.[0] ?? null, m.prediction[0] ?? null]);
}

/** One line about an event: its main fields, numbers to four significant digits. */
function describeEvent(event: EventMessage['event']): string {
  const n = (v: unknown): string =>
    typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
  switch (event.type) {
    case 'rejected':
      return `${n(event.field)} ${n(event.reason)}`;
    case 'drift':
      return `${n(event.detector)} → ${n(event.action)}`;
    case 'learningRate':
      return `${n(event.from)} → ${n(event.to)}${event.reason === undefined ? '' : ` (${n(event.reason)})`}`;
    case 'diverged':
      return `update skipped, rate cut to ${n(event.learningRate)}`;
    case 'rollback':
      return `weights back to #${n(event.toSeq)}`;
    case 'earlyStop':
      return n(event.reason);
    default:
      return Object.entries(event)
        .filter(([k, v]) => k !== 'type' && k !== 'seq' && v !== null && typeof v !== 'object')
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(' · ');
  }
}

function restart(track: Track): void {
  track.metrics.clear();
  track.predictions.clear();
  track.drifts.length = 0;
  track.last = undefined;
}
