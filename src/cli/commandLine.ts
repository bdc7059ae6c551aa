import { Command, CommanderError } from 'commander';
import type { CommandIO } from './commandIO.js';
import { ingestCommand } from './ingestCommand.js';
import { checkLeftoverArguments } from './leftoverArguments.js';
import { packageVersion } from './packageVersion.js';
import { runPredict } from './predictCommand.js';
import { PREDICT_FORMATS, parsePredictOptions } from './predictOptions.js';
import { startRun } from './runCommand.js';
import {
  ACTIVATION_NAMES,
  MAX_RECORD_BYTES,
  OPTIMIZER_NAMES,
  parseRunOptions,
} from './runOptions.js';
import { summaryJson, summaryLine } from './runSummary.js';
import { serveCommand } from './serveCommand.js';
import { dashboardOptions } from './serveFlags.js';
import { SOURCE_FORMS } from './sourceSpec.js';
import { statusCommand } from './statusCommand.js';
import { UsageError } from './usageError.js';
import { usageErrorOf } from './usageErrorOf.js';
import { workerCommand } from './workerCommand.js';

// Every mistake on the command line is one line naming the flag or word at fault, with the
// nearest valid name when one is close, and exit status 2: commander's own errors are thrown
// (exitOverride) and rewritten by usageErrorOf; unknown options and stray words are let through
// to checkLeftoverArguments, which names them; option values are checked by zod
// (parseRunOptions).

/** The command `streamprop` alone runs. */
const DEFAULT_COMMAND = 'run';

/** A subcommand that lets unknown options and stray words through to checkLeftoverArguments. */
class StrictCommand extends Command {
  override createCommand(name?: string): Command {
    return new StrictCommand(name).allowUnknownOption().allowExcessArguments();
  }
}

/**
 * The `streamprop` command: parses `argv` (the words after the program's name), runs the
 * command they name on `io`, and resolves with the exit status — 0 on success, 1 when the
 * command failed, 2 for a mistake on the command line (one line on `io.stderr`). It never
 * exits the process and never throws: `main.ts` runs it on the process's streams and exits
 * with its status; the tests run it in their own process.
 *
 * When `io.stdout` is closed by its reader (`streamprop … | head`: a write fails with EPIPE),
 * `run` stops as on Ctrl-C (final checkpoint, summary), and any other command ends at once
 * with status 0.
 *
 * @example
 * ```ts
 * import { commandLine } from './commandLine.js';
 * const status = await commandLine(['--version'], {
 *   stdin: process.stdin,
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   onInterrupt: () => () => {},
 * }); // prints the version; 0
 * ```
 */
export async function commandLine(argv: readonly string[], io: CommandIO): Promise<number> {
  let status = 0;
  let endEarly: (status: number) => void = () => {};
  const endedEarly = new Promise<number>((resolve) => {
    endEarly = resolve;
  });
  let onOutputClosed = (): void => endEarly(0);
  let outputClosed = false;
  const closed = (): void => {
    if (outputClosed) return;
    outputClosed = true;
    onOutputClosed();
  };
  const events = io.stdout as Partial<Pick<NodeJS.EventEmitter, 'on' | 'off'>>;
  events.on?.('error', closed);

  /** Whether the command name was left out, so that `run` was chosen. */
  const implicit = argv[0] !== DEFAULT_COMMAND;
  const program = new StrictCommand()
    .name('streamprop')
    .description('Online back-propagation networks on RxJS streams')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .exitOverride()
    .allowExcessArguments() // inherited by the commands: checkLeftoverArguments names the words
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {}, // printed below, as one line
    })
    .addHelpText(
      'after',
      `\nWithout a command, streamprop runs \`run\`: \`streamprop --port 0\` is \`streamprop run --port 0\`.\n\`streamprop <command> --help\` lists the options of a command.`,
    );
  const commandNames = (): string[] => program.commands.map((c) => c.name());
  program.hook('preAction', (_program, command) =>
    checkLeftoverArguments(command, {
      implicit: implicit && command.name() === DEFAULT_COMMAND,
      commandNames: commandNames(),
    }),
  );

  const run = program
    .command(DEFAULT_COMMAND, { isDefault: true })
    .description(
      'learn online from a feed, serve the live dashboard, checkpoint as it goes (the default command)',
    )
    .option('--source <source>', `where samples come from: ${SOURCE_FORMS}`, 'sensor')
    .option('--layers <sizes>', 'hidden layer sizes, comma-separated (default: 32,16)')
    .option(
      '--activation <name>',
      `activation of the hidden layers: ${ACTIVATION_NAMES.join(', ')} (default: tanh)`,
    )
    .option(
      '--optimizer <name>',
      `optimizer: ${OPTIMIZER_NAMES.join(', ')} (default: train()'s default, rmsprop at 0.001 with decay 0.999)`,
    )
    .option('--lr <rate>', "learning rate (default: the optimizer's own; 0.001 for the default)")
    .option('--adaptive', 'adapt the learning rate with a bold driver', false)
    .option('--window <n>', 'samples in the rolling metrics window', '500')
    .option('--rate <n>', 'samples per second (synthetic feeds: 500; files: as fast as possible)')
    .option(
      '--serve',
      'serve the dashboard; for a file, keep it up after the last sample until Ctrl-C',
    )
    .option('--no-serve', 'no dashboard (the default for a file or standard input)');
  for (const option of dashboardOptions()) run.addOption(option);
  run
    .option(
      '--checkpoint <path>',
      'write checkpoints to this file (and PATH.1); Ctrl-C writes the last',
    )
    .option('--checkpoint-every <n>', 'samples between checkpoints', '10000')
    .option('--checkpoint-seconds <s>', 'seconds between checkpoints', '30')
    .option('--resume', 'continue from the newest valid checkpoint', false)
    .option('--seed <n>', 'seed of the network and of the synthetic feeds', '1')
    .option(
      '--x <columns>',
      'CSV input columns, comma-separated (default: the numeric ones but the last)',
    )
    .option('--y <column>', 'CSV target column (default: the last numeric one)')
    .option(
      '--delimiter <char>',
      'CSV field delimiter: , ; | or tab (default: found in the header line)',
    )
    .option('--no-header', 'the CSV file has no header row: its columns are c1, c2, …')
    .option('--limit <n>', 'stop after this many samples')
    .option(
      '--lags <k>',
      'forecast a series: windows of its last K values (--y, or NDJSON/MQTT readings { "value", "t"?, "key"? }); with no model flags, the automatic learner',
    )
    .option('--horizon <h>', 'with --lags: forecast H steps ahead (default 1)')
    .option(
      '--max-record-bytes <n>',
      'longest CSV record or NDJSON line; longer ones are rejected as tooLarge, never held whole',
      String(MAX_RECORD_BYTES),
    )
    .option('--json', 'NDJSON metrics on standard output instead of the status display', false)
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseRunOptions(raw);
      if (Array.isArray(options)) throw new UsageError(DEFAULT_COMMAND, options);
      const say = (line: string): void => {
        (options.json ? io.stderr : io.stdout).write(`${line}\n`);
      };
      if (implicit)
        say(
          'streamprop: no command given: running `streamprop run` (streamprop --help lists the commands)',
        );
      const given = ['port', 'host', 'token'].filter(
        (name) => command.getOptionValueSource(name) === 'cli',
      );
      const run = await startRun(options, io, given);
      const stop = (): void => run.stop();
      onOutputClosed = stop;
      if (outputClosed) stop();
      const stopListening = io.onInterrupt(stop);
      const summary = await run.done;
      stopListening();
      for (const problem of summary.problems) io.stderr.write(`streamprop: ${problem}\n`);
      io.stderr.write(`${summaryLine(summary)}\n`);
      if (options.json && !outputClosed) io.stdout.write(`${summaryJson(summary)}\n`);
      status = summary.exitStatus;
    });

  program
    .command('predict')
    .description(
      'predict with a saved model, learning nothing: samples in (NDJSON on stdin by default), one prediction per sample out',
    )
    .option('--model <path>', 'a model file or a checkpoint of streamprop run (required)')
    .option('--source <source>', 'csv:FILE, ndjson:FILE or ndjson:- (standard input)', 'ndjson:-')
    .option('--format <format>', `what to write: ${PREDICT_FORMATS.join(', ')}`, 'ndjson')
    .option(
      '--x <columns>',
      'CSV input columns, comma-separated (default: those the checkpoint of a CSV run records)',
    )
    .option(
      '--delimiter <char>',
      'CSV field delimiter: , ; | or tab (default: found in the header)',
    )
    .option('--no-header', 'the CSV file has no header row: its columns are c1, c2, …')
    .action(async (raw: Record<string, unknown>) => {
      const options = parsePredictOptions(raw);
      if (Array.isArray(options)) throw new UsageError('predict', options);
      await runPredict(options, io);
    });

  // The fleet's commands (key-sharded learners on Redis), each in a file of its own.
  const ended = (code: number): void => {
    status = code;
  };
  ingestCommand(program, io, ended);
  workerCommand(program, io, ended);
  statusCommand(program, io);
  serveCommand(program, io);

  /** The subcommand named on the command line, for the prefix of a parser error. */
  const commandOf = (args: readonly string[]): string | undefined => {
    const first = args.find((arg) => !arg.startsWith('-'));
    if (first !== undefined && commandNames().includes(first)) return first;
    return args.includes('--help') || args.includes('-h') || args.includes('-v')
      ? undefined
      : DEFAULT_COMMAND;
  };

  const parsed = program.parseAsync([...argv], { from: 'user' }).then(
    () => status,
    (error: unknown) => {
      const usage =
        error instanceof UsageError
          ? error
          : error instanceof CommanderError
            ? usageErrorOf(error, commandOf(argv))
            : undefined;
      if (usage !== undefined) {
        for (const line of usage.lines()) io.stderr.write(`${line}\n`);
        return UsageError.EXIT_STATUS;
      }
      if (error instanceof CommanderError) return error.exitCode; // --help, --version
      io.stderr.write(`streamprop: ${(error as Error).message}\n`);
      return 1;
    },
  );
  try {
    return await Promise.race([parsed, endedEarly]);
  } finally {
    events.off?.('error', closed);
  }
}
