import { Observable } from 'rxjs';
import { checkOneOf, checkOptions, checkPositiveInteger } from '../src/checks/argumentChecks.js';
import { documentPath } from '../src/checks/parseDocument.js';
import type { Sample } from '../src/samples/sample.js';
import { sampleSchema } from '../src/serve/protocol.js';

/** Something that has the samples producer clients sent: the server `serve()` returns. */
export interface IngestSource {
  readonly samples: Observable<unknown>;
}

/** The part of a WHATWG `WebSocket` (browsers, Node ≥ 22, or the `ws` package) that is used. */
export interface WebSocketLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor, such as `globalThis.WebSocket` or `WebSocket` of the `ws` package. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Where {@link fromWebSocket} connects to when it is given an address. */
export interface WebSocketAddress {
  /** Such as `ws://feed.example:8080/samples`. */
  readonly url: string;
  /** Subprotocols to offer, such as `['streamprop.v1', 'token.s3cret']`. */
  readonly protocols?: string | string[];
  /** The constructor to use (default `globalThis.WebSocket`, built into Node ≥ 22 and browsers). */
  readonly WebSocket?: WebSocketConstructor;
}

/** Why {@link fromWebSocket} rejected a value. */
export interface WebSocketRejection {
  /** The 0-based number of the value among all those received. */
  readonly index: number;
  /** What was wrong, such as `x[1] must be a finite number, got "a"`. */
  readonly problem: string;
  /** The value received. */
  readonly value: unknown;
}

/** Options of {@link fromWebSocket}. */
export interface FromWebSocketOptions {
  /**
   * What to do with a value that is not a valid sample: `'skip'` (default, the live mode)
   * drops it, counts it and calls `onRejected`; `'error'` fails the stream with a TypeError
   * naming `fromWebSocket`, the value's index and the problem.
   */
  readonly onInvalid?: 'skip' | 'error';
  /** The number of inputs every `x` must have (default: any, at least one). */
  readonly inputs?: number;
  /** The number of outputs every `y` must have (default: any). */
  readonly outputs?: number;
  /** Called with each value dropped under `onInvalid: 'skip'`. */
  readonly onRejected?: (rejection: WebSocketRejection) => void;
}

/**
 * Samples that arrive over WebSocket, as an `Observable<Sample>`, checked like those of any
 * source: `x` an array of finite numbers (of length `inputs` when given), `y` absent, a finite
 * number or such an array (of length `outputs` when given), `key` and `id` strings or finite
 * numbers, `t` a finite number; anything else is dropped (`onInvalid: 'skip'`, the default)
 * or fails the stream (`'error'`). Each sample emitted is a new plain object.
 *
 * The source is either a server from `serve()` — the stream is then the samples its producer
 * clients send (`{ type: 'sample', sample }` frames, from clients holding the
 * `producerToken`) and completes when the server closes; a message the server found was not a
 * valid sample comes as a *malformed* sample (`{ x: [], malformed: { field: 'sample', … } }`),
 * which `train(…, { onInvalid: 'skip' })` rejects and the metrics count under
 * `rejectedByReason.malformed`, as for every source (with `train`'s default `onInvalid:
 * 'error'`, it fails the stream) — or the address of a WebSocket that
 * sends samples, as JSON text frames holding either a bare sample or `{ type: 'sample',
 * sample }`: one connection per subscription, closed on unsubscribe; the stream completes when
 * the peer closes normally (1000) and fails otherwise.
 *
 * @throws TypeError or RangeError at once for a wrong argument.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, tanh, train } from 'streamprop';
import { serve } from 'streamprop/serve';
 * import { fromWebSocket } from 'streamprop/streams';
 * const net = network({ inputs: 2, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * const server = await serve(
 *   (s) => fromWebSocket(s, { inputs: 2, outputs: 1 }).pipe(train(net, { loss: mse(), onInvalid: 'skip' })),
 *   { producerToken: 'feed-secret' },
 * );
 * // a producer connects to server.wsUrl with "Authorization: Bearer feed-secret" and sends
 * // {"type":"sample","sample":{"x":[0.1,0.2],"y":0.3}}
 *
 * // or read samples pushed by another WebSocket service:
 * fromWebSocket({ url: 'ws://127.0.0.1:9000/feed' }).subscribe((sample) => console.log(sample.x));
 * ```
 */
export function fromWebSocket(
  source: IngestSource | WebSocketAddress | string,
  options: FromWebSocketOptions = {},
): Observable<Sample> {
  checkOptions('fromWebSocket', options);
  const onInvalid = checkOneOf('fromWebSocket', 'onInvalid', options.onInvalid ?? 'skip', [
    'skip',
    'error',
  ] as const);
  for (const name of ['inputs', 'outputs'] as const) {
    if (options[name] !== undefined) checkPositiveInteger('fromWebSocket', name, options[name]);
  }
  const schema = wireSampleSchema(options.inputs, options.outputs);
  const frames = framesOf(source);
  // A server passes on what a producer sent that was not a sample as a malformed sample.
  const fromServer = isIngestSource(source);
  return new Observable<Sample>((subscriber) => {
    let index = 0;
    const subscription = frames.subscribe({
      next(value) {
        const i = index++;
        if (fromServer && isMalformed(value)) {
          subscriber.next(value);
          return;
        }
        const result = checkSample(value, schema);
        if (typeof result !== 'string') {
          subscriber.next(result);
          return;
        }
        if (onInvalid === 'error') {
          subscriber.error(new TypeError(`fromWebSocket: value ${i}: ${result}`));
          return;
        }
        try {
          options.onRejected?.({ index: i, problem: result, value });
        } catch (error) {
          subscriber.error(error);
        }
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => subscription.unsubscribe();
  });
}

function isIngestSource(source: unknown): source is IngestSource {
  return source !== null && typeof source === 'object' && 'samples' in source;
}

/** Whether `value` is the malformed sample a server made of a message that was not a sample. */
function isMalformed(value: unknown): value is Sample {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as Sample).malformed !== undefined &&
    Array.isArray((value as Sample).x)
  );
}

/** The raw values of a source: a server's samples, or the parsed frames of a connection. */
function framesOf(source: IngestSource | WebSocketAddress | string): Observable<unknown> {
  if (isIngestSource(source)) {
    const samples = source.samples as Partial<Observable<unknown>> | undefined;
    if (samples === undefined || typeof samples.subscribe !== 'function') {
      throw new TypeError('fromWebSocket: source.samples must be an Observable');
    }
    return source.samples;
  }
  const address: WebSocketAddress = typeof source === 'string' ? { url: source } : source;
  if (address === null || typeof address !== 'object' || typeof address.url !== 'string') {
    throw new TypeError(
      'fromWebSocket: source must be a server from serve(), a ws:// URL or { url, protocols?, WebSocket? }',
    );
  }
  const Constructor =
    address.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Constructor !== 'function') {
    throw new TypeError(
      'fromWebSocket: no WebSocket constructor: pass { WebSocket } (for example that of the ws package) on Node < 22',
    );
  }
  return new Observable<unknown>((subscriber) => {
    const socket = new Constructor(address.url, address.protocols);
    socket.onmessage = (event) => {
      const data = event.data;
      if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
        subscriber.next(data); // rejected by the check as not a sample
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
      } catch {
        value = data;
      }
      const framed = value as { type?: unknown; sample?: unknown } | null;
      subscriber.next(
        framed !== null && typeof framed === 'object' && framed.type === 'sample'
          ? framed.sample
          : value,
      );
    };
    socket.onerror = () =>
      subscriber.error(new Error(`fromWebSocket: connection to ${address.url} failed`));
    socket.onclose = (event) => {
      if (event.code === 1000) subscriber.complete();
      else
        subscriber.error(
          new Error(
            `fromWebSocket: ${address.url} closed with ${event.code} ${event.reason}`.trim(),
          ),
        );
    };
    return () => {
      socket.onmessage = null;
      socket.onerror = null;
      socket.onclose = null;
      socket.close(1000);
    };
  });
}

/**
 * The schema of a wire sample for `inputs` and `outputs` values: the producer sample schema of
 * the protocol (finite numbers only), other fields dropped, with the lengths asked for.
 */
function wireSampleSchema(inputs: number | undefined, outputs: number | undefined) {
  return sampleSchema.strip().superRefine((s, ctx) => {
    if (inputs !== undefined && s.x.length !== inputs) {
      ctx.addIssue({
        code: 'custom',
        path: ['x'],
        message: `must have ${inputs} values, got ${s.x.length}`,
      });
    }
    if (outputs === undefined || s.y === undefined) return;
    const got = typeof s.y === 'number' ? 'one number' : s.y.length;
    if ((typeof s.y === 'number' ? 1 : s.y.length) !== outputs) {
      ctx.addIssue({
        code: 'custom',
        path: ['y'],
        message: `must have ${outputs} values, got ${got}`,
      });
    }
  });
}

/** A copy of `value` as a sample, or what is wrong with it: its field and what zod says. */
function checkSample(value: unknown, schema: ReturnType<typeof wireSampleSchema>): Sample | string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Sample;
  const issue = parsed.error.issues[0];
  return `${documentPath(issue.path) || 'sample'}: ${issue.message}`;
}
