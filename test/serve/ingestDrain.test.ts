// The learner's end of the ingest queue: it hands samples on in slices, yielding to the event
// loop between them, and keeps the shared totals right — also when stopped.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/samples/sample.js';
import { IngestDrain } from '../../src/serve/ingestDrain.js';
import { SharedCounters } from '../../src/serve/sharedCounters.js';
import { until } from '../polling.js';

const samples = (n: number, from = 0): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ x: [from + i], y: from + i }));

/** Posts `n` samples as the socket worker does: counted as posted first. */
function post(counters: SharedCounters, drain: IngestDrain, batch: Sample[], bytes: number): void {
  counters.addTotal('postedSamples', batch.length);
  counters.addTotal('postedBytes', bytes);
  drain.push(batch, bytes);
}

/** Busy for `ms` milliseconds: a slow learner. */
function work(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('IngestDrain', () => {
  it('hands every sample on in order and counts them as taken', async () => {
    const counters = new SharedCounters();
    const seen: number[] = [];
    const drain = new IngestDrain(
      counters,
      (s) => seen.push(s.x[0]),
      (e) => {
        throw e;
      },
    );
    post(counters, drain, samples(3), 30);
    post(counters, drain, samples(2, 3), 20);
    expect(drain.queued).toBe(5);
    expect(counters.queuedSamples).toBe(5);
    await until(() => seen.length === 5, 'five samples handed on');
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(drain.queued).toBe(0);
    expect(counters.queuedSamples).toBe(0);
    expect(counters.queuedBytes).toBe(0);
  });

  it('yields to the event loop between slices: a timer keeps firing under a slow learner', async () => {
    const counters = new SharedCounters();
    let handed = 0;
    const drain = new IngestDrain(
      counters,
      () => {
        handed++;
        work(1);
      },
      (e) => {
        throw e;
      },
      5,
    );
    post(counters, drain, samples(300), 3000); // ~300 ms of work in one message
    const seenAtTicks: number[] = [];
    const timer = setInterval(() => seenAtTicks.push(handed), 10);
    await until(() => handed === 300, 'every sample handed on');
    clearInterval(timer);
    // The timer fired while the message was being worked through, not only after it.
    const during = seenAtTicks.filter((n) => n > 0 && n < 300);
    expect(during.length).toBeGreaterThanOrEqual(5);
    // Between two firings of the 10 ms timer, a few 5 ms slices of 1 ms samples ran, never
    // the whole message (300).
    const steps = seenAtTicks.slice(1).map((n, i) => n - seenAtTicks[i]);
    expect(Math.max(...steps)).toBeLessThan(60);
    expect(counters.queuedSamples).toBe(0);
  });

  it('reports a failing sample and goes on', async () => {
    const counters = new SharedCounters();
    const errors: unknown[] = [];
    const seen: number[] = [];
    const drain = new IngestDrain(
      counters,
      (s) => {
        if (s.x[0] === 1) throw new Error('bad');
        seen.push(s.x[0]);
      },
      (e) => errors.push(e),
    );
    post(counters, drain, samples(3), 30);
    await until(() => seen.length === 2, 'two samples handed on');
    expect(seen).toEqual([0, 2]);
    expect(errors).toHaveLength(1);
  });

  it('once stopped, counts what is queued and what comes later as dropped', async () => {
    const counters = new SharedCounters();
    const seen: number[] = [];
    const drain = new IngestDrain(
      counters,
      (s) => {
        seen.push(s.x[0]);
        if (s.x[0] === 4) drain.stop(); // a close from within the learner
      },
      (e) => {
        throw e;
      },
    );
    post(counters, drain, samples(10), 100);
    await until(() => seen.length === 5, 'five samples handed on');
    expect(counters.get('samplesDropped')).toBe(5);
    post(counters, drain, samples(3, 10), 30);
    expect(counters.get('samplesDropped')).toBe(8);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(seen.length + counters.get('samplesDropped')).toBe(13);
    expect(counters.queuedSamples).toBe(0);
    expect(counters.queuedBytes).toBe(0);
    drain.stop(); // twice is fine
    expect(counters.get('samplesDropped')).toBe(8);
  });
});
