import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { authorize, selectProtocol } from './authorize.js';
import { ClientQueue, DEFAULT_RATE_HZ } from './clientQueue.js';
import { type DashboardAsset, loadDashboard } from './dashboardAssets.js';
import { helloBytes, PredictionSlot, type WireKey, wireFrame } from './frames.js';
import { frameText } from './frameText.js';
import { History } from './history.js';
import { IngestGate } from './ingestGate.js';
import { pageHandler } from './pageHandler.js';
import {
  type ClientMessage,
  type ErrorCode,
  errorFrame,
  parseClientMessage,
  TOPICS,
} from './protocol.js';
import { refuseUpgrade } from './refuseUpgrade.js';
import { requestPath } from './requestPath.js';
import { sampleShapeProblem } from './sampleShapeProblem.js';
import { SharedCounters } from './sharedCounters.js';
import type { Batch, ModelSummary, SocketServerConfig, ToMain } from './workerMessages.js';

/** How often queued frames are flushed and due predictions sent, in ms. */
const TICK_MS = 10;
/** How long a dropped client gets for its close handshake before it is terminated, in ms. */
const CLOSE_GRACE_MS = 1000;

/** Sends a message to the learner's thread. */
export type PostToMain = (message: ToMain) => void;

/**
 * @internal The socket side of `serve()`, run in its worker thread: the HTTP server (the
 * dashboard page) and the WebSocket endpoint on one port, every client's bounded queue, the
 * heartbeat, authorisation and the parsing of client messages. It gets what to send in
 * {@link Batch}es from the learner's thread, and posts back the samples producers send; the
 * counters of `stats()` are kept in shared memory.
 */
export class SocketServer {
  private readonly clients = new Set<ClientQueue>();
  /** The latest prediction of each key, by the id the learner's thread gave it… */
  private readonly slots = new Map<number, PredictionSlot>();
  /** …and by key. */
  private readonly slotsByKey = new Map<WireKey, PredictionSlot>();
  private readonly counters: SharedCounters;
  /** The recent messages a client gets when it subscribes. */
  private readonly history = new History();
  private readonly wss: WebSocketServer;
  private readonly http: Server;
  private model: ModelSummary;
  private ticker: NodeJS.Timeout | undefined;
  private pinger: NodeJS.Timeout | undefined;
  /** Bumped whenever a batch brings predictions (see `ClientQueue.flush`). */
  private predictionChanges = 0;
  /** The samples of producers on their way to the learner's thread, bounded. */
  private readonly gate: IngestGate;
  private closed = false;

  private constructor(
    private readonly config: SocketServerConfig,
    post: PostToMain,
    assets: Map<string, DashboardAsset>,
  ) {
    this.counters = new SharedCounters(config.counters);
    this.model = config.model;
    this.gate = new IngestGate(
      this.counters,
      { samples: config.maxIngestSamples, bytes: config.maxIngestBytes },
      (samples, bytes) => post({ type: 'samples', samples, bytes }),
      () => [...this.clients].filter((client) => client.producer),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: config.maxPayload,
      clientTracking: false,
      handleProtocols: (offered) => selectProtocol(offered),
    });
    this.http = createServer(pageHandler(config, assets));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /**
   * Loads the dashboard page and listens.
   *
   * @throws the listen error (such as EADDRINUSE) when the port is taken.
   */
  static async start(config: SocketServerConfig, post: PostToMain): Promise<SocketServer> {
    const server = new SocketServer(config, post, await loadDashboard());
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(config.port, config.host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    server.ticker = setInterval(() => server.tick(), TICK_MS);
    server.pinger = setInterval(() => server.heartbeat(), config.heartbeatMs);
    return server;
  }

  /** Where it listens. */
  get address(): AddressInfo {
    return this.http.address() as AddressInfo;
  }

  /** Takes in a batch from the learner's thread: queues its frames for the clients that want them. */
  receive(batch: Batch): void {
    if (batch.model !== undefined) this.model = batch.model;
    if (batch.added !== undefined) {
      for (const [id, key] of batch.added) {
        const slot = new PredictionSlot(key, id);
        this.slots.set(id, slot);
        this.slotsByKey.set(key, slot);
      }
    }
    if (batch.evicted !== undefined) {
      for (const id of batch.evicted) {
        const slot = this.slots.get(id);
        if (slot === undefined) continue;
        this.slots.delete(id);
        // The key may have come back (a new id) in the same batch.
        if (this.slotsByKey.get(slot.key) === slot) {
          this.slotsByKey.delete(slot.key);
          this.history.forget(slot.key);
        }
        for (const client of this.clients) client.forget(slot);
      }
    }
    const packed = batch.predictions;
    if (packed !== undefined && packed.length > 0) {
      this.predictionChanges++;
      const now = Date.now();
      for (let at = 0; at < packed.length; ) {
        const slot = this.slots.get(packed[at]);
        if (slot === undefined) throw new Error(`socket worker: no slot ${packed[at]}`);
        at = slot.unpackFrom(packed, at);
        this.history.recordPrediction(slot, now);
      }
    }
    if (batch.metrics !== undefined) {
      for (const [key, text] of batch.metrics) {
        this.history.recordMetrics(key, text);
        let frame: Buffer | undefined;
        for (const client of this.clients) {
          if (!client.wants('metrics', key)) continue;
          frame ??= wireFrame(text);
          client.offerMetrics(key, frame);
        }
      }
    }
    if (batch.events !== undefined) {
      for (const [key, text] of batch.events) {
        this.history.recordEvent(key, text);
        let frame: Buffer | undefined;
        for (const client of this.clients) {
          if (!client.wants('event', key)) continue;
          frame ??= wireFrame(text);
          client.offerEvent(frame);
        }
      }
    }
  }

  /** Closes every client (1001; terminated after 0.5 s) and the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    clearInterval(this.pinger);
    const goodbyes = [...this.clients].map(
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
    this.clients.clear();
    this.counters.set('clients', 0);
    this.countSubscribers();
    this.counters.bufferedBytes = 0;
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closed) {
      refuseUpgrade(socket, 503, 'closing');
      return;
    }
    if (requestPath(request) !== '/ws') {
      refuseUpgrade(socket, 404, 'WebSocket is at /ws');
      return;
    }
    const verdict = authorize(request, this.config);
    if (!verdict.ok) {
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.onConnection(ws, socket, verdict.producer),
    );
  }

  private onConnection(socket: WebSocket, raw: Duplex, producer: boolean): void {
    const client = new ClientQueue(socket, raw, producer, this.config.maxBufferedBytes);
    this.clients.add(client);
    if (producer) this.gate.admit(client);
    // Counted before hello leaves: whoever has read hello sees the client in clientCount.
    this.counters.set('clients', this.clients.size);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    socket.on('error', () => {
      // ws closes the socket itself (for 1009 among others); nothing to add
    });
    socket.on('close', () => {
      this.clients.delete(client);
      client.clear();
      this.counters.set('clients', this.clients.size);
      this.countSubscribers();
    });
    const keys: (string | number)[] = [];
    for (const key of this.slotsByKey.keys()) if (key !== null) keys.push(key);
    client.send(helloBytes(this.model, keys, producer, this.config.target));
  }

  private onMessage(client: ClientQueue, data: unknown, isBinary: boolean): void {
    if (client.dropped) return;
    if (isBinary) {
      this.offend(client, 'malformed', BINARY);
      return;
    }
    const text = frameText(data);
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      if (parsed.code === 'invalid-sample' && client.producer) {
        this.invalidSample(client, text, parsed.message);
      } else if (parsed.code === 'invalid-sample') {
        this.offend(client, 'forbidden', FORBIDDEN);
      } else {
        this.offend(client, parsed.code, parsed.message);
      }
      return;
    }
    this.handle(client, parsed.message, text);
  }

  /** A producer's sample that is not one: answered, and passed on (see `IngestGate.offerInvalid`). */
  private invalidSample(client: ClientQueue, text: string, problem: string): void {
    client.send(errorFrame('invalid-sample', problem));
    this.gate.offerInvalid(text, problem);
  }

  private handle(client: ClientQueue, message: ClientMessage, text: string): void {
    switch (message.type) {
      case 'subscribe': {
        client.clear();
        client.topics.clear();
        for (const topic of message.topics) client.topics.add(topic);
        client.keys = message.keys === undefined ? undefined : new Set(message.keys);
        client.intervalMs = 1000 / (message.maxRateHz ?? DEFAULT_RATE_HZ);
        client.nextDueAt = 0;
        this.countSubscribers();
        // What came before: the recent points and events of what it subscribed to.
        if (client.topics.size > 0) client.send(this.history.message(client.topics, client.keys));
        return;
      }
      case 'unsubscribe': {
        const topics = message.topics ?? TOPICS;
        for (const topic of topics) client.topics.delete(topic);
        client.clear(topics);
        this.countSubscribers();
        return;
      }
      case 'sample': {
        if (!client.producer) {
          this.offend(client, 'forbidden', FORBIDDEN);
          return;
        }
        const problem = sampleShapeProblem(message.sample, this.model);
        if (problem !== undefined) {
          this.invalidSample(client, text, problem);
          return;
        }
        this.gate.offer(message.sample, text.length);
        return;
      }
    }
  }

  private offend(client: ClientQueue, code: ErrorCode, message: string): void {
    client.offences++;
    client.send(errorFrame(code, message));
    if (client.offences >= this.config.maxOffences && !client.dropped) {
      this.counters.add('offendersClosed', 1);
      this.drop(client, 1008, 'too many bad messages');
    }
  }

  private drop(client: ClientQueue, code: number, reason: string): void {
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
  }

  /** Counts the clients of each topic, for the learner's thread to serialise only what some client wants. */
  private countSubscribers(): void {
    let predictions = 0;
    let metrics = 0;
    let events = 0;
    for (const client of this.clients) {
      if (client.topics.has('prediction')) predictions++;
      if (client.topics.has('metrics')) metrics++;
      if (client.topics.has('event')) events++;
    }
    this.counters.set('predictionClients', predictions);
    this.counters.set('metricsClients', metrics);
    this.counters.set('eventClients', events);
  }

  /** Flushes queues and due predictions; drops clients over the buffered-bytes limit too long. */
  private tick(): void {
    const now = Date.now();
    const { maxBufferedBytes, dropAfterMs } = this.config;
    let bufferedBytes = 0;
    for (const client of this.clients) {
      const buffered = client.socket.bufferedAmount;
      bufferedBytes += buffered;
      if (client.dropped) continue;
      if (buffered >= maxBufferedBytes) {
        if (client.overSince < 0) client.overSince = now;
        else if (now - client.overSince >= dropAfterMs) {
          this.counters.add('slowClientsDropped', 1);
          this.drop(client, 1013, 'client too slow: try again later');
        }
        continue;
      }
      client.overSince = -1;
      client.flush(now, this.slotsByKey, this.predictionChanges);
    }
    this.counters.bufferedBytes = bufferedBytes;
    this.gate.check();
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (client.socket.isPaused) {
        client.alive = true; // a producer held back: its pong cannot be read
        continue;
      }
      if (!client.alive) {
        this.counters.add('deadPeersTerminated', 1);
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
  }
}

const FORBIDDEN = 'sample: only a client holding the producer token may send samples';
const BINARY = 'binary frames are not part of the protocol; send JSON text';
