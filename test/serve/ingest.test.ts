import { EMPTY, tap } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { dense, linear, mse, network, type Sample, sgd, tanh, train } from '../../src/index.js';
import { type DashboardServer, serve } from '../../src/serve/index.js';
import { fromWebSocket } from '../../streams/index.js';
import { until } from '../polling.js';
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
    const rejections: string[] = [];
    server = await serve(
      (s) =>
        fromWebSocket(s, {
          inputs: 2,
          outputs: 1,
          onRejected: (r) => rejected.push(r.problem),
        }).pipe(
          train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }), onInvalid: 'skip' }),
          tap((step) => {
            if (step.rejection !== undefined) rejections.push(step.rejection.reason);
          }),
        ),
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
    // Invalid ones: answered with an error frame each, never a crash, never learned, but
    // handed to the learner as malformed samples, so that its rejections count them.
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
    await until(() => rejections.length === 5, 'five rejections');
    expect(rejections).toEqual(Array(5).fill('malformed'));
    expect(ingested).toHaveLength(55);
    expect(ingested[7]).toEqual({ x: [7 / 50, 1 - 7 / 50], y: 7 / 25, key: 'p', id: 7 });
    expect(ingested[50]).toMatchObject({ x: [], malformed: { field: 'sample' } });
    expect(ingested[51].malformed?.problem).toBe('sample: x.length must be 2, got 3');
    expect(server.stats()).toMatchObject({
      samplesIngested: 50,
      samplesInvalid: 5,
      samplesDropped: 0,
      samplesQueued: 0,
    });
    expect(rejected).toEqual([]); // fromWebSocket passes the server's malformed samples on
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
  it('holds producers back when the ingest queue is full (TCP backpressure), bounded, every sample counted', async () => {
    const net = network({ inputs: 2, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
    let learned = 0;
    let rejectedSteps = 0;
    server = await serve(
      (s) =>
        fromWebSocket(s, { inputs: 2, outputs: 1 }).pipe(
          tap(() => spin(0.1)), // a slow learner
          train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), onInvalid: 'skip' }),
          tap((step) => {
            if (step.rejection === undefined) learned++;
            else rejectedSteps++;
          }),
        ),
      {
        producerToken: 'feed',
        network: net,
        maxIngest: { samples: 1000, bytes: 200_000 },
        metrics: { everyMs: 50 },
      },
    );
    const watcher = await connect(server);
    watcher.send({ type: 'subscribe', topics: ['metrics'] });
    const producer = await connect(server, { protocols: ['streamprop.v1', 'token.feed'] });
    await producer.until(() => producer.of('hello').length === 1, 'hello');
    // Frames of about 4 KB (a long id): 50 fill the byte bound (a 64 KiB read holds 16, which
    // stay within twice the bound: nothing is dropped); 4,000 (16 MB) are more than the
    // loopback's socket buffers hold, so that the producer feels the backpressure.
    const pad = 'p'.repeat(4000);
    const sent = 4000;
    let invalid = 0;
    for (let i = 0; i < sent; i++) {
      if (i % 100 === 99) {
        invalid++;
        producer.send({ type: 'sample', sample: { x: [i, 'a'], y: 1, id: pad } });
      } else {
        producer.send({ type: 'sample', sample: { x: [i / sent, 1], y: i / sent, id: pad } });
      }
    }
    let maxQueued = 0;
    let waitingAtHalf = -1; // what the producer's side held, unsent, when half was learned
    await until(
      () => {
        const stats = server?.stats();
        if (stats === undefined) return true;
        maxQueued = Math.max(maxQueued, stats.samplesQueued);
        if (waitingAtHalf < 0 && learned + rejectedSteps >= sent / 2) {
          waitingAtHalf = producer.socket.bufferedAmount;
        }
        return learned + rejectedSteps + stats.samplesDropped === sent;
      },
      'every sample learned, rejected or dropped',
      60_000,
      2,
    );
    const stats = server.stats();
    expect(stats.producerPauses).toBeGreaterThan(0);
    // Bounded: twice the byte bound is 100 frames of 4 KB, whatever the producer sends.
    expect(maxQueued).toBeLessThanOrEqual(100);
    // Nothing had to be dropped: the producer was held back — half way, megabytes still
    // waited on its side (read at once, the 16 MB would have been in the server in ~0.1 s).
    expect(stats.samplesDropped).toBe(0);
    expect(waitingAtHalf).toBeGreaterThan(1_000_000);
    expect(stats.samplesIngested + stats.samplesInvalid + stats.samplesDropped).toBe(sent);
    expect(rejectedSteps).toBe(stats.samplesInvalid);
    expect(stats.samplesInvalid).toBeLessThanOrEqual(invalid);
    expect(stats.samplesQueued).toBe(0);
    // The metrics count the invalid ones like any source's rejections.
    await watcher.until(
      () =>
        watcher
          .of('metrics')
          .some((m) => m.key === null && m.rejectedByReason?.malformed === stats.samplesInvalid),
      'metrics counting every invalid sample',
    );
  });
});

/** Busy for `ms` milliseconds. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a slow learner
  }
}
