// Every streamprop run ends with a summary — one line on standard error, and with --json a last
// JSON line on standard output — and an exit status that says whether it learned anything.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkpointStore } from '../../src/index.js';
import { summaryOf, tempFolder, writeCsv } from './cliFiles.js';
import { killAll, runCli, startCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

const lines = (out: string[]): string[] => out.filter((l) => l !== '');

describe('streamprop run: the summary', () => {
  it('one row of 1e200 is rejected as outOfRange and changes nothing else; checkpoints are saved', async () => {
    const clean = writeCsv(dir, 'clean.csv', 3000);
    // the same records, with one more row after the 1,000th whose input is 1e200
    const poisoned = join(dir, 'poisoned.csv');
    const rows = readFileSync(clean, 'utf8').split('\n');
    rows.splice(1001, 0, '1700000999500,1e200,0.5,0.1');
    writeFileSync(poisoned, rows.join('\n'));
    const run = async (csv: string, name: string) => {
      const checkpoint = join(dir, name, 'run.ckpt');
      const cli = runCli([
        ...['run', '--source', `csv:${csv}`, '--port', '0', '--json', '--lr', '0.01'],
        ...['--checkpoint', checkpoint, '--checkpoint-every', '500'],
      ]);
      expect((await cli.exited).code).toBe(0);
      expect(checkpointStore(checkpoint).loadNewest().newest?.checkpoint.samples).toBe(
        name === 'clean' ? 3000 : 3001,
      );
      return { summary: summaryOf(cli.stdout), stderr: lines(cli.stderr) };
    };
    const a = await run(clean, 'clean');
    const b = await run(poisoned, 'poisoned');
    expect(a.summary).toMatchObject({
      samples: 3000,
      rejected: 0,
      exitStatus: 0,
      checkpointsFailed: 0,
    });
    expect(b.summary).toMatchObject({
      samples: 3000,
      rejected: 1,
      exitStatus: 0,
      checkpointsFailed: 0,
    });
    expect(b.summary?.rejectedByReason.outOfRange).toBe(1);
    // the row touched no state: the other 3,000 are predicted and learned exactly as without it
    expect(b.summary?.rmse).toBe(a.summary?.rmse);
    expect(b.summary?.mae).toBe(a.summary?.mae);
    expect(a.summary?.rmse).toBeLessThan(1); // y spans about ±3: it learned (0 everywhere scores 1.6)
    expect(b.stderr.at(-1)).toMatch(
      /^streamprop: stopped after 3,001 samples: 3,001 read this run, 3,000 learned, 1 rejected \(outOfRange 1\); prequential RMSE 0\.\d+, MAE 0\.\d+; 7 checkpoints written to .*, 0 failed$/,
    );
  });

  it('a run in which every record is rejected exits 1 and says why, with the counts', async () => {
    const csv = join(dir, 'all-bad.csv');
    writeFileSync(
      csv,
      `a,b,y\n${Array.from({ length: 50 }, (_, i) => `${i},${i},oops`).join('\n')}\n`,
    );
    const cli = runCli([
      'run',
      '--source',
      `csv:${csv}`,
      '--x',
      'a,b',
      '--y',
      'y',
      '--port',
      '0',
      '--json',
    ]);
    expect((await cli.exited).code).toBe(1);
    const err = lines(cli.stderr);
    expect(err).toContain('streamprop: nothing was learned: all 50 records read were rejected');
    expect(err.at(-1)).toMatch(/: 50 read this run, 0 learned, 50 rejected \(malformed 50\);/);
    expect(summaryOf(cli.stdout)).toMatchObject({
      samples: 0,
      rejected: 50,
      records: 50,
      rmse: null,
      mae: null,
      exitStatus: 1,
    });
  });

  it('a stray quote costs its own record; a record over --max-record-bytes is rejected as tooLarge', async () => {
    const rows = readFileSync(writeCsv(dir, 'stray.csv', 1000), 'utf8').split('\n');
    rows[501] = rows[501].replace(',', ',"'); // record 501: a quote opened, never closed
    rows[801] = `${rows[801]},${'9'.repeat(5000)}`; // record 801: 5 kB
    const csv = join(dir, 'stray.csv');
    writeFileSync(csv, rows.join('\n'));
    const cli = runCli([
      ...['run', '--source', `csv:${csv}`, '--json', '--max-record-bytes', '1000'],
    ]);
    expect((await cli.exited).code).toBe(0);
    expect(summaryOf(cli.stdout)).toMatchObject({ samples: 998, rejected: 2, records: 1000 });
    expect(summaryOf(cli.stdout)?.rejectedByReason).toMatchObject({ malformed: 1, tooLarge: 1 });
    const bad = runCli(['run', '--source', 'sensor', '--max-record-bytes', '1k']);
    expect((await bad.exited).code).toBe(2);
    expect(lines(bad.stderr)).toEqual([
      'streamprop run: --max-record-bytes: must be a number (got "1k")',
    ]);
  });

  it('random bytes as NDJSON: exit 1, every line counted as malformed', async () => {
    const path = join(dir, 'random.ndjson');
    let bytes = randomBytes(64 * 1024);
    bytes = Buffer.from(bytes.map((b) => (b === 10 ? 11 : b))); // no line breaks but these:
    for (let i = 0; i < bytes.length; i += 1000) bytes[i] = 10;
    writeFileSync(path, bytes);
    const cli = runCli(['run', '--source', `ndjson:${path}`, '--port', '0', '--json']);
    expect((await cli.exited).code).toBe(1);
    const summary = summaryOf(cli.stdout);
    expect(summary?.records).toBeGreaterThanOrEqual(60);
    expect(summary?.rejected).toBe(summary?.records);
    expect(summary?.rejectedByReason.malformed).toBe(summary?.records);
    expect(lines(cli.stderr).join('\n')).not.toMatch(/\n\s+at /);
  });

  it('standard output closed by its reader (| head): stops as on Ctrl-C, no stack trace (the program)', async () => {
    const csv = writeCsv(dir, 'piped.csv', 20_000);
    const cli = startCli([
      'run',
      '--source',
      `csv:${csv}`,
      '--port',
      '0',
      '--rate',
      '2000',
      '--json',
    ]);
    await cli.waitFor(/^\{"type":"metrics"/);
    cli.child.stdout?.destroy(); // the reader goes away: the next write fails with EPIPE
    expect((await cli.exited).code).toBe(0);
    const err = lines(cli.stderr);
    expect(err.join('\n')).not.toMatch(/EPIPE|\n\s+at /);
    expect(err.at(-1)).toMatch(/^streamprop: stopped after [\d,]+ samples: /);
  });

  it('standard output failing (EPIPE) in-process: the run stops as on Ctrl-C and writes no more to it', async () => {
    const csv = writeCsv(dir, 'piped-here.csv', 20_000);
    const cli = runCli(['run', '--source', `csv:${csv}`, '--no-serve', '--rate', '2000', '--json']);
    await cli.waitFor(/^\{"type":"metrics"/);
    const written = cli.stdout.length;
    cli.output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout.length).toBeLessThanOrEqual(written + 1); // at most the write under way
    expect(lines(cli.stdout).some((l) => l.includes('"type":"summary"'))).toBe(false);
    expect(lines(cli.stderr).at(-1)).toMatch(/^streamprop: stopped after [\d,]+ samples: /);
  });

  it('an empty source is no failure: exit 0, nothing read', async () => {
    const path = join(dir, 'empty.ndjson');
    writeFileSync(path, '');
    const cli = runCli(['run', '--source', `ndjson:${path}`, '--port', '0']);
    expect((await cli.exited).code).toBe(0);
    expect(lines(cli.stderr).at(-1)).toBe(
      'streamprop: stopped after 0 samples: 0 read this run, 0 learned, 0 rejected; prequential RMSE –, MAE –; no checkpoint',
    );
  });
});
