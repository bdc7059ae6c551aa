import type { Subscriber, TeardownLogic } from 'rxjs';
import type { Valve } from './valve.js';

/** How often a paced feed wakes up, in milliseconds. */
const TICK_MS = 20;
/** How far behind its schedule a paced feed may fall before it gives up catching up, in ms. */
const MAX_BEHIND_MS = 250;

/**
 * @internal Drives a synthetic feed for one subscription: calls `emit` (which calls
 * `subscriber.next` once) until `limit` samples were emitted, then completes.
 *
 * - `rate` 0: as fast as the subscriber takes them, synchronously, checking `subscriber.closed`
 *   before each sample so that an unsubscribe (a `take(n)` downstream) stops it at once.
 * - `rate` > 0: a timer wakes every 20 ms and emits the samples due by then, counted from a
 *   fixed origin, so the rate does not drift with the timer's jitter. When the process falls
 *   more than a quarter of a second behind (a busy subscriber, a blocked event loop), the
 *   backlog beyond that is forgiven instead of being emitted in one burst: a burst is at most
 *   `rate / 4 + rate / 50` samples, and the long-run rate is then lower than asked.
 * - `valve` (optional): nothing is emitted while it is closed; at rate 0 the feed goes on when
 *   it opens, at a `rate` the samples due meanwhile are forgiven as above.
 *
 * Returns the teardown that stops the timer.
 *
 * @example
 * ```ts
 * import { Observable } from 'rxjs';
 * import { emitPaced } from './emitPaced.js';
 * const counter = new Observable<number>((subscriber) => {
 *   let n = 0;
 *   return emitPaced(subscriber, 10, 5, () => subscriber.next(n++)); // 0 … 4, ten a second
 * });
 * ```
 */
export function emitPaced(
  subscriber: Pick<Subscriber<unknown>, 'closed' | 'complete'>,
  rate: number,
  limit: number,
  emit: () => void,
  valve?: Valve,
): TeardownLogic {
  let emitted = 0;
  const once = (): void => {
    emit();
    emitted++;
    if (emitted >= limit) subscriber.complete();
  };
  if (limit <= 0) {
    subscriber.complete();
    return undefined;
  }
  if (rate === 0) {
    if (valve === undefined) {
      while (!subscriber.closed) once();
      return undefined;
    }
    let cancel = (): void => {};
    const run = (): void => {
      while (!subscriber.closed && valve.isOpen) once();
      if (!subscriber.closed) cancel = valve.whenOpen(run);
    };
    run();
    return () => cancel();
  }
  const maxBacklog = Math.max(1, Math.ceil((rate * MAX_BEHIND_MS) / 1000));
  let origin = Date.now();
  let base = 0; // samples due at `origin`
  const timer = setInterval(() => {
    const now = Date.now();
    let due = base + Math.floor(((now - origin) * rate) / 1000);
    if (due - emitted > maxBacklog) {
      base = emitted + maxBacklog;
      origin = now;
      due = base;
    }
    while (emitted < due && !subscriber.closed && (valve === undefined || valve.isOpen)) once();
  }, TICK_MS);
  return () => clearInterval(timer);
}
