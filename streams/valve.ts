import { checkMethods, checkObject } from '../src/checks/argumentChecks.js';

/**
 * A valve between a consumer and the source it reads: the consumer closes it when it cannot
 * keep up (its queue is full) and opens it again once it has caught up; a source given the
 * valve emits nothing while it is closed and goes on where it was once it opens. This is how
 * back-pressure reaches an RxJS source, which has no way of its own to be asked for less: the
 * file replays (`fromCsv`, `fromNdjson`: their input is then not read further, so a file of any
 * size takes bounded memory) and the synthetic feeds (`sensorFeed`, `salesFeed`) take one
 * (`valve` option), and `appendTo` works one.
 *
 * @example
 * ```ts
 * import { valve } from 'streamprop/streams';
 * const v = valve();
 * v.close();
 * v.whenOpen(() => console.log('go on'));
 * v.open(); // 'go on', in a microtask
 * ```
 */
export interface Valve {
  /** Whether the source may emit now. */
  readonly isOpen: boolean;
  /** Stops the source (it finishes the sample it is emitting). */
  close(): void;
  /** Lets the source go on: every `whenOpen` callback waiting runs, in a microtask each. */
  open(): void;
  /**
   * Calls `resume` once when the valve opens (in a microtask; at once if it is open). Returns
   * a function that cancels the call (for a source unsubscribed meanwhile).
   */
  whenOpen(resume: () => void): () => void;
}

/**
 * A new {@link Valve}, open.
 *
 * @example
 * ```ts
 * import { sensorFeed, valve } from 'streamprop/streams';
 * import { appendTo, memoryLog } from 'streamprop/fleet';
 * const v = valve();
 * sensorFeed({ rate: 0, limit: 1_000_000, valve: v }).pipe(appendTo(memoryLog(), { valve: v })).subscribe();
 * ```
 */
export function valve(): Valve {
  let open = true;
  let waiting = new Set<() => void>();
  return {
    get isOpen() {
      return open;
    },
    close() {
      open = false;
    },
    open() {
      open = true;
      const resumes = waiting;
      waiting = new Set();
      for (const resume of resumes) queueMicrotask(resume);
    },
    whenOpen(resume) {
      let cancelled = false;
      const run = (): void => {
        if (!cancelled) resume();
      };
      if (open) queueMicrotask(run);
      else waiting.add(run);
      return () => {
        cancelled = true;
        waiting.delete(run);
      };
    },
  };
}

/**
 * @internal The `valve` option of `owner`: `undefined`, or an object with the methods of a
 * {@link Valve} (else the library's TypeError naming the one missing).
 */
export function valveOption(owner: string, value: unknown): Valve | undefined {
  if (value === undefined) return undefined;
  const v = checkObject<Valve>(owner, 'valve', value, 'a Valve (valve())');
  checkMethods(owner, 'valve', v, ['close', 'open', 'whenOpen']);
  return v;
}
