// The socket side of serve() as a class, in this process (the worker thread that serve() starts
// is a thin shell around it): the page, the WebSocket endpoint, what a batch from the learner
// becomes on the wire, producers' samples posted back, offenders, dead peers and closing.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SharedCounters } from '../../src/serve/sharedCounters.js';
import { SocketServer } from '../../src/serve/socketServer.js';
import type { SocketServerConfig, ToMain } from '../../src/serve/workerMessages.js';
import { until } from '../polling.js';
import { Recorder } from './helpers.js';

const MODEL = {
  inputs: 2,
  outputs: 1,
  layers: [{ units: 1, activation: 'linear' }],
  optimizer: { name: 'sgd', learningRate: 0.01 },
};

/** A configuration as serve() makes it, with `overrides`. */
function config(overrides: Partial<SocketServerConfig> = {}): SocketServerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    token: undefined,
    producerToken: 'feed',
    allowOrigins: undefined,
    allowHosts: undefined,
    maxPayload: 65_536,
    heartbeatMs: 30_000,
    maxBufferedBytes: 1024 * 1024,
    dropAfterMs: 5000,
    maxOffences: 3,
    maxIngestSamples: 1000,
    maxIngestBytes: 1024 * 1024,
    model: MODEL,
    target: { name: 'temperature', unit: '°C' },
    counters: new SharedCounters().buffer,
    ...overrides,
  };
}

const servers: SocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Starts a server; what it posts to the learner's thread is kept in `posted`. */
async function start(overrides: Partial<SocketServerConfig> = {}) {
  const posted: ToMain[] = [];
  const settings = config(overrides);
  const server = await SocketServer.start(settings, (message) => posted.push(message));
  servers.push(server);
  const base = `127.0.0.1:${server.address.port}`;
  return { server, posted, base, counters: new SharedCounters(settings.counters) };
}

async function open(url: string, options: WebSocket.ClientOptions = {}): Promise<Recorder> {
  const socket = new WebSocket(url, options);
  const recorder = new Recorder(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return recorder;
}

/** The HTTP status an upgrade is refused with. */
function refusedWith(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  const socket = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('the connection was accepted')));
    socket.on('error', () => {});
  });
}

/** One packed prediction (the layout of `PredictionSlot.packInto`): id, seq, t, has y, n, outputs, y. */
function packed(id: number, seq: number, output: number, actual: number): Float64Array {
  return Float64Array.of(id, seq, 1_700_000_000_000 + seq, 1, 1, output, actual);
}

describe('SocketServer, in-process', () => {
  it('serves the page, says hello with the model and the target, and refuses what is not the socket', async () => {
    const { base } = await start({ token: 'secret' });
    const page = await fetch(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await fetch(`http://${base}/nothing-here`)).status).toBe(404);
    expect(await refusedWith(`ws://${base}/elsewhere`)).toBe(404);
    expect(await refusedWith(`ws://${base}/ws`)).toBe(401);
    expect(await refusedWith(`ws://${base}/ws`, { headers: { authorization: 'Bearer no' } })).toBe(
      401,
    );
    expect(
      await refusedWith(`ws://${base}/ws`, {
        headers: { authorization: 'Bearer secret', origin: 'http://elsewhere.example' },
      }),
    ).toBe(403);
    const client = await open(`ws://${base}/ws`, { headers: { authorization: 'Bearer secret' } });
    await client.until(() => client.messages.length > 0, 'hello');
    expect(client.messages[0]).toMatchObject({
      type: 'hello',
      model: MODEL,
      keys: [],
      producer: false,
      target: { name: 'temperature', unit: '°C' },
    });
    client.socket.close();
  });

  it('turns batches into frames for the subscribers: history on subscribe, then predictions, metrics and events', async () => {
    const { server, counters, base } = await start();
    const metrics = (seq: number): string =>
      JSON.stringify({ type: 'metrics', v: 1, seq, t: 1, key: 'a', samples: seq });
    const event = JSON.stringify({ type: 'event', v: 1, seq: 1, t: 1, key: 'a', kind: 'drift' });
    server.receive({
      type: 'batch',
      added: [[0, 'a']],
      predictions: packed(0, 1, 0.5, 1),
      metrics: [['a', metrics(1)]],
      events: [['a', event]],
    });
    const client = await open(`ws://${base}/ws`);
    await client.until(() => client.messages.length > 0, 'hello');
    expect(client.messages[0]).toMatchObject({ type: 'hello', keys: ['a'] });
    client.send({ type: 'subscribe', topics: ['prediction', 'metrics', 'event'] });
    await client.until(() => client.of('history').length > 0, 'the history');
    await until(() => counters.get('metricsClients') === 1, 'the subscriber to be counted');
    expect(counters.get('predictionClients')).toBe(1);
    expect(counters.get('eventClients')).toBe(1);
    expect(JSON.stringify(client.of('history')[0])).toContain('drift');

    server.receive({
      type: 'batch',
      predictions: packed(0, 2, 0.75, 1),
      metrics: [['a', metrics(2)]],
      events: [['a', event]],
    });
    await client.until(
      () =>
        client.of('prediction').some((p) => p.seq === 2) &&
        client.of('metrics').some((m) => m.seq === 2) &&
        client.of('event').length > 0,
      'the frames of the batch',
    );
    const prediction = client.of('prediction').find((p) => p.seq === 2);
    expect(prediction).toMatchObject({ key: 'a', prediction: [0.75], y: [1], error: 0.25 });

    // An evicted key is forgotten; a model summary that arrives is in the next hello.
    server.receive({ type: 'batch', evicted: [0], model: { ...MODEL, inputs: 3 } });
    const later = await open(`ws://${base}/ws`);
    await later.until(() => later.messages.length > 0, 'hello');
    expect(later.messages[0]).toMatchObject({ keys: [], model: { inputs: 3 } });

    client.send({ type: 'unsubscribe' });
    await until(() => counters.get('metricsClients') === 1, 'the unsubscriber to be uncounted');
    later.socket.close();
    await until(() => counters.get('clients') === 1, 'the closed client to be uncounted');
    client.socket.close();
  });

  it('posts producers’ samples to the learner’s thread; invalid ones as malformed, others get an error', async () => {
    const { posted, base } = await start();
    const producer = await open(`ws://${base}/ws`, { headers: { authorization: 'Bearer feed' } });
    await producer.until(() => producer.messages.length > 0, 'hello');
    expect(producer.messages[0]).toMatchObject({ producer: true });
    producer.send({ type: 'sample', sample: { x: [1, 2], y: 3, key: 'k' } });
    producer.send({ type: 'sample', sample: { x: [1], y: 3 } }); // the model has 2 inputs
    await until(
      () => posted.flatMap((m) => (m.type === 'samples' ? m.samples : [])).length === 2,
      'both samples to be posted',
    );
    const samples = posted.flatMap((m) => (m.type === 'samples' ? m.samples : []));
    expect(samples[0]).toMatchObject({ x: [1, 2], y: 3, key: 'k' });
    expect(samples[1].malformed?.problem).toBe('sample: x.length must be 2, got 1');
    await producer.until(() => producer.of('error').length > 0, 'the error frame');
    expect(producer.of('error')[0]).toMatchObject({ code: 'invalid-sample' });

    // A client without the producer token may not send samples: an offence, as is a binary frame
    // or text that is not JSON; at the third it is closed with 1008.
    const viewer = await open(`ws://${base}/ws`);
    viewer.send({ type: 'sample', sample: { x: [1, 2], y: 3 } });
    viewer.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    viewer.send('not json');
    expect(await viewer.closed).toBe(1008);
    expect(viewer.of('error').map((e) => e.code)).toEqual(['forbidden', 'malformed', 'malformed']);
    expect(posted.flatMap((m) => (m.type === 'samples' ? m.samples : []))).toHaveLength(2);
    producer.socket.close();
  });

  it('terminates a peer that stops answering pings, and closes every client with 1001 on close', async () => {
    const { server, counters, base } = await start({ heartbeatMs: 50 });
    const silent = await open(`ws://${base}/ws`, { autoPong: false });
    const polite = await open(`ws://${base}/ws`);
    await until(() => counters.get('deadPeersTerminated') === 1, 'the silent peer to be dropped');
    expect(await silent.closed).toBe(1006); // terminated, no close frame
    await until(() => counters.get('clients') === 1, 'the server to count the terminated peer out');
    await server.close();
    expect(await polite.closed).toBe(1001);
    expect(counters.get('clients')).toBe(0);
    await server.close(); // twice is harmless
  });

  it('rejects start on a taken port with the listen error', async () => {
    const { server } = await start();
    await expect(
      SocketServer.start(config({ port: server.address.port }), () => {}),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
