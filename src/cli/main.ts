#!/usr/bin/env node
// The `streamprop` program: the command line (commandLine) on this process's standard streams
// and signals, ending with the status it returns.
import type { CommandIO } from './commandIO.js';
import { commandLine } from './commandLine.js';

process.stderr.on('error', () => {}); // nowhere left to say anything

const io: CommandIO = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt: (stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
  },
};

process.exit(await commandLine(process.argv.slice(2), io));
