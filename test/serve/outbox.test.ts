// The learner's side of the socket worker: what it gathers between batches, and what it packs.
import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/metrics/metricsSnapshot.js';
import { MAX_QUEUED_EVENTS } from '../../src/serve/clientQueue.js';
import { PredictionSlot } from '../../src/serve/frames.js';
import { Outbox } from '../../src/serve/outbox.js';
import { metricsMessageSchema, predictionMessageSchema } from '../../src/serve/protocol.js';
import type { Step } from '../../src/steps/step.js';
import type { StepEvent } from '../../src/steps/stepEvent.js';

/** A lent step as train emits it: only what the outbox reads. */
function step(seq: number, key: string, output: number[], events: StepEvent[] = []): Step {
  return {
    seq,
    sample: { x: [0], key, t: 1000 + seq },
    output: Float64Array.from(output),
    actual: Float64Array.from(output.map((o) => o + 1)),
    events,
  } as unknown as Step;
}

/** The predictions of a batch as the worker reads them: by id, into slots of its own. */
function unpack(packed: Float64Array | undefined, keys: Map<number, string | number | null>) {
  const messages: unknown[] = [];
  for (let at = 0; packed !== undefined && at < packed.length; ) {
    const slot = new PredictionSlot(keys.get(packed[at]) ?? null, packed[at]);
    at = slot.unpackFrom(packed, at);
    messages.push(JSON.parse(slot.bytes().subarray(2).toString()));
  }
  return messages;
}

describe('Outbox', () => {
  it('sends nothing when nothing happened', () => {
    expect(new Outbox(10).take()).toBeUndefined();
  });

  it('announces keys at once, and packs the latest prediction per key, client or not (the worker keeps a history)', () => {
    const outbox = new Outbox(10);
    outbox.recordPrediction('a', step(1, 'a', [0.5]));
    outbox.recordPrediction('a', step(2, 'a', [0.25]));
    outbox.recordPrediction('b', step(3, 'b', [0.75]));
    const second = outbox.take();
    expect(second?.added).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect([...outbox.keys()]).toEqual(['a', 'b']);
    const keys = new Map<number, string>([
      [0, 'a'],
      [1, 'b'],
    ]);
    const messages = unpack(second?.predictions, keys);
    for (const m of messages) predictionMessageSchema.parse(m);
    expect(messages).toEqual([
      {
        type: 'prediction',
        v: 1,
        seq: 2,
        t: 1002,
        key: 'a',
        y: [1.25],
        prediction: [0.25],
        error: 1,
      },
      {
        type: 'prediction',
        v: 1,
        seq: 3,
        t: 1003,
        key: 'b',
        y: [1.75],
        prediction: [0.75],
        error: 1,
      },
    ]);
    expect(outbox.take()).toBeUndefined(); // nothing changed since
  });

  it('evicts the oldest key beyond maxKeys, and never packs an evicted slot', () => {
    const outbox = new Outbox(2);
    outbox.recordPrediction('a', step(1, 'a', [1]));
    outbox.recordPrediction('b', step(2, 'b', [2]));
    outbox.recordPrediction('c', step(3, 'c', [3]));
    const batch = outbox.take();
    expect(batch?.evicted).toEqual([0]);
    expect(batch?.added?.map(([, key]) => key)).toEqual(['a', 'b', 'c']);
    const keys = new Map<number, string>([
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(unpack(batch?.predictions, keys).map((m) => (m as { key: string }).key)).toEqual([
      'b',
      'c',
    ]);
    expect([...outbox.keys()]).toEqual(['b', 'c']);
  });

  it('keeps metrics (latest per key) and events, client or not', () => {
    const outbox = new Outbox(10);
    const snapshot = (seq: number, key: string) =>
      ({ seq, t: seq, key, samples: seq, count: seq, rejected: 0, drifts: 0 }) as MetricsSnapshot;
    const drift: StepEvent = { type: 'drift', seq: 5, detector: 'ph', action: 'none' } as StepEvent;
    outbox.recordMetrics(snapshot(1, 'a'));
    outbox.recordMetrics(snapshot(2, 'a'));
    outbox.recordMetrics(snapshot(2, 'b'));
    outbox.recordEvents('a', step(5, 'a', [0], [drift]));
    const batch = outbox.take();
    expect(batch?.metrics?.map(([key, text]) => [key, JSON.parse(text).seq])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    expect(batch?.events?.map(([key, text]) => [key, JSON.parse(text)])).toEqual([
      [
        'a',
        {
          type: 'event',
          v: 1,
          seq: 5,
          t: 1005,
          key: 'a',
          event: { type: 'drift', seq: 5, detector: 'ph', action: 'none' },
        },
      ],
    ]);
  });

  it('keeps at most the per-client bound of events, the newest', () => {
    const outbox = new Outbox(10);
    const total = 3 * MAX_QUEUED_EVENTS + 7;
    for (let seq = 0; seq < total; seq++) {
      const rejected = { type: 'rejected', seq, reason: 'nonFinite', field: 'x[0]', message: 'm' };
      outbox.recordEvents('k', step(seq, 'k', [0], [rejected as StepEvent]));
    }
    const seqs = outbox.take()?.events?.map(([, text]) => JSON.parse(text).seq);
    expect(seqs).toHaveLength(MAX_QUEUED_EVENTS);
    expect(seqs?.[0]).toBe(total - MAX_QUEUED_EVENTS);
    expect(seqs?.at(-1)).toBe(total - 1);
  });

  it("sends each candidate of a key's ensemble with its metrics, as the candidates are at the batch", () => {
    const outbox = new Outbox(2);
    const snapshot = (seq: number, key: string) =>
      ({ seq, t: seq, key, samples: seq, count: seq, rejected: 0, drifts: 0 }) as MetricsSnapshot;
    const candidates = [
      { name: 'last value', output: 1, weight: 0.25, loss: 4, meanLoss: 4 },
      { name: 'least squares', output: 2, weight: 0.75, loss: 1, meanLoss: 2.25 },
      { name: 'young', output: Number.NaN, weight: 0, loss: Number.NaN, meanLoss: Number.NaN },
    ];
    const ensembleStep = { ...step(3, 'a', [1]), candidates } as unknown as Step;
    outbox.recordCandidates('a', ensembleStep);
    outbox.recordCandidates('b', step(3, 'b', [1])); // not an ensemble: nothing noted
    candidates[0].weight = 0.5; // the step's own array, read when the batch is taken
    candidates[1].weight = 0.5;
    outbox.recordMetrics(snapshot(3, 'a'));
    outbox.recordMetrics(snapshot(3, 'b'));
    const [[, a], [, b]] = outbox.take()?.metrics ?? [];
    const parsedA = metricsMessageSchema.parse(JSON.parse(a));
    expect(parsedA.candidates).toEqual([
      { name: 'last value', weight: 0.5, rmse: 2 },
      { name: 'least squares', weight: 0.5, rmse: 1.5 },
      { name: 'young', weight: 0, rmse: null },
    ]);
    expect(metricsMessageSchema.parse(JSON.parse(b)).candidates).toBeUndefined();
    // At most maxKeys keys are remembered: the oldest goes first.
    outbox.recordCandidates('c', { ...ensembleStep } as Step);
    outbox.recordCandidates('d', { ...ensembleStep } as Step);
    outbox.recordMetrics(snapshot(4, 'a'));
    outbox.recordMetrics(snapshot(4, 'd'));
    const later = outbox.take()?.metrics ?? [];
    expect(later.map(([key, text]) => [key, JSON.parse(text).candidates?.length])).toEqual([
      ['a', undefined],
      ['d', 3],
    ]);
  });
});
