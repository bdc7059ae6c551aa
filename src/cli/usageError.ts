/**
 * A mistake in how the command was called — an unknown command or option, a missing or bad
 * option value. `main` prints each of its `problems` as one line, `streamprop <command>:
 * <problem>`, and exits with status 2 (never a stack trace, never the whole usage).
 *
 * @example
 * ```ts
 * import { UsageError } from './usageError.js';
 * throw new UsageError('run', ['--layer: unknown option; did you mean --layers?']);
 * ```
 */
export class UsageError extends Error {
  /** The exit status of bad usage. */
  static readonly EXIT_STATUS = 2;

  /**
   * @param command The subcommand the problems belong to (`undefined`: the program itself).
   * @param problems One line each, each naming the flag or the word at fault.
   */
  constructor(
    readonly command: string | undefined,
    readonly problems: readonly string[],
  ) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }

  /** The lines to print: `streamprop run: --layer: unknown option; did you mean --layers?`. */
  lines(): string[] {
    const prefix = this.command === undefined ? 'streamprop' : `streamprop ${this.command}`;
    return this.problems.map((problem) => `${prefix}: ${problem}`);
  }
}
