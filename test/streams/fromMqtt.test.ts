// fromMqtt against a real broker: mosquitto, started here on 127.0.0.1 with a config file of
// this test's own, stopped and started again to check that the feed reconnects.
import type { ChildProcess } from 'node:child_process';
import { connectAsync, type MqttClient } from 'mqtt';
import { lastValueFrom, type Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  type MetricsSnapshot,
  mse,
  network,
  rollingMetrics,
  type Sample,
  sgd,
  train,
} from '../../src/index.js';
import { fromMqtt } from '../../streams/fromMqtt.js';
import { sleep, until } from '../polling.js';
import { freePort, startBroker, stopAllBrokers, stopBroker, withBroker } from './mosquitto.js';

/** y = 2a − b, the function the learner has to find. */
const sampleOf = (i: number): Sample => {
  const a = ((i * 37) % 100) / 100;
  const b = ((i * 61) % 100) / 100;
  return { x: [a, b], y: 2 * a - b, id: i };
};

describe.skipIf(!withBroker)('fromMqtt (with a real mosquitto)', () => {
  let port = 0;
  let broker: ChildProcess;
  let publisher: MqttClient;
  const url = (): string => `mqtt://127.0.0.1:${port}`;

  beforeAll(async () => {
    port = await freePort();
    broker = await startBroker(port, ['allow_anonymous true']);
    publisher = await connectAsync(url(), { reconnectPeriod: 100 });
  });

  afterAll(async () => {
    await publisher?.endAsync(true).catch(() => undefined);
    await stopAllBrokers();
  });

  it('learns from the samples, counts the bad payloads, and goes on after the broker restarts', async () => {
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 5 });
    const snapshots: MetricsSnapshot[] = [];
    let failure: unknown;
    const errors: Error[] = [];
    const subscription: Subscription = fromMqtt(url(), 'sensors/+', {
      reconnectPeriod: 100,
      onError: (e) => errors.push(e),
    })
      .pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.2 }), onInvalid: 'skip' }),
        rollingMetrics({ window: 50, every: 1 }),
      )
      .subscribe({ next: (m) => snapshots.push(m), error: (e) => (failure = e) });
    const samples = (): number => snapshots.at(-1)?.samples ?? 0;
    /** Publishes valid samples every 50 ms until one more arrives (the feed is subscribed). */
    const probe = async (): Promise<void> => {
      const before = samples();
      const deadline = Date.now() + 15_000;
      for (let i = 0; samples() === before; i++) {
        if (Date.now() > deadline) throw new Error('no sample came through');
        if (publisher.connected) publisher.publish('sensors/probe', JSON.stringify(sampleOf(i)));
        await sleep(50);
      }
    };
    try {
      await probe();
      const start = samples();
      // 400 samples with 50 bad payloads among them, on two topics.
      const bad = ['not json', '{"x":[1,', '[1,2]', '', '{"x":"ab","y":1}'];
      let published = 0;
      for (let i = 0; i < 400; i++) {
        publisher.publish(`sensors/${i % 2}`, JSON.stringify(sampleOf(i)));
        published++;
        if (i % 8 === 7) {
          publisher.publish('sensors/1', bad[(i >> 3) % bad.length]);
          published++;
        }
      }
      await until(() => samples() >= start + published, 'every message arrived');
      const last = snapshots.at(-1)!;
      expect(last.rejectedByReason.malformed).toBe(50);
      expect(last.rejected).toBe(50);
      const early = snapshots.find((m) => m.samples >= start + 50)!;
      expect(last.rmse!).toBeLessThan(early.rmse! / 3); // it kept learning through the bad ones

      // The broker goes away and comes back on the same port: the feed reconnects, subscribes
      // again and samples flow once more.
      await stopBroker(broker);
      await until(() => errors.length > 0, 'a connection error was reported', 5000);
      broker = await startBroker(port, ['allow_anonymous true']);
      await until(() => publisher.connected, 'the publisher reconnected');
      const before = samples();
      await probe();
      for (let i = 0; i < 20; i++) publisher.publish('sensors/0', JSON.stringify(sampleOf(i)));
      await until(() => samples() >= before + 21, 'samples flow after the restart');
      expect(failure).toBeUndefined();
      expect(snapshots.at(-1)!.rejectedByReason.malformed).toBe(50);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('maps payloads with map, a failing map giving a malformed item named by topic', async () => {
    const items: Sample[] = [];
    const subscription = fromMqtt(url(), ['plant/a', 'plant/b'], {
      map: (payload, topic) => {
        const v = payload.toString().split(',').map(Number);
        if (v.length !== 3) throw new Error(`expected 3 values, got ${v.length}`);
        return { x: v.slice(0, 2), y: v[2], key: topic };
      },
    }).subscribe((s) => items.push(s));
    try {
      for (let i = 0; items.length === 0; i++) {
        if (i > 300) throw new Error('no message came through');
        publisher.publish('plant/a', '1,2,3');
        await sleep(50);
      }
      publisher.publish('plant/b', '4,5');
      publisher.publish('plant/b', '6,7,8');
      await until(() => items.some((s) => s.y === 8), 'the last message');
      expect(items[0]).toEqual({ x: [1, 2], y: 3, key: 'plant/a' });
      expect(items.find((s) => s.malformed)).toEqual({
        x: [],
        malformed: {
          field: 'topic plant/b',
          value: '4,5',
          problem: 'could not be mapped to a sample (expected 3 values, got 2)',
        },
      });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('ends its connection when unsubscribed', async () => {
    const connected: number[] = [];
    const watcher = await connectAsync(url());
    watcher.on('message', (_topic, payload) => connected.push(Number(payload.toString())));
    await watcher.subscribeAsync('$SYS/broker/clients/connected');
    try {
      const subscription = fromMqtt(url(), 'nothing/here', {
        clientId: 'streamprop-feed',
      }).subscribe();
      // The publisher, the watcher and the feed: 3 clients.
      await until(() => connected.at(-1) === 3, 'the feed is connected');
      subscription.unsubscribe();
      await until(() => connected.at(-1) === 2, 'the feed has disconnected');
    } finally {
      await watcher.endAsync(true);
    }
  });

  it('fails when the broker refuses the connection', async () => {
    const strictPort = await freePort();
    const strict = await startBroker(strictPort, ['allow_anonymous false']);
    try {
      const error = (await lastValueFrom(
        fromMqtt(`mqtt://127.0.0.1:${strictPort}`, 't', { username: 'nobody', password: 'x' }),
      ).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        new RegExp(`^fromMqtt: mqtt://127.0.0.1:${strictPort}: Connection refused: Not authorized`),
      );
    } finally {
      await stopBroker(strict);
    }
  });
});

describe('fromMqtt without a broker', () => {
  it('keeps retrying, reporting each error, and fails after connectTimeout', async () => {
    const port = await freePort(); // nothing listens there
    const errors: Error[] = [];
    const error = (await lastValueFrom(
      fromMqtt(`mqtt://127.0.0.1:${port}`, 't', {
        reconnectPeriod: 50,
        connectTimeout: 600,
        onError: (e) => errors.push(e),
      }),
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^fromMqtt: no connection to mqtt://127.0.0.1:${port} within 600 ms \\(.*ECONNREFUSED`,
      ),
    );
    expect(errors.length).toBeGreaterThan(1); // it tried more than once
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('fails at once without retrying when reconnectPeriod is 0', async () => {
    const port = await freePort();
    await expect(
      lastValueFrom(fromMqtt(`mqtt://127.0.0.1:${port}`, 't', { reconnectPeriod: 0 })),
    ).rejects.toThrow(/^fromMqtt: could not connect to .*ECONNREFUSED.* and reconnectPeriod is 0/);
  });

  it('checks its arguments at call time', () => {
    expect(() => fromMqtt(3 as never, 't')).toThrow(/fromMqtt: url must be a string/);
    expect(() => fromMqtt('not a url', 't')).toThrow(/fromMqtt: url must be a URL/);
    expect(() => fromMqtt('http://host', 't')).toThrow(/fromMqtt: url must be mqtt:/);
    expect(() => fromMqtt('mqtt://host', [])).toThrow(/fromMqtt: topics must be/);
    expect(() => fromMqtt('mqtt://host', '')).toThrow(/fromMqtt: a topic must be/);
    expect(() => fromMqtt('mqtt://host', 'a/#/b')).toThrow(/"a\/#\/b" is not a valid topic filter/);
    expect(() => fromMqtt('mqtt://host', 't', { qos: 3 as never })).toThrow(RangeError);
    expect(() => fromMqtt('mqtt://host', 't', { map: 'json' as never })).toThrow(
      /map must be a function/,
    );
    expect(() => fromMqtt('mqtt://host', 't', { reconnectPeriod: -1 })).toThrow(/reconnectPeriod/);
    expect(() => fromMqtt('mqtt://host', 't', { connectTimeout: 0 })).toThrow(/connectTimeout/);
    expect(() => fromMqtt('mqtt://host', 't', { clean: 'yes' as never })).toThrow(/clean/);
  });
});
