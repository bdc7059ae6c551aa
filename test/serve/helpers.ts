// Shared by the server tests: a paced learner, and a client that records what it receives.
import { concatMap, map, type Observable, range, take, timer } from 'rxjs';
import WebSocket from 'ws';
import {
  dense,
  linear,
  mse,
  network,
  type Sample,
  type Step,
  sgd,
  tanh,
  train,
} from '../../src/index.js';
import type { DashboardServer, ServerMessage } from '../../src/serve/index.js';
import { serverMessageSchema } from '../../src/serve/protocol.js';

/**
 * Samples in bursts of `perTick` every millisecond (so the event loop runs between bursts,
 * as with a live feed), cycling over `keys`; every `invalidEvery`-th sample has a NaN input.
 */
export function pacedSamples(
  options: {
    perTick?: number;
    keys?: readonly (string | number)[];
    inputs?: number;
    outputs?: number;
    invalidEvery?: number;
    ticks?: number;
  } = {},
): Observable<Sample> {
  const { perTick = 20, keys = ['a'], inputs = 2, outputs = 1, invalidEvery = 0 } = options;
  let n = 0;
  const source = timer(0, 1).pipe(
    concatMap(() => range(0, perTick)),
    map((): Sample => {
      const i = n++;
      const x = Array.from({ length: inputs }, (_, j) => Math.sin(i / 10 + j));
      if (invalidEvery > 0 && i % invalidEvery === invalidEvery - 1) x[0] = Number.NaN;
      const y = Array.from({ length: outputs }, (_, j) => Math.cos(i / 10 + j));
      return { x, y: outputs === 1 ? y[0] : y, key: keys[i % keys.length] };
    }),
  );
  return options.ticks === undefined ? source : source.pipe(take(options.ticks * perTick));
}

/** A small learner on {@link pacedSamples}: the steps of `train` with rejected samples skipped. */
export function pacedSteps(options: Parameters<typeof pacedSamples>[0] = {}): Observable<Step> {
  const inputs = options.inputs ?? 2;
  const outputs = options.outputs ?? 1;
  const net = network({ inputs, layers: [dense(4, tanh), dense(outputs, linear)], seed: 1 });
  return pacedSamples(options).pipe(
    train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), onInvalid: 'skip' }),
  );
}

/** A ws client that keeps every text frame it receives, parsed. */
export class Recorder {
  readonly messages: unknown[] = [];
  readonly raw: string[] = [];
  closeCode: number | undefined = undefined;
  readonly closed: Promise<number>;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      this.messages.push(JSON.parse(text));
      this.check();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
        this.check();
      });
    });
    socket.on('error', () => {});
  }

  /** The messages of one type. */
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter(
      (m): m is Extract<ServerMessage, { type: T }> => (m as { type?: unknown }).type === type,
    );
  }

  /** Resolves once `test` holds (checked at every message), failing after `ms` (30 s: time for a loaded machine). */
  until(test: () => boolean, what: string, ms = 30_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${this.raw.length} frames`)),
        ms,
      );
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timeout);
          resolve();
        },
      });
    });
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Connects to `server` (options passed to ws) and resolves once open, with a recorder. */
export async function connect(
  server: DashboardServer,
  options: WebSocket.ClientOptions & { protocols?: string[] } = {},
): Promise<Recorder> {
  const { protocols, ...rest } = options;
  const socket = new WebSocket(server.wsUrl, protocols, rest);
  const recorder = new Recorder(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return recorder;
}

/** The HTTP status a refused upgrade answers with. */
export function refusal(
  url: string,
  options: WebSocket.ClientOptions & { protocols?: string[] } = {},
): Promise<number> {
  const { protocols, ...rest } = options;
  const socket = new WebSocket(url, protocols, rest);
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the connection was accepted'));
    });
    socket.on('error', () => {});
  });
}

/** Validates every recorded frame against the protocol's schemas. */
export function expectValid(recorder: Recorder): void {
  for (const message of recorder.messages) serverMessageSchema.parse(message);
}
