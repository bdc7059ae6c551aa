import { EMPTY } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { dense, linear, mse, network, type Sample, sgd, tanh, train } from '../../src/index.js';
import { type DashboardServer, serve } from '../../src/serve/index.js';
import { fromWebSocket } from '../../streams/index.js';
import { connect, expectValid } from './helpers.js';

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serve: ingest', () => {
  it('trains on what a producer sends, and sends the predictions back out', async () => {
    const net = network({ inputs: 2, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
    const rejected: string[] = [];
    const ingested: Sample[] = [];
    server = await serve(
      (s) =>
        fromWebSocket(s, {
          inputs: 2,
          outputs: 1,
          onRejected: (r) => rejected.push(r.problem),
        }).pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) })),
      { token: 'watch', producerToken: 'feed', network: net },
    );
    server.samples.subscribe((s) => ingested.push(s));
    const watcher = await connect(server, { headers: { authorization: 'Bearer watch' } });
    watcher.send({ type: 'subscribe', topics: ['prediction'], maxRateHz: 1000 });
    const producer = await connect(server, { protocols: ['streamprop.v1', 'token.feed'] });
    await producer.until(() => producer.messages.length === 1, 'hello');
    expect(producer.of('hello')[0].producer).toBe(true);
    expect(producer.of('hello')[0].model?.inputs).toBe(2);

    for (let i = 0; i < 50; i++) {
      producer.send({
        type: 'sample',
        sample: { x: [i / 50, 1 - i / 50], y: i / 25, key: 'p', id: i },
      });
    }
    // Invalid ones: answered with an error frame each, never a crash, never learned.
    producer.send({ type: 'sample', sample: { x: [1, 'a'], y: 1 } });
    producer.send({ type: 'sample', sample: { x: [1, 2, 3], y: 1 } });
    producer.send({ type: 'sample', sample: { x: [1, 2], y: [1, 2] } });
    producer.send('{"type":"sample","sample":{"x":[1e999,0]}}'); // JSON's Infinity
    producer.send({ type: 'sample', sample: { x: [1, 2], y: 1, extra: true } });
    await producer.until(() => producer.of('error').length === 5, 'five error frames');
    expect(producer.of('error').map((e) => e.code)).toEqual(Array(5).fill('invalid-sample'));
    expect(producer.socket.readyState).toBe(producer.socket.OPEN); // bad data is no offence

    await watcher.until(
      () => watcher.of('prediction').some((p) => p.seq === 49),
      'the prediction of the last sample',
    );
    expectValid(watcher);
    expect(watcher.of('prediction').every((p) => p.key === 'p')).toBe(true);
    expect(ingested).toHaveLength(50);
    expect(ingested[7]).toEqual({ x: [7 / 50, 1 - 7 / 50], y: 7 / 25, key: 'p', id: 7 });
    expect(server.stats().samplesIngested).toBe(50);
    expect(rejected).toEqual([]); // the server already refused the bad ones
  });

  it('refuses samples from a client without the producer token', async () => {
    server = await serve(EMPTY, { producerToken: 'feed' });
    const ingested: Sample[] = [];
    server.samples.subscribe((s) => ingested.push(s));
    const viewer = await connect(server);
    viewer.send({ type: 'sample', sample: { x: [1], y: 1 } });
    await viewer.until(() => viewer.of('error').length === 1, 'an error frame');
    expect(viewer.of('error')[0].code).toBe('forbidden');
    expect(ingested).toEqual([]);
    const stranger = await connect(server, { headers: { authorization: 'Bearer not-feed' } });
    stranger.send({ type: 'sample', sample: { x: [1], y: 1 } });
    await stranger.until(() => stranger.of('error').length === 1, 'an error frame');
    expect(stranger.of('hello')[0].producer).toBe(false);
    expect(ingested).toEqual([]);
  });

  it('accepts no samples at all without a producer token', async () => {
    server = await serve(EMPTY);
    const client = await connect(server);
    client.send({ type: 'sample', sample: { x: [1], y: 1 } });
    await client.until(() => client.of('error').length === 1, 'an error frame');
    expect(client.of('error')[0].code).toBe('forbidden');
  });
});
