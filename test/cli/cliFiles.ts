// Files the command tests run on: a temporary folder per test file, CSV files of a known
// relation (y = 2·a − b + small noise), what a checkpoint records about them, and the JSON
// lines of --json output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new temporary folder and the function that removes it (for afterAll). */
export function tempFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes `dir/name`: a header `time,a,b,y` and `n` records, y = 2·a − b + small noise; the
 * records listed in `bad` (by 0-based index) are replaced by that text. Returns the path.
 */
export function writeCsv(
  dir: string,
  name: string,
  n: number,
  bad: ReadonlyMap<number, string> = new Map(),
): string {
  const lines = ['time,a,b,y'];
  let state = 7;
  const noise = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.7);
    const b = Math.cos(i * 2.3);
    const y = 2 * a - b + 0.05 * noise();
    lines.push(bad.get(i) ?? `${1_700_000_000_000 + i * 1000},${a},${b},${y}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** What a checkpoint records about a CSV file written by {@link writeCsv}. */
export const csvRecord = (path: string) => ({
  kind: 'csv',
  path,
  x: ['a', 'b'],
  y: 'y',
  t: 'time',
  delimiter: ',',
});

/** A `--json` metrics line. */
export interface MetricsLine {
  type: 'metrics';
  samples: number;
  rmse: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  total: { rmse: number };
}

/** The `--json` summary line. */
export interface SummaryLine {
  type: 'summary';
  samples: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  rmse: number | null;
  mae: number | null;
  records: number;
  total: number;
  checkpointsWritten: number;
  checkpointsFailed: number;
  exitStatus: number;
}

const jsonLines = (lines: string[]): { type: string }[] =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string });

/** The metrics lines of `--json` output. */
export const metricsOf = (lines: string[]): MetricsLine[] =>
  jsonLines(lines).filter((m): m is MetricsLine => m.type === 'metrics');

/** The summary line of `--json` output (the last line). */
export const summaryOf = (lines: string[]): SummaryLine | undefined =>
  jsonLines(lines).find((m): m is SummaryLine => m.type === 'summary');
