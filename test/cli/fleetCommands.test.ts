// streamprop ingest, worker, status and serve --redis, run in-process (runCli), on a real redis-server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compareOffsets, START_OFFSET } from '../../src/fleet/offset.js';
import { redisLog } from '../../src/fleet/redisLog.js';
import type { DashboardServer } from '../../src/serve/serve.js';
import { startRedis, type TestRedis, withRedis } from '../fleet/redisServer.js';
import { sleep } from '../polling.js';
import { connect } from '../serve/helpers.js';
import { killAll, runCli } from './cliProcess.js';

afterEach(killAll);

describe('fleet commands: bad usage', () => {
  it('names the flag at fault, exit status 2', async () => {
    const cases: [string[], string][] = [
      [['ingest', '--prefix', 'p'], 'streamprop ingest: --to: is required'],
      [
        ['worker', '--redis', 'http://x', '--prefix', 'p'],
        'streamprop worker: --redis: must be a Redis address, as redis://127.0.0.1:6379 (got "http://x")',
      ],
      [
        ['status', '--redis', 'redis://127.0.0.1:1', '--prefix', 'a b'],
        'streamprop status: --prefix: must be a name of letters, digits, ".", "_", "-" or ":" (got "a b")',
      ],
      [
        ['ingest', '--to', 'redis://127.0.0.1:1', '--prefix', 'p', '--rate', '0'],
        'streamprop ingest: --rate: of 0 needs --limit with the synthetic feeds, which never end (got "0")',
      ],
      [
        ['worker', '--redis', 'redis://127.0.0.1:1', '--prefix', 'p', '--lease-ms', '5'],
        'streamprop worker: --lease-ms: must be at least 100 (got "5")',
      ],
      [['serve', '--prefix', 'p'], 'streamprop serve: --redis: is required'],
      [
        ['serve', '--redis', 'redis://127.0.0.1:1', '--prefix', 'p', '--port', '70000'],
        'streamprop serve: --port: must be at most 65535 (got "70000")',
      ],
    ];
    for (const [args, line] of cases) {
      const cli = runCli(args);
      expect(await cli.exited).toEqual({ code: 2, signal: null });
      expect(cli.stderr.filter((l) => l !== '')).toEqual([line]);
    }
  });
});

describe.runIf(withRedis)('fleet commands on a real redis-server', () => {
  let redis: TestRedis;
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-fleet-cli-'));
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingest appends a file, a worker learns it, status counts every key, --retain 0 trims what is learned', async () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ x: [i % 7, (i * 3) % 5], y: (i % 7) + ((i * 3) % 5), key: `s${i % 5}` }),
    );
    lines.splice(100, 0, '{"x": [1,'); // a line that is not JSON: appended, rejected, counted
    const file = join(dir, 'samples.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const url = redis.url;

    const ingest = runCli([
      'ingest',
      '--to',
      url,
      '--prefix',
      'cli',
      '--shards',
      '8',
      '--source',
      `ndjson:${file}`,
    ]);
    expect(await ingest.exited).toEqual({ code: 0, signal: null });
    expect(ingest.stdout).toContain('appended 301 samples');

    const worker = runCli([
      'worker',
      '--redis',
      url,
      '--prefix',
      'cli',
      '--layers',
      '3',
      '--lease-ms',
      '1000',
      '--checkpoint-seconds',
      '0.2',
      '--name',
      'solo',
    ]);
    await worker.waitFor(
      /streamprop worker solo: fleet cli \(8 shards\), 2 inputs, 1 outputs per key/,
    );
    const log = await redisLog({ url, prefix: 'cli' });
    const applied = async () => {
      let n = 0;
      for (let s = 0; s < 8; s++) n += (await log.inspect(s)).applied;
      return n;
    };
    while ((await applied()) < 301) await sleep(50);

    const status = runCli(['status', '--redis', url, '--prefix', 'cli', '--json']);
    expect(await status.exited).toEqual({ code: 0, signal: null });
    const document = JSON.parse(status.stdout.join(''));
    expect(document.totals).toMatchObject({
      appended: 301,
      applied: 301,
      lag: 0,
      learned: 300,
      rejected: 1,
    });
    expect(document.workers.map((w: { name: string }) => w.name)).toEqual(['solo']);
    expect(document.shards.every((s: { owner: string }) => s.owner === 'solo')).toBe(true);
    const learned = Object.values(
      document.keys as Record<string, { learned: number; rejected: number }>,
    );
    expect(learned.reduce((n, k) => n + k.learned + k.rejected, 0)).toBe(301);
    expect(document.keys.s0).toEqual({ learned: 60, rejected: 0 });
    expect(document.metrics.all.total.rmse).toBeGreaterThan(0);

    const human = runCli(['status', '--redis', url, '--prefix', 'cli']);
    expect(await human.exited).toEqual({ code: 0, signal: null });
    expect(human.stdout[0]).toBe('fleet cli: 8 shards (8 held), 1 live workers');
    expect(human.stdout[1]).toBe('  appended 301, checkpointed 301, lag 0');

    // The fleet's view: the page, and the fleet's metrics over the socket; SIGTERM ends it.
    const view = runCli(['serve', '--redis', url, '--prefix', 'cli', '--port', '0']);
    const where = await view.waitFor(/^streamprop serve: fleet cli \(8 shards\): dashboard /);
    const [, page, socketUrl] = /dashboard (\S+), socket (\S+)$/.exec(where) ?? [];
    expect((await fetch(page)).status).toBe(200);
    const client = await connect({ wsUrl: socketUrl } as DashboardServer);
    client.send({ type: 'subscribe', topics: ['metrics'] });
    const fleetMetrics = () =>
      [...client.of('history').flatMap((h) => h.metrics), ...client.of('metrics')].find(
        (m) => m.key === '(all keys)',
      );
    await client.until(() => fleetMetrics() !== undefined, "the fleet's metrics");
    expect(fleetMetrics()).toMatchObject({ samples: 301, rejected: 1, count: 300 });
    expect(fleetMetrics()?.rmse).toBeCloseTo(document.metrics.all.total.rmse, 12);
    client.socket.close();
    view.interrupt('SIGTERM');
    expect(await view.exited).toEqual({ code: 0, signal: null });

    worker.interrupt('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.stdout.at(-1)).toMatch(
      /^stopped: 301 entries applied, \d+ checkpoints written, 0 shards lost, 0 checkpoints refused$/,
    );

    // Retention: entries learned into the checkpoints go; those not yet learned all stay.
    const again = runCli([
      'ingest',
      '--to',
      url,
      '--prefix',
      'cli',
      '--source',
      `ndjson:${file}`,
      '--retain',
      '0',
      '--json',
    ]);
    expect(await again.exited).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(again.stdout.findLast((l) => l.includes('summary')) ?? '{}');
    expect(summary.appended).toBe(301);
    let left = 0;
    let checkpointed = 0;
    for (let s = 0; s < 8; s++) {
      const info = await log.inspect(s);
      const entries = await log.range(s, START_OFFSET, 10_000);
      left += entries.length;
      if (info.applied > 0) checkpointed++;
      const unlearned = entries.filter((e) => compareOffsets(e.offset, info.offset) > 0);
      expect(unlearned).toHaveLength(info.appended - info.applied);
      // The checkpointed entry itself is the oldest kept.
      if (info.applied > 0) expect(entries[0].offset).toBe(info.offset);
    }
    expect(summary.trimmed).toBe(301 - checkpointed);
    expect(left).toBe(602 - summary.trimmed);
    await log.close();
  });

  it('says in one line when Redis cannot be reached', async () => {
    const { freePort } = await import('../ports.js');
    const port = await freePort();
    const status = runCli(['status', '--redis', `redis://127.0.0.1:${port}`, '--prefix', 'x']);
    expect(await status.exited).toEqual({ code: 1, signal: null });
    expect(status.stderr.filter((l) => l !== '')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^streamprop: redisLog: cannot reach Redis at redis://127.0.0.1:${port} within 5000 ms`,
        ),
      ),
    ]);
  });
});
