import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { EMPTY, tap } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hostAllowed } from '../../src/serve/authorize.js';
import { type DashboardServer, serve } from '../../src/serve/index.js';
import { until } from '../polling.js';
import { connect, expectValid, pacedSteps, refusal } from './helpers.js';

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serve: who may connect', () => {
  it('answers 401 without a token and with a wrong one', async () => {
    server = await serve(EMPTY, { token: 'right-token' });
    expect(await refusal(server.wsUrl)).toBe(401);
    expect(await refusal(server.wsUrl, { headers: { authorization: 'Bearer wrong' } })).toBe(401);
    expect(await refusal(server.wsUrl, { protocols: ['streamprop.v1', 'token.wrong'] })).toBe(401);
    expect(await refusal(server.wsUrl, { headers: { authorization: 'Basic right-token' } })).toBe(
      401,
    );
  });

  it('admits a Bearer token and the subprotocol form, selecting streamprop.v1', async () => {
    server = await serve(EMPTY, { token: 'right-token' });
    const program = await connect(server, { headers: { authorization: 'Bearer right-token' } });
    const browser = await connect(server, { protocols: ['streamprop.v1', 'token.right-token'] });
    expect(browser.socket.protocol).toBe('streamprop.v1');
    expect(program.socket.protocol).toBe('');
    await browser.until(() => browser.messages.length === 1, 'hello');
    expect(browser.of('hello')[0].producer).toBe(false);
    expect(server.clientCount).toBe(2);
  });

  it('answers 403 for an Origin not on the allow-list, and 404 off /ws', async () => {
    server = await serve(EMPTY, { allowOrigins: ['http://good.example'] });
    expect(await refusal(server.wsUrl, { origin: 'http://evil.example' })).toBe(403);
    const ok = await connect(server, { origin: 'http://good.example' });
    expect(ok.socket.readyState).toBe(WebSocket.OPEN);
    expect(await refusal(server.wsUrl.replace('/ws', '/other'))).toBe(404);
  });
});

describe('serve: the Origin and Host policy', () => {
  /** The status of an HTTP GET of `path` with these headers (ws's client cannot set Host). */
  const get = (port: number, path: string, headers: Record<string, string>): Promise<number> =>
    new Promise((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
  /** The status line of a WebSocket upgrade with these headers, as a raw request. */
  const upgrade = (port: number, headers: Record<string, string>): Promise<number> =>
    new Promise((resolve, reject) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/ws',
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...headers,
        },
      });
      request.on('upgrade', (response, socket) => {
        socket.destroy();
        resolve(response.statusCode ?? 0);
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });

  it('by default admits programs (no Origin) and the server’s own origin, refuses others with 403, token or not', async () => {
    server = await serve(EMPTY, { token: 't0k' });
    const own = server.url.replace(/\/$/, '');
    const auth = { authorization: 'Bearer t0k' };
    const program = await connect(server, { headers: auth });
    expect(program.socket.readyState).toBe(WebSocket.OPEN);
    const page = await connect(server, { headers: auth, origin: own });
    expect(page.socket.readyState).toBe(WebSocket.OPEN);
    for (const origin of [
      'http://127.0.0.1:1',
      'http://evil.example',
      'null',
      `${own}.evil.example`,
    ]) {
      expect(await refusal(server.wsUrl, { origin })).toBe(403);
      expect(await refusal(server.wsUrl, { origin, headers: auth })).toBe(403);
    }
    // localhost is the same server, addressed by another name: its own origin too
    const port = server.port;
    expect(
      await upgrade(port, {
        host: `localhost:${port}`,
        origin: `http://localhost:${port}`,
        ...auth,
      }),
    ).toBe(101);
    expect(await upgrade(port, { host: `localhost:${port}`, origin: own, ...auth })).toBe(403);
  });

  it('allowOrigins adds origins (* any)', async () => {
    server = await serve(EMPTY, { allowOrigins: ['http://app.example:3000'] });
    expect((await connect(server, { origin: 'http://app.example:3000' })).socket.readyState).toBe(
      WebSocket.OPEN,
    );
    expect(await refusal(server.wsUrl, { origin: 'http://app.example:3001' })).toBe(403);
    await server.close();
    server = await serve(EMPTY, { allowOrigins: ['*'] });
    expect((await connect(server, { origin: 'http://anything.example' })).socket.readyState).toBe(
      WebSocket.OPEN,
    );
  });

  it('refuses a Host that is not the bound address nor a loopback name (DNS rebinding), page and socket', async () => {
    server = await serve(EMPTY);
    const port = server.port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `dash.localhost:${port}`,
      `[::1]:${port}`,
      '127.0.0.2',
    ]) {
      expect(await get(port, '/', { host })).toBe(200);
    }
    for (const host of [
      `rebind.example:${port}`,
      'evil.example',
      `192.0.2.7:${port}`,
      'a@127.0.0.1',
      'bad_host!',
    ]) {
      expect(await get(port, '/', { host })).toBe(403);
      expect(await upgrade(port, { host })).toBe(403);
    }
    // a page of the rebound name is also its own origin: the Host check stops it
    expect(
      await upgrade(port, {
        host: `rebind.example:${port}`,
        origin: `http://rebind.example:${port}`,
      }),
    ).toBe(403);
    expect(await upgrade(port, { host: `localhost:${port}` })).toBe(101);
    await server.close();
    server = await serve(EMPTY, { allowHosts: ['dash.lan'] });
    expect(await get(server.port, '/', { host: `dash.lan:${server.port}` })).toBe(200);
    expect(await upgrade(server.port, { host: 'DASH.LAN' })).toBe(101);
    expect(await get(server.port, '/', { host: 'other.lan' })).toBe(403);
  });
  it('bound to every interface, any address is its own, a name is not', () => {
    const asked = (host: string) => ({ headers: { host } }) as IncomingMessage;
    const all = { host: '0.0.0.0', allowHosts: undefined };
    expect(hostAllowed(asked('192.168.1.7:8080'), all)).toBe(true);
    expect(hostAllowed(asked('[fe80::1]:8080'), { host: '::', allowHosts: undefined })).toBe(true);
    expect(hostAllowed(asked('rebind.example:8080'), all)).toBe(false);
    expect(hostAllowed(asked('192.168.1.7'), { host: '127.0.0.1', allowHosts: undefined })).toBe(
      false,
    );
    expect(hostAllowed(asked('Dash.Lan'), { host: 'dash.lan', allowHosts: undefined })).toBe(true);
    expect(hostAllowed(asked('x.example'), { host: '127.0.0.1', allowHosts: ['*'] })).toBe(true);
  });
});

describe('serve: hostile and broken clients', () => {
  it('closes with 1009 on a frame over maxPayload', async () => {
    server = await serve(EMPTY);
    const client = await connect(server);
    client.send(`{"type":"subscribe","topics":[],"pad":"${'x'.repeat(70 * 1024)}"}`);
    expect(await client.closed).toBe(1009);
  });

  it('answers malformed frames with error frames, then closes with 1008', async () => {
    server = await serve(EMPTY, { maxOffences: 5 });
    const client = await connect(server);
    client.send('not json');
    client.send('[1, 2]');
    client.send({ type: 'launch' });
    client.send({ type: 'subscribe', topics: ['everything'] });
    await client.until(() => client.of('error').length === 4, 'four error frames');
    expect(client.of('error').map((e) => e.code)).toEqual([
      'malformed',
      'malformed',
      'unknown-type',
      'invalid-message',
    ]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.closed).toBe(1008);
    expect(client.of('error')).toHaveLength(5);
    expectValid(client);
    expect(server.stats().offendersClosed).toBe(1);
  });

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    server = await serve(EMPTY, { heartbeatMs: 200 });
    const silent = await connect(server, { autoPong: false });
    const alive = await connect(server);
    let pings = 0;
    alive.socket.on('ping', () => pings++);
    expect(await silent.closed).toBe(1006); // terminated: no close frame
    const seen = pings;
    await until(() => pings >= seen + 4, 'four more heartbeats'); // each answered by alive
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(server.stats().deadPeersTerminated).toBe(1);
    expect(server.clientCount).toBe(1);
  });

  it('drops a client that stops reading, with bounded memory, while others and the learner go on', async () => {
    const maxBufferedBytes = 64 * 1024;
    let steps = 0;
    const learner = pacedSteps({
      keys: Array.from({ length: 20 }, (_, i) => `k${i}`),
      outputs: 32,
    });
    server = await serve(learner.pipe(tap(() => steps++)), {
      maxBufferedBytes,
      dropAfterMs: 300,
      heartbeatMs: 60_000,
    });
    const reader = await connect(server);
    const stuck = await connect(server);
    for (const client of [reader, stuck]) {
      client.send({
        type: 'subscribe',
        topics: ['prediction', 'metrics', 'event'],
        maxRateHz: 1000,
      });
    }
    await stuck.until(() => stuck.of('prediction').length > 0, 'the first predictions');
    // Stop reading: the kernel buffers fill, then the server's bufferedAmount grows.
    (stuck.socket as unknown as { _socket: Socket })._socket.pause();
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, server?.stats().bufferedBytes ?? 0);
    }, 5);
    try {
      await until(() => (server?.stats().slowClientsDropped ?? 0) === 1, 'the drop', 20_000);
    } finally {
      clearInterval(sampler);
    }
    // It was over the limit (that is why it was dropped), and never by more than a frame or so.
    expect(maxBuffered).toBeGreaterThanOrEqual(maxBufferedBytes);
    expect(maxBuffered).toBeLessThan(maxBufferedBytes + 16 * 1024);
    await until(() => server?.clientCount === 1, 'the stuck client to be gone', 5000);
    const [seenSteps, seenByReader] = [steps, reader.of('prediction').length];
    await reader.until(
      () => reader.of('prediction').length > seenByReader + 100,
      'more predictions for the reader',
    );
    await until(() => steps > seenSteps + 1000, 'more steps', 5000);
    expect(reader.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('never holds the learner back: it goes on through a client whose buffer is full', async () => {
    const maxBufferedBytes = 16 * 1024;
    let count = 0;
    const learner = pacedSteps({ keys: ['a', 'b', 'c', 'd'], outputs: 200, perTick: 50 });
    server = await serve(learner.pipe(tap(() => count++)), {
      maxBufferedBytes,
      dropAfterMs: 600_000,
      heartbeatMs: 600_000,
    });
    const stuck = await connect(server);
    stuck.send({ type: 'subscribe', topics: ['prediction', 'metrics', 'event'], maxRateHz: 1000 });
    await stuck.until(() => stuck.of('prediction').length > 0, 'the first predictions');
    (stuck.socket as unknown as { _socket: Socket })._socket.pause();
    await until(
      () => (server?.stats().bufferedBytes ?? 0) >= maxBufferedBytes,
      'the stuck client to fill its buffer',
      20_000,
    );
    // Every step the learner made reached the server at once: nothing waits in between.
    expect(server.stats().steps).toBe(count);
    const from = count;
    await until(() => count >= from + 20_000, '20,000 more steps', 20_000);
    expect(server.stats().steps).toBe(count);
    expect(server.clientCount).toBe(1); // still connected, still stuck
    expect(server.stats().bufferedBytes).toBeLessThan(maxBufferedBytes + 16 * 1024);
  });
});
