import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import type { CandidateScore } from '../operators/ensemble.js';
import type { Step } from '../steps/step.js';
import type { StepEvent } from '../steps/stepEvent.js';
import {
  type EventMessage,
  type HelloMessage,
  type MetricsMessage,
  PROTOCOL_VERSION,
  type PredictionMessage,
} from './protocol.js';

/** A sample's key as the protocol sends it: `null` when the sample has none. */
export type WireKey = string | number | null;

/** @internal The key of a step's sample, `null` when absent or not a string or finite number. */
export function keyOfStep(step: Step): WireKey {
  const key = (step.sample as { key?: unknown } | null)?.key;
  if (typeof key === 'string') return key;
  if (typeof key === 'number' && Number.isFinite(key)) return key;
  return null;
}

/**
 * @internal The latest prediction of one key. On the learner's thread it is copied out of the
 * lent step into buffers of its own (allocated once, on the first step and again only if the
 * number of outputs changes) and packed, when it changed, into the next batch for the socket
 * worker; in the socket worker the copy is unpacked and serialised at most once per version,
 * when a client asks for it: every client that is sent this version gets the same bytes.
 *
 * Packed layout (doubles): `id, seq, t, hasActual (0 | 1), n, output[0..n), actual[0..n)`.
 */
export class PredictionSlot {
  /** Bumped by every {@link record} or {@link unpackFrom}; a client remembers the last version it was sent. */
  version = 0;
  /** Whether it changed since it was last packed (learner side). */
  dirty = false;
  private seq = 0;
  private t = 0;
  private output = new Float64Array(0);
  private actual = new Float64Array(0);
  private hasActual = false;
  private frame: Buffer | undefined = undefined;

  /**
   * @param key The sample key it holds the prediction of.
   * @param id A number naming the key in packed batches (unique among the live slots).
   */
  constructor(
    readonly key: WireKey,
    readonly id = 0,
  ) {}

  /** Copies what the prediction message needs out of `step` (allocates nothing). */
  record(step: Step): void {
    const output = step.output;
    this.resize(output.length);
    this.output.set(output);
    const actual = step.actual;
    this.hasActual = actual !== undefined;
    if (actual !== undefined) this.actual.set(actual);
    this.seq = step.seq;
    const t = (step.sample as { t?: unknown }).t;
    this.t = typeof t === 'number' && Number.isFinite(t) ? t : Date.now();
    this.version++;
    this.frame = undefined;
    this.dirty = true;
  }

  /** How many doubles {@link packInto} writes. */
  packedLength(): number {
    return 5 + 2 * this.output.length;
  }

  /** Writes the packed form at `at` of `target` (which must have room) and clears {@link dirty}; returns the offset after it. */
  packInto(target: Float64Array, at: number): number {
    const n = this.output.length;
    target[at] = this.id;
    target[at + 1] = this.seq;
    target[at + 2] = this.t;
    target[at + 3] = this.hasActual ? 1 : 0;
    target[at + 4] = n;
    target.set(this.output, at + 5);
    if (this.hasActual) target.set(this.actual, at + 5 + n);
    this.dirty = false;
    return at + 5 + 2 * n;
  }

  /**
   * Reads the packed form at `at` of `source` (its id, at `at`, already matched to this slot)
   * as the new latest prediction; returns the offset after it.
   */
  unpackFrom(source: Float64Array, at: number): number {
    const n = source[at + 4];
    this.resize(n);
    this.seq = source[at + 1];
    this.t = source[at + 2];
    this.hasActual = source[at + 3] === 1;
    this.output.set(source.subarray(at + 5, at + 5 + n));
    if (this.hasActual) this.actual.set(source.subarray(at + 5 + n, at + 5 + 2 * n));
    this.version++;
    this.frame = undefined;
    return at + 5 + 2 * n;
  }

  /** The prediction message of the latest step, as a WebSocket frame, built once per version. */
  bytes(): Buffer {
    if (this.frame !== undefined) return this.frame;
    this.frame = wireFrame(this.text());
    return this.frame;
  }

  /** The prediction message of the latest step, serialised. */
  text(): string {
    const prediction = Array.from(this.output);
    let y: number[] | null = null;
    let error: number | null = null;
    if (this.hasActual) {
      y = Array.from(this.actual);
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += (y[i] - prediction[i]) ** 2;
      error = y.length > 0 ? Math.sqrt(sum / y.length) : null;
      if (error !== null && !Number.isFinite(error)) error = null;
    }
    const message: PredictionMessage = {
      type: 'prediction',
      v: PROTOCOL_VERSION,
      seq: this.seq,
      t: this.t,
      key: this.key,
      y,
      prediction,
      error,
    };
    return JSON.stringify(message);
  }

  private resize(n: number): void {
    if (this.output.length === n) return;
    this.output = new Float64Array(n);
    this.actual = new Float64Array(n);
  }
}

/** Whether the step's prediction can be sent: not rejected, every output finite. */
export function sendablePrediction(step: Step): boolean {
  if (step.rejection !== undefined) return false;
  const output = step.output;
  for (let i = 0; i < output.length; i++) if (!Number.isFinite(output[i])) return false;
  const actual = step.actual;
  if (actual !== undefined) {
    for (let i = 0; i < actual.length; i++) if (!Number.isFinite(actual[i])) return false;
  }
  return true;
}

const finiteOrUndefined = (value: number | undefined): number | undefined =>
  value !== undefined && Number.isFinite(value) ? value : undefined;

/**
 * @internal The metrics message of a snapshot, serialised; with the candidates of the key's
 * ensemble (their figures as they are now), its `candidates`.
 */
export function metricsText(
  snapshot: MetricsSnapshot,
  candidates?: readonly CandidateScore[],
): string {
  const key = snapshot.key;
  const message: MetricsMessage = {
    type: 'metrics',
    v: PROTOCOL_VERSION,
    seq: snapshot.seq,
    t: snapshot.t,
    key: key === undefined ? null : key,
    mse: finiteOrUndefined(snapshot.mse),
    rmse: finiteOrUndefined(snapshot.rmse),
    mae: finiteOrUndefined(snapshot.mae),
    learningRate: finiteOrUndefined(snapshot.learningRate),
    samplesPerSecond: finiteOrUndefined(snapshot.samplesPerSecond),
    rejected: snapshot.rejected,
    drifts: snapshot.drifts,
    r2: finiteOrUndefined(snapshot.r2),
    accuracy: finiteOrUndefined(snapshot.accuracy),
    logLoss: finiteOrUndefined(snapshot.logLoss),
    samples: snapshot.samples,
    count: snapshot.count,
    rejectedByReason: { ...snapshot.rejectedByReason },
    candidates: candidates?.map((c) => ({
      name: c.name,
      weight: Number.isFinite(c.weight) ? c.weight : 0,
      rmse: c.meanLoss >= 0 && Number.isFinite(c.meanLoss) ? Math.sqrt(c.meanLoss) : null,
    })),
  };
  return JSON.stringify(message);
}

/**
 * @internal The event message of one step event, serialised: its fields copied, except values
 * that are not JSON-safe (non-finite numbers, functions, objects), which are dropped.
 */
export function eventText(event: StepEvent, t: number, key: WireKey): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (typeof value === 'string' || typeof value === 'boolean') fields[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) fields[name] = value;
  }
  const message = {
    type: 'event',
    v: PROTOCOL_VERSION,
    seq: event.seq,
    t,
    key,
    event: fields as EventMessage['event'],
  } satisfies EventMessage;
  return JSON.stringify(message);
}

/** @internal The hello message, serialised. */
export function helloBytes(
  model: HelloMessage['model'],
  keys: readonly (string | number)[],
  producer: boolean,
  target?: HelloMessage['target'],
): Buffer {
  const message: HelloMessage = {
    type: 'hello',
    v: PROTOCOL_VERSION,
    model,
    keys: [...keys],
    topics: ['prediction', 'metrics', 'event'],
    producer,
    ...(target === undefined ? {} : { target }),
  };
  return Buffer.from(JSON.stringify(message));
}

/**
 * @internal A whole WebSocket text frame (final, unmasked, as a server sends it) holding
 * `text`: header and payload in one buffer, built once and written as is to every client's
 * socket — the same bytes `ws` would write for `send(text)` without compression, without
 * framing them again for each client.
 */
export function wireFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}
