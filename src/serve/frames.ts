import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import type { Step } from '../operators/step.js';
import type { StepEvent } from '../operators/stepEvent.js';
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
 * @internal The latest prediction of one key, copied out of the lent step into buffers of its
 * own (allocated once, on the first step and again only if the number of outputs changes) and
 * serialised at most once per step, when a client asks for it: every client that is sent this
 * version of the slot gets the same bytes.
 */
export class PredictionSlot {
  /** Bumped by every {@link record}; a client remembers the last version it was sent. */
  version = 0;
  private seq = 0;
  private t = 0;
  private output = new Float64Array(0);
  private actual = new Float64Array(0);
  private hasActual = false;
  private frame: Buffer | undefined = undefined;

  constructor(readonly key: WireKey) {}

  /** Copies what the prediction message needs out of `step` (allocates nothing). */
  record(step: Step): void {
    const output = step.output;
    if (this.output.length !== output.length) {
      this.output = new Float64Array(output.length);
      this.actual = new Float64Array(output.length);
    }
    this.output.set(output);
    const actual = step.actual;
    this.hasActual = actual !== undefined;
    if (actual !== undefined) this.actual.set(actual);
    this.seq = step.seq;
    const t = (step.sample as { t?: unknown }).t;
    this.t = typeof t === 'number' && Number.isFinite(t) ? t : Date.now();
    this.version++;
    this.frame = undefined;
  }

  /** The prediction message of the latest step, as a WebSocket frame, built once per version. */
  bytes(): Buffer {
    if (this.frame !== undefined) return this.frame;
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
    this.frame = wireFrame(JSON.stringify(message));
    return this.frame;
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

/** @internal The metrics message of a snapshot, as a WebSocket frame. */
export function metricsBytes(snapshot: MetricsSnapshot): Buffer {
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
  };
  return wireFrame(JSON.stringify(message));
}

/**
 * @internal The event message of one step event, as a WebSocket frame: its fields copied, except values
 * that are not JSON-safe (non-finite numbers, functions, objects), which are dropped.
 */
export function eventBytes(event: StepEvent, t: number, key: WireKey): Buffer {
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
  return wireFrame(JSON.stringify(message));
}

/** @internal The hello message, serialised. */
export function helloBytes(
  model: HelloMessage['model'],
  keys: readonly (string | number)[],
  producer: boolean,
): Buffer {
  const message: HelloMessage = {
    type: 'hello',
    v: PROTOCOL_VERSION,
    model,
    keys: [...keys],
    topics: ['prediction', 'metrics', 'event'],
    producer,
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
