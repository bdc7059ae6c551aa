// streamprop run --allow-origin / --allow-host: the dashboard's socket refuses pages of other
// sites and requests that name another host, unless the command allows them.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { killAll, runCli } from './cliProcess.js';

afterEach(killAll);

/** The HTTP status a WebSocket handshake gets (101 when it opens). */
const handshake = (url: string, headers: Record<string, string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode ?? 0);
    });
    socket.on('error', reject);
  });

/** The status of a GET of the page with this Host header. */
const page = (url: string, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      { host: target.hostname, port: target.port, path: '/', headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('streamprop run: the Origin and Host policy', () => {
  it('refuses other origins and hosts by default; --allow-origin and --allow-host (repeatable) add some', async () => {
    const base = ['run', '--port', '0', '--rate', '200'];
    const strict = runCli(base);
    const url = (await strict.waitFor(/^dashboard: /)).slice('dashboard: '.length);
    const ws = url.replace('http://', 'ws://').replace(/\/$/, '/ws');
    expect(await handshake(ws, { origin: 'http://app.example:3000' })).toBe(403);
    expect(await handshake(ws, { origin: url.replace(/\/$/, '') })).toBe(101);
    expect(await page(url, 'dash.lan')).toBe(403);
    strict.interrupt('SIGTERM');
    await strict.exited;

    const open = runCli([
      ...base,
      ...['--allow-origin', 'http://app.example:3000', '--allow-origin', 'http://b.example'],
      ...['--allow-host', 'dash.lan'],
    ]);
    const url2 = (await open.waitFor(/^dashboard: /)).slice('dashboard: '.length);
    const ws2 = url2.replace('http://', 'ws://').replace(/\/$/, '/ws');
    expect(await handshake(ws2, { origin: 'http://app.example:3000' })).toBe(101);
    expect(await handshake(ws2, { origin: 'http://b.example' })).toBe(101);
    expect(await handshake(ws2, { origin: 'http://c.example' })).toBe(403);
    expect(await page(url2, 'dash.lan')).toBe(200);
    open.interrupt('SIGTERM');
    expect((await open.exited).code).toBe(0);

    const bad = runCli([...base, '--allow-origin', 'app.example/x']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr.filter((l) => l !== '')).toEqual([
      'streamprop run: --allow-origin: must be an origin such as http://localhost:3000 (scheme, host and port), null or * (got "app.example/x")',
    ]);
  });
});
