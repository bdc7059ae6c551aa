import type { CommanderError } from 'commander';
import { UsageError } from './usageError.js';

/**
 * The one-line usage error of an error commander raised while parsing (its messages, like
 * `error: option '--layers <sizes>' argument missing`, become `--layers: needs a value`);
 * `undefined` for commander's exits that are no error (`--help`, `--version`).
 *
 * @param command The subcommand being parsed (`undefined`: the program itself).
 *
 * @example
 * ```ts
 * import { CommanderError } from 'commander';
 * import { usageErrorOf } from './usageErrorOf.js';
 * const error = new CommanderError(1, 'commander.optionMissingArgument', "error: option '--layers <sizes>' argument missing");
 * usageErrorOf(error, 'run')?.lines(); // ['streamprop run: --layers: needs a value']
 * ```
 */
export function usageErrorOf(
  error: CommanderError,
  command: string | undefined,
): UsageError | undefined {
  if (error.exitCode === 0) return undefined; // help or version shown
  const flag = /'(--?[\w-]+)/.exec(error.message)?.[1];
  const text = error.message.replace(/^error: /, '').split('\n')[0];
  switch (error.code) {
    case 'commander.optionMissingArgument':
      return new UsageError(command, [`${flag ?? text}: needs a value`]);
    case 'commander.missingMandatoryOptionValue':
      return new UsageError(command, [`${flag ?? text}: is required`]);
    default:
      return new UsageError(command, [text]);
  }
}
