// The parts of the command line's error handling, in-process: nearest names, leftovers,
// commander's own errors.
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { checkLeftoverArguments } from '../../src/cli/leftoverArguments.js';
import { didYouMean, nearestName } from '../../src/cli/nearestName.js';
import { UsageError } from '../../src/cli/usageError.js';
import { usageErrorOf } from '../../src/cli/usageErrorOf.js';

describe('nearestName', () => {
  it('finds the closest name, case ignored, and nothing when none is close', () => {
    expect(nearestName('--layer', ['--lr', '--layers', '--limit'])).toBe('--layers');
    expect(nearestName('adma', ['sgd', 'adam', 'adagrad'])).toBe('adam');
    expect(nearestName('RMSprop', ['sgd', 'rmsprop'])).toBe('rmsprop');
    expect(nearestName('foo', ['sgd', 'adam'])).toBeUndefined();
    expect(nearestName('frobnicate', ['run', 'predict'])).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
    expect(nearestName('cvs', ['ndjson', 'csv'])).toBe('csv');
  });

  it('didYouMean words the hint, or gives nothing', () => {
    expect(didYouMean('prdict', ['run', 'predict'])).toBe('; did you mean predict?');
    expect(didYouMean('zzz', ['run', 'predict'])).toBe('');
  });
});

/** A command like run: unknown options and stray words let through. */
function command(): Command {
  return new Command('run')
    .exitOverride()
    .allowUnknownOption()
    .allowExcessArguments()
    .option('--layers <sizes>')
    .option('--port <n>')
    .action(() => {});
}

function problemOf(args: string[], implicit = false): string[] {
  const run = command();
  run.parse(args, { from: 'user' });
  try {
    checkLeftoverArguments(run, { implicit, commandNames: ['run', 'predict'] });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).lines();
  }
  return [];
}

describe('checkLeftoverArguments', () => {
  it('lets a clean command line through', () => {
    expect(problemOf(['--layers', '3', '--port', '0'])).toEqual([]);
  });

  it('names an unknown option and the nearest known one', () => {
    expect(problemOf(['--layer', '3'])).toEqual([
      'streamprop run: --layer: unknown option; did you mean --layers?',
    ]);
    expect(problemOf(['--layers=3', '--bogus=1'])).toEqual([
      'streamprop run: --bogus: unknown option; streamprop run --help lists the options',
    ]);
  });

  it('says when an option took the next flag for its value', () => {
    expect(problemOf(['--layers', '--port', '0'])).toEqual([
      'streamprop run: --layers: needs a value (got the option --port)',
    ]);
  });

  it('calls a stray word an unknown command when the command was implied', () => {
    expect(problemOf(['prdict'], true)).toEqual([
      'streamprop: unknown command "prdict": the commands are run, predict; did you mean predict?',
    ]);
    expect(problemOf(['frobnicate'], true)).toEqual([
      'streamprop: unknown command "frobnicate": the commands are run, predict; streamprop --help describes them',
    ]);
    expect(problemOf(['frobnicate'], false)).toEqual([
      'streamprop run: unexpected argument "frobnicate": options are given as --name value (streamprop run --help)',
    ]);
  });
});

describe('usageErrorOf', () => {
  it("rewrites commander's errors as one line naming the flag", () => {
    const missing = new CommanderError(
      1,
      'commander.optionMissingArgument',
      "error: option '--layers <sizes>' argument missing",
    );
    expect(usageErrorOf(missing, 'run')?.lines()).toEqual([
      'streamprop run: --layers: needs a value',
    ]);
    const required = new CommanderError(
      1,
      'commander.missingMandatoryOptionValue',
      "error: required option '--model <path>' not specified",
    );
    expect(usageErrorOf(required, 'predict')?.lines()).toEqual([
      'streamprop predict: --model: is required',
    ]);
    const other = new CommanderError(1, 'commander.error', 'error: something else\nsecond line');
    expect(usageErrorOf(other, undefined)?.lines()).toEqual(['streamprop: something else']);
  });

  it('is no error for --help and --version', () => {
    expect(usageErrorOf(new CommanderError(0, 'commander.version', '0.1.0'), undefined)).toBe(
      undefined,
    );
  });
});
