/** What the status of a running learner shows. */
export interface StatusFigures {
  /** Samples seen since the learner started, resumed runs included. */
  readonly samples: number;
  readonly samplesPerSecond: number;
  /** Rolling root mean squared error, in the target's own units (NaN until one is scored). */
  readonly rmse: number;
  readonly mae: number;
  readonly learningRate: number;
  readonly rejected: number;
  readonly drifts: number;
  /** The sample count of the last checkpoint written, if any. */
  readonly checkpointAt: number | undefined;
}

/** Where a {@link StatusDisplay} writes: a terminal (updated in place) or a log (one line each). */
export interface StatusOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const figure = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toPrecision(digits) : '–';
const count = (value: number): string => value.toLocaleString('en');

/**
 * The status of a running learner: on a terminal, one block of lines redrawn in place; to a
 * pipe or a file, one line per {@link StatusDisplay.show} (the caller decides how often).
 *
 * @example
 * ```ts
 * import { StatusDisplay } from './statusDisplay.js';
 * const display = new StatusDisplay(process.stdout, 'sensor → http://127.0.0.1:8080/');
 * display.show({ samples: 1200, samplesPerSecond: 500, rmse: 0.31, mae: 0.24, learningRate: 0.001, rejected: 2, drifts: 0, checkpointAt: undefined });
 * ```
 */
export class StatusDisplay {
  private drawn = 0;

  constructor(
    private readonly out: StatusOutput,
    private readonly title: string,
  ) {}

  /** Whether the output is a terminal, where the block is redrawn in place. */
  get inPlace(): boolean {
    return this.out.isTTY === true;
  }

  /**
   * Shows `f`: redraws the block on a terminal, writes one line otherwise. `progress`, a line
   * such as a progress bar, is drawn above the block on a terminal only.
   */
  show(f: StatusFigures, progress?: string): void {
    const saved = f.checkpointAt === undefined ? 'none yet' : `at sample ${count(f.checkpointAt)}`;
    if (!this.inPlace) {
      this.out.write(
        `samples ${count(f.samples)}  ${count(Math.round(f.samplesPerSecond))}/s  rmse ${figure(f.rmse, 4)}  mae ${figure(f.mae, 4)}  lr ${figure(f.learningRate, 3)}  rejected ${count(f.rejected)}  drifts ${count(f.drifts)}  checkpoint ${saved}\n`,
      );
      return;
    }
    const lines = [
      ...(progress === undefined ? [] : [progress]),
      this.title,
      `  samples      ${count(f.samples)}  (${count(Math.round(f.samplesPerSecond))}/s)`,
      `  rolling RMSE ${figure(f.rmse, 4)}   MAE ${figure(f.mae, 4)}`,
      `  learning rate ${figure(f.learningRate, 3)}`,
      `  rejected     ${count(f.rejected)}   drifts ${count(f.drifts)}`,
      `  checkpoint   ${saved}`,
    ];
    // Back to the first line of the previous block, clear to the end of the screen, redraw.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    this.out.write(`${up}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
