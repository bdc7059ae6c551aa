// The socket worker's end of the ingest queue: bounded in samples and bytes, producers paused
// when it is full and resumed at half, a drop counted past twice the bounds.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/samples/sample.js';
import { ClientQueue, type ClientSocket } from '../../src/serve/clientQueue.js';
import { IngestGate } from '../../src/serve/ingestGate.js';
import { SharedCounters } from '../../src/serve/sharedCounters.js';

/** A producer whose socket only records whether it is paused. */
function producer(): ClientQueue & { socket: ClientSocket & { pauses: number } } {
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    isPaused: false,
    pauses: 0,
    send() {},
    close() {},
    terminate() {},
    ping() {},
    pause() {
      this.isPaused = true;
      this.pauses++;
    },
    resume() {
      this.isPaused = false;
    },
    once() {},
  };
  return new ClientQueue(socket, new PassThrough(), true, 1 << 20) as ClientQueue & {
    socket: typeof socket;
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function gate(limits: { samples: number; bytes: number }) {
  const counters = new SharedCounters();
  const posted: { samples: Sample[]; bytes: number }[] = [];
  const producers = [producer(), producer()];
  const g = new IngestGate(
    counters,
    limits,
    (samples, bytes) => posted.push({ samples, bytes }),
    () => producers,
  );
  /** What the learner's thread does once it has taken `n` samples of `bytes` bytes. */
  const consume = (n: number, bytes: number): void => {
    counters.addTotal('consumedSamples', n);
    counters.addTotal('consumedBytes', bytes);
  };
  return { counters, posted, producers, g, consume };
}

const sample = (i: number): Sample => ({ x: [i], y: i });

describe('IngestGate', () => {
  it('posts the samples of one turn in one message, counting them as queued', async () => {
    const { counters, posted, g, producers } = gate({ samples: 100, bytes: 1e6 });
    for (let i = 0; i < 5; i++) expect(g.offer(sample(i), 10)).toBe(true);
    expect(posted).toEqual([]);
    await turn();
    expect(posted).toHaveLength(1);
    expect(posted[0].samples.map((s) => s.y)).toEqual([0, 1, 2, 3, 4]);
    expect(posted[0].bytes).toBe(50);
    expect(counters.queuedSamples).toBe(5);
    expect(counters.queuedBytes).toBe(50);
    expect(g.holding).toBe(false);
    expect(producers.every((p) => !p.socket.isPaused)).toBe(true);
  });

  it('pauses every producer at the sample bound, resumes them at half, and admits a newcomer paused', async () => {
    const { counters, g, producers, consume } = gate({ samples: 10, bytes: 1e6 });
    for (let i = 0; i < 9; i++) g.offer(sample(i), 10);
    expect(g.holding).toBe(false);
    g.offer(sample(9), 10);
    expect(g.holding).toBe(true);
    expect(producers.map((p) => p.socket.isPaused)).toEqual([true, true]);
    expect(counters.get('producerPauses')).toBe(1);
    const late = producer();
    g.admit(late);
    expect(late.socket.isPaused).toBe(true);
    await turn();
    g.check();
    expect(g.holding).toBe(true); // 10 queued
    consume(4, 40);
    g.check();
    expect(g.holding).toBe(true); // 6 > half
    consume(1, 10);
    g.check();
    expect(g.holding).toBe(false); // 5: half
    expect(producers.map((p) => p.socket.isPaused)).toEqual([false, false]);
    g.admit(producer());
    expect(counters.get('producerPauses')).toBe(1);
  });

  it('pauses at the byte bound too', () => {
    const { g } = gate({ samples: 1000, bytes: 100 });
    g.offer(sample(0), 60);
    expect(g.holding).toBe(false);
    g.offer(sample(1), 40);
    expect(g.holding).toBe(true);
  });

  it('queues what arrives after the pause up to twice the bounds, then drops and counts', async () => {
    const { counters, posted, g } = gate({ samples: 10, bytes: 1e6 });
    const taken: boolean[] = [];
    for (let i = 0; i < 25; i++) taken.push(g.offer(sample(i), 10));
    expect(taken.filter((t) => t)).toHaveLength(20);
    expect(taken.slice(20)).toEqual([false, false, false, false, false]);
    expect(counters.get('samplesDropped')).toBe(5);
    await turn();
    expect(posted.flatMap((p) => p.samples)).toHaveLength(20);
    expect(counters.queuedSamples).toBe(20);
    // Still full across turns: nothing more is taken until the learner takes some.
    expect(g.offer(sample(99), 10)).toBe(false);
    expect(counters.get('samplesDropped')).toBe(6);
  });

  it('drops past twice the byte bound', () => {
    const { counters, g } = gate({ samples: 1000, bytes: 100 });
    expect(g.offer(sample(0), 150)).toBe(true);
    expect(g.offer(sample(1), 60)).toBe(true);
    expect(g.offer(sample(2), 1)).toBe(false);
    expect(counters.get('samplesDropped')).toBe(1);
  });
});
