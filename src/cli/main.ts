#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './demo.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

const program = new Command()
  .name('streamprop')
  .description('Online back-propagation networks on RxJS streams');

program
  .command('demo', { isDefault: true })
  .description('learn a noisy sine wave live and print how the error falls')
  .option('--seconds <n>', 'how long to learn', positiveNumber, 15)
  .option('--rate <n>', 'samples per second', positiveNumber, 500)
  .option('--seed <n>', 'seed of the network and the feed', integer, 1)
  .action(async (options: { seconds: number; rate: number; seed: number }) => {
    await runDemo(options);
  });

await program.parseAsync();
