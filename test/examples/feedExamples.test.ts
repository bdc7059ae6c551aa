// Smoke tests of the examples built on the synthetic feeds: each runs as a user runs it
// (compiled, importing the package by name) and prints what it promises. `npm test` builds
// dist/ before vitest runs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function run(name: string): string {
  const file = `dist/examples/${name}.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
}

function parse<T>(line: string, pattern: RegExp, read: (m: RegExpExecArray) => T): T {
  const match = pattern.exec(line);
  if (match === null) throw new Error(`unexpected line: ${line}`);
  return read(match);
}

describe('feed examples', () => {
  it('sensorForecast: the network beats the naive forecast, and its error falls', () => {
    const lines = run('sensorForecast').trim().split('\n');
    expect(lines).toHaveLength(11);
    const blocks = lines
      .slice(0, 10)
      .map((line) =>
        parse(
          line,
          /^samples\s+(\d+)\s+RMSE network (\S+) °C\s+naive (\S+) °C\s+ratio (\S+)$/,
          (m) => ({ samples: Number(m[1]), network: Number(m[2]), naive: Number(m[3]) }),
        ),
      );
    expect(blocks.map((b) => b.samples)).toEqual(
      Array.from({ length: 10 }, (_, i) => 2000 * (i + 1)),
    );
    for (const b of blocks.slice(1)) expect(b.network).toBeLessThan(b.naive);
    expect(blocks[9].network).toBeLessThan(blocks[0].network);
    const summary = parse(
      lines[10],
      /^last 10000 samples: network (\S+) °C, naive (\S+) °C \((\d+) % lower\)$/,
      (m) => ({ network: Number(m[1]), naive: Number(m[2]) }),
    );
    expect(summary.network).toBeLessThan(0.9 * summary.naive);
  });

  it('salesPerStore: every store has its own model, and each beats the same day last week', () => {
    const lines = run('salesPerStore').trim().split('\n');
    expect(lines).toHaveLength(12);
    const rows = lines.map((line) =>
      parse(
        line,
        /^(store-\d)\s+year (\d)\s+mean sales\s+(\d+)\s+RMSE network\s+(\S+)\s+same day last week\s+(\S+)\s+ratio (\S+)$/,
        (m) => ({ key: m[1], year: Number(m[2]), network: Number(m[4]), naive: Number(m[5]) }),
      ),
    );
    for (const key of ['store-1', 'store-2', 'store-3']) {
      const mine = rows.filter((r) => r.key === key);
      expect(mine.map((r) => r.year)).toEqual([1, 2, 3, 4]);
      for (const r of mine) expect(r.network).toBeLessThan(r.naive);
      for (const r of mine.slice(1)) expect(r.network).toBeLessThan(0.85 * r.naive);
    }
  });

  it('customOperator: the flagger finds the labelled anomalies, and little else', () => {
    const out = run('customOperator');
    expect(out).toContain('first flags:');
    const labelled = parse(out, /of \d+: (\d+) labelled anomalies, (\d+) abrupt drifts/, (m) =>
      Number(m[1]),
    );
    const [flagged, caught, atDrift, other] = parse(
      out,
      /flagged (\d+): (\d+) labelled anomalies, (\d+) just after an abrupt drift, (\d+) unlabelled/,
      (m) => [1, 2, 3, 4].map((i) => Number(m[i])),
    );
    expect(labelled).toBeGreaterThan(20);
    expect(caught + atDrift + other).toBe(flagged);
    expect(caught / labelled).toBeGreaterThanOrEqual(0.9); // recall
    expect(other / flagged).toBeLessThanOrEqual(0.1); // false alarms, drifts aside
  });
});
