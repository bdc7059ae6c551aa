import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../src/cli/progressLine.js';

describe('ProgressLine', () => {
  it('shows the share read as a bar and a percentage, the rate, and the time left at the pace so far', () => {
    const progress = new ProgressLine('data.csv', 0);
    const total = 1_000_000;
    // The first line has no pace yet: the time left is unknown.
    expect(progress.line({ read: 100_000, total }, 5000, 1000)).toBe(
      `  ${'█'.repeat(3)}${'░'.repeat(27)}  10% of data.csv · 5,000 samples/s · ? left`,
    );
    // 200,000 bytes in 2 s since: 100,000 B/s, 700,000 left: 7 s.
    expect(progress.line({ read: 300_000, total }, 5000, 3000)).toBe(
      `  ${'█'.repeat(9)}${'░'.repeat(21)}  30% of data.csv · 5,000 samples/s ·  7s left`,
    );
    expect(progress.line({ read: total, total }, 4999.6, 10_000)).toBe(
      `  ${'█'.repeat(30)} 100% of data.csv · 5,000 samples/s ·  0s left`,
    );
  });

  it('minutes and hours for long replays; an empty file is done', () => {
    const progress = new ProgressLine('big.csv', 0);
    progress.line({ read: 0, total: 10_000_000 }, 0, 0);
    expect(progress.line({ read: 1000, total: 10_000_000 }, 100, 1000)).toMatch(
      / {2}0% of big\.csv · 100 samples\/s · {2}2h45m left$/,
    );
    expect(new ProgressLine('empty.csv', 0).line({ read: 0, total: 0 }, 0, 0)).toMatch(
      /100% of empty\.csv/,
    );
  });
});
