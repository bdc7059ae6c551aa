// The learner's end of the socket worker, against small stand-in workers written here: a
// worker that fails must be reported (never a hang), and close must end the thread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/samples/sample.js';
import { SharedCounters } from '../../src/serve/sharedCounters.js';
import { SocketThread } from '../../src/serve/socketThread.js';
import type { SocketServerConfig } from '../../src/serve/workerMessages.js';

const config: SocketServerConfig = {
  host: '127.0.0.1',
  port: 0,
  token: undefined,
  producerToken: undefined,
  allowOrigins: undefined,
  allowHosts: undefined,
  maxPayload: 65_536,
  heartbeatMs: 30_000,
  maxBufferedBytes: 1 << 20,
  dropAfterMs: 5000,
  maxOffences: 5,
  maxIngestSamples: 100,
  maxIngestBytes: 10_000,
  model: null,
  counters: new SharedCounters().buffer,
};

const workers = {
  // Listens, echoes batches back as samples, throws on a batch of type 'batch' with model 'boom',
  // and closes its port when asked to close (so the thread ends by itself).
  echo: `
    import { parentPort } from 'node:worker_threads';
    parentPort.postMessage({ type: 'listening', address: '127.0.0.1', family: 'IPv4', port: 4242 });
    parentPort.on('message', (m) => {
      if (m.type === 'close') return parentPort.close();
      if (m.model === 'boom') throw new Error('boom in the worker');
      parentPort.postMessage({ type: 'samples', samples: [{ x: Array.from(m.predictions ?? []) }] });
    });`,
  listenError: `
    import { parentPort } from 'node:worker_threads';
    parentPort.postMessage({ type: 'failed', error: { name: 'Error', message: 'listen EADDRINUSE: address already in use', code: 'EADDRINUSE' } });
    parentPort.close();`,
  throwsAtStart: `throw new TypeError('broken at load');`,
  exitsQuietly: `
    import { parentPort } from 'node:worker_threads';
    parentPort.postMessage({ type: 'listening', address: '::1', family: 'IPv6', port: 4243 });
    parentPort.on('message', () => process.exit(3));`,
  neverCloses: `
    import { parentPort } from 'node:worker_threads';
    parentPort.postMessage({ type: 'listening', address: '127.0.0.1', family: 'IPv4', port: 4244 });
    parentPort.on('message', () => {});
    setInterval(() => {}, 1000);`,
};
type Name = keyof typeof workers;

let dir = '';
const file = (name: Name): URL => pathToFileURL(join(dir, `${name}.mjs`));
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamprop-socket-thread-'));
  for (const [name, code] of Object.entries(workers)) writeFileSync(join(dir, `${name}.mjs`), code);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(name: Name) {
  const samples: Sample[] = [];
  const failures: Error[] = [];
  const started = SocketThread.start(file(name), config, {
    onSamples: (s) => samples.push(...s),
    onFailure: (e) => failures.push(e),
  });
  return { started, samples, failures };
}

const until = async (test: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 10_000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('SocketThread', () => {
  it('resolves once listening, copies packed predictions, relays samples, and ends on close', async () => {
    const { started, samples, failures } = start('echo');
    const thread = await started;
    expect(thread.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: 4242 });
    const predictions = new Float64Array([1, 2, 3]);
    thread.post({ type: 'batch', predictions });
    // copied, never transferred: detaching a buffer would deoptimise the learner's typed-array code
    expect(predictions.length).toBe(3);
    await until(() => samples.length === 1, 'the echoed sample');
    expect(samples[0].x).toEqual([1, 2, 3]);
    await thread.close();
    await thread.close(); // twice is fine
    expect(failures).toEqual([]);
  });

  it('rejects with the listen error, its code kept', async () => {
    const { started } = start('listenError');
    await expect(started).rejects.toMatchObject({
      message: expect.stringContaining('EADDRINUSE'),
      code: 'EADDRINUSE',
    });
  });

  it('rejects when the worker fails before listening', async () => {
    const { started } = start('throwsAtStart');
    await expect(started).rejects.toThrow(/socket worker failed: broken at load/);
  });

  it('reports an error thrown in the worker once, and still closes', async () => {
    const { started, failures } = start('echo');
    const thread = await started;
    thread.post({ type: 'batch', model: 'boom' as never });
    await until(() => failures.length > 0, 'the failure');
    await thread.close();
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/socket worker failed: boom in the worker/);
    thread.post({ type: 'batch' }); // ignored once ended
  });

  it('reports a worker that stops by itself', async () => {
    const { started, failures } = start('exitsQuietly');
    const thread = await started;
    thread.post({ type: 'batch' });
    await until(() => failures.length > 0, 'the failure');
    expect(failures[0].message).toMatch(/stopped unexpectedly \(exit code 3\)/);
    await thread.close();
  });

  it('terminates a worker that does not end after close', async () => {
    const { started, failures } = start('neverCloses');
    const thread = await started;
    await thread.close(100); // resolves: terminated after the grace period
    expect(failures).toEqual([]);
  });
});
