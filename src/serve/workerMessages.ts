import type { Sample } from '../samples/sample.js';
import type { WireKey } from './frames.js';
import type { HelloMessage } from './protocol.js';

/** The model summary a `hello` frame carries (`null` while the network is unknown). */
export type ModelSummary = HelloMessage['model'];

/**
 * @internal What the socket worker is started with (its `workerData`): the options of `serve`
 * it applies, checked already, and the shared memory of its counters.
 */
export interface SocketServerConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly producerToken: string | undefined;
  readonly allowOrigins: readonly string[] | undefined;
  readonly allowHosts: readonly string[] | undefined;
  readonly maxPayload: number;
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  readonly dropAfterMs: number;
  readonly maxOffences: number;
  /** The bounds of the ingest queue (see `IngestGate`). */
  readonly maxIngestSamples: number;
  readonly maxIngestBytes: number;
  /** The model summary known at the start. */
  readonly model: ModelSummary;
  /** The target's name and unit, for `hello`. */
  readonly target?: { readonly name?: string; readonly unit?: string };
  /** The memory of a `SharedCounters`. */
  readonly counters: SharedArrayBuffer;
}

/**
 * @internal What the learner's thread gathered since its last batch (every field optional: only
 * what changed is sent). Messages are serialised once, on the learner's thread, except
 * predictions, which travel as numbers (see `PredictionSlot`) and are serialised by the worker
 * when a client is due one.
 */
export interface Batch {
  readonly type: 'batch';
  /** The model summary, once it became known. */
  readonly model?: ModelSummary;
  /** Keys that got a prediction slot, in order, with the id that names each in `predictions`. */
  readonly added?: readonly (readonly [id: number, key: WireKey])[];
  /** Ids of the slots evicted (the oldest keys beyond `maxKeys`). */
  readonly evicted?: readonly number[];
  /** The packed predictions of the slots that changed (copied, never transferred: see `SocketThread.post`). */
  readonly predictions?: Float64Array;
  /** The latest metrics message per key, serialised. */
  readonly metrics?: readonly (readonly [key: WireKey, text: string])[];
  /** Event messages, oldest first, serialised (at most the per-client bound). */
  readonly events?: readonly (readonly [key: WireKey, text: string])[];
}

/** @internal A message from the learner's thread to the socket worker. */
export type ToWorker = Batch | { readonly type: 'close' };

/** @internal An error as it crosses threads. */
export interface ErrorDescription {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** @internal A message from the socket worker to the learner's thread. */
export type ToMain =
  | {
      readonly type: 'listening';
      readonly address: string;
      readonly family: string;
      readonly port: number;
    }
  | { readonly type: 'failed'; readonly error: ErrorDescription }
  | { readonly type: 'samples'; readonly samples: readonly Sample[]; readonly bytes: number };
