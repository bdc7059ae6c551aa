import type { Command } from 'commander';
import { didYouMean } from './nearestName.js';
import { UsageError } from './usageError.js';

/** What {@link checkLeftoverArguments} needs to know about how the command was called. */
export interface CalledAs {
  /** Whether the command name was left out (the default command, `run`, was chosen). */
  readonly implicit: boolean;
  /** The names of every command, for "did you mean …?" when a word is not one of them. */
  readonly commandNames: readonly string[];
}

/**
 * Refuses what commander left over after parsing `command` (which allows unknown options and
 * excess arguments so that they arrive here, whole): an unknown option gives `--layer: unknown
 * option; did you mean --layers?`; an option that took the next flag for its value gives
 * `--layers: needs a value (got the option --port)`; a word given where the default command
 * was implied is an unknown command (`unknown command "prdict": the commands are run,
 * predict; did you mean predict?`); any other word is an unexpected argument.
 *
 * @throws UsageError naming the first option or word at fault.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { checkLeftoverArguments } from './leftoverArguments.js';
 * const run = new Command('run').allowUnknownOption().allowExcessArguments().option('--layers <sizes>');
 * run.parse(['--layer', '3'], { from: 'user' });
 * checkLeftoverArguments(run, { implicit: false, commandNames: ['run'] }); // throws: --layer: unknown option; did you mean --layers?
 * ```
 */
export function checkLeftoverArguments(command: Command, calledAs: CalledAs): void {
  const name = command.name();
  const known = command.options.flatMap((o) => (o.long === undefined ? [] : [o.long]));
  // `--layers --port 0`: commander took `--port` for the value of `--layers`.
  for (const option of command.options) {
    const value = command.getOptionValue(option.attributeName()) as unknown;
    if (typeof value === 'string' && option.long !== undefined && known.includes(value)) {
      throw new UsageError(name, [`${option.long}: needs a value (got the option ${value})`]);
    }
  }
  const leftovers = command.args.slice(command.registeredArguments.length);
  if (leftovers.length === 0) return;
  const word = leftovers[0];
  if (calledAs.implicit && !word.startsWith('-')) {
    // `streamprop prdict --model m.json`: the word meant a command.
    const names = calledAs.commandNames;
    const hint = didYouMean(word, names) || '; streamprop --help describes them';
    throw new UsageError(undefined, [
      `unknown command "${word}": the commands are ${names.join(', ')}${hint}`,
    ]);
  }
  const option = leftovers.find((arg) => arg.length > 1 && arg.startsWith('-'));
  if (option !== undefined) {
    const flag = option.split('=')[0];
    const hint =
      didYouMean(flag, [...known, '--help']) || `; streamprop ${name} --help lists the options`;
    throw new UsageError(name, [`${flag}: unknown option${hint}`]);
  }
  throw new UsageError(name, [
    `unexpected argument "${leftovers.find((arg) => !arg.startsWith('-')) ?? word}": options are given as --name value (streamprop ${name} --help)`,
  ]);
}
