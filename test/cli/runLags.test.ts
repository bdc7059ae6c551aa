// `streamprop run --lags K`: a series read as readings, windowed per key, forecast by the
// automatic learner; the summary's RMSE is in the series' units.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { rng } from '../../src/index.js';
import { tempFolder } from './cliFiles.js';
import { killAll, runCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

/** A seeded hourly series: a daily cycle and noise. */
function hourly(n: number): number[] {
  const random = rng(4);
  return Array.from(
    { length: n },
    (_, h) => 12 + 6 * Math.sin((2 * Math.PI * h) / 24) + 0.3 * random.normal(),
  );
}

const jsonLines = (lines: readonly string[]): Record<string, unknown>[] =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('streamprop run --lags', () => {
  it('forecasts a CSV column with the automatic learner, better than the same hour yesterday', async () => {
    const values = hourly(1500);
    const file = join(dir, 'hourly.csv');
    const start = Date.UTC(2024, 0, 1);
    writeFileSync(
      file,
      `time,temp\n${values.map((v, h) => `${new Date(start + h * 3_600_000).toISOString()},${v}`).join('\n')}\n`,
    );
    const cli = runCli([
      'run',
      '--source',
      `csv:${file}`,
      '--y',
      'temp',
      '--lags',
      '24',
      '--port',
      '0',
      '--json',
    ]);
    expect((await cli.exited).code).toBe(0);
    const lines = jsonLines(cli.stdout);
    const summary = lines.find((l) => l.type === 'summary') as { rmse: number; samples: number };
    expect(summary.samples).toBe(1500 - 24);
    let seasonal = 0;
    for (let h = 24; h < values.length; h++) seasonal += (values[h] - values[h - 24]) ** 2;
    expect(summary.rmse).toBeLessThan(Math.sqrt(seasonal / (values.length - 24)));
    const metrics = lines.filter((l) => l.type === 'metrics');
    const candidates = metrics.at(-1)?.candidates as { name: string; weight: number }[];
    expect(candidates.map((c) => c.name)).toContain('seasonal last value (24)');
    expect(candidates.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
  });

  it('reads NDJSON readings per key from standard input, counting the bad ones', async () => {
    const values = hourly(400);
    const lines = values.flatMap((v, i) => [
      JSON.stringify({ value: v, key: 'a' }),
      JSON.stringify({ value: v + 1, key: 'b' }),
      ...(i === 100 ? ['not json', JSON.stringify({ value: 'warm', key: 'a' })] : []),
    ]);
    const cli = runCli(
      ['run', '--source', 'ndjson:-', '--lags', '24', '--horizon', '2', '--port', '0', '--json'],
      `${lines.join('\n')}\n`,
    );
    expect((await cli.exited).code).toBe(0);
    const summary = jsonLines(cli.stdout).find((l) => l.type === 'summary') as {
      samples: number;
      rejected: number;
    };
    expect(summary.rejected).toBe(2);
    expect(summary.samples).toBe(2 * (400 - 25)); // learned; the 2 bad ones are counted apart
  });

  it('refuses --horizon without --lags, exit 2', async () => {
    const horizon = runCli(['run', '--horizon', '2', '--port', '0']);
    expect((await horizon.exited).code).toBe(2);
    expect(horizon.stderr.join('\n')).toMatch(/--horizon: needs --lags K/);
  });
});
