// An independent client, not built on ws: Debian's python3 with python3-websockets (apt-get
// install python3-websockets). Skipped when that is missing, except in CI, where it must run.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardServer, serve } from '../../src/serve/index.js';
import { serverMessageSchema } from '../../src/serve/protocol.js';
import { runsWith } from '../requiredTool.js';
import { pacedSteps } from './helpers.js';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pythonClient.py', import.meta.url));
const originScript = fileURLToPath(new URL('./pythonOrigin.py', import.meta.url));

function hasWebsockets(): boolean {
  try {
    execFileSync(python, ['-c', 'import websockets'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const runs = runsWith('python3-websockets', hasWebsockets(), 'python3-websockets');

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.runIf(runs)('an independent Python websockets client', () => {
  it('subscribes, and every frame it receives is valid protocol v1', async () => {
    server = await serve(pacedSteps({ keys: ['a', 'b'], invalidEvery: 40 }), {
      token: 'py-token',
      metrics: { everyMs: 50 },
    });
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        python,
        [script, server?.wsUrl ?? '', 'py-token', '300', '20'],
        { timeout: 40_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const frames = output.trim().split('\n');
    expect(frames.length).toBe(300);
    const messages = frames.map((line) => serverMessageSchema.parse(JSON.parse(line)));
    expect(messages[0].type).toBe('hello');
    const types = new Set(messages.map((m) => m.type));
    for (const type of ['prediction', 'metrics', 'event']) expect(types).toContain(type);
  });

  it('with a foreign Origin gets 403, with and without the token; with the server’s own, it connects', async () => {
    server = await serve(pacedSteps({ keys: ['a'] }), { token: 'py-token' });
    const run = (origin: string, token?: string): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile(
          python,
          [originScript, server?.wsUrl ?? '', origin, ...(token === undefined ? [] : [token])],
          { timeout: 20_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
        );
      });
    expect(await run('http://evil.example')).toBe('403');
    expect(await run('http://evil.example', 'py-token')).toBe('403');
    expect(await run(server.url.replace(/\/$/, ''), 'py-token')).toBe('open');
    expect(await run(server.url.replace(/\/$/, ''))).toBe('401'); // its own origin still needs the token
  });
});
