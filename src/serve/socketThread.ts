import { Worker } from 'node:worker_threads';
import type { Sample } from '../samples/sample.js';
import type { Batch, ErrorDescription, SocketServerConfig, ToMain } from './workerMessages.js';

/** How long the worker gets to close its clients and server before it is terminated, in ms. */
const CLOSE_TIMEOUT_MS = 5000;

/** What the learner's thread does with what the socket worker reports. */
export interface SocketThreadHandlers {
  /**
   * Samples that producer clients sent, in order, and the bytes of their frames — every one the
   * worker posts, also those that arrive while the thread is closing.
   */
  readonly onSamples: (samples: readonly Sample[], bytes: number) => void;
  /** The worker failed after it started (an uncaught error, or it stopped): the server is gone. */
  readonly onFailure: (error: Error) => void;
}

/**
 * @internal The learner's end of the socket worker: starts the worker thread on `file` (see
 * `socketWorkerFile`), resolves once it listens, posts it batches, hands its messages to the
 * handlers, and stops it. A worker that fails to start rejects {@link start} with its error (the
 * listen error, such as EADDRINUSE, keeps its `code`); one that fails later is reported once to
 * `onFailure`; {@link close} resolves once the thread has ended, terminating it if it does not
 * end by itself in time.
 */
export class SocketThread {
  /** Whether the thread has ended. */
  private ended = false;
  private closing = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly address: { readonly address: string; readonly family: string; readonly port: number },
    exited: Promise<void>,
  ) {
    this.exited = exited.then(() => {
      this.ended = true;
    });
  }

  /** Starts the worker; resolves once it listens. */
  static start(
    file: URL,
    config: SocketServerConfig,
    handlers: SocketThreadHandlers,
  ): Promise<SocketThread> {
    return new Promise<SocketThread>((resolve, reject) => {
      const worker = new Worker(file, { workerData: config });
      let thread: SocketThread | undefined;
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        if (thread === undefined) reject(error);
        else if (!thread.closing) handlers.onFailure(error);
      };
      const exited = new Promise<void>((done) => {
        worker.once('exit', (code) => {
          fail(
            new Error(
              `serve: the socket worker stopped unexpectedly (exit code ${code})${thread === undefined ? ' before listening' : ''}`,
            ),
          );
          done();
        });
      });
      worker.on('error', (error) =>
        fail(new Error(`serve: the socket worker failed: ${error.message}`, { cause: error })),
      );
      worker.on('message', (message: ToMain) => {
        switch (message.type) {
          case 'listening':
            thread = new SocketThread(worker, message, exited);
            resolve(thread);
            return;
          case 'failed':
            fail(rebuild(message.error));
            return;
          case 'samples':
            // Also while closing: the handler counts what it can no longer learn as dropped.
            if (thread !== undefined) handlers.onSamples(message.samples, message.bytes);
            return;
        }
      });
    });
  }

  /**
   * Posts a batch, copied. Nothing is ever transferred: the first ArrayBuffer detached in a
   * thread invalidates V8's "ArrayBufferDetaching" protector, which throws away every optimised
   * function that touches a typed array — the learner's whole hot path — and makes it slower
   * for good (about 20 % in `npm run bench:ws`). A batch is small; copying it costs less.
   */
  post(batch: Batch): void {
    if (this.ended || this.closing) return;
    this.worker.postMessage(batch);
  }

  /**
   * Asks the worker to close its clients and server; resolves once the thread has ended.
   *
   * @param timeoutMs How long the worker gets before it is terminated (default 5 s).
   */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (!this.closing && !this.ended) {
      this.closing = true;
      this.worker.postMessage({ type: 'close' });
      const timer = setTimeout(() => void this.worker.terminate(), timeoutMs);
      await this.exited;
      clearTimeout(timer);
      return;
    }
    this.closing = true;
    await this.exited;
  }
}

/** The error a worker described, as an Error of this thread (with its `code`, if any). */
function rebuild(description: ErrorDescription): Error {
  const error = new Error(description.message) as Error & { code?: string };
  error.name = description.name;
  if (description.code !== undefined) error.code = description.code;
  return error;
}
