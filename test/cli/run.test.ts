// `streamprop run` and `streamprop predict` end to end: in this process (runCli), and as the
// compiled program in child processes where only a process will do (SIGKILL).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkpointStore } from '../../src/index.js';
import { until } from '../polling.js';
import { csvRecord, metricsOf, tempFolder, writeCsv as writeCsvIn } from './cliFiles.js';
import { killAll, runCli, startCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

const writeCsv = (name: string, n: number, bad?: ReadonlyMap<number, string>): string =>
  writeCsvIn(dir, name, n, bad);

describe('streamprop run', () => {
  it('learns from the default sensor feed, serves the dashboard while it runs, stops at --limit', async () => {
    const cli = runCli(['run', '--port', '0', '--rate', '2000', '--limit', '5000']);
    const url = (await cli.waitFor(/^dashboard: /)).slice('dashboard: '.length);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout[0]).toBe(
      'streamprop: learning from the synthetic sensor feed: 4 sensors, °C, forecast from the last 6 readings',
    );
    const status = cli.stdout.filter((l) => l.startsWith('samples '));
    expect(status.length).toBeGreaterThan(0);
    expect(status[0]).toMatch(
      /^samples [\d,]+ {2}[\d,]+\/s {2}rmse \d\.\d+ {2}mae \d\.\d+ {2}lr 0\.00100 {2}rejected 0 {2}drifts \d+ {2}checkpoint none yet$/,
    );
    expect(cli.stderr.filter((l) => l !== '').at(-1)).toMatch(
      /^streamprop: stopped after 5,000 samples: 5,000 read this run, 5,000 learned, 0 rejected; prequential RMSE \d\.\d+, MAE \d\.\d+; no checkpoint$/,
    );
  });

  it('--json: NDJSON metrics on stdout (messages on stderr), the error falling', async () => {
    const cli = runCli(['run', '--port', '0', '--rate', '4000', '--limit', '12000', '--json']);
    expect((await cli.exited).code).toBe(0);
    const metrics = metricsOf(cli.stdout);
    // every line of stdout is JSON: the metrics, then the summary
    expect(metrics.length + 1).toBe(cli.stdout.filter((l) => l !== '').length);
    expect(JSON.parse(cli.stdout.filter((l) => l !== '').at(-1) ?? '')).toMatchObject({
      type: 'summary',
      samples: 12000,
      rejected: 0,
      exitStatus: 0,
    });
    expect(metrics.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < metrics.length; i++) {
      expect(metrics[i].samples).toBeGreaterThan(metrics[i - 1].samples);
    }
    const first = metrics[0];
    const last = metrics[metrics.length - 1];
    expect(last.samples).toBe(12000);
    // The RMSE since the start falls: the later samples are predicted better than the earlier.
    expect(last.total.rmse).toBeLessThan(first.total.rmse);
    expect(cli.stderr.some((l) => l.startsWith('dashboard: http://127.0.0.1:'))).toBe(true);
  });

  it('replays a CSV file to its end, counting its malformed records, and predicts with the checkpoint', async () => {
    const bad = new Map([
      [10, '1700000010000,0.5,oops,1'],
      [500, '1700000500000,0.5'],
      [900, '1700000900000,0.1,0.2,0.3,0.4'],
    ]);
    const csv = writeCsv('replay.csv', 3000, bad);
    const checkpoint = join(dir, 'replay', 'run.ckpt');
    const cli = runCli([
      'run',
      '--source',
      `csv:${csv}`,
      '--port',
      '0',
      '--json',
      '--checkpoint',
      checkpoint,
      '--optimizer',
      'adam',
      '--lr',
      '0.01',
    ]);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain(`streamprop: learning from ${csv}: x = a, b; y = y; t = time`);
    const last = metricsOf(cli.stdout).at(-1);
    expect(last?.samples).toBe(3000);
    expect(last?.rejected).toBe(3);
    expect(last?.rejectedByReason.malformed).toBe(3);
    expect(last?.rmse).toBeLessThan(0.3); // y spans about ±3
    const saved = checkpointStore(checkpoint).loadNewest().newest?.checkpoint;
    expect(saved?.samples).toBe(3000);
    expect(saved?.source).toEqual({ ...csvRecord(csv), position: 3000 });
    expect(saved?.run).toEqual({
      format: 'streamprop-run',
      version: 1,
      source: csvRecord(csv),
      network: {
        inputs: 2,
        outputs: 1,
        layers: [
          { units: 32, activation: 'tanh' },
          { units: 16, activation: 'tanh' },
          { units: 1, activation: 'linear' },
        ],
      },
    });

    const input = [
      JSON.stringify({ x: [0.5, 0.25], id: 'a' }),
      'not json',
      JSON.stringify({ x: [1], id: 'short' }),
      JSON.stringify({ x: [-0.5, 0.5], key: 'k', t: 5 }),
    ].join('\n');
    const predict = runCli(['predict', '--model', checkpoint], input);
    expect((await predict.exited).code).toBe(0);
    const out = predict.stdout.filter((l) => l !== '').map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({ seq: 0, id: 'a' });
    expect(out[0].prediction).toBeCloseTo(2 * 0.5 - 0.25, 0);
    expect(out[1]).toEqual({
      seq: 1,
      error: expect.stringMatching(/^forward: sample 1: line 2 .*not valid JSON/),
    });
    expect(out[2]).toEqual({
      seq: 2,
      id: 'short',
      error: 'forward: sample 2: x.length must be 2, got 1',
    });
    expect(out[3]).toMatchObject({ seq: 3, key: 'k', t: 5 });
    expect(out[3].prediction).toBeCloseTo(2 * -0.5 - 0.5, 0);

    // A CSV of new records, semicolons, the columns in another order, no target: read by the
    // names the checkpoint records, written as CSV.
    const fresh = join(dir, 'fresh.csv');
    writeFileSync(
      fresh,
      'b;time;a\n0.25;1700000000000;0.5\n0.5;1700000001000;-0.5\nx;1700000002000;1\n',
    );
    const csvOut = runCli([
      'predict',
      '--model',
      checkpoint,
      '--source',
      `csv:${fresh}`,
      '--format',
      'csv',
    ]);
    expect((await csvOut.exited).code).toBe(0);
    const rows = csvOut.stdout.filter((l) => l !== '');
    expect(rows[0]).toBe('seq,id,key,t,prediction,error');
    const [first, second, third] = rows.slice(1).map((r) => r.split(','));
    expect(first.slice(0, 4)).toEqual(['0', '', '', '1700000000000']);
    expect(Number(first[4])).toBeCloseTo(2 * 0.5 - 0.25, 0);
    expect(Number(second[4])).toBeCloseTo(2 * -0.5 - 0.5, 0);
    expect(third[4]).toBe('');
    expect(rows[3]).toBe(
      `2,,,1700000002000,,"forward: sample 2: line 4: column b is not a finite number, got ""x"""`,
    );
    expect(rows).toHaveLength(4);
    // A model file that records no columns needs --x.
    const file = join(dir, 'model.json');
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(checkpoint, 'utf8')).model));
    const unnamed = runCli(['predict', '--model', file, '--source', `csv:${fresh}`]);
    expect((await unnamed.exited).code).toBe(1);
    expect(unnamed.stderr.join('\n')).toContain(
      `${file} does not record the input columns of a CSV: name them with --x`,
    );
    const named = runCli(['predict', '--model', file, '--source', `csv:${fresh}`, '--x', 'a,b']);
    expect((await named.exited).code).toBe(0);
    expect(named.stdout.filter((l) => l !== '')).toHaveLength(3);
  });

  it('--x and --y choose the CSV columns; a column the file lacks is named in the error', async () => {
    const csv = writeCsv('columns.csv', 200);
    const cli = runCli([
      'run',
      '--source',
      `csv:${csv}`,
      '--x',
      'b,y',
      '--y',
      'a',
      '--port',
      '0',
      '--json',
    ]);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain(`streamprop: learning from ${csv}: x = b, y; y = a; t = time`);
    expect(metricsOf(cli.stdout).at(-1)?.samples).toBe(200);
    const wrong = runCli(['run', '--source', `csv:${csv}`, '--y', 'temp', '--port', '0']);
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.stderr.join('\n')).toContain(
      `${csv} has no column "temp"; its columns: time, a, b, y`,
    );
  });

  it('finds the delimiter of a semicolon CSV; --no-header names the columns of a file without one', async () => {
    const comma = writeCsv('plain.csv', 300).split('/').pop() as string;
    const text = readFileSync(join(dir, comma), 'utf8');
    const semicolons = join(dir, 'semicolons.csv');
    writeFileSync(semicolons, text.replaceAll(',', ';'));
    const cli = runCli(['run', '--source', `csv:${semicolons}`, '--no-serve', '--json']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain(
      `streamprop: learning from ${semicolons} (;-separated): x = a, b; y = y; t = time`,
    );
    expect(metricsOf(cli.stdout).at(-1)?.samples).toBe(300);

    const headless = join(dir, 'headless.csv');
    writeFileSync(headless, text.slice(text.indexOf('\n') + 1));
    const refused = runCli(['run', '--source', `csv:${headless}`, '--no-serve']);
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(
      /looks like data, not a header naming the columns; if the file has no header, give --no-header \(its columns are then c1 … c4\)$/,
    );
    const read = runCli([
      'run',
      '--source',
      `csv:${headless}`,
      '--no-header',
      '--x',
      'c2,c3',
      '--y',
      'c4',
      '--no-serve',
      '--json',
    ]);
    expect((await read.exited).code).toBe(0);
    expect(read.stderr).toContain(
      `streamprop: learning from ${headless} (no header: columns c1 … c4): x = c2, c3; y = c4`,
    );
    // Every record is a sample: none was taken for a header.
    expect(metricsOf(read.stdout).at(-1)?.samples).toBe(300);
  });

  it('learns from NDJSON on standard input until it ends', async () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({ x: [i % 10, 1], y: (i % 10) / 10 }),
    );
    lines.splice(100, 0, '{"x": [1, 2], "y":');
    const cli = runCli(
      ['run', '--source', 'ndjson:-', '--port', '0', '--json'],
      `${lines.join('\n')}\n`,
    );
    expect((await cli.exited).code).toBe(0);
    const last = metricsOf(cli.stdout).at(-1);
    expect(last?.samples).toBe(401);
    expect(last?.rejectedByReason.malformed).toBe(1);
  });

  it('SIGTERM: writes the final checkpoint and exits 0', async () => {
    const checkpoint = join(dir, 'term', 'run.ckpt');
    const cli = runCli([
      'run',
      '--port',
      '0',
      '--rate',
      '2000',
      '--checkpoint',
      checkpoint,
      '--checkpoint-every',
      '1000000',
    ]);
    await cli.waitFor(/^samples [1-9]/);
    cli.interrupt('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    const stopped =
      /^streamprop: stopped after ([\d,]+) samples: .*; 1 checkpoint written to .*, 0 failed$/.exec(
        cli.stderr.filter((l) => l !== '').at(-1) ?? '',
      );
    expect(stopped).not.toBeNull();
    const samples = Number(stopped?.[1].replaceAll(',', ''));
    expect(checkpointStore(checkpoint).loadNewest().newest?.checkpoint.samples).toBe(samples);
  });

  it('refuses bad options with one line per problem and exit status 2', async () => {
    const cli = runCli(['run', '--layers', '32,x', '--lr', '-1', '--resume']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr.filter((l) => l !== '')).toEqual([
      'streamprop run: --layers: must be a comma-separated list of layer sizes, as 32,16 (got "32,x")',
      'streamprop run: --lr: must be > 0 (got "-1")',
      'streamprop run: --resume: needs --checkpoint PATH to know where to resume from',
    ]);
  });

  it('names a taken port and offers --port 0, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const cli = runCli(['run', '--port', String(port)]);
      expect((await cli.exited).code).toBe(1);
      expect(cli.stderr.filter((l) => l !== '')).toEqual([
        `streamprop: port ${port} of 127.0.0.1 is taken: give another with --port, or --port 0 for any free one (or --no-serve)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('serves a file only when asked; --serve keeps the dashboard up after the end until Ctrl-C', async () => {
    const csv = writeCsv('served.csv', 200);
    const quiet = runCli(['run', '--source', `csv:${csv}`]);
    expect((await quiet.exited).code).toBe(0);
    expect(quiet.stdout.some((l) => l.startsWith('dashboard:'))).toBe(false);
    expect(quiet.stderr.at(-1)).toMatch(/^streamprop: stopped after 200 samples: /);

    const served = runCli(['run', '--source', `csv:${csv}`, '--serve', '--port', '0']);
    const url = (await served.waitFor(/^dashboard: /)).slice('dashboard: '.length);
    await served.waitFor(
      /^the source has ended after 200 samples; the dashboard stays at http:\/\/127\.0\.0\.1:\d+\/ until Ctrl-C$/,
    );
    expect((await fetch(url)).status).toBe(200);
    expect(served.hasExited()).toBe(false);
    served.interrupt('SIGINT');
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.stderr.at(-1)).toMatch(/^streamprop: stopped after 200 samples: /);

    const never = runCli(['run', '--no-serve', '--limit', '300', '--rate', '3000']);
    expect((await never.exited).code).toBe(0);
    expect(never.stdout.some((l) => l.startsWith('dashboard:'))).toBe(false);
  });

  it('says so when the CSV file does not exist, and exits 1', async () => {
    const cli = runCli(['run', '--source', `csv:${join(dir, 'missing.csv')}`, '--port', '0']);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr.join('\n')).toMatch(/missing\.csv.*(ENOENT|no such file)/);
  });
});

describe('streamprop run: killed at random moments (SIGKILL), resumed each time', () => {
  it('always resumes from a sound checkpoint, never counts backwards, never re-reads the file from the start', async () => {
    const records = 40_000;
    const csv = writeCsv('killed.csv', records);
    const checkpoint = join(dir, 'killed', 'run.ckpt');
    const store = checkpointStore(checkpoint);
    const args = [
      'run',
      '--source',
      `csv:${csv}`,
      '--no-serve', // no socket thread to start: the rounds go faster on a loaded machine
      '--checkpoint',
      checkpoint,
      '--checkpoint-every',
      '200',
      '--resume',
    ];
    let random = 12345;
    const nextDelay = (): number => {
      random = (random * 1103515245 + 12345) % 2147483648;
      return Math.floor((random / 2147483648) * 400);
    };
    const saved = (): number => store.loadNewest().newest?.checkpoint.samples ?? 0;
    let previous = 0;
    for (let kill = 0; kill < 8; kill++) {
      const cli = startCli([...args, '--rate', '1500']);
      const resumed = await cli.waitFor(/^(resumed from|no checkpoint to resume)/);
      if (kill === 0) {
        expect(resumed).toBe(`no checkpoint to resume from at ${checkpoint}: starting afresh`);
      } else {
        // From the newest file, or from the one before when the kill fell between the two
        // renames of a save (the newest is then missing, never half written).
        expect([
          `resumed from ${checkpoint} at sample ${previous.toLocaleString('en')}`,
          `resumed from ${checkpoint}.1 at sample ${previous.toLocaleString('en')}`,
        ]).toContain(resumed);
        await cli.waitFor(/^streamprop: learning from /);
        expect(cli.stdout).toContain(
          `streamprop: learning from ${csv}: x = a, b; y = y; t = time; from record ${previous + 1}`,
        );
      }
      // Killed at a random moment once this run has saved at least once (however slowly the
      // machine runs), so that every round moves on.
      await until(() => saved() > previous, `run ${kill} to save a checkpoint`, 60_000);
      await new Promise((resolve) => setTimeout(resolve, nextDelay()));
      cli.child.kill('SIGKILL');
      expect((await cli.exited).signal).toBe('SIGKILL');
      const { newest, problems } = store.loadNewest();
      expect(problems).toEqual([]);
      const samples = newest?.checkpoint.samples ?? 0;
      expect(samples).toBeGreaterThan(previous);
      if (newest !== undefined) {
        expect(newest.checkpoint.source).toEqual({ ...csvRecord(csv), position: samples });
      }
      previous = samples;
    }
    expect(previous).toBeGreaterThanOrEqual(8 * 200);
    // The last run reads the rest as fast as it can: every record was learned from exactly once
    // in the count that survived (what a killed run learned after its checkpoint is learned again).
    const last = runCli([...args, '--json']);
    expect((await last.exited).code).toBe(0);
    expect(metricsOf(last.stdout).at(-1)?.samples).toBe(records);
    expect(store.loadNewest().newest?.checkpoint.samples).toBe(records);
  }, 180_000);
});
