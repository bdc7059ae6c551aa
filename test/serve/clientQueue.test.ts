import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ClientQueue } from '../../src/serve/clientQueue.js';
import { PredictionSlot, type WireKey } from '../../src/serve/frames.js';

/** A client whose socket records the frames written to it (as the seq of each prediction). */
function client() {
  const written: number[] = [];
  const socket = { readyState: 1, bufferedAmount: 0 } as unknown as WebSocket;
  const raw = {
    cork() {},
    uncork() {},
    write(frame: Buffer) {
      written.push(JSON.parse(frame.subarray(2).toString()).seq);
      return true;
    },
  } as unknown as Duplex;
  const queue = new ClientQueue(socket, raw, false, 1 << 20);
  queue.topics.add('prediction');
  queue.intervalMs = 100; // 10 Hz
  return { queue, written };
}

/** The slots by key, as the socket worker keeps them. */
const byKey = (...slots: PredictionSlot[]) =>
  new Map<WireKey, PredictionSlot>(slots.map((slot) => [slot.key, slot]));

/** A slot holding the prediction of `seq`, as the socket worker unpacks it. */
function record(slot: PredictionSlot, seq: number): void {
  slot.unpackFrom(Float64Array.from([slot.id, seq, 1000 + seq, 0, 1, 0.5]), 0);
}

describe('ClientQueue.flush', () => {
  it('sends at most once per interval, and keeps its turn while nothing new has come', () => {
    const { queue, written } = client();
    const slot = new PredictionSlot('a', 0);
    let changes = 0;
    queue.flush(0, byKey(slot), changes); // nothing recorded yet: stays due
    expect(written).toEqual([]);
    record(slot, 1);
    changes++;
    queue.flush(5, byKey(slot), changes); // due since 0: sent, next due at 100
    expect(written).toEqual([1]);
    record(slot, 2);
    changes++;
    queue.flush(50, byKey(slot), changes); // not due
    expect(written).toEqual([1]);
    queue.flush(100, byKey(slot), changes);
    expect(written).toEqual([1, 2]);
    queue.flush(200, byKey(slot), changes); // due, nothing new: the turn is kept
    queue.flush(240, byKey(slot), changes);
    expect(written).toEqual([1, 2]);
    record(slot, 3);
    changes++;
    queue.flush(250, byKey(slot), changes); // sent as soon as it came…
    record(slot, 4);
    changes++;
    queue.flush(290, byKey(slot), changes); // …and the schedule is the one it had (next at 300)
    queue.flush(300, byKey(slot), changes);
    expect(written).toEqual([1, 2, 3, 4]);
  });

  it('sends only the slots that changed since the last turn, and the keys asked for', () => {
    const { queue, written } = client();
    const a = new PredictionSlot('a', 0);
    const b = new PredictionSlot('b', 1);
    record(a, 1);
    record(b, 2);
    queue.flush(0, byKey(a, b), 1);
    expect(written).toEqual([1, 2]);
    record(b, 3);
    queue.flush(100, byKey(a, b), 2);
    expect(written).toEqual([1, 2, 3]);
    queue.keys = new Set(['a']);
    record(a, 4);
    record(b, 5);
    queue.flush(200, byKey(a, b), 3);
    expect(written).toEqual([1, 2, 3, 4]);
  });
});
