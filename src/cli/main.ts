#!/usr/bin/env node
import { Command, Option } from 'commander';
import { runPredict } from './predictCommand.js';
import { startRun } from './runCommand.js';
import { ACTIVATION_NAMES, OPTIMIZER_NAMES, parseRunOptions } from './runOptions.js';
import { SOURCE_FORMS } from './sourceSpec.js';

/** Exit status for options that are wrong (commander's own usage errors exit 1). */
const BAD_OPTIONS = 2;

const program = new Command()
  .name('streamprop')
  .description('Online back-propagation networks on RxJS streams')
  .showHelpAfterError();

program
  .command('run', { isDefault: true })
  .description(
    'learn online from a feed, serve the live dashboard, checkpoint as it goes (Ctrl-C: final checkpoint, exit)',
  )
  .option('--source <source>', `where samples come from: ${SOURCE_FORMS}`, 'sensor')
  .option('--layers <sizes>', 'hidden layer sizes, comma-separated (default: 32,16)')
  .addOption(
    new Option('--activation <name>', 'activation of the hidden layers (default: tanh)').choices(
      ACTIVATION_NAMES,
    ),
  )
  .addOption(
    new Option(
      '--optimizer <name>',
      "optimizer (default: train()'s default, rmsprop at 0.001 with decay 0.999)",
    ).choices(OPTIMIZER_NAMES),
  )
  .option('--lr <rate>', "learning rate (default: the optimizer's own; 0.001 for the default)")
  .option('--adaptive', 'adapt the learning rate with a bold driver', false)
  .option('--window <n>', 'samples in the rolling metrics window', '500')
  .option('--rate <n>', 'samples per second (synthetic feeds: 500; files: as fast as possible)')
  .option('--host <host>', 'address the dashboard listens on', '127.0.0.1')
  .option('--port <n>', 'port of the dashboard (0: any free one)', '8080')
  .option('--token <t>', 'require this token from dashboard and WebSocket clients')
  .option('--checkpoint <path>', 'write checkpoints to this file (and PATH.1)')
  .option('--checkpoint-every <n>', 'samples between checkpoints', '10000')
  .option('--checkpoint-seconds <s>', 'seconds between checkpoints', '30')
  .option('--resume', 'continue from the newest valid checkpoint', false)
  .option('--seed <n>', 'seed of the network and of the synthetic feeds', '1')
  .option(
    '--x <columns>',
    'CSV input columns, comma-separated (default: the numeric ones but the last)',
  )
  .option('--y <column>', 'CSV target column (default: the last numeric one)')
  .option('--limit <n>', 'stop after this many samples')
  .option('--json', 'NDJSON metrics on standard output instead of the status display', false)
  .action(async (raw: Record<string, unknown>) => {
    const options = parseRunOptions(raw);
    if (Array.isArray(options)) {
      for (const problem of options) process.stderr.write(`streamprop run: ${problem}\n`);
      process.exit(BAD_OPTIONS);
    }
    const run = await startRun(options, { stdout: process.stdout, stderr: process.stderr });
    const stop = (): void => run.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const summary = await run.done;
    const line = `stopped after ${summary.samples.toLocaleString('en')} samples${options.checkpoint === undefined ? '' : `; ${summary.checkpoints} checkpoint(s) written to ${options.checkpoint}`}\n`;
    (options.json ? process.stderr : process.stdout).write(line);
    process.exit(0);
  });

program
  .command('predict')
  .description('predict with a saved model: NDJSON samples on stdin, NDJSON predictions on stdout')
  .requiredOption('--model <path>', 'a model file or a checkpoint of streamprop run')
  .action(async (options: { model: string }) => {
    await runPredict(options.model, { stdin: process.stdin, stdout: process.stdout });
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`streamprop: ${(error as Error).message}\n`);
  process.exit(1);
}
