// streamprop run with checkpoints that cannot be written, and --resume with checkpoints of
// another run: refused before anything starts (exit 2, no file touched), warned about while
// learning goes on, reported at the end.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkpointStore } from '../../src/index.js';
import { until } from '../polling.js';
import { metricsOf, summaryOf, tempFolder, writeCsv } from './cliFiles.js';
import { killAll, runCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

const lines = (out: string[]): string[] => out.filter((l) => l !== '');

/** The bytes and modification time of each file, to check that none was touched. */
const snapshot = (...paths: string[]): string[] =>
  paths.map((p) => `${p} ${statSync(p).mtimeMs} ${readFileSync(p, 'utf8').length}`);

describe('streamprop run: a checkpoint path that cannot be written', () => {
  it('is refused before learning starts: one line naming the path and the cause, exit 2', async () => {
    const folder = join(dir, 'a-folder.ckpt');
    mkdirSync(folder);
    const plainFile = join(dir, 'plain');
    writeFileSync(plainFile, 'x');
    for (const [path, code] of [
      [folder, 'EISDIR'],
      [join(plainFile, 'run.ckpt'), 'ENOTDIR|EEXIST'],
    ]) {
      const cli = runCli(['run', '--port', '0', '--limit', '10', '--checkpoint', path]);
      expect((await cli.exited).code).toBe(2);
      expect(lines(cli.stdout)).toEqual([]);
      const err = lines(cli.stderr);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(
        new RegExp(
          `^streamprop run: --checkpoint: cannot write checkpoints to ${path}: .*(${code})`,
        ),
      );
    }
  });

  it('fails mid-run: one warning naming the path, learning and serving go on, the next save retries', async () => {
    // A feed that never ends, so that nothing depends on how fast this machine runs: the run
    // goes on until the test has seen each step, then stops on Ctrl-C.
    const checkpoint = join(dir, 'mid', 'run.ckpt');
    const args = ['run', '--source', 'sensor', '--port', '0', '--rate', '1500', '--json'];
    const cli = runCli([...args, '--checkpoint', checkpoint, '--checkpoint-every', '300']);
    const store = checkpointStore(checkpoint);
    await until(() => store.loadNewest().newest !== undefined, 'the first checkpoint', 30_000);
    // The save writes PATH.<pid>.tmp first: a folder of that name makes every save fail (EISDIR).
    const blocker = `${checkpoint}.${cli.pid}.tmp`;
    mkdirSync(blocker);
    const warning = await cli.waitFor(/could not be saved/);
    expect(warning).toMatch(
      new RegExp(
        `^streamprop: warning: the checkpoint could not be saved to ${checkpoint}: .*EISDIR.*; learning goes on, the next save retries$`,
      ),
    );
    const samplesAt = (): number => metricsOf(cli.stdout).at(-1)?.samples ?? 0;
    const before = samplesAt();
    await until(() => samplesAt() > before + 600, 'learning to go on after the failure', 30_000);
    const url = (lines(cli.stderr).find((l) => l.startsWith('dashboard: ')) ?? '').slice(11);
    expect((await fetch(url)).status).toBe(200);
    // one warning for the streak, not one per attempt
    expect(lines(cli.stderr).filter((l) => /could not be saved/.test(l))).toHaveLength(1);
    rmSync(blocker, { recursive: true });
    expect(await cli.waitFor(/saved to .* again/)).toMatch(
      new RegExp(
        `^streamprop: the checkpoint was saved to ${checkpoint} again, after \\d+ failed saves?$`,
      ),
    );
    cli.interrupt();
    expect((await cli.exited).code).toBe(0);
    const summary = summaryOf(cli.stdout);
    expect(summary?.checkpointsFailed).toBeGreaterThan(0);
    expect(summary?.samples).toBeGreaterThan(before + 600);
    expect(lines(cli.stderr).join('\n')).not.toMatch(/\n\s+at /); // no stack trace
    expect(store.loadNewest().newest?.checkpoint.samples).toBe(summary?.samples);
  }, 90_000);

  it('exits 1 when its last save failed, and says so', async () => {
    const csv = writeCsv(dir, 'short.csv', 2000);
    const checkpoint = join(dir, 'last', 'run.ckpt');
    const cli = runCli([
      ...['run', '--source', `csv:${csv}`, '--port', '0', '--rate', '1000'],
      ...['--checkpoint', checkpoint, '--checkpoint-every', '100000'],
    ]);
    await cli.waitFor(/^dashboard: /);
    mkdirSync(`${checkpoint}.${cli.pid}.tmp`);
    expect((await cli.exited).code).toBe(1);
    const err = lines(cli.stderr);
    expect(err).toContain(`streamprop: the last checkpoint could not be saved to ${checkpoint}`);
    expect(err.at(-1)).toMatch(/; 0 checkpoints written to .*, 1 failed$/);
  });
});

describe('streamprop run --resume: a checkpoint of another run', () => {
  it('is refused, naming both sides, with exit 2; neither checkpoint file is touched', async () => {
    const checkpoint = join(dir, 'foreign', 'run.ckpt');
    const sensor = ['run', '--port', '0', '--rate', '5000', '--checkpoint', checkpoint];
    for (const limit of ['300', '600']) {
      expect((await runCli([...sensor, '--limit', limit, '--resume']).exited).code).toBe(0);
    }
    const files = snapshot(checkpoint, `${checkpoint}.1`);
    const csv = writeCsv(dir, 'other.csv', 500);
    const cli = runCli([
      'run',
      '--source',
      `csv:${csv}`,
      '--port',
      '0',
      '--checkpoint',
      checkpoint,
      '--resume',
    ]);
    expect((await cli.exited).code).toBe(2);
    expect(lines(cli.stderr)).toEqual([
      `streamprop run: --resume: ${checkpoint} was made by another run`,
      `streamprop run: --resume: source: the checkpoint's is the synthetic sensor feed, this run's csv:${csv}`,
      "streamprop run: --resume: network inputs: the checkpoint's is 8, this run's 2",
      `streamprop run: --resume: ${checkpoint} is left as it is; give another --checkpoint, or move it away to start afresh`,
    ]);
    expect(snapshot(checkpoint, `${checkpoint}.1`)).toEqual(files);

    const layers = runCli([...sensor, '--layers', '8', '--resume']);
    expect((await layers.exited).code).toBe(2);
    expect(lines(layers.stderr)).toContain(
      "streamprop run: --resume: hidden layers (--layers, --activation): the checkpoint's is 32 tanh, 16 tanh, this run's 8 tanh",
    );
    expect(snapshot(checkpoint, `${checkpoint}.1`)).toEqual(files);
  });

  it('of other columns of the same file is refused too', async () => {
    const csv = writeCsv(dir, 'columns.csv', 300);
    const checkpoint = join(dir, 'columns', 'run.ckpt');
    const args = ['run', '--source', `csv:${csv}`, '--port', '0', '--checkpoint', checkpoint];
    expect((await runCli(args).exited).code).toBe(0);
    const cli = runCli([...args, '--x', 'b,a', '--resume']);
    expect((await cli.exited).code).toBe(2);
    expect(lines(cli.stderr)).toContain(
      "streamprop run: --resume: input columns (--x): the checkpoint's is a,b, this run's b,a",
    );
  });

  it('whose samples turn out to be of another shape is refused at the first one, writing nothing', async () => {
    const ndjson = join(dir, 'shape.ndjson');
    const write = (inputs: number, records: number): void =>
      writeFileSync(
        ndjson,
        Array.from({ length: records }, (_, i) =>
          JSON.stringify({
            x: Array.from({ length: inputs }, (_, k) => Math.sin(i + k)),
            y: i % 7,
          }),
        ).join('\n'),
      );
    write(3, 200);
    const checkpoint = join(dir, 'shape', 'run.ckpt');
    const args = ['run', '--source', `ndjson:${ndjson}`, '--port', '0', '--checkpoint', checkpoint];
    expect((await runCli(args).exited).code).toBe(0);
    const files = snapshot(checkpoint);
    write(5, 400); // the same file, now longer and with 5 inputs
    const cli = runCli([...args, '--resume']);
    expect((await cli.exited).code).toBe(2);
    expect(lines(cli.stderr).join('\n')).toContain(
      `streamprop: --resume: the samples have 5 inputs and 1 target, the network of ${checkpoint} 3 inputs and 1 output: it was made on other data; no checkpoint was written`,
    );
    expect(snapshot(checkpoint)).toEqual(files);
  });
});

describe('streamprop run --resume: what it finds', () => {
  it('says so when PATH is missing and PATH.1 is used', async () => {
    const csv = writeCsv(dir, 'missing.csv', 400);
    const checkpoint = join(dir, 'missing', 'run.ckpt');
    const args = ['run', '--source', `csv:${csv}`, '--port', '0', '--checkpoint', checkpoint];
    expect((await runCli([...args, '--limit', '100']).exited).code).toBe(0);
    expect((await runCli([...args, '--limit', '100', '--resume']).exited).code).toBe(0);
    renameSync(checkpoint, join(dir, 'missing', 'moved-away'));
    const cli = runCli([...args, '--resume']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout).toContain(
      `${checkpoint} is missing: resuming from the checkpoint before it, ${checkpoint}.1`,
    );
    expect(cli.stdout).toContain(`resumed from ${checkpoint}.1 at sample 100`);
  });

  it('reports a saved read position beyond the end of the file, with exit 1', async () => {
    const checkpoint = join(dir, 'beyond', 'run.ckpt');
    const csv = writeCsv(dir, 'beyond.csv', 1000);
    const args = ['run', '--source', `csv:${csv}`, '--port', '0', '--checkpoint', checkpoint];
    expect((await runCli(args).exited).code).toBe(0);
    // all read: resuming reads nothing more, and that is fine
    const again = runCli([...args, '--resume', '--json']);
    expect((await again.exited).code).toBe(0);
    expect(summaryOf(again.stdout)).toMatchObject({ records: 0, total: 1000 });
    writeCsv(dir, 'beyond.csv', 600); // the file was replaced by a shorter one
    const cli = runCli([...args, '--resume']);
    expect((await cli.exited).code).toBe(1);
    expect(lines(cli.stderr)).toContain(
      `streamprop: csv:${csv} has fewer records than the 1,000 the checkpoint had read: the file was changed or replaced since`,
    );
  });
});
