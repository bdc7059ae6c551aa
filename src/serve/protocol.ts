/**
 * The WebSocket protocol of `serve()`, version 1: JSON text frames, each an object with a
 * `type`; every server message also carries `v: 1`. Connect to `/ws` (with `Authorization:
 * Bearer <token>`, or the subprotocols `streamprop.v1, token.<token>` from a browser, when the
 * server has a token), receive `hello`, send `subscribe`, then receive what you subscribed to.
 *
 * An example exchange (→ client to server, ← server to client):
 *
 * ```text
 * ← {"type":"hello","v":1,"model":{"inputs":8,"outputs":1,"layers":[{"units":16,"activation":"tanh"},{"units":1,"activation":"linear"}],"optimizer":{"name":"rmsprop","learningRate":0.001}},"keys":["sensor-1"],"topics":["prediction","metrics","event"],"producer":false}
 * → {"type":"subscribe","topics":["prediction","metrics","event"],"keys":["sensor-1"],"maxRateHz":5}
 * ← {"type":"history","v":1,"predictions":[{"type":"prediction",…}, …],"metrics":[…],"events":[…]}
 * ← {"type":"prediction","v":1,"seq":1200,"t":1763840000123,"key":"sensor-1","y":[21.4],"prediction":[21.1],"error":0.3}
 * ← {"type":"metrics","v":1,"seq":1249,"t":1763840000500,"key":"sensor-1","mse":0.09,"rmse":0.3,"mae":0.24,"learningRate":0.001,"samplesPerSecond":200,"rejected":2,"drifts":0,"r2":0.97,"samples":1250,"count":500,"rejectedByReason":{"notObject":0,"length":0,"notNumber":0,"nonFinite":2,"missingTarget":0,"malformed":0}}
 * ← {"type":"event","v":1,"seq":1251,"t":1763840000510,"key":"sensor-1","event":{"type":"rejected","seq":1251,"reason":"nonFinite","field":"x[3]","message":"forward: sample 1251: x[3] must be a finite number, got NaN"}}
 * → {"type":"subscribe","topics":"all"}
 * ← {"type":"error","v":1,"code":"invalid-message","message":"subscribe: topics: Invalid input: expected array, received string"}
 * → {"type":"sample","sample":{"x":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8],"y":0.9,"key":"sensor-1"}}
 * ← {"type":"error","v":1,"code":"forbidden","message":"sample: only a client holding the producer token may send samples"}
 * → {"type":"unsubscribe","topics":["prediction"]}
 * ```
 *
 * Each `subscribe` is answered first with a `history` of what came before it (the recent
 * predictions and metrics, the last events). Predictions are the latest per key, at most `maxRateHz` per second (default 10); metrics are
 * rolling-metrics snapshots per key (latest wins); events are those of the steps (`rejected`,
 * `diverged`, `learningRate`, `rollback`, `drift`, `earlyStop`; `checkpoint` is reserved). The
 * server answers a bad message with an `error` frame (`malformed`, `unknown-type`,
 * `invalid-message`, `forbidden`, `invalid-sample`) and closes the connection with 1008 after
 * repeated offences (bad samples from a producer are answered but are no offence); a frame over
 * 64 KiB closes it with 1009; a client too slow to read is closed with 1013.
 *
 * @module
 */
import { z } from 'zod';

/**
 * The version of the WebSocket protocol of `serve()`: every server message carries it as `v`.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from 'streamprop/serve';
 * console.log(PROTOCOL_VERSION); // 1
 * ```
 */
export const PROTOCOL_VERSION = 1 as const;

/**
 * The subprotocol a browser offers (with `token.<value>` after it when the server wants a
 * token) and that the server selects.
 *
 * @example
 * ```ts
 * import { PROTOCOL_NAME } from 'streamprop/serve';
 * const ws = new WebSocket('ws://127.0.0.1:8080/ws', [PROTOCOL_NAME, 'token.s3cret']);
 * ```
 */
export const PROTOCOL_NAME = 'streamprop.v1';

/**
 * The topics a client can subscribe to: predictions, rolling-metrics snapshots and events.
 *
 * @example
 * ```ts
 * import { TOPICS } from 'streamprop/serve';
 * const subscribe = { type: 'subscribe', topics: [...TOPICS] };
 * ```
 */
export const TOPICS = ['prediction', 'metrics', 'event'] as const;

/** One of {@link TOPICS}. */
export type Topic = (typeof TOPICS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const key = z.union([z.string(), finite], { error: 'must be a string or a finite number' });
const version = z.literal(PROTOCOL_VERSION);
/** A figure that does not apply is absent or null. */
const figure = finite.nullable().optional();

/** The zod schema of {@link HelloMessage}. */
export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  v: version,
  model: z
    .object({
      inputs: z.number().int().nonnegative(),
      outputs: z.number().int().nonnegative(),
      layers: z.array(z.object({ units: z.number().int().positive(), activation: z.string() })),
      optimizer: z.object({ name: z.string(), learningRate: finite }).optional(),
    })
    .nullable(),
  keys: z.array(key),
  topics: z.array(z.enum(TOPICS)),
  producer: z.boolean(),
  /** What the model predicts: a name (such as a CSV column) and a unit, for the charts' axes. */
  target: z.object({ name: z.string().optional(), unit: z.string().optional() }).optional(),
});

/** The zod schema of {@link PredictionMessage}. */
export const predictionMessageSchema = z.object({
  type: z.literal('prediction'),
  v: version,
  seq: z.number().int().nonnegative(),
  t: finite,
  key: key.nullable(),
  y: z.array(finite).nullable(),
  prediction: z.array(finite),
  error: finite.nonnegative().nullable(),
});

/** The zod schema of {@link MetricsMessage}. */
export const metricsMessageSchema = z.object({
  type: z.literal('metrics'),
  v: version,
  seq: z.number().int(),
  t: finite,
  key: key.nullable(),
  mse: figure,
  rmse: figure,
  mae: figure,
  learningRate: figure,
  samplesPerSecond: figure,
  rejected: z.number().int().nonnegative(),
  drifts: z.number().int().nonnegative(),
  r2: figure,
  accuracy: figure,
  logLoss: figure,
  samples: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
  rejectedByReason: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /**
   * With an ensemble (`ensemble`, `autoForecast`, `streamprop run --lags`): each candidate's
   * name, its weight in the latest forecast and the RMSE of its recent forecasts (Hedge's
   * discounted mean, in the target's units; null before any target). Absent otherwise.
   */
  candidates: z
    .array(z.object({ name: z.string(), weight: finite, rmse: finite.nonnegative().nullable() }))
    .optional(),
});

/**
 * The kinds of event a server sends: those of a step's `events`, and `checkpoint` (reserved).
 *
 * @example
 * ```ts
 * import { EVENT_TYPES } from 'streamprop/serve';
 * console.log(EVENT_TYPES.includes('drift')); // true
 * ```
 */
export const EVENT_TYPES = [
  'rejected',
  'diverged',
  'learningRate',
  'rollback',
  'drift',
  'earlyStop',
  'checkpoint',
] as const;

/** The zod schema of {@link EventMessage}. */
export const eventMessageSchema = z.object({
  type: z.literal('event'),
  v: version,
  seq: z.number().int(),
  t: finite,
  key: key.nullable(),
  event: z.looseObject({ type: z.enum(EVENT_TYPES), seq: z.number().int().optional() }),
});

/**
 * The codes of an {@link ErrorMessage}: `malformed` (not a JSON object, or a binary frame),
 * `unknown-type`, `invalid-message` (a known type with a wrong field), `forbidden` (`sample`
 * without the producer token), `invalid-sample`.
 *
 * @example
 * ```ts
 * import { ERROR_CODES } from 'streamprop/serve';
 * console.log(ERROR_CODES.join(', '));
 * ```
 */
export const ERROR_CODES = [
  'malformed',
  'unknown-type',
  'invalid-message',
  'forbidden',
  'invalid-sample',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The zod schema of {@link ErrorMessage}. */
export const errorMessageSchema = z.object({
  type: z.literal('error'),
  v: version,
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/** The zod schema of {@link HistoryMessage}. */
export const historyMessageSchema = z.object({
  type: z.literal('history'),
  v: version,
  predictions: z.array(predictionMessageSchema),
  metrics: z.array(metricsMessageSchema),
  events: z.array(eventMessageSchema),
});

/**
 * The zod schema of every message the server sends, discriminated by `type`; a client can
 * check what it receives with it (the tests do, for the frames a Python client received).
 *
 * @example
 * ```ts
 * import { serverMessageSchema } from 'streamprop';
 * const frame = '{"type":"error","v":1,"code":"malformed","message":"not JSON"}';
 * const message = serverMessageSchema.parse(JSON.parse(frame));
 * if (message.type === 'error') console.log(message.code); // malformed
 * ```
 */
export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  predictionMessageSchema,
  metricsMessageSchema,
  eventMessageSchema,
  errorMessageSchema,
  historyMessageSchema,
]);

/**
 * Sent once on connect: the protocol version, a summary of the model (`null` while the server
 * has neither been told the network nor seen a step), the keys seen so far, the topics and
 * whether this client may send samples.
 */
export type HelloMessage = z.infer<typeof helloMessageSchema>;
/**
 * One prediction, in real units (`step.output`, `step.actual`): `error` is the RMS of
 * `y − prediction` over the outputs, `null` without a target; `t` is the sample's `t`, or the
 * server's clock (ms since the epoch) when it has none.
 */
export type PredictionMessage = z.infer<typeof predictionMessageSchema>;
/** A rolling-metrics snapshot of one key (see `MetricsSnapshot`); figures that do not apply are absent. */
export type MetricsMessage = z.infer<typeof metricsMessageSchema>;
/** A step event (drift, learning-rate change, early stop, rejected sample …) with its step. */
export type EventMessage = z.infer<typeof eventMessageSchema>;
/**
 * Sent after each `subscribe`, before anything else: what came before the client subscribed —
 * the recent prediction and metrics messages (predictions at most 20 a second per key) and the
 * last events, oldest first, of the topics and keys subscribed to — so that a page opened late
 * shows the run so far.
 */
export type HistoryMessage = z.infer<typeof historyMessageSchema>;
/** What went wrong with the client's last message. */
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
/** Any message the server sends. */
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** The zod schema of a sample sent by a producer: finite numbers only. */
export const sampleSchema = z.strictObject({
  x: z.array(finite).min(1).max(100_000),
  y: z.union([finite, z.array(finite).min(1).max(100_000)]).optional(),
  key: key.optional(),
  id: key.optional(),
  t: finite.optional(),
});

/** The zod schema of {@link SubscribeMessage}. */
export const subscribeMessageSchema = z.strictObject({
  type: z.literal('subscribe'),
  topics: z.array(z.enum(TOPICS)).max(TOPICS.length),
  keys: z.array(key).max(10_000).optional(),
  maxRateHz: z.number().positive().max(1000).optional(),
});

/** The zod schema of {@link UnsubscribeMessage}. */
export const unsubscribeMessageSchema = z.strictObject({
  type: z.literal('unsubscribe'),
  topics: z.array(z.enum(TOPICS)).max(TOPICS.length).optional(),
});

/** The zod schema of {@link SampleMessage}. */
export const sampleMessageSchema = z.strictObject({
  type: z.literal('sample'),
  sample: sampleSchema,
});

/**
 * The zod schema of every message a client may send, discriminated by `type` (the server
 * parses with {@link parseClientMessage}, which names the error code too).
 *
 * @example
 * ```ts
 * import { clientMessageSchema } from 'streamprop';
 * const ok = clientMessageSchema.safeParse({ type: 'subscribe', topics: ['prediction'], maxRateHz: 2 });
 * console.log(ok.success); // true
 * ```
 */
export const clientMessageSchema = z.discriminatedUnion('type', [
  subscribeMessageSchema,
  unsubscribeMessageSchema,
  sampleMessageSchema,
]);

/**
 * Replaces the client's subscription: these topics, only these keys (all without `keys`),
 * predictions at most `maxRateHz` per second and key (default 10; the server flushes every
 * 10 ms, so rates above 100 Hz get 100).
 */
export type SubscribeMessage = z.infer<typeof subscribeMessageSchema>;
/** Drops these topics from the subscription (all without `topics`). */
export type UnsubscribeMessage = z.infer<typeof unsubscribeMessageSchema>;
/** A sample for the ingest stream; only clients holding the producer token may send it. */
export type SampleMessage = z.infer<typeof sampleMessageSchema>;
/** Any message a client may send. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** The outcome of {@link parseClientMessage}: the message, or the error frame to answer with. */
export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

const knownTypes = new Set(['subscribe', 'unsubscribe', 'sample']);

/**
 * Parses and validates one text frame from a client: `malformed` for text that is not a JSON
 * object, `unknown-type` for a `type` the protocol does not know, `invalid-sample` for a
 * `sample` message whose sample is wrong, `invalid-message` for any other wrong field.
 *
 * @example
 * ```ts
 * import { parseClientMessage } from 'streamprop/serve';
 * const parsed = parseClientMessage('{"type":"subscribe","topics":["metrics"]}');
 * if (parsed.ok) console.log(parsed.message.type); // subscribe
 * else console.log(parsed.code, parsed.message);
 * ```
 */
export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'malformed', message: 'the frame is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, code: 'malformed', message: 'a message must be a JSON object with a type' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    return {
      ok: false,
      code: 'unknown-type',
      message: `unknown message type ${JSON.stringify(type ?? null)?.slice(0, 40)}; expected subscribe, unsubscribe or sample`,
    };
  }
  const result = clientMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') || '(message)';
  return {
    ok: false,
    code: type === 'sample' ? 'invalid-sample' : 'invalid-message',
    message: `${type}: ${path}: ${issue?.message ?? 'invalid'}`.slice(0, 300),
  };
}

/**
 * Serialises an error frame.
 *
 * @example
 * ```ts
 * import { errorFrame } from 'streamprop/serve';
 * errorFrame('forbidden', 'sample needs the producer token'); // '{"type":"error","v":1,…}'
 * ```
 */
export function errorFrame(code: ErrorCode, message: string): string {
  const frame: ErrorMessage = { type: 'error', v: PROTOCOL_VERSION, code, message };
  return JSON.stringify(frame);
}
