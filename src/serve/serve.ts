import {
  isObservable,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
} from 'rxjs';
import {
  argumentError,
  checkFunction,
  checkInterval,
  checkMethods,
  checkObject,
  checkOptions,
  checkString,
} from '../checks/argumentChecks.js';
import type { Network } from '../core/network.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { byKey } from '../operators/byKey.js';
import { rollingMetrics } from '../operators/rollingMetrics.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import type { DashboardServer } from './dashboardServer.js';
import { keyOfStep, sendablePrediction } from './frames.js';
import { IngestDrain } from './ingestDrain.js';
import { Outbox } from './outbox.js';
import { SharedCounters } from './sharedCounters.js';
import { SocketThread } from './socketThread.js';
import { socketWorkerFile } from './socketWorkerFile.js';
import type { ModelSummary } from './workerMessages.js';

export type { DashboardServer } from './dashboardServer.js';
export type { ServeStats } from './serveStats.js';

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from 'streamprop/serve';
 * const options: ServeOptions = { port: 8080, token: 'watch', producerToken: 'feed', allowOrigins: ['http://localhost:8080'] };
 * ```
 */
export interface ServeOptions {
  /** The interface to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string;
  /** The port (default 0: a free one, see {@link DashboardServer.url}). */
  readonly port?: number;
  /**
   * The token a client must present to connect: `Authorization: Bearer <token>`, or the
   * subprotocols `streamprop.v1, token.<token>` from a browser. Default: no token needed.
   */
  readonly token?: string;
  /**
   * The token that makes a client a producer, allowed to send `sample` messages (it also
   * admits the client when `token` is set). Default: nobody may send samples.
   */
  readonly producerToken?: string;
  /**
   * The `Origin`s a browser may connect from besides the server's own, such as
   * `http://localhost:3000` (`'*'`: any). Default: only the server's own origin — the address
   * the page was loaded from — so that a page of another site cannot read the predictions
   * (cross-site WebSocket hijacking); a request without `Origin` (a program) always passes.
   * Others get HTTP 403, with or without a token.
   */
  readonly allowOrigins?: readonly string[];
  /**
   * The host names requests may name in `Host` besides the bound address and the loopback names
   * (`localhost`, `127.x.x.x`, `::1`; any IP address when bound to `0.0.0.0` or `::`), such as
   * `dashboard.lan` (`'*'`: any). Others get HTTP 403 for the page and the socket alike — the
   * defence against DNS rebinding.
   */
  readonly allowHosts?: readonly string[];
  /**
   * The rolling metrics sent as `metrics` messages, one `rollingMetrics` per key: `window`
   * scored samples (default 500), a snapshot every `everyMs` ms (default 500) while steps come.
   */
  readonly metrics?: { readonly window?: number; readonly everyMs?: number };
  /**
   * Metrics made elsewhere, sent as `metrics` messages (latest per key) in place of the rolling
   * metrics of the steps — such as a fleet's, merged from its workers' metric states
   * (`fleetMetrics` of `streamprop/fleet`).
   */
  readonly metricsFrom?: Observable<MetricsSnapshot>;
  /** The largest client frame, in bytes (default 65,536); a larger one closes the client with 1009. */
  readonly maxPayload?: number;
  /** Ping every client this often, in ms, and terminate one that missed the last pong (default 30,000). */
  readonly heartbeatMs?: number;
  /** Nothing is written to a client while its `bufferedAmount` is at or over this (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** A client over `maxBufferedBytes` for this long, in ms, is closed with 1013 and terminated (default 5,000). */
  readonly dropAfterMs?: number;
  /** Malformed or forbidden messages before a client is closed with 1008 (default 5). */
  readonly maxOffences?: number;
  /**
   * The bounds of the ingest queue — the samples producers sent that the learner has not taken
   * yet — in samples (default 5,000) and in bytes of their frames (default 4 MiB). When either
   * is reached, the server stops reading from every producer socket (TCP backpressure: the
   * producers' writes block) until the queue is down to half. Frames already read meanwhile are
   * still queued, up to twice the bounds; past that a sample is dropped and counted
   * (`stats().samplesDropped`).
   */
  readonly maxIngest?: { readonly samples?: number; readonly bytes?: number };
  /** At most this many keys get predictions and metrics (default 1,000; the oldest are evicted). */
  readonly maxKeys?: number;
  /** The network, for the model summary of `hello` (default: that of the first step seen). */
  readonly network?: Network;
  /** The optimizer, for the model summary of `hello` (default: none is described). */
  readonly optimizer?: Optimizer;
  /**
   * What the model predicts, for `hello` and the dashboard's error axis: a `name` (such as the
   * CSV column) and a `unit` (such as `°C`). Default: not said.
   */
  readonly target?: { readonly name?: string; readonly unit?: string };
  /** The scheduler of the rolling metrics (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /**
   * Called when the steps stream fails (default: `console.error`); the server stays up. Also
   * called if the server's socket thread fails, after which the server is closed.
   */
  readonly onError?: (error: unknown) => void;
}

/** How often what the learner's thread gathered is posted to the socket worker, in ms. */
const TICK_MS = 10;

/**
 * Serves a learner over WebSocket (protocol v1, see `src/serve/protocol.ts` and the README)
 * and its dashboard page over HTTP, on one port: the page at `/`, its files at `/assets/*`,
 * WebSocket at `/ws`. It subscribes to `steps` (the steps of `train`) and sends, to every
 * client subscribed: the predictions (latest per key, at most `maxRateHz` per second), rolling
 * metrics per key every `metrics.everyMs`, and the steps' events. Each message is serialised
 * once and the same bytes are sent to every client.
 *
 * The learner never waits for a client, nor writes to one: the sockets (HTTP, WebSocket,
 * authorisation, heartbeat, the parsing of client messages) live in a worker thread of their
 * own, and the learner's thread only copies each step's prediction and posts, every 10 ms, what
 * changed (metrics and events serialised once, only while some client is subscribed to them).
 * A client has a bounded queue (the latest metrics per key, the latest prediction per key, at
 * most 256 events), nothing is written to it while its socket holds `maxBufferedBytes` or more,
 * and if that lasts `dropAfterMs` it is closed (1013) and terminated. Dead peers are found by
 * ping/pong; frames over `maxPayload` close with 1009; bad JSON gets an `error` frame and,
 * after `maxOffences`, a 1008 close. `stats()` and `clientCount` read counters the socket
 * thread keeps in shared memory (`bufferedBytes` as of its last 10 ms tick).
 *
 * `steps` may also be a function of the server, to train on what producers send:
 * `serve((server) => fromWebSocket(server).pipe(train(net, …)), { producerToken })`.
 *
 * If the worker thread fails (an uncaught error), `onError` is told and the server closes, as
 * by `close()`.
 *
 * @returns once listening; `url` names the resolved port.
 * @throws RangeError or TypeError (a rejected promise) for a wrong option; the listen error
 * (such as EADDRINUSE, with its `code`) when the port is taken.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, tanh, train } from 'streamprop';
import { serve } from 'streamprop/serve';
 * import { sineFeed } from 'streamprop/streams';
 * const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
 * const steps = sineFeed({ rate: 200 }).pipe(train(net, { loss: mse() }));
 * const server = await serve(steps, { port: 8080, token: 's3cret', network: net });
 * console.log(`dashboard: ${server.url}`); // open it; a program connects to server.wsUrl
 * // later: await server.close();
 * ```
 */
export async function serve(
  steps: Observable<Step> | ((server: DashboardServer) => Observable<Step>),
  options: ServeOptions = {},
): Promise<DashboardServer> {
  if (!isObservable(steps)) checkFunction('serve', 'steps', steps);
  checkOptions('serve', options);
  const host = options.host ?? '127.0.0.1';
  const port = integerIn('port', options.port ?? 0, 0, 65535);
  const maxPayload = integerIn('maxPayload', options.maxPayload ?? 65_536, 1, 2 ** 30);
  const heartbeatMs = integerIn('heartbeatMs', options.heartbeatMs ?? 30_000, 1, 2 ** 31 - 1);
  const maxBufferedBytes = integerIn(
    'maxBufferedBytes',
    options.maxBufferedBytes ?? 1024 * 1024,
    1,
    2 ** 40,
  );
  const dropAfterMs = integerIn('dropAfterMs', options.dropAfterMs ?? 5000, 0, 2 ** 31 - 1);
  const maxOffences = integerIn('maxOffences', options.maxOffences ?? 5, 1, 1e9);
  const maxKeys = integerIn('maxKeys', options.maxKeys ?? 1000, 1, 1e7);
  const maxIngestSamples = integerIn(
    'maxIngest.samples',
    options.maxIngest?.samples ?? 5000,
    1,
    1e9,
  );
  const maxIngestBytes = integerIn(
    'maxIngest.bytes',
    options.maxIngest?.bytes ?? 4 * 1024 * 1024,
    1,
    2 ** 40,
  );
  const window = integerIn('metrics.window', options.metrics?.window ?? 500, 1, 1e9);
  const everyMs = integerIn('metrics.everyMs', options.metrics?.everyMs ?? 500, 1, 2 ** 31 - 1);
  for (const [name, token] of [
    ['token', options.token],
    ['producerToken', options.producerToken],
  ] as const) {
    if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token))) {
      throw new TypeError(`serve: ${name} must be a non-empty string of visible ASCII characters`);
    }
  }
  for (const name of ['allowOrigins', 'allowHosts'] as const) {
    const list = options[name];
    if (list !== undefined && (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))) {
      throw argumentError('serve', name, 'an array of strings', list, 'object');
    }
  }
  const target = checkTarget(options.target);
  if (options.metricsFrom !== undefined) {
    const from = checkObject('serve', 'metricsFrom', options.metricsFrom, 'an Observable');
    checkMethods('serve', 'metricsFrom', from, ['subscribe']);
  }
  const onError =
    options.onError ??
    ((error: unknown) => console.error('streamprop serve: the steps stream failed:', error));

  let network = options.network;
  const modelSummary = (): ModelSummary => {
    if (network === undefined) return null;
    const optimizer = options.optimizer;
    return {
      inputs: network.inputs,
      outputs: network.outputs,
      layers: network.layers.map((layer) => ({
        units: layer.units,
        activation: layer.activation.name,
      })),
      ...(optimizer === undefined
        ? {}
        : { optimizer: { name: optimizer.name, learningRate: optimizer.learningRate } }),
    };
  };

  // The socket side runs in a worker thread; this thread only gathers and serialises.
  const counters = new SharedCounters();
  const outbox = new Outbox(maxKeys);
  const ingest = new Subject<Sample>();
  let samplesIngested = 0;
  let samplesInvalid = 0;
  // The learner takes what producers send in slices, yielding to the event loop between them.
  const drain = new IngestDrain(
    counters,
    (sample) => {
      if (sample.malformed === undefined) samplesIngested++;
      else samplesInvalid++;
      ingest.next(sample);
    },
    onError,
  );
  let stepCount = 0;
  let closing: Promise<void> | undefined;
  let shutDown = (): Promise<void> => Promise.resolve();
  const thread = await SocketThread.start(
    socketWorkerFile(),
    {
      host,
      port,
      token: options.token,
      producerToken: options.producerToken,
      allowOrigins: options.allowOrigins === undefined ? undefined : [...options.allowOrigins],
      allowHosts: options.allowHosts === undefined ? undefined : [...options.allowHosts],
      maxPayload,
      heartbeatMs,
      maxBufferedBytes,
      dropAfterMs,
      maxOffences,
      maxIngestSamples,
      maxIngestBytes,
      model: modelSummary(),
      ...(target === undefined ? {} : { target }),
      counters: counters.buffer,
    },
    {
      onSamples: (samples, bytes) => drain.push(samples, bytes),
      onFailure: (error) => {
        onError(error);
        void shutDown();
      },
    },
  );
  // The optimizer's learning rate may change as it learns: hello tells the current one.
  let rateSent = options.optimizer?.learningRate;
  const ticker = setInterval(() => {
    const rate = options.optimizer?.learningRate;
    if (network !== undefined && rate !== rateSent) {
      rateSent = rate;
      outbox.setModel(modelSummary());
    }
    const batch = outbox.take();
    if (batch !== undefined) thread.post(batch);
  }, TICK_MS);

  // The learner's steps: copy what leaves the process, never wait.
  const metricsInput = new Subject<Step>();
  const metricsSubscription = (
    options.metricsFrom ??
    metricsInput.pipe(
      byKey(
        (step: Step) => keyOfStep(step),
        () => rollingMetrics({ window, everyMs, scheduler: options.scheduler }),
        { maxModels: maxKeys },
      ),
    )
  ).subscribe({ next: (snapshot) => outbox.recordMetrics(snapshot), error: onError });
  const onStep = (step: Step): void => {
    stepCount++;
    if (network === undefined && step.network !== undefined) {
      network = step.network;
      outbox.setModel(modelSummary());
    }
    const key = keyOfStep(step);
    if (step.events.length > 0) outbox.recordEvents(key, step);
    outbox.recordCandidates(key, step);
    if (sendablePrediction(step)) outbox.recordPrediction(key, step);
    metricsInput.next(step);
  };

  let learner: Subscription | undefined;
  shutDown = () => {
    closing ??= (async () => {
      clearInterval(ticker);
      learner?.unsubscribe();
      metricsSubscription.unsubscribe();
      drain.stop();
      ingest.complete();
      await thread.close();
      counters.set('clients', 0);
      counters.bufferedBytes = 0;
    })();
    return closing;
  };
  const { address, family } = thread.address;
  const authority = `${family === 'IPv6' ? `[${address}]` : address}:${thread.address.port}`;
  const server: DashboardServer = {
    url: `http://${authority}/`,
    wsUrl: `ws://${authority}/ws`,
    port: thread.address.port,
    samples: ingest.asObservable(),
    get clientCount() {
      return counters.get('clients');
    },
    stats() {
      return {
        clients: counters.get('clients'),
        steps: stepCount,
        slowClientsDropped: counters.get('slowClientsDropped'),
        deadPeersTerminated: counters.get('deadPeersTerminated'),
        offendersClosed: counters.get('offendersClosed'),
        samplesIngested,
        samplesInvalid,
        samplesDropped: counters.get('samplesDropped'),
        samplesQueued: Math.max(0, counters.queuedSamples),
        producerPauses: counters.get('producerPauses'),
        bufferedBytes: counters.bufferedBytes,
      };
    },
    close: () => shutDown(),
  };
  try {
    const stream = isObservable(steps) ? steps : steps(server);
    learner = stream.subscribe({
      next: onStep,
      error: (error) => {
        metricsInput.complete();
        onError(error);
      },
      complete: () => metricsInput.complete(), // the last metrics go out
    });
  } catch (error) {
    await shutDown();
    throw error;
  }
  return server;
}

/** The `target` option, checked and copied. */
function checkTarget(target: ServeOptions['target']): { name?: string; unit?: string } | undefined {
  if (target === undefined) return undefined;
  const { name, unit } = checkObject<{ name?: unknown; unit?: unknown }>('serve', 'target', target);
  return {
    ...(name === undefined ? {} : { name: checkString('serve', 'target.name', name) }),
    ...(unit === undefined ? {} : { unit: checkString('serve', 'target.unit', unit) }),
  };
}

const integerIn = (name: string, value: unknown, min: number, max: number): number =>
  checkInterval('serve', name, value, { min, max, integer: true });
