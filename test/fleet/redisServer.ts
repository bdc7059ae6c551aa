// A real Redis for the tests: Debian's redis-server, started on a free loopback port with a
// directory of its own, stopped by PID. CI installs it with apt-get (.ci/run).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../polling.js';
import { freePort, listening } from '../ports.js';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);
/** Whether the Redis tests run: without CI a machine may lack the server; in CI its absence must fail the run. */
export const withRedis = REDIS_SERVER !== undefined || process.env.CI !== undefined;

/** A redis-server of a test: its URL, and how to stop, kill or restart it (same port, same data). */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: () => ChildProcess;
  /** Stops it with SIGTERM (Redis saves and exits) or, with `kill`, SIGKILL (a crash). */
  stop(how?: 'term' | 'kill'): Promise<void>;
  /** Starts it again on the same port and directory (it reloads its AOF). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 and a free port; `aof`: append-only file, fsync always. */
export const startRedis = async (options: { aof?: boolean } = {}): Promise<TestRedis> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.aof ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawn(REDIS_SERVER ?? 'redis-server', args, { stdio: 'ignore' });
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `redis-server did not start on port ${port} (exit code ${started.exitCode})`,
        );
      }
      await sleep(20);
    }
  };
  const stop = async (how: 'term' | 'kill' = 'term'): Promise<void> => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(how === 'kill' ? 'SIGKILL' : 'SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: () => child as ChildProcess,
    stop,
    start,
    dispose: async () => {
      await stop('kill');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
