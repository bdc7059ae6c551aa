// What a client gets when it subscribes: the recent messages, bounded, filtered, in order.
import { describe, expect, it } from 'vitest';
import { eventText, PredictionSlot } from '../../src/serve/frames.js';
import { History } from '../../src/serve/history.js';
import { historyMessageSchema } from '../../src/serve/protocol.js';
import type { Step } from '../../src/steps/step.js';
import type { StepEvent } from '../../src/steps/stepEvent.js';

const all = new Set(['prediction', 'metrics', 'event'] as const);

function slot(key: string, seq: number): PredictionSlot {
  const s = new PredictionSlot(key, 0);
  s.record({
    seq,
    sample: { x: [0], key, t: 1000 + seq },
    output: Float64Array.of(seq),
    actual: Float64Array.of(seq + 1),
    events: [],
  } as unknown as Step);
  return s;
}
const metrics = (key: string, seq: number): string =>
  JSON.stringify({ type: 'metrics', v: 1, seq, t: seq, key, rejected: 0, drifts: 0 });
const event = (key: string, seq: number, type: 'drift' | 'rejected'): string =>
  eventText({ type, seq, reason: 'nonFinite' } as unknown as StepEvent, 1000 + seq, key);

describe('History', () => {
  it('sends the recent predictions, metrics and events of the topics and keys subscribed to, valid protocol', () => {
    const history = new History();
    history.recordPrediction(slot('a', 1), 0);
    history.recordPrediction(slot('b', 2), 0);
    history.recordMetrics('a', metrics('a', 1));
    history.recordMetrics('b', metrics('b', 2));
    history.recordEvent('a', event('a', 3, 'drift'));
    const message = historyMessageSchema.parse(JSON.parse(history.message(all, undefined)));
    expect(message.predictions.map((p) => [p.key, p.seq, p.prediction])).toEqual([
      ['a', 1, [1]],
      ['b', 2, [2]],
    ]);
    expect(message.metrics.map((m) => m.key)).toEqual(['a', 'b']);
    expect(message.events.map((e) => e.event.type)).toEqual(['drift']);
    const onlyB = JSON.parse(history.message(new Set(['metrics'] as const), new Set(['b'])));
    expect(onlyB).toEqual({
      type: 'history',
      v: 1,
      predictions: [],
      metrics: [JSON.parse(metrics('b', 2))],
      events: [],
    });
  });

  it('keeps at most 20 predictions a second per key, and the newest within its bounds', () => {
    const history = new History({ predictions: 3, metrics: 2, predictionEveryMs: 50 });
    for (let i = 0; i < 10; i++) history.recordPrediction(slot('a', i), i * 10); // every 10 ms
    let message = historyMessageSchema.parse(JSON.parse(history.message(all, undefined)));
    expect(message.predictions.map((p) => p.seq)).toEqual([0, 5]);
    for (let i = 10; i < 20; i++) history.recordPrediction(slot('a', i), i * 60);
    for (let i = 0; i < 7; i++) history.recordMetrics('a', metrics('a', i));
    message = historyMessageSchema.parse(JSON.parse(history.message(all, undefined)));
    expect(message.predictions.map((p) => p.seq)).toEqual([17, 18, 19]);
    expect(message.metrics.map((m) => m.seq)).toEqual([5, 6]);
    history.forget('a');
    history.recordPrediction(slot('a', 20), 19 * 60 + 1); // its pace starts again
    message = historyMessageSchema.parse(JSON.parse(history.message(all, undefined)));
    expect(message.predictions.map((p) => p.seq)).toEqual([18, 19, 20]);
  });

  it('a stream of rejected samples never pushes the rarer events out; all come in order', () => {
    const history = new History({ events: 3 });
    history.recordEvent('a', event('a', 1, 'drift'));
    for (let seq = 2; seq < 50; seq++) history.recordEvent('a', event('a', seq, 'rejected'));
    history.recordEvent('a', event('a', 50, 'drift'));
    history.recordEvent('a', event('a', 51, 'rejected'));
    const message = historyMessageSchema.parse(JSON.parse(history.message(all, undefined)));
    expect(message.events.map((e) => [e.seq, e.event.type])).toEqual([
      [1, 'drift'],
      [48, 'rejected'],
      [49, 'rejected'],
      [50, 'drift'],
      [51, 'rejected'],
    ]);
  });
});
