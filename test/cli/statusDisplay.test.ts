import { describe, expect, it } from 'vitest';
import { StatusDisplay, type StatusFigures } from '../../src/cli/statusDisplay.js';

const figures: StatusFigures = {
  samples: 12345,
  samplesPerSecond: 499.6,
  rmse: 0.31234,
  mae: 0.2,
  learningRate: 0.001,
  rejected: 3,
  drifts: 1,
  checkpointAt: 10000,
};

function output(isTTY: boolean): { text: string[]; write(t: string): void; isTTY: boolean } {
  const text: string[] = [];
  return { text, write: (t) => text.push(t), isTTY };
}

describe('StatusDisplay', () => {
  it('on a terminal draws one block, then redraws it in place', () => {
    const out = output(true);
    const display = new StatusDisplay(out, 'streamprop — sensor — http://127.0.0.1:8080/');
    display.show(figures);
    display.show({ ...figures, samples: 12845, checkpointAt: undefined, rmse: Number.NaN });
    const [first, second] = out.text;
    expect(first.split('\n')).toEqual([
      'streamprop — sensor — http://127.0.0.1:8080/',
      '  samples      12,345  (500/s)',
      '  rolling RMSE 0.3123   MAE 0.2000',
      '  learning rate 0.00100',
      '  rejected     3   drifts 1',
      '  checkpoint   at sample 10,000',
      '',
    ]);
    expect(first.startsWith('\x1b')).toBe(false);
    // Up six lines to the block's first, clear to the end of the screen, draw again.
    expect(second.startsWith('\x1b[6F\x1b[J')).toBe(true);
    expect(second).toContain('  samples      12,845  (500/s)');
    expect(second).toContain('  rolling RMSE –   MAE 0.2000');
    expect(second).toContain('  checkpoint   none yet');
  });

  it('to a log writes one plain line per call, without escape codes', () => {
    const out = output(false);
    const display = new StatusDisplay(out, 'title');
    display.show(figures);
    display.show(figures);
    expect(out.text).toEqual([
      'samples 12,345  500/s  rmse 0.3123  mae 0.2000  lr 0.00100  rejected 3  drifts 1  checkpoint at sample 10,000\n',
      'samples 12,345  500/s  rmse 0.3123  mae 0.2000  lr 0.00100  rejected 3  drifts 1  checkpoint at sample 10,000\n',
    ]);
    expect(display.inPlace).toBe(false);
  });
});

describe('StatusDisplay with a progress line', () => {
  it('draws it above the block on a terminal, and not at all to a log', () => {
    const tty = output(true);
    const display = new StatusDisplay(tty, 'title');
    display.show(figures, '  ███░░ 60% of a.csv');
    display.show(figures, '  ████░ 80% of a.csv');
    expect(tty.text[0].split('\n')[0]).toBe('  ███░░ 60% of a.csv');
    expect(tty.text[0].split('\n')[1]).toBe('title');
    // Redrawn in place: back up over the seven lines drawn, progress line included.
    expect(tty.text[1].startsWith('\x1b[7F\x1b[J  ████░ 80% of a.csv\ntitle\n')).toBe(true);
    const log = output(false);
    new StatusDisplay(log, 'title').show(figures, '  ███░░ 60% of a.csv');
    expect(log.text.join('')).not.toContain('%');
  });
});
