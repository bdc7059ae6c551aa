import { request } from 'node:http';
import { EMPTY, Subject, switchMap } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardServer, PROTOCOL_VERSION, serve } from '../../src/serve/index.js';
import { connect, expectValid, pacedSteps } from './helpers.js';

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serve', () => {
  it('greets, then sends predictions, metrics and events of a real train pipeline', async () => {
    server = await serve(pacedSteps({ keys: ['a', 'b'], invalidEvery: 50 }), {
      metrics: { window: 100, everyMs: 50 },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.wsUrl).toBe(`${server.url.replace('http:', 'ws:')}ws`);
    const client = await connect(server);
    await client.until(() => client.of('hello').length === 1, 'hello');
    const hello = client.of('hello')[0];
    expect(hello.v).toBe(PROTOCOL_VERSION);
    expect(hello.producer).toBe(false);
    expect(hello.topics).toEqual(['prediction', 'metrics', 'event']);
    client.send({ type: 'subscribe', topics: ['prediction', 'metrics', 'event'], maxRateHz: 50 });
    await client.until(
      () =>
        client.of('prediction').length >= 10 &&
        client.of('metrics').length >= 4 &&
        client.of('event').length >= 2,
      'predictions, metrics and events',
    );
    expectValid(client);
    const predictions = client.of('prediction');
    expect(new Set(predictions.map((p) => p.key))).toEqual(new Set(['a', 'b']));
    for (const p of predictions) {
      // error = RMS of y − prediction over the outputs
      expect(p.error).toBeCloseTo(Math.abs((p.y as number[])[0] - p.prediction[0]), 12);
    }
    const metrics = client.of('metrics');
    expect(new Set(metrics.map((m) => m.key))).toEqual(new Set(['a', 'b']));
    expect(metrics.at(-1)?.rejected).toBeGreaterThan(0);
    const events = client.of('event');
    expect(events[0].event.type).toBe('rejected');
    expect(events[0].event.seq).toBe(events[0].seq);
    expect(server.clientCount).toBe(1);
    client.socket.close();
    await client.closed;
  });

  it('sends only the topics and keys subscribed, and stops on unsubscribe', async () => {
    server = await serve(pacedSteps({ keys: ['a', 'b', 'c'] }), { metrics: { everyMs: 20 } });
    const client = await connect(server);
    client.send({ type: 'subscribe', topics: ['metrics'], keys: ['b'] });
    await client.until(() => client.of('metrics').length >= 3, 'metrics of b');
    expect(client.of('prediction')).toEqual([]);
    expect(new Set(client.of('metrics').map((m) => m.key))).toEqual(new Set(['b']));
    // A second client keeps receiving b's metrics, the clock of this test.
    const watcher = await connect(server);
    watcher.send({ type: 'subscribe', topics: ['metrics'], keys: ['b'] });
    await watcher.until(() => watcher.of('metrics').length >= 1, 'metrics of b (watcher)');
    client.send({ type: 'unsubscribe' });
    // The answer to a later message (an error frame for one the server does not know) comes
    // after every frame sent before the unsubscribe was handled: from there on, nothing more.
    client.send({ type: 'no such message' });
    await client.until(() => client.of('error').length >= 1, 'the error frame');
    const count = client.messages.length;
    const seen = watcher.of('metrics').length;
    await watcher.until(() => watcher.of('metrics').length >= seen + 3, 'three more metrics of b');
    expect(client.messages.length).toBe(count);
  });

  it('decimates predictions to the rate asked for', async () => {
    server = await serve(pacedSteps({ keys: ['a'], perTick: 50 }));
    const fast = await connect(server);
    const slow = await connect(server);
    fast.send({ type: 'subscribe', topics: ['prediction'], maxRateHz: 200 });
    slow.send({ type: 'subscribe', topics: ['prediction'], maxRateHz: 5 });
    await fast.until(() => fast.of('prediction').length >= 60, '60 fast predictions');
    // the slow client got at most one per 200 ms of that time (plus the first at once)
    expect(slow.of('prediction').length).toBeLessThan(fast.of('prediction').length / 4);
    const seqs = fast.of('prediction').map((p) => p.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // latest wins: never older
  });

  it('delivers large frames (over 64 KiB) intact', async () => {
    server = await serve(pacedSteps({ outputs: 3000, perTick: 1 }));
    const client = await connect(server);
    client.send({ type: 'subscribe', topics: ['prediction'] });
    await client.until(() => client.of('prediction').length >= 2, 'two big predictions');
    // After hello and the history of what came before the subscription, the live frames.
    const frame = client.raw.find((text) => String(text).startsWith('{"type":"prediction"'));
    expect(String(frame).length).toBeGreaterThan(65_536);
    expectValid(client);
    expect(client.of('prediction')[0].prediction).toHaveLength(3000);
  });

  it('describes the model in hello, with the optimizer when told it', async () => {
    const { network, dense, tanh, linear, adam } = await import('../../src/index.js');
    const net = network({ inputs: 3, layers: [dense(5, tanh), dense(2, linear)], seed: 1 });
    server = await serve(EMPTY, { network: net, optimizer: adam({ learningRate: 0.002 }) });
    const client = await connect(server);
    await client.until(() => client.messages.length === 1, 'hello');
    expect(client.of('hello')[0].model).toEqual({
      inputs: 3,
      outputs: 2,
      layers: [
        { units: 5, activation: 'tanh' },
        { units: 2, activation: 'linear' },
      ],
      optimizer: { name: 'adam', learningRate: 0.002 },
    });
  });

  it("tells the optimizer's current learning rate in hello", async () => {
    const { network, dense, linear, sgd } = await import('../../src/index.js');
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
    const optimizer = sgd({ learningRate: 0.1 });
    server = await serve(EMPTY, { network: net, optimizer });
    optimizer.learningRate = 0.05; // changed while serving (as adaptive rates do)
    const end = Date.now() + 10_000;
    let rate: number | undefined;
    while (rate !== 0.05 && Date.now() < end) {
      const client = await connect(server);
      await client.until(() => client.messages.length === 1, 'hello');
      rate = client.of('hello')[0].model?.optimizer?.learningRate;
      client.socket.close();
    }
    expect(rate).toBe(0.05);
  });

  it('serves the dashboard page at / and 404 elsewhere', async () => {
    server = await serve(EMPTY);
    const get = (path: string) =>
      new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
        request(new URL(path, server?.url), (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] });
        })
          .on('error', reject)
          .end();
      });
    expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
    expect((await get('/nothing')).status).toBe(404);
    expect((await get('/ws')).status).toBe(426);
  });

  it('sends the last metrics when the learner completes, and closes clients with 1001', async () => {
    const gate = new Subject<void>();
    server = await serve(gate.pipe(switchMap(() => pacedSteps({ ticks: 20 }))), {
      metrics: { everyMs: 600_000 },
    });
    const client = await connect(server);
    client.send({ type: 'subscribe', topics: ['metrics'] });
    await client.until(() => client.of('hello').length === 1, 'hello');
    await new Promise((r) => setTimeout(r, 20)); // the subscription is in
    gate.next();
    gate.complete();
    await client.until(() => client.of('metrics').length === 1, 'the final metrics');
    expect(client.of('metrics')[0]).toMatchObject({ seq: 399, samples: 400, key: 'a' });
    await server.close();
    server = undefined;
    expect(await client.closed).toBe(1001);
  });

  it('rejects with the listen error when the port is taken', async () => {
    server = await serve(EMPTY);
    await expect(serve(EMPTY, { port: server.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    expect(server.clientCount).toBe(0); // the first one still serves
    const client = await connect(server);
    await client.until(() => client.of('hello').length === 1, 'hello');
  });

  it('checks its options', async () => {
    await expect(serve(EMPTY, { port: -1 })).rejects.toThrow(RangeError);
    await expect(serve(EMPTY, { token: 'has space' })).rejects.toThrow(TypeError);
    await expect(serve('steps' as never)).rejects.toThrow(TypeError);
  });
});
