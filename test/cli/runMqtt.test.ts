// `streamprop run --source mqtt://…` against a real mosquitto on 127.0.0.1: samples published
// with bad payloads mixed in are learned from and the bad ones counted.
import type { ChildProcess } from 'node:child_process';
import { connectAsync } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sleep, until } from '../polling.js';
import { freePort, startBroker, stopAllBrokers, withBroker } from '../streams/mosquitto.js';
import { killAll, runCli } from './cliProcess.js';

afterEach(killAll);
afterAll(stopAllBrokers);

interface Metrics {
  samples: number;
  rejectedByReason: { malformed: number };
  total: { count: number };
}

describe.skipIf(!withBroker)('streamprop run --source mqtt://… (with a real mosquitto)', () => {
  it('learns from the published samples, counts the bad payloads, stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const broker: ChildProcess = await startBroker(port, ['allow_anonymous true']);
    expect(broker.exitCode).toBeNull();
    const cli = runCli([
      'run',
      '--source',
      `mqtt://127.0.0.1:${port}/plant/+/temp`,
      '--port',
      '0',
      '--json',
    ]);
    await cli.waitFor(/^dashboard: /);
    const metrics = (): Metrics | undefined => {
      const last = cli.stdout.filter((l) => l.startsWith('{')).at(-1);
      return last === undefined ? undefined : (JSON.parse(last) as Metrics);
    };
    const publisher = await connectAsync(`mqtt://127.0.0.1:${port}`);
    try {
      let i = 0;
      const publish = async (n: number, withBad = true): Promise<void> => {
        for (let k = 0; k < n; k++, i++) {
          const a = ((i * 37) % 100) / 100;
          const b = ((i * 61) % 100) / 100;
          const payload =
            withBad && i % 50 === 49
              ? '{"x": [1, 2], "y": '
              : JSON.stringify({ x: [a, b], y: 2 * a - b });
          await publisher.publishAsync(`plant/${i % 3}/temp`, payload);
        }
      };
      // The command subscribes once it is up: publish good samples until one is counted, then
      // wait until the figures stop moving (every message of the warm-up has been counted).
      const deadline = Date.now() + 15_000;
      while ((metrics()?.samples ?? 0) === 0 && Date.now() < deadline) {
        await publish(20, false);
        await sleep(300);
      }
      let lines = 0;
      do {
        lines = cli.stdout.length;
        await sleep(1500);
      } while (cli.stdout.length !== lines);
      const start = metrics()?.samples ?? 0;
      expect(start).toBeGreaterThan(0);
      expect(metrics()?.rejectedByReason.malformed).toBe(0);
      i = 0;
      await publish(500);
      await until(
        () => (metrics()?.samples ?? 0) >= start + 500,
        'the 500 samples are counted',
        15_000,
      );
      const m = metrics() as Metrics;
      expect(m.rejectedByReason.malformed).toBe(10); // every 50th payload is cut short
      expect(m.total.count).toBe(m.samples - m.rejectedByReason.malformed);
    } finally {
      await publisher.endAsync();
    }
    cli.interrupt('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(
      cli.stderr.some((l) => l.startsWith('streamprop: learning from mqtt://127.0.0.1:')),
    ).toBe(true);
  }, 60_000);
});
