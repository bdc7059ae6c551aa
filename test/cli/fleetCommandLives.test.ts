// The fleet commands over their lives, in-process (runCli → commandLine) on a real redis-server:
// a worker that waits for the fleet's first samples, its progress lines and summary, a worker
// whose model does not fit the fleet's checkpoints; an ingest's progress, retention and Ctrl-C;
// serve telling a failed reading of the log; and more bad usage, one line each, exit 2.
import { Redis } from 'ioredis';
import { from, lastValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendTo } from '../../src/fleet/appendTo.js';
import { redisLog } from '../../src/fleet/redisLog.js';
import type { Sample } from '../../src/samples/sample.js';
import { startRedis, type TestRedis, withRedis } from '../fleet/redisServer.js';
import { sleep, until } from '../polling.js';
import { killAll, runCli } from './cliProcess.js';

afterEach(killAll);

const refused = async (args: string[]): Promise<string[]> => {
  const cli = runCli(args);
  expect(await cli.exited, args.join(' ')).toEqual({ code: 2, signal: null });
  return cli.stderr.filter((l) => l !== '');
};

describe('fleet commands: more bad usage', () => {
  it('names the flag at fault in one line, exit status 2', async () => {
    const to = ['--to', 'redis://127.0.0.1:1', '--prefix', 'p'];
    expect(await refused(['ingest', ...to, '--retain', 'soon'])).toEqual([
      'streamprop ingest: --retain: must be a number of seconds >= 0, or forever (got "soon")',
    ]);
    expect(await refused(['ingest', ...to, '--source', 'bogus:x'])).toEqual([
      'streamprop ingest: --source: unknown source "bogus:x"; expected sensor, sales, csv:PATH, ndjson:PATH, ndjson:- or mqtt://HOST:PORT/TOPIC (got "bogus:x")',
    ]);
    expect(await refused(['ingest', ...to, '--x', 'a,b'])).toEqual([
      'streamprop ingest: --x: names CSV columns: give it with --source csv:PATH (got "a,b")',
    ]);
    expect(await refused(['ingest', ...to, '--source', 'csv:/tmp/x.csv', '--x', 'a,,b'])).toEqual([
      'streamprop ingest: --x: must name columns, comma-separated, as temp,humidity (got "a,,b")',
    ]);
    const redis = ['--redis', 'redis://127.0.0.1:1', '--prefix', 'p'];
    expect(await refused(['worker', ...redis, '--checkpoint-every', '0'])).toEqual([
      'streamprop worker: --checkpoint-every: must be at least 1 (got "0")',
    ]);
    expect(await refused(['serve', ...redis, '--every-ms', '0'])).toEqual([
      'streamprop serve: --every-ms: must be at least 10 (got "0")',
    ]);
  });
});

/** The JSON lines of a command's standard output. */
const documents = (stdout: string[]) =>
  stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

const samples = (n: number, from = 0): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    x: [(i + from) % 7, ((i + from) * 3) % 5],
    y: ((i + from) % 7) - (((i + from) * 3) % 5),
    key: `s${(i + from) % 6}`,
    id: i + from,
  }));

describe.runIf(withRedis)('fleet commands over their lives, on a real redis-server', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it('workers wait for the first samples, share them, report progress and a summary; Ctrl-C while waiting ends one at once', async () => {
    const url = redis.url;
    const idle = runCli(['worker', '--redis', url, '--prefix', 'empty', '--json']);
    await idle.waitFor(/^waiting for samples in fleet empty to learn their shape$/);
    idle.interrupt();
    expect(await idle.exited).toEqual({ code: 0, signal: null });

    const flags = ['--redis', url, '--prefix', 'late', '--checkpoint-seconds', '0.2'];
    const log = await redisLog({ url, prefix: 'late', shards: 4 }); // the fleet, still empty
    const json = runCli(['worker', ...flags, '--name', 'j', '--json']);
    const text = runCli(['worker', ...flags, '--name', 't']);
    await json.waitFor(/^waiting for samples in fleet late/);
    await text.waitFor(/^waiting for samples in fleet late/);
    // The first records hold no shape (a malformed one, an empty x): the workers pass over them.
    await log.append([
      { shard: 0, body: '{"x": [1,' },
      { shard: 0, body: '{"x":[],"y":1,"key":"s0"}' },
    ]);
    await lastValueFrom(from(samples(600)).pipe(appendTo(log)));
    await json.waitFor(
      /^streamprop worker j: fleet late \(4 shards\), 2 inputs, 1 outputs per key$/,
    );
    await text.waitFor(
      /^streamprop worker t: fleet late \(4 shards\), 2 inputs, 1 outputs per key$/,
    );
    // Progress every 5 s: NDJSON on stdout with --json, a line of words without.
    await until(
      () => documents(json.stdout).some((d) => d.type === 'progress'),
      'a progress document',
      15_000,
    );
    await text.waitFor(/^\d+ shards, [\d,]+ applied \([\d,]+\/s\), \d+ rejected, \d+ checkpoints$/);
    json.interrupt();
    text.interrupt('SIGTERM');
    expect(await json.exited).toEqual({ code: 0, signal: null });
    expect(await text.exited).toEqual({ code: 0, signal: null });
    const summary = documents(json.stdout).find((d) => d.type === 'summary');
    expect(summary).toMatchObject({ type: 'summary', worker: 'j' });
    const stopped = await text.waitFor(/^stopped: /);
    const byText = Number(
      /^stopped: ([\d,]+) entries applied/.exec(stopped)?.[1].replace(/,/g, ''),
    );
    // Between them, every entry applied once: the 600 samples and the 2 records without shape.
    expect((summary?.applied as number) + byText).toBe(602);
    await log.close();
  }, 60_000);

  it('a worker whose model does not fit the fleet’s checkpoints fails in one line, exit 1', async () => {
    const url = redis.url;
    const flags = ['--redis', url, '--prefix', 'fit', '--checkpoint-seconds', '0.2'];
    const log = await redisLog({ url, prefix: 'fit', shards: 2 });
    await lastValueFrom(from(samples(100)).pipe(appendTo(log)));
    const first = runCli(['worker', ...flags, '--name', 'a']);
    await first.waitFor(/^streamprop worker a: fleet fit/);
    const applied = async () => (await log.inspect(0)).applied + (await log.inspect(1)).applied;
    while ((await applied()) < 100) await sleep(50); // the first worker checkpointed them all
    first.interrupt();
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // Another architecture on the same fleet: its shape comes from the checkpoints, its model
    // cannot take them — told in one line, when a key's next sample arrives.
    const other = runCli(['worker', ...flags, '--name', 'b', '--layers', '3']);
    await other.waitFor(
      /^streamprop worker b: fleet fit \(2 shards\), 2 inputs, 1 outputs per key$/,
    );
    await lastValueFrom(from(samples(12, 100)).pipe(appendTo(log)));
    expect(await other.exited).toEqual({ code: 1, signal: null });
    const errors = other.stderr.filter((l) => l.startsWith('streamprop worker: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^streamprop worker: shardedLearner: the checkpoint of key "s\d": holds a 2-32\(tanh\)-16\(tanh\)-1\(linear\) network, makeModel made 2-3\(tanh\)-1\(linear\); a fleet keeps one architecture per key$/,
    );
    await log.close();
  }, 60_000);

  it('ingest reports its progress every 5 s, applies --retain, and stops on Ctrl-C saying so', async () => {
    const url = redis.url;
    const paced = ['--source', 'sensor', '--rate', '200', '--retain', '0', '--shards', '4'];
    const json = runCli(['ingest', '--to', url, '--prefix', 'paced', ...paced, '--json']);
    const text = runCli(['ingest', '--to', url, '--prefix', 'worded', ...paced]);
    await until(
      () => documents(json.stdout).some((d) => d.type === 'progress'),
      'a progress document',
      15_000,
    );
    await text.waitFor(/^appending: [\d,]+ samples$/, 15_000);
    json.interrupt();
    text.interrupt();
    expect(await json.exited).toEqual({ code: 0, signal: null });
    expect(await text.exited).toEqual({ code: 0, signal: null });
    expect(json.stderr).toContain('stopped');
    expect(text.stdout).toContain('stopped');
    const summary = documents(json.stdout).find((d) => d.type === 'summary');
    expect(summary?.appended as number).toBeGreaterThan(0);
    // Nothing was checkpointed, so --retain 0 trimmed nothing: every sample is still there.
    const log = await redisLog({ url, prefix: 'paced' });
    let length = 0;
    for (let s = 0; s < log.shards; s++) length += (await log.inspect(s)).length;
    expect(length).toBe(summary?.appended);
    expect(summary?.trimmed).toBe(0);
    await log.close();
  }, 60_000);

  it('serve tells a failed reading of the log on stderr, once, and goes on', async () => {
    const url = redis.url;
    const log = await redisLog({ url, prefix: 'broken', shards: 2 });
    const client = new Redis(url);
    await client.set('{broken:0}:keys', 'not a hash'); // the key summaries of shard 0: wrong type
    const view = runCli([
      'serve',
      '--redis',
      url,
      '--prefix',
      'broken',
      '--port',
      '0',
      '--every-ms',
      '50',
    ]);
    await view.waitFor(/^streamprop serve: fleet broken \(2 shards\): dashboard /);
    const problem = await view.waitFor(/^streamprop serve: .*WRONGTYPE/);
    // Readings go on every 50 ms (Redis counts them) and fail the same way: told only once.
    const readings = async () =>
      Number(/cmdstat_hgetall:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
    const then = await readings();
    while ((await readings()) < then + 5) await sleep(50);
    view.interrupt('SIGTERM');
    expect(await view.exited).toEqual({ code: 0, signal: null });
    expect(view.stderr.filter((l) => l === problem)).toHaveLength(1);
    client.disconnect();
    await log.close();
  }, 60_000);
});
