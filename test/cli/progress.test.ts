// The progress bar of a file replay: on a terminal (a pseudo-terminal made by util-linux's
// `script`) above the status block; nothing of it into a pipe.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runsWith } from '../requiredTool.js';
import { killAll, runCli } from './cliProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'streamprop-progress-'));
afterEach(killAll);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csv = join(dir, 'replay.csv');
writeFileSync(
  csv,
  `time,a,b,y\n${Array.from({ length: 4000 }, (_, i) => `${i},${Math.sin(i)},${Math.cos(i)},${Math.sin(i + 1)}`).join('\n')}\n`,
);
const SCRIPT = '/usr/bin/script';

describe('the progress bar', () => {
  it.runIf(runsWith('script (util-linux)', existsSync(SCRIPT), 'bsdutils'))(
    'on a terminal: the share read, the rate and the time left, above the status block',
    () => {
      const command = `${process.execPath} dist/src/cli/main.js run --source csv:${csv} --rate 2000 --no-serve`;
      const out = execFileSync(SCRIPT, ['-qec', command, '/dev/null'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      // The redraws' cursor movements (ESC [ n F, ESC [ J) taken out.
      const lines = out
        .split(String.fromCharCode(27))
        .map((part, i) => (i === 0 ? part : part.replace(/^\[\d*[FJ]/, '')))
        .join('')
        .split(/\r?\n/);
      const bars = lines.filter((l) => l.includes('% of'));
      expect(bars.length).toBeGreaterThanOrEqual(1);
      for (const bar of bars) {
        expect(bar).toMatch(
          /^ {2}[█░]{30} +\d+% of .*replay\.csv · [\d,]+ samples\/s · +(\?|\d+s) left$/,
        );
        // The status block follows the bar.
        expect(lines[lines.indexOf(bar) + 1]).toBe(`streamprop — csv:${csv}`);
      }
      expect(lines.at(-2)).toMatch(/^streamprop: stopped after 4,000 samples: /);
    },
  );

  it('into a pipe: nothing of it', async () => {
    const cli = runCli(['run', '--source', `csv:${csv}`, '--rate', '4000', '--no-serve']);
    expect((await cli.exited).code).toBe(0);
    const text = cli.stdout.join('\n');
    expect(text).not.toMatch(/% of|█|░/);
    expect(text).not.toContain(String.fromCharCode(27));
    expect(cli.stdout.filter((l) => l.startsWith('samples ')).length).toBeGreaterThan(0);
  });

  it('in-process, on a standard output that is a terminal: the bar above the block, redrawn in place', async () => {
    const cli = runCli(
      ['run', '--source', `csv:${csv}`, '--rate', '2000', '--no-serve'],
      undefined,
      {
        isTTY: true,
      },
    );
    expect((await cli.exited).code).toBe(0);
    const text = cli.stdout.join('\n');
    expect(text).toContain(String.fromCharCode(27)); // redrawn in place
    const bars = text
      .split(String.fromCharCode(27))
      .map((part) => part.replace(/^\[\d*[FJ]/, ''))
      .join('')
      .split('\n')
      .filter((l) => l.includes('% of'));
    expect(bars.length).toBeGreaterThanOrEqual(1);
    for (const bar of bars) expect(bar).toMatch(/^ {2}[█░]{30} +\d+% of .*replay\.csv · /);
  });
});
