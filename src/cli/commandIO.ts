import type { StatusOutput } from './statusDisplay.js';

/**
 * What the `streamprop` command reads, writes and listens to: the process's standard streams
 * and signals when it runs as a program (see `main.ts`), or streams and a stop button of a
 * test's own when {@link commandLine} runs in the test's process.
 *
 * @example
 * ```ts
 * import type { CommandIO } from './commandIO.js';
 * const io: CommandIO = {
 *   stdin: process.stdin,
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   onInterrupt: (stop) => {
 *     process.once('SIGINT', stop);
 *     return () => process.off('SIGINT', stop);
 *   },
 * };
 * ```
 */
export interface CommandIO {
  /** Where `ndjson:-` (and `predict`'s default source) is read from. */
  readonly stdin: NodeJS.ReadableStream;
  /**
   * Figures and results. When it can emit `error` (a pipe whose reader went away: EPIPE), the
   * command stops as on Ctrl-C and writes nothing more to it.
   */
  readonly stdout: StatusOutput;
  /** Messages, warnings and the summary line. */
  readonly stderr: { write(text: string): unknown };
  /**
   * Calls `stop` when the user asks the command to stop (Ctrl-C, SIGTERM).
   *
   * @returns a function that stops listening.
   */
  onInterrupt(stop: () => void): () => void;
}
