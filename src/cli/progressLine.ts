import cliProgress from 'cli-progress';

/** How far a file source has been read. */
export interface ReadProgress {
  /** Bytes read so far. */
  readonly read: number;
  /** Bytes in the file. */
  readonly total: number;
}

const BAR_SIZE = 30;
const barOptions = {
  format: '  {bar} {percentage}% of {name} · {rate} samples/s · {eta_formatted} left',
  barsize: BAR_SIZE,
  barCompleteString: '█'.repeat(BAR_SIZE),
  barIncompleteString: '░'.repeat(BAR_SIZE),
  barGlue: '',
  autopadding: true,
  autopaddingChar: ' ',
};

/**
 * The progress line of a file replay on a terminal, drawn by cli-progress's formatter: the
 * share of the file read as a bar and a percentage, the samples per second, and the time left
 * at the pace of the bytes read since the first line (`?` until there is one), such as
 * `  ███████░░░░░░░░  42% of data.csv · 12,400 samples/s · 1m05s left`.
 *
 * @example
 * ```ts
 * import { ProgressLine } from './progressLine.js';
 * const progress = new ProgressLine('data.csv', Date.now());
 * console.log(progress.line({ read: 4_200_000, total: 10_000_000 }, 12_400, Date.now()));
 * ```
 */
export class ProgressLine {
  private first: { readonly at: number; readonly read: number } | undefined = undefined;

  /**
   * @param name The file's name, as the line shows it.
   * @param startedAt When the replay started (ms since the epoch).
   */
  constructor(
    private readonly name: string,
    private readonly startedAt: number,
  ) {}

  /** The line for `progress` at `now`, the samples per second being `rate`. */
  line(progress: ReadProgress, rate: number, now: number): string {
    const { read, total } = progress;
    const share = total > 0 ? Math.min(1, read / total) : 1;
    // The pace is measured from the first look on, so that records skipped at a resume (parsed
    // only) do not count as read at the pace of learning.
    this.first ??= { at: now, read };
    const seconds = (now - this.first.at) / 1000;
    const pace = seconds > 0 ? (read - this.first.read) / seconds : 0;
    const eta = pace > 0 ? Math.round((total - read) / pace) : Number.NaN;
    const text = cliProgress.Format.Formatter(
      { ...barOptions, formatTime: Number.isFinite(eta) ? undefined : () => '?' },
      {
        progress: share,
        eta,
        startTime: this.startedAt,
        stopTime: null,
        total,
        value: read,
        maxWidth: 200,
      },
      { name: this.name, rate: Math.round(rate).toLocaleString('en') },
    );
    return text;
  }
}
