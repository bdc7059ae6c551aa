import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';

const exec = promisify(execFile);

describe('streamprop demo', () => {
  it('learns live and reports a falling error', async () => {
    const lines: string[] = [];
    const { first, last } = await runDemo({
      seconds: 2.5,
      rate: 400,
      seed: 1,
      write: (l) => lines.push(l),
    });
    expect(lines[0]).toMatch(/^streamprop demo: a 8-16\(tanh\)-1\(linear\) network/);
    expect(lines.filter((l) => /^\s+\d\.\ds/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(last).toBeLessThan(first / 5);
    expect(lines[lines.length - 1]).toMatch(/^learned from [\d,]+ samples: mean loss/);
  });

  it('runs as the installed command and exits 0', async () => {
    const { stdout } = await exec(process.execPath, [
      'dist/src/cli/main.js',
      '--seconds',
      '1.5',
      '--rate',
      '300',
    ]);
    expect(stdout).toMatch(/learned from [\d,]+ samples/);
  });

  it('rejects a bad option with a clear message and a non-zero exit', async () => {
    const failure = exec(process.execPath, ['dist/src/cli/main.js', '--rate', 'fast']);
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /option '--rate <n>' argument 'fast' is invalid\. must be a number > 0/,
      ),
    });
  });
});
