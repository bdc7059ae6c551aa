// The streamprop command, two ways: in this test's own process (runCli: commandLine on streams
// of the test's, so that coverage sees the command's code), or as a user runs it — the compiled
// dist/src/cli/main.js in a child process (startCli; `npm test` builds dist/ before vitest
// runs), for what only a process shows: signals such as SIGKILL, a terminal, the bin itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { commandLine } from '../../src/cli/commandLine.js';

const MAIN = 'dist/src/cli/main.js';

/** A running `streamprop` and what it has written so far. */
export interface CliRun {
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first line (of stdout or stderr) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the command has ended (`signal`: the signal that killed the process). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the command has ended. */
  readonly hasExited: () => boolean;
  /** Sends Ctrl-C (`SIGINT`) or `SIGTERM`. */
  interrupt(signal?: 'SIGINT' | 'SIGTERM'): void;
  /** The id of the process that runs the command (this one, for {@link runCli}). */
  readonly pid: number;
}

/** A `streamprop` in a child process. */
export interface CliProcess extends CliRun {
  readonly child: ChildProcess;
}

/** Line by line: every line into `into`, and to the waiters whose pattern it matches. */
function lineCollector(stdout: string[], stderr: string[], exited: Promise<unknown>) {
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer | string) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        into.push(line);
        for (const w of [...waiters]) {
          if (w.pattern.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    };
  };
  const waitFor = (pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const seen = [...stdout, ...stderr].find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      void exited.then(() => {
        // Lines written just before the end have been collected by now.
        setImmediate(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(
            new Error(
              `ended before a line matching ${pattern}; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
        });
      });
    });
  };
  return { toStdout: collect(stdout), toStderr: collect(stderr), waitFor };
}

const running = new Set<ChildProcess>();
const interruptible = new Set<CliRun>();

/**
 * Runs `streamprop …args` in this process (commandLine); `input`, when given, is its standard
 * input (an empty one otherwise).
 *
 * @param stdout What its standard output is: a pipe (the default) or a terminal (`isTTY`).
 */
export function runCli(
  args: readonly string[],
  input?: string,
  stdout: { readonly isTTY?: boolean } = {},
): CliRun & { readonly output: EventEmitter & { write(text: string): boolean } } {
  const out: string[] = [];
  const err: string[] = [];
  let settle: (value: { code: number; signal: null }) => void = () => {};
  const exited = new Promise<{ code: number; signal: null }>((resolve) => {
    settle = resolve;
  });
  const lines = lineCollector(out, err, exited);
  const output = Object.assign(new EventEmitter(), {
    isTTY: stdout.isTTY,
    write: (text: string): boolean => {
      lines.toStdout(text);
      return true;
    },
  });
  const handlers = new Set<() => void>();
  let ended = false;
  const run: CliRun & { output: typeof output } = {
    stdout: out,
    stderr: err,
    waitFor: lines.waitFor,
    exited,
    hasExited: () => ended,
    interrupt: () => {
      for (const stop of [...handlers]) stop();
    },
    pid: process.pid,
    output,
  };
  interruptible.add(run);
  void commandLine(args, {
    stdin: Readable.from(input === undefined ? [] : [input]),
    stdout: output,
    stderr: {
      write: (text: string) => {
        lines.toStderr(text);
        return true;
      },
    },
    onInterrupt: (stop) => {
      handlers.add(stop);
      return () => handlers.delete(stop);
    },
  }).then((code) => {
    ended = true;
    interruptible.delete(run);
    settle({ code, signal: null });
  });
  return run;
}

/** Starts `streamprop …args` in a child process; `input`, when given, is written to its stdin, which is then closed. */
export function startCli(args: readonly string[], input?: string): CliProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      ended = true;
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const lines = lineCollector(stdout, stderr, exited);
  child.stdout?.on('data', lines.toStdout);
  child.stderr?.on('data', lines.toStderr);
  if (input === undefined) child.stdin?.end();
  else child.stdin?.end(input);
  return {
    child,
    stdout,
    stderr,
    waitFor: lines.waitFor,
    exited,
    hasExited: () => ended,
    interrupt: (signal = 'SIGINT') => child.kill(signal),
    pid: child.pid ?? 0,
  };
}

/** Stops every command a test left running, and waits for those of this process (for afterEach). */
export async function killAll(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  const left = [...interruptible];
  for (const run of left) {
    run.interrupt();
    run.interrupt(); // a second Ctrl-C closes a dashboard kept up after the end
  }
  await Promise.all(left.map((run) => run.exited));
}
