/**
 * The server frames of protocol v1 as the dashboard reads them (see `src/serve/protocol.ts`
 * for the full definition). The page keeps its own structural copy so the browser build does
 * not compile server code; {@link parseServerMessage} checks only what the page relies on.
 */

/** A key of a sample: a string, a number, or `null` when the sample has none. */
export type SampleKey = string | number | null;

/** `hello`: sent once on connect. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly v: 1;
  readonly model?: null | {
    readonly inputs?: number;
    readonly outputs?: number;
    readonly layers?: readonly { readonly units: number; readonly activation: string }[];
    readonly optimizer?: { readonly name: string; readonly learningRate?: number };
  };
  readonly keys?: readonly (string | number)[];
  /** What the model predicts: a name (a CSV column …) and a unit (°C …), for the error axis. */
  readonly target?: { readonly name?: string; readonly unit?: string };
}

/** `prediction`: one step's prediction, in real units. */
export interface PredictionMessage {
  readonly type: 'prediction';
  readonly v: 1;
  readonly seq: number;
  readonly t: number;
  readonly key: SampleKey;
  readonly y: readonly number[] | null;
  readonly prediction: readonly number[];
  readonly error: number | null;
}

/** `metrics`: a rolling-metrics snapshot; figures that do not apply are absent or `null`. */
export interface MetricsMessage {
  readonly type: 'metrics';
  readonly v: 1;
  readonly seq: number;
  readonly t: number;
  readonly key: SampleKey;
  readonly mse?: number | null;
  readonly rmse?: number | null;
  readonly mae?: number | null;
  readonly r2?: number | null;
  readonly learningRate?: number | null;
  readonly samplesPerSecond?: number | null;
  readonly rejected?: number | null;
  readonly drifts?: number | null;
  /** With an ensemble: each candidate's weight and recent RMSE. */
  readonly candidates?: readonly {
    readonly name: string;
    readonly weight: number;
    readonly rmse: number | null;
  }[];
}

/** `event`: something that happened at a step (a drift, a learning-rate change …). */
export interface EventMessage {
  readonly type: 'event';
  readonly v: 1;
  readonly seq: number;
  readonly t: number;
  readonly key: SampleKey;
  readonly event: { readonly type: string; readonly [field: string]: unknown };
}

/** `error`: the server reports a problem with what this client sent. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly v: 1;
  readonly code: string;
  readonly message: string;
}

/** `history`: sent after `subscribe`: what came before, oldest first. */
export interface HistoryMessage {
  readonly type: 'history';
  readonly v: 1;
  readonly predictions: readonly PredictionMessage[];
  readonly metrics: readonly MetricsMessage[];
  readonly events: readonly EventMessage[];
}

/** Any server frame the page understands. */
export type ServerMessage =
  | HistoryMessage
  | HelloMessage
  | PredictionMessage
  | MetricsMessage
  | EventMessage
  | ErrorMessage;

/**
 * Parses one text frame; `undefined` for anything that is not a version-1 message of a known
 * type with the fields the page needs (such frames are ignored, never fatal).
 *
 * @example
 * ```ts
 * const m = parseServerMessage('{"type":"metrics","v":1,"seq":9,"t":0,"key":null,"rmse":0.1}');
 * if (m?.type === 'metrics') console.log(m.rmse);
 * ```
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const m = value as Record<string, unknown>;
  if (m.v !== 1) return undefined;
  switch (m.type) {
    case 'hello':
      return m as unknown as HelloMessage;
    case 'prediction':
      return isNumber(m.seq) && Array.isArray(m.prediction)
        ? (m as unknown as PredictionMessage)
        : undefined;
    case 'metrics':
      return isNumber(m.seq) && isNumber(m.t) ? (m as unknown as MetricsMessage) : undefined;
    case 'event':
      return isNumber(m.seq) && m.event !== null && typeof m.event === 'object'
        ? (m as unknown as EventMessage)
        : undefined;
    case 'error':
      return m as unknown as ErrorMessage;
    case 'history':
      return Array.isArray(m.predictions) && Array.isArray(m.metrics) && Array.isArray(m.events)
        ? (m as unknown as HistoryMessage)
        : undefined;
    default:
      return undefined;
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
