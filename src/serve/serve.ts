import { createServer, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  isObservable,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
} from 'rxjs';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Network } from '../core/network.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { byKey } from '../operators/byKey.js';
import { rollingMetrics } from '../operators/rollingMetrics.js';
import type { Sample } from '../operators/sample.js';
import type { Step } from '../operators/step.js';
import type { Optimizer } from '../optim/optimizer.js';
import { authorize, selectProtocol } from './authorize.js';
import { ClientQueue, DEFAULT_RATE_HZ } from './clientQueue.js';
import { loadDashboard } from './dashboardAssets.js';
import {
  eventBytes,
  helloBytes,
  keyOfStep,
  metricsBytes,
  PredictionSlot,
  sendablePrediction,
  type WireKey,
} from './frames.js';
import {
  type ClientMessage,
  type ErrorCode,
  errorFrame,
  type HelloMessage,
  parseClientMessage,
  TOPICS,
} from './protocol.js';

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from 'streamprop';
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
  /** The `Origin`s a browser may connect from (default: any); others get HTTP 403. */
  readonly allowOrigins?: readonly string[];
  /**
   * The rolling metrics sent as `metrics` messages, one `rollingMetrics` per key: `window`
   * scored samples (default 500), a snapshot every `everyMs` ms (default 500) while steps come.
   */
  readonly metrics?: { readonly window?: number; readonly everyMs?: number };
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
  /** At most this many keys get predictions and metrics (default 1,000; the oldest are evicted). */
  readonly maxKeys?: number;
  /** The network, for the model summary of `hello` (default: that of the first step seen). */
  readonly network?: Network;
  /** The optimizer, for the model summary of `hello` (default: none is described). */
  readonly optimizer?: Optimizer;
  /** The scheduler of the rolling metrics (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** Called when the steps stream fails (default: `console.error`); the server stays up. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Counters of a running server, for monitoring and tests.
 *
 * @example
 * ```ts
 * import { serve } from 'streamprop';
 * import { EMPTY } from 'rxjs';
 * const server = await serve(EMPTY);
 * const { clients, steps, slowClientsDropped } = server.stats();
 * console.log(clients, steps, slowClientsDropped); // 0 0 0
 * await server.close();
 * ```
 */
export interface ServeStats {
  /** Clients connected now. */
  readonly clients: number;
  /** Steps received from the learner. */
  readonly steps: number;
  /** Clients closed because their `bufferedAmount` stayed over the limit. */
  readonly slowClientsDropped: number;
  /** Clients terminated because they missed a pong. */
  readonly deadPeersTerminated: number;
  /** Clients closed with 1008 after repeated bad messages. */
  readonly offendersClosed: number;
  /** Samples accepted from producers. */
  readonly samplesIngested: number;
  /** The sum of every client socket's `bufferedAmount` now, in bytes. */
  readonly bufferedBytes: number;
}

/**
 * A running {@link serve} server.
 *
 * @example
 * ```ts
 * import { serve } from 'streamprop';
 * import { EMPTY } from 'rxjs';
 * const server = await serve(EMPTY);
 * console.log(server.url, server.wsUrl, server.clientCount);
 * await server.close();
 * ```
 */
export interface DashboardServer {
  /** The dashboard page, such as `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The WebSocket endpoint, such as `ws://127.0.0.1:41234/ws`. */
  readonly wsUrl: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The samples producer clients sent (hot; completes when the server closes). */
  readonly samples: Observable<Sample>;
  /** The number of clients connected now. */
  readonly clientCount: number;
  /** Counters since the start. */
  stats(): ServeStats;
  /** Stops the learner's subscription, closes every client (1001; terminated after 0.5 s) and the server. */
  close(): Promise<void>;
}

/** How often queued frames are flushed and due predictions sent, in ms. */
const TICK_MS = 10;
/** How long a dropped client gets for its close handshake before it is terminated, in ms. */
const CLOSE_GRACE_MS = 1000;

/**
 * Serves a learner over WebSocket (protocol v1, see `src/serve/protocol.ts` and the README)
 * and its dashboard page over HTTP, on one port: the page at `/`, its files at `/assets/*`,
 * WebSocket at `/ws`. It subscribes to `steps` (the steps of `train`) and sends, to every
 * client subscribed: the predictions (latest per key, at most `maxRateHz` per second), rolling
 * metrics per key every `metrics.everyMs`, and the steps' events. Each message is serialised
 * once and the same bytes are sent to every client.
 *
 * The learner never waits for a client: a client has a bounded queue (the latest metrics per
 * key, the latest prediction per key, at most 256 events), nothing is written to it while its
 * socket holds `maxBufferedBytes` or more, and if that lasts `dropAfterMs` it is closed (1013)
 * and terminated. Dead peers are found by ping/pong; frames over `maxPayload` close with 1009;
 * bad JSON gets an `error` frame and, after `maxOffences`, a 1008 close.
 *
 * `steps` may also be a function of the server, to train on what producers send:
 * `serve((server) => fromWebSocket(server).pipe(train(net, …)), { producerToken })`.
 *
 * @returns once listening; `url` names the resolved port.
 * @throws RangeError or TypeError (a rejected promise) for a wrong option; the listen error
 * (such as EADDRINUSE) when the port is taken.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, serve, tanh, train } from 'streamprop';
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
  if (!isObservable(steps) && typeof steps !== 'function') {
    throw new TypeError('serve: steps must be an Observable of steps or a function returning one');
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('serve: options must be an object');
  }
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
  const onError =
    options.onError ??
    ((error: unknown) => console.error('streamprop serve: the steps stream failed:', error));
  const auth = {
    token: options.token,
    producerToken: options.producerToken,
    allowOrigins: options.allowOrigins,
  };
  const assets = await loadDashboard();

  const clients = new Set<ClientQueue>();
  const slots = new Map<WireKey, PredictionSlot>();
  const ingest = new Subject<Sample>();
  let network = options.network;
  let stepCount = 0;
  let slowClientsDropped = 0;
  let deadPeersTerminated = 0;
  let offendersClosed = 0;
  let samplesIngested = 0;
  /** Clients subscribed to events: events are serialised only while there are some. */
  let eventClients = 0;
  let closed = false;

  const countEventClients = (): void => {
    eventClients = 0;
    for (const client of clients) if (client.topics.has('event')) eventClients++;
  };

  const slotOf = (key: WireKey): PredictionSlot => {
    let slot = slots.get(key);
    if (slot === undefined) {
      if (slots.size >= maxKeys) {
        const [oldestKey, oldest] = slots.entries().next().value as [WireKey, PredictionSlot];
        slots.delete(oldestKey);
        for (const client of clients) client.forget(oldest);
      }
      slot = new PredictionSlot(key);
      slots.set(key, slot);
    }
    return slot;
  };

  const broadcastMetrics = (snapshot: MetricsSnapshot): void => {
    if (clients.size === 0) return;
    const key: WireKey = snapshot.key === undefined ? null : snapshot.key;
    let frame: Buffer | undefined;
    for (const client of clients) {
      if (!client.wants('metrics', key)) continue;
      frame ??= metricsBytes(snapshot);
      client.offerMetrics(key, frame);
    }
  };

  const publishEvents = (step: Step, key: WireKey): void => {
    const events = step.events;
    const sampleT = (step.sample as { t?: unknown }).t;
    const t = typeof sampleT === 'number' && Number.isFinite(sampleT) ? sampleT : Date.now();
    for (let i = 0; i < events.length; i++) {
      let frame: Buffer | undefined;
      for (const client of clients) {
        if (!client.wants('event', key)) continue;
        frame ??= eventBytes(events[i], t, key);
        client.offerEvent(frame);
      }
    }
  };

  // The learner's steps: copy what leaves the process, never wait.
  const metricsInput = new Subject<Step>();
  const metricsSubscription = metricsInput
    .pipe(
      byKey(
        (step: Step) => keyOfStep(step),
        () => rollingMetrics({ window, everyMs, scheduler: options.scheduler }),
        { maxModels: maxKeys },
      ),
    )
    .subscribe({ next: broadcastMetrics, error: onError });
  const onStep = (step: Step): void => {
    stepCount++;
    network ??= step.network;
    const key = keyOfStep(step);
    if (eventClients > 0 && step.events.length > 0) publishEvents(step, key);
    if (sendablePrediction(step)) slotOf(key).record(step);
    metricsInput.next(step);
  };

  const modelSummary = (): HelloMessage['model'] => {
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

  // Client messages.
  const offend = (client: ClientQueue, code: ErrorCode, message: string): void => {
    client.offences++;
    client.send(errorFrame(code, message));
    if (client.offences >= maxOffences && !client.dropped) {
      offendersClosed++;
      drop(client, 1008, 'too many bad messages');
    }
  };
  const handle = (client: ClientQueue, message: ClientMessage): void => {
    switch (message.type) {
      case 'subscribe': {
        client.clear();
        client.topics.clear();
        for (const topic of message.topics) client.topics.add(topic);
        client.keys = message.keys === undefined ? undefined : new Set(message.keys);
        client.intervalMs = 1000 / (message.maxRateHz ?? DEFAULT_RATE_HZ);
        client.nextDueAt = 0;
        countEventClients();
        return;
      }
      case 'unsubscribe': {
        const topics = message.topics ?? TOPICS;
        for (const topic of topics) client.topics.delete(topic);
        client.clear(topics);
        countEventClients();
        return;
      }
      case 'sample': {
        if (!client.producer) {
          offend(
            client,
            'forbidden',
            'sample: only a client holding the producer token may send samples',
          );
          return;
        }
        const sample = message.sample;
        const problem = wrongShape(sample, network);
        if (problem !== undefined) {
          client.send(errorFrame('invalid-sample', problem));
          return;
        }
        samplesIngested++;
        try {
          ingest.next(sample);
        } catch (error) {
          onError(error);
        }
        return;
      }
    }
  };
  const onMessage = (client: ClientQueue, data: unknown, isBinary: boolean): void => {
    if (client.dropped) return;
    if (isBinary) {
      offend(client, 'malformed', 'binary frames are not part of the protocol; send JSON text');
      return;
    }
    const parsed = parseClientMessage(toText(data));
    if (!parsed.ok) {
      if (parsed.code === 'invalid-sample') client.send(errorFrame(parsed.code, parsed.message));
      else offend(client, parsed.code, parsed.message);
      return;
    }
    handle(client, parsed.message);
  };

  const drop = (client: ClientQueue, code: number, reason: string): void => {
    if (client.dropped) return;
    client.dropped = true;
    client.clear();
    try {
      client.socket.close(code, reason);
    } catch {
      // already closing
    }
    const timer = setTimeout(() => client.socket.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    client.socket.once('close', () => clearTimeout(timer));
  };

  const onConnection = (socket: WebSocket, raw: Duplex, producer: boolean): void => {
    const client = new ClientQueue(socket, raw, producer, maxBufferedBytes);
    clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    socket.on('error', () => {
      // ws closes the socket itself (for 1009 among others); nothing to add
    });
    socket.on('close', () => {
      clients.delete(client);
      client.clear();
      countEventClients();
    });
    client.send(
      helloBytes(
        modelSummary(),
        [...slots.keys()].filter((k): k is string | number => k !== null),
        producer,
      ),
    );
  };

  // Timers: flush queues and due predictions; heartbeat.
  const tick = (): void => {
    const now = Date.now();
    for (const client of clients) {
      if (client.dropped) continue;
      if (client.socket.bufferedAmount >= maxBufferedBytes) {
        if (client.overSince < 0) client.overSince = now;
        else if (now - client.overSince >= dropAfterMs) {
          slowClientsDropped++;
          drop(client, 1013, 'client too slow: try again later');
        }
        continue;
      }
      client.overSince = -1;
      client.flush(now, slots.values());
    }
  };
  const heartbeat = (): void => {
    for (const client of clients) {
      if (!client.alive) {
        deadPeersTerminated++;
        client.dropped = true;
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      try {
        client.socket.ping();
      } catch {
        // closing
      }
    }
  };

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload,
    clientTracking: false,
    handleProtocols: (offered) => selectProtocol(offered),
  });
  const http = createServer((request, response) => {
    const path = pathOf(request);
    const asset = assets.get(path);
    const method = request.method ?? 'GET';
    if (asset === undefined || (method !== 'GET' && method !== 'HEAD')) {
      const status = path === '/ws' ? 426 : asset === undefined ? 404 : 405;
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${status} ${STATUS_CODES[status]}\n`);
      return;
    }
    response.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    response.end(method === 'HEAD' ? undefined : asset.body);
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closed) return refuse(socket, 503, 'closing');
    if (pathOf(request) !== '/ws') return refuse(socket, 404, 'WebSocket is at /ws');
    const verdict = authorize(request, auth);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason);
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, socket, verdict.producer));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const authority = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const ticker = setInterval(tick, TICK_MS);
  const pinger = setInterval(heartbeat, heartbeatMs);
  let learner: Subscription | undefined;

  const server: DashboardServer = {
    url: `http://${authority}/`,
    wsUrl: `ws://${authority}/ws`,
    port: address.port,
    samples: ingest.asObservable(),
    get clientCount() {
      return clients.size;
    },
    stats() {
      let bufferedBytes = 0;
      for (const client of clients) bufferedBytes += client.socket.bufferedAmount;
      return {
        clients: clients.size,
        steps: stepCount,
        slowClientsDropped,
        deadPeersTerminated,
        offendersClosed,
        samplesIngested,
        bufferedBytes,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      clearInterval(pinger);
      learner?.unsubscribe();
      metricsSubscription.unsubscribe();
      ingest.complete();
      // A close handshake of up to CLOSE_GRACE_MS / 2, then whatever is left is terminated.
      const goodbyes = [...clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            const socket = client.socket;
            const timer = setTimeout(() => {
              socket.terminate();
              resolve();
            }, CLOSE_GRACE_MS / 2);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            try {
              socket.close(1001, 'server shutting down');
            } catch {
              socket.terminate();
            }
          }),
      );
      await Promise.all(goodbyes);
      clients.clear();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
  const stream = isObservable(steps) ? steps : steps(server);
  learner = stream.subscribe({
    next: onStep,
    error: (error) => {
      metricsInput.complete();
      onError(error);
    },
    complete: () => metricsInput.complete(), // the last metrics go out
  });
  return server;
}

/** Checks the sample's lengths against the network, when it is known. */
function wrongShape(sample: Sample, network: Network | undefined): string | undefined {
  if (network === undefined) return undefined;
  if (sample.x.length !== network.inputs) {
    return `sample: x.length must be ${network.inputs}, got ${sample.x.length}`;
  }
  const y = sample.y;
  if (y === undefined) return undefined;
  const length = typeof y === 'number' ? 1 : y.length;
  if (length !== network.outputs) {
    return `sample: y must have ${network.outputs} value(s), got ${length}`;
  }
  return undefined;
}

/** Answers an upgrade request with an HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${status} ${STATUS_CODES[status]}: ${reason}\n`;
  const extra = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${extra}` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

function toText(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `serve: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`,
    );
  }
  return value;
}
