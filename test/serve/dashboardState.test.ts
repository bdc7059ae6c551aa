// The dashboard's logic that runs without a DOM: what it keeps of the server's messages, the
// reconnect backoff, the WebSocket address, the number format and the chart buffers. The page
// itself is tested in Chromium (test/browser/dashboard.test.ts).
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../src/serve/dashboard/backoff.js';
import {
  ALL_KEYS,
  DashboardState,
  MetricsColumn,
} from '../../src/serve/dashboard/dashboardState.js';
import { formatFigure } from '../../src/serve/dashboard/formatFigure.js';
import {
  type MetricsMessage,
  type PredictionMessage,
  parseServerMessage,
} from '../../src/serve/dashboard/messages.js';
import { SeriesBuffer } from '../../src/serve/dashboard/seriesBuffer.js';
import { socketAddress } from '../../src/serve/dashboard/socketAddress.js';

const metrics = (seq: number, key: string | number | null, rmse: number): MetricsMessage => ({
  type: 'metrics',
  v: 1,
  seq,
  t: 1000 + seq,
  key,
  rmse,
  mae: rmse / 2,
  learningRate: 0.01,
  samplesPerSecond: 500,
  rejected: 0,
  drifts: 0,
});
const prediction = (seq: number, key: string | null, y: number, p: number): PredictionMessage => ({
  type: 'prediction',
  v: 1,
  seq,
  t: seq,
  key,
  y: [y],
  prediction: [p],
  error: Math.abs(y - p),
});

describe('DashboardState', () => {
  it('keeps the series and the latest snapshot of messages without a key', () => {
    const state = new DashboardState();
    expect(state.shownKey).toBe(ALL_KEYS);
    state.apply(metrics(9, null, 0.5));
    state.apply(metrics(19, null, 0.25));
    state.apply(prediction(19, null, 1, 0.9));
    const track = state.shown;
    expect(track.last?.rmse).toBe(0.25);
    expect(track.metrics.columns[MetricsColumn.t]).toEqual([1009, 1019]);
    expect(track.metrics.columns[MetricsColumn.rmse]).toEqual([0.5, 0.25]);
    expect(track.metrics.columns[MetricsColumn.mae]).toEqual([0.25, 0.125]);
    expect(track.metrics.columns[MetricsColumn.seq]).toEqual([9, 19]);
    expect(track.predictions.columns).toEqual([[19], [1], [0.9]]);
    expect(state.keys).toEqual([]);
  });

  it('keeps each key apart, shows the first key until another is selected', () => {
    const state = new DashboardState();
    expect(state.apply({ type: 'hello', v: 1, model: null, keys: ['north'] })).toBe(true);
    expect(state.apply(metrics(5, 'south', 0.3))).toBe(true);
    expect(state.apply(metrics(6, 'north', 0.1))).toBe(false);
    expect(state.apply(metrics(7, 7, 0.2))).toBe(true); // numbers are keys too
    expect(state.keys).toEqual(['north', 'south', '7']);
    expect(state.shownKey).toBe('north');
    expect(state.shown.last?.rmse).toBe(0.1);
    state.selected = 'south';
    expect(state.shown.last?.rmse).toBe(0.3);
    state.selected = 'gone';
    expect(state.shownKey).toBe('north');
    expect(state.track('7').last?.seq).toBe(7);
  });

  it('starts a series afresh when seq goes backwards (the learner restarted)', () => {
    const state = new DashboardState();
    state.apply(metrics(100, null, 0.5));
    state.apply(prediction(100, null, 1, 1));
    state.apply({
      type: 'event',
      v: 1,
      seq: 90,
      t: 0,
      key: null,
      event: { type: 'drift', seq: 90 },
    });
    state.apply(metrics(3, null, 0.9));
    expect(state.shown.metrics.columns[MetricsColumn.seq]).toEqual([3]);
    expect(state.shown.predictions.length).toBe(0);
    expect(state.shown.drifts).toEqual([]);
  });

  it('marks drifts, counts events and folds runs of rejected samples into one log line', () => {
    const state = new DashboardState();
    const rejected = (seq: number) => ({
      type: 'event' as const,
      v: 1 as const,
      seq,
      t: 0,
      key: null,
      event: { type: 'rejected', seq, reason: 'nonFinite', field: 'x[1]', message: '…' },
    });
    state.apply(rejected(1));
    state.apply(rejected(2));
    state.apply({
      type: 'event',
      v: 1,
      seq: 3,
      t: 0,
      key: null,
      event: { type: 'drift', seq: 3, detector: 'pageHinkley', action: 'none' },
    });
    state.apply(rejected(4));
    state.apply({ type: 'error', v: 1, code: 'malformed', message: 'not JSON' });
    expect(state.shown.drifts).toEqual([3]);
    expect(Object.fromEntries(state.eventCounts)).toEqual({ rejected: 3, drift: 1, error: 1 });
    expect(state.log.map((e) => [e.kind, e.seq, e.text])).toEqual([
      ['rejected', 2, '2 samples, the last: x[1] nonFinite'],
      ['drift', 3, 'pageHinkley → none'],
      ['rejected', 4, 'x[1] nonFinite'],
      ['error', undefined, 'malformed: not JSON'],
    ]);
  });
});

describe('parseServerMessage', () => {
  it('accepts version-1 messages of known types and ignores anything else', () => {
    expect(parseServerMessage(JSON.stringify(metrics(1, null, 0.1)))?.type).toBe('metrics');
    expect(parseServerMessage(JSON.stringify(prediction(1, 'a', 1, 2)))?.type).toBe('prediction');
    expect(parseServerMessage('{"type":"hello","v":1,"model":null,"keys":[]}')?.type).toBe('hello');
    expect(parseServerMessage('{"type":"error","v":1,"code":"x","message":"y"}')?.type).toBe(
      'error',
    );
    for (const bad of [
      'not json',
      'null',
      '[]',
      '{"type":"metrics","v":2,"seq":1,"t":1}',
      '{"type":"metrics","v":1,"seq":"1","t":1}',
      '{"type":"prediction","v":1,"seq":1}',
      '{"type":"event","v":1,"seq":1,"event":null}',
      '{"type":"surprise","v":1}',
    ]) {
      expect(parseServerMessage(bad), bad).toBeUndefined();
    }
  });
});

describe('reconnectDelay', () => {
  it('doubles from 500 ms up to the 15 s cap, shortened by at most the jitter', () => {
    const slowest = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 6, 10, 1000].map((n) => reconnectDelay(n, {}, slowest))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000,
    ]);
    expect(reconnectDelay(0, {}, () => 0)).toBe(350);
    expect(reconnectDelay(3, { initialMs: 100, maxMs: 500, jitter: 0 }, () => 0)).toBe(500);
    for (let i = 0; i < 100; i++) {
      const d = reconnectDelay(4, {});
      expect(d).toBeGreaterThanOrEqual(5600);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});

describe('socketAddress', () => {
  it('is /ws next to the page, with the page token as a subprotocol', () => {
    expect(socketAddress('http://127.0.0.1:8080/')).toEqual({
      url: 'ws://127.0.0.1:8080/ws',
      protocols: ['streamprop.v1'],
    });
    expect(socketAddress('https://example.test/live/?token=s3cret&key=a#x')).toEqual({
      url: 'wss://example.test/live/ws',
      protocols: ['streamprop.v1', 'token.s3cret'],
    });
    expect(socketAddress('http://h/?token=').protocols).toEqual(['streamprop.v1']);
  });
});

describe('formatFigure', () => {
  it('writes figures to four significant digits, counts whole, and a dash for none', () => {
    expect(formatFigure(0.0712345)).toBe('0.07123');
    expect(formatFigure(0.002)).toBe('0.002');
    expect(formatFigure(0.00025)).toBe('0.00025');
    expect(formatFigure(2.5e-5)).toBe('2.50e-5');
    expect(formatFigure(496.84)).toBe('496.8');
    expect(formatFigure(123456.7)).toBe('123,500');
    expect(formatFigure(3e9)).toBe('3.00e+9');
    expect(formatFigure(0)).toBe('0');
    expect(formatFigure(-0.5)).toBe('-0.5');
    expect(formatFigure(12345, true)).toBe('12,345');
    expect(formatFigure(undefined)).toBe('–');
    expect(formatFigure(null)).toBe('–');
    expect(formatFigure(Number.NaN)).toBe('–');
    expect(formatFigure(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('SeriesBuffer', () => {
  it('keeps the newest rows up to its capacity, column by column', () => {
    const buffer = new SeriesBuffer(2, 4);
    expect(buffer.lastX).toBeUndefined();
    for (let i = 1; i <= 9; i++) buffer.push([i, i % 3 === 0 ? null : 10 * i]);
    expect(buffer.view()).toEqual([
      [6, 7, 8, 9],
      [null, 70, 80, null],
    ]);
    expect(buffer.columns[0].length).toBeLessThanOrEqual(5);
    expect(buffer.lastX).toBe(9);
    buffer.clear();
    expect(buffer.length).toBe(0);
    expect(() => new SeriesBuffer(0, 1)).toThrow(RangeError);
    expect(() => new SeriesBuffer(1, 0)).toThrow(RangeError);
  });
});
