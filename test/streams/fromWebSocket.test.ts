import type { AddressInfo } from 'node:net';
import { firstValueFrom, Subject, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Sample } from '../../src/index.js';
import { fromWebSocket, type WebSocketConstructor } from '../../streams/index.js';

let feed: WebSocketServer | undefined;
afterEach(async () => {
  if (feed !== undefined) {
    for (const client of feed.clients) client.terminate();
    await new Promise((r) => feed?.close(r));
  }
  feed = undefined;
});

describe('fromWebSocket', () => {
  it('passes valid samples of a server on as copies, and drops and reports the rest', async () => {
    const samples = new Subject<unknown>();
    const rejected: { index: number; problem: string }[] = [];
    const out = firstValueFrom(
      fromWebSocket(
        { samples },
        {
          inputs: 2,
          outputs: 1,
          onRejected: ({ index, problem }) => rejected.push({ index, problem }),
        },
      ).pipe(toArray()),
    );
    const good = { x: [1, 2], y: 3, key: 'k', id: 9, t: 100 };
    samples.next(good);
    samples.next({ x: [1, Number.NaN], y: 1 });
    samples.next({ x: [1, 2, 3] });
    samples.next({ x: [1, 2], y: [1, 2] });
    samples.next('text');
    samples.next({ x: [1, 2], key: {} });
    samples.next({ x: [4, 5], y: [6] });
    samples.complete();
    const result = await out;
    expect(result).toEqual([good, { x: [4, 5], y: [6] }]);
    expect(result[0]).not.toBe(good);
    expect(rejected).toEqual([
      { index: 1, problem: 'x[1]: Invalid input: expected number, received NaN' },
      { index: 2, problem: 'x: must have 2 values, got 3' },
      { index: 3, problem: 'y: must have 1 values, got 2' },
      { index: 4, problem: 'sample: Invalid input: expected object, received string' },
      { index: 5, problem: 'key: must be a string or a finite number' },
    ]);
  });

  it('passes on the malformed samples a server made of invalid messages; a remote service cannot make one', async () => {
    const samples = new Subject<unknown>();
    const out = firstValueFrom(fromWebSocket({ samples }, { inputs: 1 }).pipe(toArray()));
    const malformed = { x: [], malformed: { field: 'sample', value: '{}', problem: 'bad' } };
    samples.next(malformed);
    samples.next({ x: [1] });
    samples.complete();
    expect(await out).toEqual([malformed, { x: [1] }]);

    feed = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => feed?.once('listening', r));
    feed.on('connection', (socket) => {
      socket.send(JSON.stringify({ x: [], malformed: { field: 'f', value: 1, problem: 'p' } }));
      socket.send(JSON.stringify({ x: [2], malformed: { field: 'f', value: 1, problem: 'p' } }));
      socket.close(1000);
    });
    const url = `ws://127.0.0.1:${(feed.address() as AddressInfo).port}/`;
    const rejected: number[] = [];
    const remote: Sample[] = await firstValueFrom(
      fromWebSocket(
        { url, WebSocket: WebSocket as unknown as WebSocketConstructor },
        { onRejected: (r) => rejected.push(r.index) },
      ).pipe(toArray()),
    );
    expect(remote).toEqual([{ x: [2] }]); // copied: its `malformed` is not taken
    expect(rejected).toEqual([0]);
  });

  it("fails the stream on an invalid value with onInvalid: 'error'", async () => {
    const samples = new Subject<unknown>();
    const out = firstValueFrom(fromWebSocket({ samples }, { onInvalid: 'error' }).pipe(toArray()));
    samples.next({ x: [1] });
    samples.next({ x: [] });
    await expect(out).rejects.toThrow(
      'fromWebSocket: value 1: x: Too small: expected array to have >=1 items',
    );
  });

  it('checks its arguments at once', () => {
    expect(() => fromWebSocket({ samples: new Subject() }, { onInvalid: 'drop' as never })).toThrow(
      RangeError,
    );
    expect(() => fromWebSocket({ samples: new Subject() }, { inputs: 0 })).toThrow(RangeError);
    expect(() => fromWebSocket(42 as never)).toThrow(TypeError);
  });

  it('reads samples a WebSocket service pushes, until it closes normally', async () => {
    feed = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => feed?.once('listening', r));
    feed.on('connection', (socket) => {
      socket.send(JSON.stringify({ x: [1], y: 2 }));
      socket.send(JSON.stringify({ type: 'sample', sample: { x: [3], key: 'b' } }));
      socket.send('not json');
      socket.send(JSON.stringify({ x: [5] }));
      socket.close(1000);
    });
    const url = `ws://127.0.0.1:${(feed.address() as AddressInfo).port}/`;
    const rejected: number[] = [];
    const samples: Sample[] = await firstValueFrom(
      fromWebSocket(
        { url, WebSocket: WebSocket as unknown as WebSocketConstructor },
        { onRejected: (r) => rejected.push(r.index) },
      ).pipe(toArray()),
    );
    expect(samples).toEqual([{ x: [1], y: 2 }, { x: [3], key: 'b' }, { x: [5] }]);
    expect(rejected).toEqual([2]);
  });

  it('fails when the service closes abnormally', async () => {
    feed = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => feed?.once('listening', r));
    feed.on('connection', (socket) => socket.close(1011, 'broken'));
    const url = `ws://127.0.0.1:${(feed.address() as AddressInfo).port}/`;
    await expect(
      firstValueFrom(
        fromWebSocket({ url, WebSocket: WebSocket as unknown as WebSocketConstructor }),
      ),
    ).rejects.toThrow('closed with 1011 broken');
  });
});
